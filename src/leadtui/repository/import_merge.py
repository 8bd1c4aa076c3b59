"""An import's duplicate row merged into the lead it duplicates (--on-duplicate
merge): domain/row_merge.py says what the lead takes and what it keeps of
its own; this writes what it takes, in the import's transaction. A dry run
asks the same question and writes nothing."""

from datetime import datetime

import sqlite_utils

from leadtui.domain.clock import to_iso
from leadtui.domain.currency import DEFAULT_CURRENCY
from leadtui.domain.imported import ImportedLead
from leadtui.domain.models import Lead, Temperature
from leadtui.domain.row_merge import JournalLine, RowMerge, TouchKey, merge_row
from leadtui.repository.contacts import keep_secondary
from leadtui.repository.import_history import HistoryRows, write_history
from leadtui.repository.merging import fill_in
from leadtui.repository.rows import fetch_lead, with_custom


def _iso(at: object) -> str:
    """A stored moment as to_iso spells it (SQLite: text; PostgreSQL: a datetime)."""
    return to_iso(at) if isinstance(at, datetime) else str(at)


def planned_merge(
    db: sqlite_utils.Database,
    lead_id: int,
    row: ImportedLead,
    region: str | None,
    lead: Lead | None = None,
) -> RowMerge:
    """What merging `row` into the stored lead `lead_id` does, read only
    (`lead`: as a dry run's earlier merges would have left it)."""
    lead = lead or with_custom(db, fetch_lead(db, lead_id))
    journal: set[JournalLine] = {
        (field, old, new, _iso(at))
        for field, old, new, at in db.execute(
            "SELECT field, old, new, at FROM journal WHERE lead_id = ? AND field != 'touch'",
            [lead_id],
        ).fetchall()
    }
    touches: set[TouchKey] = {
        (_iso(at), kind, note or "")
        for at, kind, note in db.execute(
            "SELECT at, kind, note FROM activities WHERE lead_id = ?", [lead_id]
        ).fetchall()
    }
    return merge_row(lead, row, region=region, journal=journal, touches=touches)


def merge_into(
    db: sqlite_utils.Database,
    lead_id: int,
    row: ImportedLead,
    *,
    region: str | None,
    now: str,
    actor: str,
) -> RowMerge:
    """Merge the row into the lead: fill in what it is missing (fill_in),
    keep a differing email or phone and the row's own secondary contacts
    (keep_secondary), add the touches it does not have; journaled as
    `actor`. The caller rescores the lead."""
    merge = planned_merge(db, lead_id, row, region)
    fill_in(
        db,
        lead_id,
        row.draft,
        now=now,
        custom=row.custom,
        tags=row.tags,
        pinned=row.pinned,
        follow_up_at=row.follow_up_at,
        fit=row.fit,
        bant=row.bant,
        actor=actor,
    )
    keep_secondary(db, fetch_lead(db, lead_id), merge.secondary, now=now, actor=actor)
    if merge.touches:
        history = HistoryRows()
        for entry in merge.touches:
            kind = entry.kind.value if entry.kind else None
            history.activities.append(
                (lead_id, kind, entry.direction, entry.note or "", entry.body or "",
                 to_iso(entry.at), entry.actor)
            )  # fmt: skip
        write_history(db, history)
    if (row.last_touch_at or merge.touches) and (last := merge.after.last_touch_at):
        db.execute("UPDATE leads SET last_touch_at = ? WHERE id = ?", [to_iso(last), lead_id])
    return merge


def planned_within(
    lead: Lead, first: ImportedLead, row: ImportedLead, region: str | None
) -> RowMerge:
    """What merging `row` into a lead the same dry run creates (from `first`,
    then as earlier merges left it: `lead`) does; its history is the file's."""
    journal: set[JournalLine] = set()
    touches: set[TouchKey] = set()
    for entry in first.history:
        at = to_iso(entry.at)
        if entry.type == "touch":
            touches.add((at, entry.kind.value if entry.kind else None, entry.note or ""))
        elif entry.type == "stage_change":
            old, new = (s.value if s else None for s in (entry.from_stage, entry.to_stage))
            journal.add(("stage", old, new, at))
        elif entry.field:
            journal.add((entry.field, entry.old, entry.new, at))
    return merge_row(lead, row, region=region, journal=journal, touches=touches)


def lead_of(row: ImportedLead, lead_id: int, moment: datetime) -> Lead:
    """A lead as the import would store `row` (a dry run's lead that the
    same file creates, which a later row merges into): the fields a merge
    compares. Built, not validated: the row was validated as it was read."""
    draft = row.draft
    return Lead.model_construct(
        id=lead_id, name=draft.name, email=draft.email, phone=draft.phone,
        company=draft.company, title=draft.title, source=draft.source, owner=draft.owner,
        stage=row.stage, temperature=row.pinned or Temperature.COLD, score=0,
        value_cents=draft.value_cents,
        currency=draft.currency or DEFAULT_CURRENCY, lost_reason=row.lost_reason,
        notes=draft.notes, created_at=row.created_at or moment, updated_at=moment, version=1,
        last_touch_at=row.last_touch_at, stage_entered_at=row.entered_at,
        temperature_pinned=row.pinned is not None, win_chance=0,
        follow_up_at=row.follow_up_at, snoozed_until=None,
        expected_close=draft.expected_close, custom=dict(row.custom), tags=list(row.tags),
        lifecycle=row.lifecycle, fit=row.fit, bant=dict(row.bant), contacts=[],
    )  # fmt: skip
