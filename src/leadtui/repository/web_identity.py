"""Who a browser session is, read with plain sqlite3 (no sqlite-utils, no
pydantic): the app `leadtui serve` spawns learns its user here before its
first paint, from the session id the server put in its environment. The
quick start in a terminal learns here too whether its OS account is a
user, and which role it has."""

import hashlib
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from leadtui.domain.clock import to_iso
from leadtui.domain.users import SESSION_LIFETIME, Identity, Role
from leadtui.repository.actor import current_actor


def digest(token: str) -> str:
    """What is stored of a link token or a session id: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def signed_in(path: Path, session: str, now: datetime) -> tuple[Identity, str | None] | None:
    """The session's user as an Identity, and the theme they last chose; None
    for no session, an ended or expired one, or a file that cannot say."""
    if not session:
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            row = db.execute(
                "SELECT u.name, u.role, u.theme FROM web_sessions w"
                " JOIN users u ON u.name = w.user_name WHERE w.id_hash = ? AND w.seen_at > ?",
                [digest(session), to_iso(now - SESSION_LIFETIME)],
            ).fetchone()
    except sqlite3.Error:
        return None
    if row is None:
        return None
    name, role, theme = row
    return Identity.browser(name, Role(role)), theme


def terminal_user(path: Path) -> Identity | None:
    """The OS account running leadtui as a user of the file, if `leadtui
    user add` made it one; None otherwise, or for a file that cannot say."""
    name = current_actor()
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            row = db.execute("SELECT role FROM users WHERE name = ?", [name]).fetchone()
    except sqlite3.Error:
        return None
    known = {role.value for role in Role}
    return Identity.terminal(name, Role(row[0])) if row and row[0] in known else None
