"""Noticing other processes' commits, for live refresh, and reading what
they changed: the leads named by the journal lines written since the last
look, so that a console updates the rows and cards those leads touch
instead of re-reading its whole screen for every teammate's write."""

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Lead, Stage
from leadtui.repository.connection import readable_errors
from leadtui.repository.read_only import ReadOnly, sqlite_connection
from leadtui.repository.rows import LEAD_SELECT, lead_from_row

if TYPE_CHECKING:  # core imports the engine, which imports this module
    from leadtui.repository.core import Journaled

# More leads than this changed at once (an import, a bulk move): the
# screen is re-read whole, which costs less than updating row by row.
MAX_CHANGED = 200
# Marked leads looked up this many ids a statement (SQLite's oldest limit
# on a statement's parameters is 999).
MARKS_A_READ = 900
# Journal fields whose change can move a lead between the board's columns
# or change a column's totals.
TOTALS_FIELDS = frozenset({"stage", "value", "owner", "currency"})


@dataclass(frozen=True)
class Changes:
    """What other processes committed since the last look. `whole`: a change
    the journal does not name (a rescore, a merge, settings) or too many
    leads: re-read everything shown. Else the leads the new journal lines
    name: as they are now (`leads`; one missing is gone), which of them the
    filter in effect lets through (`passing`), and the fields the lines
    changed."""

    whole: bool
    ids: frozenset[int] = frozenset()
    leads: dict[int, Lead] = field(default_factory=dict)
    passing: frozenset[int] = frozenset()
    fields: frozenset[str] = frozenset()

    @property
    def moves_totals(self) -> bool:
        """Whether a column's count or value may have changed."""
        return bool(self.fields & TOTALS_FIELDS)


class Executes(Protocol):
    """A connection of either engine: SQLite's, or pg/connection.py's."""

    def execute(self, sql: str, params: Any, /) -> Any: ...


def last_line(conn: Executes) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM journal", []).fetchone()[0])


def journal_changes(
    conn: Executes, after: int, only: LeadFilter, me: str, now: datetime
) -> tuple[Changes, int]:
    """What the journal lines after line `after` changed, and the line read
    up to (both engines' watchers: only how they notice a commit differs)."""
    rows = conn.execute(
        "SELECT j.id, j.lead_id, j.field, a.kind FROM journal j"
        " LEFT JOIN actions a ON a.id = j.group_id WHERE j.id > ? ORDER BY j.id LIMIT ?",
        [after, MAX_CHANGED * 4 + 1],
    ).fetchall()
    if not rows:
        # A rescore, settings: nothing names a lead. Or a restore: the
        # journal now ends below `after`, and the lines written next would
        # each be skipped (the screen re-read whole) until ids passed it.
        return Changes(whole=True), min(after, last_line(conn))
    ids = frozenset(row[1] for row in rows)
    final = any(row[3] == "final" for row in rows)  # a merge deleted a lead
    if final or len(ids) > MAX_CHANGED or len(rows) > MAX_CHANGED * 4:
        return Changes(whole=True), last_line(conn)
    marks = ", ".join("?" * len(ids))
    leads = {
        lead.id: lead
        for lead in map(
            lead_from_row, conn.execute(f"{LEAD_SELECT} WHERE id IN ({marks})", list(ids))
        )
    }
    where, params = only.sql(now, me)
    passing = frozenset(
        row[0]
        for row in conn.execute(
            f"SELECT id FROM leads WHERE id IN ({marks}){where}", [*ids, *params]
        )
    )
    changed = Changes(False, ids, leads, passing, frozenset(row[2] for row in rows))
    return changed, rows[-1][0]


def left_since_seen(
    repo: "Journaled", seen: Sequence[tuple[int, Stage | None]], only: LeadFilter | None = None
) -> list[int]:
    """Which of the leads, each seen in a stage (marked for a bulk move),
    have left it since: gone, or moved on by a teammate. For the changes
    live refresh cannot name (a teammate's bulk move of thousands), and for
    a bulk move refused because one of them had moved. With `only`, also
    those that filter leaves out: the rep changed the filter, and a mark
    the list no longer shows would be moved unseen."""
    where, params = only.sql(repo.clock(), repo.actor) if only else ("", [])
    left: list[int] = []
    with repo._connection() as db:
        for start in range(0, len(seen), MARKS_A_READ):
            chunk = dict(seen[start : start + MARKS_A_READ])
            marks = ", ".join("?" * len(chunk))
            rows = db.execute(
                f"SELECT id, stage FROM leads WHERE id IN ({marks}){where}", [*chunk, *params]
            )
            now = dict(rows.fetchall())
            left += [
                lead_id
                for lead_id, stage in chunk.items()
                if lead_id not in now or (stage is not None and now[lead_id] != stage.value)
            ]
    return left


class ChangeWatcher:
    """Notices commits made by any other connection (another rep's leadtui,
    a CLI command, cron), through PRAGMA data_version on one long-lived
    connection. Cheap: it reads the WAL index, never the tables, and with no
    busy timeout it never waits for a lock. Safe to call from short-lived
    worker threads: one call at a time, and a call that finds another under
    way returns nothing at once instead of waiting."""

    def __init__(self, path: Path, read_only: ReadOnly | None = None) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._conn = sqlite_connection(path, read_only)
        self._version = self._read()
        self._line = self._last_line()

    def _read(self) -> int:
        with readable_errors(self._path):
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _last_line(self) -> int:
        with readable_errors(self._path):
            return last_line(self._conn)

    def changed(self) -> bool:
        """True once for each batch of outside commits since the last call
        (which the caller re-reads whole: what they changed is seen)."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            version = self._read()
            if version == self._version:
                return False
            self._version = version
            self._line = self._last_line()
            return True
        finally:
            self._lock.release()

    def changes(self, only: LeadFilter, me: str, now: datetime) -> Changes | None:
        """What outside commits changed since the last call, or None if
        nothing was committed (`only`, `me`, `now`: the filter in effect,
        who `mine` means, and the time it is read at)."""
        if not self._lock.acquire(blocking=False):
            return None
        try:
            version = self._read()
            if version == self._version:
                return None
            self._version = version
            return self._changes(only, me, now)
        finally:
            self._lock.release()

    def _changes(self, only: LeadFilter, me: str, now: datetime) -> Changes:
        with readable_errors(self._path):
            found, self._line = journal_changes(self._conn, self._line, only, me, now)
        return found

    def close(self) -> None:
        with self._lock:
            self._conn.close()
