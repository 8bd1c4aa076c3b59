"""The inbox's first page straight from the file, before the rest of leadtui
is imported: plain sqlite3, read-only, no models (pydantic), no sqlite-utils.

`leadtui` with no command shows this page while the repository opens in a
thread (tui/start.py). It is the very page the inbox shows next (the same
query as Repository.leads_in_stage(NEW, order="score", awake_at=now); a
test holds them equal), so the swap to the real inbox changes no row.

Only a file that needs nothing done to it qualifies: it exists, can be
written (the app will write to it), is leadtui's (application_id) and at this
version's schema. Anything else returns None, and the app starts the long
way, where opening the file says what is wrong or migrates it.
"""

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from leadtui.domain.clock import from_iso, to_iso
from leadtui.domain.currency import DEFAULT_CURRENCY
from leadtui.domain.sanitize import clean_line
from leadtui.repository.schema import APPLICATION_ID, SCHEMA_VERSION

PAGE_SIZE = 100  # the inbox's own page size (tui/inbox.py)
_ROWS = """
    SELECT id, name, company, source, temperature, score, win_chance, created_at,
           owner, value_cents,
           coalesce(currency, (SELECT value FROM settings WHERE key = 'currency'), '{default}')
      FROM leads
     WHERE stage = 'new' AND (snoozed_until IS NULL OR snoozed_until <= :now){mine}
     ORDER BY score DESC, id DESC
     LIMIT :limit
"""
# A rep's default view (LeadFilter(mine=True)): their leads and unassigned ones.
_MINE = " AND (owner IS NULL OR owner = '' OR lower(owner) = lower(:me))"


@dataclass(frozen=True)
class QuickRow:
    id: int
    name: str
    company: str | None
    source: str
    temperature: str
    score: int
    win_chance: int
    created_at: datetime
    owner: str | None = None
    value_cents: int = 0
    currency: str = DEFAULT_CURRENCY  # the lead's own, else the team's (as Lead's)


def usable(path: Path) -> bool:
    """The file (and its directory, for the WAL files) can be written."""
    return path.is_file() and os.access(path, os.R_OK | os.W_OK) and os.access(path.parent, os.W_OK)


def read_first_page(
    path: Path, now: datetime, limit: int = PAGE_SIZE, *, mine: str | None = None
) -> list[QuickRow] | None:
    """The first inbox page (with `mine`, a rep's view: that user's leads and
    unassigned ones), or None when the file is not one to open without
    checks (see the module's docstring). The untriaged count is left to the
    thread that opens the repository: at a million leads it is a scan of the
    New leads' index, some milliseconds the first paint need not wait for."""
    if not usable(path):
        return None
    try:
        # mode=ro: this read never creates, migrates or locks anything.
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as db:
            (application_id,) = db.execute("PRAGMA application_id").fetchone()
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if application_id != APPLICATION_ID or version != SCHEMA_VERSION:
                return None
            args = {"now": to_iso(now), "limit": limit, "me": mine}
            sql = _ROWS.format(mine=_MINE if mine else "", default=DEFAULT_CURRENCY)
            rows = db.execute(sql, args).fetchall()
    except sqlite3.Error:
        return None  # corrupt, locked, not a database: the long way says which
    try:
        return [_quick_row(*row) for row in rows]
    except ValueError:
        return None  # a date another program wrote unreadable: the long way names it


def _quick_row(
    lead_id: int, name: str | None, company: str | None, source: str, temperature: str,
    score: int, win_chance: int, created_at: str, owner: str | None, value_cents: int,
    currency: str,
) -> QuickRow:  # fmt: skip
    # Cleaned as the models clean what they read: a row written by another
    # program must not reach the terminal with its control characters.
    return QuickRow(
        lead_id, clean_line(name or ""), clean_line(company) if company else None, source,
        temperature, score, win_chance, from_iso(created_at),
        clean_line(owner) if owner else None, value_cents or 0, currency,
    )  # fmt: skip
