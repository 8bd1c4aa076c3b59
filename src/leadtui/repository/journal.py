"""The journal of field changes: one line per field a person (or a merge)
changed, old and new as text, with actor and time. Every store writes it."""

import sqlite_utils


def record_field_change(
    db: sqlite_utils.Database,
    lead_id: int,
    field: str,
    old: str | None,
    new: str | None,
    at: str,
    actor: str,
) -> None:
    """One line of the lead's journal: `field` went from `old` to `new`."""
    if (old or None) != (new or None):
        db.execute(
            "INSERT INTO field_changes (lead_id, field, old, new, at, actor)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [lead_id, field, old or None, new or None, at, actor],
        )
