"""A lead's history, read from its three tables (stage changes, touches,
field edits) as one row shape: for one lead (the Lead tab, `show`), for a
range of leads (an export), or across every lead (`leadtui journal`)."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import sqlite_utils

from leadtui.clock import to_iso
from leadtui.models import HistoryEntry
from leadtui.repository.rows import fetch_lead

# HistoryEntry's fields, in the row shape's order (after lead_id, before id).
HISTORY_FIELDS = (
    "type", "at", "actor", "from_stage", "to_stage", "reason", "kind", "note",
    "field", "old", "new", "direction", "body",
)  # fmt: skip
# Column numbers in that shape, for ORDER BY: the lead, the time, the row id.
LEAD, AT, ID = 1, 3, 15


def _union(where: str) -> str:
    """Every entry matching `where` (a condition on lead_id, at, actor), in
    one shape: lead_id, the HistoryEntry fields, the row's id."""
    return f"""
        SELECT lead_id, 'stage_change', at, actor, from_stage, to_stage, reason,
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, id FROM stage_changes WHERE {where}
        UNION ALL
        SELECT lead_id, 'touch', at, actor, NULL, NULL, NULL, kind, note,
               NULL, NULL, NULL, direction, body, id FROM activities WHERE {where}
        UNION ALL
        SELECT lead_id, 'field_change', at, actor, NULL, NULL, NULL, NULL, NULL,
               field, old, new, NULL, NULL, id FROM field_changes WHERE {where}"""


def _entry(row: tuple[Any, ...]) -> HistoryEntry:
    return HistoryEntry.model_validate(dict(zip(HISTORY_FIELDS, row[1 : ID - 1], strict=True)))


def read_history(
    db: sqlite_utils.Database, lead_id: int, limit: int, skip: int = 0
) -> list[HistoryEntry]:
    """One lead's history, newest first (each table read on its lead index)."""
    rows = db.execute(
        f"{_union('lead_id = :lead')} ORDER BY {AT} DESC, {ID} DESC LIMIT :limit OFFSET :skip",
        {"lead": lead_id, "limit": limit, "skip": skip},
    ).fetchall()
    if not rows and not skip:
        # Every lead has at least its creation entry, so nothing found means
        # an unknown id: an error, not an empty history (checked only then).
        fetch_lead(db, lead_id)
    return [_entry(row) for row in rows]


class HistoryStore:
    _connection: Callable[[], AbstractContextManager[sqlite_utils.Database]]

    def history(self, lead_id: int, *, limit: int = 200, skip: int = 0) -> list[HistoryEntry]:
        """Stage changes, touches and edits of one lead, newest first; `skip`
        pages on (the Lead tab reads more as the cursor nears the end)."""
        with self._connection() as db:
            return read_history(db, lead_id, limit, skip)

    def histories(self, first: int, last: int) -> dict[int, list[HistoryEntry]]:
        """The history (oldest first) of each lead with first <= id <= last, in
        range scans: an export with history reads a batch at a time."""
        found: dict[int, list[HistoryEntry]] = {}
        with self._connection() as db:
            rows = db.execute(
                f"{_union('lead_id BETWEEN :first AND :last')} ORDER BY {LEAD}, {AT}, {ID}",
                {"first": first, "last": last},
            ).fetchall()
        for row in rows:
            found.setdefault(row[0], []).append(_entry(row))
        return found

    def journal(
        self,
        *,
        actor: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
    ) -> list[tuple[int, str, HistoryEntry]]:
        """Who did what, across every lead, newest first: (lead id, lead
        name, entry) for stage changes, touches and edits, optionally by one
        actor and from a moment on. Scans the three tables (no index on the
        actor: it is a report, not a screen)."""
        conditions = (("actor = :actor", actor), ("at >= :since", since))
        where = " AND ".join(part for part, wanted in conditions if wanted) or "1"
        with self._connection() as db:
            rows = db.execute(
                f"{_union(where)} ORDER BY {AT} DESC, {ID} DESC LIMIT :limit",
                {"actor": actor, "since": to_iso(since) if since else None, "limit": limit},
            ).fetchall()
            ids = sorted({row[0] for row in rows})
            marks = ", ".join("?" * len(ids))
            names = dict(db.execute(f"SELECT id, name FROM leads WHERE id IN ({marks})", ids))
        return [(row[0], names.get(row[0], "(merged or gone)"), _entry(row)) for row in rows]
