"""A lead's history, read from the journal (with each touch's text from
`activities`) as one row shape: for one lead (the Lead tab, `show`), for a
range of leads (an export), or across every lead (`leadtui journal`).
(HistoryStore is a piece of the Repository: see repository/core.py.)"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import sqlite_utils
from pydantic import ValidationError

from leadtui.domain.clock import to_iso
from leadtui.domain.models import HistoryEntry
from leadtui.repository.core import Reads
from leadtui.repository.journal import QUIET_LINES
from leadtui.repository.rows import damaged, fetch_lead

# HistoryEntry's fields, in the row shape's order (after lead_id, before id).
HISTORY_FIELDS = (
    "type", "at", "actor", "from_stage", "to_stage", "reason", "kind", "note",
    "field", "old", "new", "direction", "body", "action", "undone",
)  # fmt: skip
# Column numbers in that shape, for ORDER BY: the lead, the time, the row id.
LEAD, AT, ID = 1, 3, 17


def _select(where: str) -> str:
    """Every journal line matching `where` (a condition on j.lead_id, j.at,
    j.actor) in one shape: lead_id, the HistoryEntry fields, the line's id.
    A touch's line names its activity; one an undo took back is gone from
    `activities` and shows the kind and note the line kept."""
    return f"""
        SELECT j.lead_id,
               CASE j.field WHEN 'stage' THEN 'stage_change' WHEN 'touch' THEN 'touch'
                    ELSE 'field_change' END,
               j.at, j.actor,
               CASE WHEN j.field = 'stage' THEN j.old END,
               CASE WHEN j.field = 'stage' THEN j.new END,
               CASE WHEN j.field = 'stage' THEN j.note END,
               CASE WHEN j.field = 'touch' THEN coalesce(a.kind, j.new, j.old) END,
               CASE WHEN j.field = 'touch' THEN coalesce(a.note, j.note) END,
               CASE WHEN j.field IN ('stage', 'touch') THEN NULL ELSE j.field END,
               CASE WHEN j.field IN ('stage', 'touch') THEN NULL ELSE j.old END,
               CASE WHEN j.field IN ('stage', 'touch') THEN NULL ELSE j.new END,
               a.direction, a.body, act.kind,
               j.field = 'touch' AND a.id IS NULL AND coalesce(act.kind, 'do') = 'do',
               j.id
          FROM journal j
          LEFT JOIN activities a ON a.id = j.activity_id
          LEFT JOIN actions act ON act.id = j.group_id
         WHERE NOT {QUIET_LINES} AND {where}"""


def _entry(row: tuple[Any, ...]) -> HistoryEntry:
    fields = dict(zip(HISTORY_FIELDS, row[1 : ID - 1], strict=True))
    try:
        return HistoryEntry.model_validate(fields)
    except ValidationError as error:  # a journal line another program wrote
        raise damaged(fields, error, row[LEAD - 1], f"history line #{row[ID - 1]} of ") from None


def read_history(
    db: sqlite_utils.Database, lead_id: int, limit: int, skip: int = 0
) -> list[HistoryEntry]:
    """One lead's history, newest first (read on the journal's lead index);
    all of it for a negative `limit`."""
    if limit < 0:  # the largest LIMIT both engines take (SQLite's -1 is PostgreSQL's error)
        limit = 2**63 - 1
    rows = db.execute(
        f"{_select('j.lead_id = :lead')} ORDER BY {AT} DESC, {ID} DESC LIMIT :limit OFFSET :skip",
        {"lead": lead_id, "limit": limit, "skip": skip},
    ).fetchall()
    if not rows and not skip:
        # Every lead has at least its creation entry, so nothing found means
        # an unknown id: an error, not an empty history (checked only then).
        fetch_lead(db, lead_id)
    return [_entry(row) for row in rows]


class HistoryStore:
    def __init__(self, repo: Reads) -> None:
        self.repo = repo

    def history(self, lead_id: int, *, limit: int = 200, skip: int = 0) -> list[HistoryEntry]:
        """Stage changes, touches and edits of one lead, newest first; `skip`
        pages on (the Lead tab reads more as the cursor nears the end)."""
        with self.repo._connection() as db:
            return read_history(db, lead_id, limit, skip)

    def histories(self, first: int, last: int) -> dict[int, list[HistoryEntry]]:
        """The history (oldest first) of each lead with first <= id <= last, in
        range scans: an export with history reads a batch at a time."""
        found: dict[int, list[HistoryEntry]] = {}
        with self.repo._connection() as db:
            rows = db.execute(
                f"{_select('j.lead_id BETWEEN :first AND :last')} ORDER BY {LEAD}, {AT}, {ID}",
                {"first": first, "last": last},
            ).fetchall()
        for row in rows:
            found.setdefault(row[0], []).append(_entry(row))
        return found

    def journal_actors(self) -> list[str]:
        """Everyone the journal names as an actor (for the warning when
        `journal --actor` names nobody; a scan, as the journal's is)."""
        with self.repo._connection() as db:
            return [row[0] for row in db.execute("SELECT DISTINCT actor FROM journal")]

    def journal(
        self,
        *,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
    ) -> list[tuple[int, str, HistoryEntry]]:
        """journal_lines as a list."""
        return list(self.journal_lines(actor=actor, since=since, until=until, limit=limit))

    def journal_lines(
        self,
        *,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
    ) -> Iterator[tuple[int, str, HistoryEntry]]:
        """Who did what, across every lead, newest first: (lead id, lead
        name, entry) for stage changes, touches and edits, optionally by one
        actor, from `since` on and before `until`. Scans the journal (no
        index on the actor: it is a report, not a screen). A batch of rows
        at a time: 100,000 lines held whole took 266 MB for 17 MB of JSON."""
        where, values = _journal_where(actor, since, until)
        with self.repo._connection() as db:
            cursor = db.execute(
                f"{_select(where)} ORDER BY {AT} DESC, {ID} DESC LIMIT :limit",
                values | {"limit": limit},
            )
            while rows := cursor.fetchmany(_BATCH):
                ids = sorted({row[0] for row in rows})
                marks = ", ".join("?" * len(ids))
                names = dict(db.execute(f"SELECT id, name FROM leads WHERE id IN ({marks})", ids))
                for row in rows:
                    yield row[0], names.get(row[0], "(merged or gone)"), _entry(row)

    def journal_count(
        self,
        *,
        actor: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> int:
        """How many lines journal_lines has for these conditions, any limit
        aside (to say how many a limit left out)."""
        where, values = _journal_where(actor, since, until)
        with self.repo._connection() as db:
            row = db.execute(
                f"SELECT count(*) FROM journal j WHERE NOT {QUIET_LINES} AND {where}", values
            ).fetchone()
        return int(row[0])


# Journal rows read (and named) at a time.
_BATCH = 1000


def _journal_where(
    actor: str | None, since: datetime | None, until: datetime | None
) -> tuple[str, dict[str, Any]]:
    conditions = (
        ("j.actor = :actor", actor), ("j.at >= :since", since), ("j.at < :until", until),
    )  # fmt: skip
    where = " AND ".join(part for part, wanted in conditions if wanted) or "TRUE"
    values = {"actor": actor, "since": to_iso(since) if since else None,
              "until": to_iso(until) if until else None}  # fmt: skip
    return where, values
