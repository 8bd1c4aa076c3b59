"""Sign-ins for `leadtui serve`, and the rule that a rep in a browser
changes only their own leads.

Users, their one-time sign-in links and their browser sessions live in the
database (schema_users.py), so every leadtui on the file agrees on them.
Tokens are made here and only their SHA-256 is stored.

The rule is kept by the database itself: on SQLite, a repository opened
with `own_leads_only` adds TEMP triggers to each write transaction's
connection, which refuse changing, journaling against or deleting a lead
that someone else owns; on PostgreSQL, triggers in the schema do the same
in a transaction that names its rep (pg/users.py). Every write goes through
a transaction, so no path around the rule is left for a screen or command
to forget.
"""

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from leadtui.domain.clock import Clock, from_iso, to_iso
from leadtui.domain.errors import InvalidInput, NotAllowed
from leadtui.domain.users import LINK_LIFETIME, SESSION_LIFETIME, Role, User, check_user_name
from leadtui.repository.engine import SQLITE, Engine
from leadtui.repository.web_identity import digest

# The lead columns a person changes (the score's own columns are left out:
# rescoring a teammate's lead as time passes is no change of theirs).
GUARDED_COLUMNS = (
    "name", "email", "phone", "company", "title", "source", "owner", "stage", "value_cents",
    "lost_reason", "notes", "stage_entered_at", "last_touch_at", "temperature_pinned",
    "follow_up_at", "lifecycle", "fit", "expected_close", "snoozed_until", "version",
    "updated_at",
)  # fmt: skip
_REFUSED = "leadtui: a lead owned by someone else"
# The leads the guards let pass for a while: those a rep's undo gives back
# (hand_back.py), listed by it and emptied after.
HANDED_BACK = "temp.leadtui_handed_back"


def _user(row: tuple[str, str, str, int, int]) -> User:
    name, role, created_at, pending, sessions = row
    return User(name, Role(role), from_iso(created_at), bool(pending), sessions)


_USER_SELECT = (
    "SELECT u.name, u.role, u.created_at, u.link_hash IS NOT NULL AND u.link_expires_at > :now,"
    " (SELECT count(*) FROM web_sessions s WHERE s.user_name = u.name AND s.seen_at > :alive)"
    " FROM users u"
)


class UsersStore:
    """The users table's reads and writes (Repository.users), on either engine."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine, self._clock = engine, clock

    def _times(self) -> dict[str, str]:
        now = self._clock()
        return {"now": to_iso(now), "alive": to_iso(now - SESSION_LIFETIME)}

    def add(self, name: str, role: Role) -> str:
        """A new user; returns the one-time token of their sign-in link."""
        name = check_user_name(name)
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._engine.transaction() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchone():
                raise InvalidInput(
                    f"user {name!r} exists; 'leadtui user link {name}' makes a new link"
                )
            db.execute(
                "INSERT INTO users (name, role, created_at, link_hash, link_expires_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [name, role.value, to_iso(now), digest(token), to_iso(now + LINK_LIFETIME)],
            )
        return token

    def new_link(self, name: str) -> str:
        """A fresh one-time sign-in link for an existing user (a new browser,
        a lost cookie); any earlier unused link stops working."""
        name = check_user_name(name)
        token = secrets.token_urlsafe(32)
        expires = to_iso(self._clock() + LINK_LIFETIME)
        with self._engine.transaction() as db:
            cursor = db.execute(
                "UPDATE users SET link_hash = ?, link_expires_at = ? WHERE name = ?",
                [digest(token), expires, name],
            )
            if not cursor.rowcount:
                raise InvalidInput(f"no user {name!r} (leadtui user list)")
        return token

    def remove(self, name: str) -> int:
        """Delete the user, their link and every session they have; returns
        how many leads they still own (left theirs: an owner is a name on a
        lead, not a sign-in)."""
        name = check_user_name(name)
        with self._engine.transaction() as db:
            if not db.execute("DELETE FROM users WHERE name = ?", [name]).rowcount:
                raise InvalidInput(f"no user {name!r} (leadtui user list)")
            # Case aside, as an --owner matches (user names are lower case).
            row = db.execute("SELECT count(*) FROM leads WHERE lower(owner) = ?", [name])
            return int(row.fetchone()[0])

    def set_role(self, name: str, role: Role) -> Role:
        """Make the user a rep or a manager; returns the role they had."""
        name = check_user_name(name)
        with self._engine.transaction() as db:
            row = db.execute("SELECT role FROM users WHERE name = ?", [name]).fetchone()
            if row is None:
                raise InvalidInput(f"no user {name!r} (leadtui user list)")
            db.execute("UPDATE users SET role = ? WHERE name = ?", [role.value, name])
        return Role(row[0])

    def all(self) -> list[User]:
        with self._engine.connect() as db:
            rows = db.execute(f"{_USER_SELECT} ORDER BY u.name", self._times()).fetchall()
        return [_user(row) for row in rows]

    def get(self, name: str) -> User | None:
        with self._engine.connect() as db:
            row = db.execute(
                f"{_USER_SELECT} WHERE u.name = :name", {**self._times(), "name": name}
            )
            found = row.fetchone()
        return _user(found) if found else None

    def link_user(self, token: str) -> User | None:
        """Who a sign-in link is for, if it is still good (nothing is used up)."""
        with self._engine.connect() as db:
            row = db.execute(
                f"{_USER_SELECT} WHERE u.link_hash = :hash AND u.link_expires_at > :now",
                {**self._times(), "hash": digest(token)},
            ).fetchone()
        return _user(row) if row else None

    def redeem_link(self, token: str) -> tuple[str, User] | None:
        """Use a sign-in link up: returns a new session's id (for the cookie)
        and its user, or None when the link is unknown, used or expired."""
        session = secrets.token_urlsafe(32)
        times = self._times()
        with self._engine.transaction() as db:
            row = db.execute(
                "SELECT name FROM users WHERE link_hash = ? AND link_expires_at > ?",
                [digest(token), times["now"]],
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE users SET link_hash = NULL, link_expires_at = NULL WHERE name = ?", row
            )
            db.execute("DELETE FROM web_sessions WHERE seen_at <= ?", [times["alive"]])
            db.execute(
                "INSERT INTO web_sessions (id_hash, user_name, created_at, seen_at)"
                " VALUES (?, ?, ?, ?)",
                [digest(session), row[0], times["now"], times["now"]],
            )
        user = self.get(row[0])
        return (session, user) if user else None

    def session_user(self, session: str, *, touch: bool = False) -> User | None:
        """The user a browser session belongs to, if it is alive; `touch`
        records that it was seen now (it then lives SESSION_LIFETIME more)."""
        times = self._times()
        with self._engine.connect() as db:
            row = db.execute(
                f"{_USER_SELECT} JOIN web_sessions w ON w.user_name = u.name"
                " WHERE w.id_hash = :hash AND w.seen_at > :alive",
                {**times, "hash": digest(session)},
            ).fetchone()
            if row and touch:
                db.execute(
                    "UPDATE web_sessions SET seen_at = ? WHERE id_hash = ?",
                    [times["now"], digest(session)],
                )
        return _user(row) if row else None

    def end_session(self, session: str) -> None:
        with self._engine.transaction() as db:
            db.execute("DELETE FROM web_sessions WHERE id_hash = ?", [digest(session)])

    def theme(self, name: str) -> str | None:
        with self._engine.connect() as db:
            row = db.execute("SELECT theme FROM users WHERE name = ?", [name]).fetchone()
        return row[0] if row else None

    def set_theme(self, name: str, theme: str) -> None:
        with self._engine.transaction() as db:
            db.execute("UPDATE users SET theme = ? WHERE name = ?", [theme, name])


def _guard_statements(refused: str) -> list[str]:
    """TEMP triggers for one connection: `refused` names the SQL function
    that notes which lead was refused, before RAISE aborts the statement."""
    others = (
        "(coalesce({0}, '') != '' AND lower({0}) != lower(leadtui_actor())"
        f" AND {{1}} NOT IN (SELECT id FROM {HANDED_BACK}))"
    )
    columns = ", ".join(GUARDED_COLUMNS)
    owner_now = "(SELECT owner FROM main.leads WHERE id = NEW.lead_id)"
    return [
        f"CREATE TEMP TABLE {HANDED_BACK.removeprefix('temp.')} (id INTEGER PRIMARY KEY)",
        f"CREATE TEMP TRIGGER guard_update BEFORE UPDATE OF {columns} ON main.leads"
        f" WHEN {others.format('OLD.owner', 'OLD.id')}"
        f" BEGIN SELECT {refused}(OLD.id, OLD.owner); SELECT RAISE(ABORT, '{_REFUSED}'); END",
        f"CREATE TEMP TRIGGER guard_delete BEFORE DELETE ON main.leads"
        f" WHEN {others.format('OLD.owner', 'OLD.id')}"
        f" BEGIN SELECT {refused}(OLD.id, OLD.owner); SELECT RAISE(ABORT, '{_REFUSED}'); END",
        # Every change to a lead is journaled: tags, BANT, custom fields and
        # touches too, which live outside the leads row.
        "CREATE TEMP TRIGGER guard_journal BEFORE INSERT ON main.journal"
        f" WHEN {others.format(owner_now, 'NEW.lead_id')}"
        f" BEGIN SELECT {refused}(NEW.lead_id, {owner_now});"
        f" SELECT RAISE(ABORT, '{_REFUSED}'); END",
    ]


@contextmanager
def own_leads_transaction(engine: Engine, actor: str) -> Iterator[Any]:
    """A write transaction in which changing a lead someone else owns raises
    NotAllowed (and, like any error, rolls the whole transaction back)."""
    if engine.dialect is not SQLITE:
        from leadtui.repository.pg.users import own_leads_only

        with engine.transaction() as db, own_leads_only(db, actor) as guarded:
            yield guarded
        return
    refused: list[tuple[int, str]] = []

    def note(lead_id: int, owner: str) -> None:
        refused.append((lead_id, owner))

    with engine.transaction() as db:
        db.conn.create_function("leadtui_actor", 0, lambda: actor, deterministic=True)
        db.conn.create_function("leadtui_refused", 2, note)
        for statement in _guard_statements("leadtui_refused"):
            db.execute(statement)
        try:
            yield db
        except sqlite3.IntegrityError as error:
            if _REFUSED not in str(error) or not refused:
                raise
            lead_id, owner = refused[-1]
            raise NotAllowed(
                f"#{lead_id} is {owner}'s lead: a rep changes only their own leads"
                " and unassigned ones"
            ) from None
