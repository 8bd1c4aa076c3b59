"""Who signs in to `leadtui serve`: a name, a role, and what the role sees
by default. Pure.

A rep's default view is their own leads plus the ones nobody owns yet
(`mine`); a manager's is everyone's. In a browser a rep also may not change
another rep's leads: the repository refuses those writes (users_store.py).
"""

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from leadtui.domain.errors import InvalidInput
from leadtui.domain.filters import LeadFilter

# Like an OS account name: it is what the journal records as the actor.
_NAME = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")


class Role(StrEnum):
    REP = "rep"
    MANAGER = "manager"


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


def default_view(role: Role) -> LeadFilter:
    """What the inbox and the board show at start: for a rep, `mine`."""
    return LeadFilter(mine=True) if role is Role.REP else LeadFilter()
