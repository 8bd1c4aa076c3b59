"""Who signs in to `leadtui serve`: a name, a role, and what the role sees
by default. Pure.

A rep's default view is their own leads plus the ones nobody owns yet
(`mine`); a manager's is everyone's. In a browser a rep also may not change
another rep's leads: the repository refuses those writes (users_store.py).
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from leadtui.domain.errors import InvalidInput, NotAllowed

if TYPE_CHECKING:  # imported when used: the first paint reads identities without pydantic
    from leadtui.domain.filters import LeadFilter

# A browser tab's session id, as its app read it from the server (launch.py),
# kept in the app's own environment for the CLI's way in (cli/root.py).
ENV_SESSION = "LEADTUI_SERVE_SESSION"
# A sign-in link is good for this long, once.
LINK_LIFETIME = timedelta(days=7)
# A browser stays signed in this long after it was last seen.
SESSION_LIFETIME = timedelta(days=30)
# Like an OS account name: it is what the journal records as the actor.
_NAME = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")


class Role(StrEnum):
    REP = "rep"
    MANAGER = "manager"


def managers_only(own_leads_only: bool, what: str) -> None:
    """The team's figures (spend, the win-chance model) are a manager's to
    change: a rep kept to their own leads (a browser's rep) is refused,
    before anything is written."""
    if own_leads_only:
        raise NotAllowed(f"{what} is a manager's change: a rep changes only their own leads")


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    created_at: datetime
    link_pending: bool = False  # a sign-in link was issued and not used yet
    sessions: int = 0  # browsers signed in now


@dataclass(frozen=True)
class Identity:
    """Who a running leadtui acts as: the OS account over SSH, the signed-in
    user in a browser. `own_leads_only` makes the repository refuse writes to
    leads someone else owns."""

    name: str
    role: Role = Role.MANAGER
    own_leads_only: bool = False
    signed_in: bool = False  # in a browser, through `leadtui serve`

    @classmethod
    def browser(cls, name: str, role: Role) -> "Identity":
        """A signed-in browser user: a rep changes only their own leads."""
        return cls(name, role, own_leads_only=role is Role.REP, signed_in=True)

    @classmethod
    def terminal(cls, name: str, role: Role) -> "Identity":
        """An OS account that is also a user (`leadtui user add`): a rep starts
        on their own leads, as in a browser. Nothing is refused: over SSH
        whoever can write the file can do anything to it, so a rule here
        would only look like one."""
        return cls(name, role)


def check_user_name(text: str) -> str:
    """A user's name as stored: lower case, 1-32 of a-z 0-9 _ . - (starting
    with a letter or _), as OS account names are."""
    name = text.strip().lower()
    if not _NAME.match(name):
        raise InvalidInput(
            f"user name {text[:40]!r}: use 1-32 letters, digits, '.', '_' or '-',"
            " starting with a letter"
        )
    return name


def default_view(role: Role) -> "LeadFilter":
    """What the inbox and the board show at start: for a rep, `mine`."""
    from leadtui.domain.filters import LeadFilter

    return LeadFilter(mine=True) if role is Role.REP else LeadFilter()
