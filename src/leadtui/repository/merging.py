"""Merging new details into an existing lead (an import's duplicate row, or
a quick-add the rep chose to merge): fill in what the lead is missing, never
overwrite what a rep typed; notes are appended unless already there. What
is not taken is said by domain/row_merge.py, which mirrors these rules; a
differing email or phone is kept as a secondary contact (contacts.py)."""

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlite_utils

from leadtui.domain.clock import to_iso
from leadtui.domain.dedupe import person_key
from leadtui.domain.models import (
    BANT_CRITERIA,
    BANT_PREFIX,
    BantAnswer,
    Fit,
    LeadDraft,
    Temperature,
)
from leadtui.domain.row_merge import takes_name
from leadtui.repository.journal import record_differences
from leadtui.repository.rows import fetch_lead, with_custom
from leadtui.repository.team_settings import phone_key_in

# The fields fill_in may fill, as the journal names them.
FILLED = (
    "name", "email", "phone", "company", "title", "owner", "source", "value", "currency", "notes",
    "tags", "fit", "expected_close", *(f"{BANT_PREFIX}{criterion}" for criterion in BANT_CRITERIA),
)  # fmt: skip


def fill_in(
    db: sqlite_utils.Database,
    lead_id: int,
    draft: LeadDraft,
    *,
    now: str,
    custom: Mapping[str, str] | None = None,
    tags: Sequence[str] = (),
    pinned: Temperature | None = None,
    follow_up_at: datetime | None = None,
    fit: Fit = Fit.UNKNOWN,
    bant: Sequence[tuple[str, BantAnswer]] = (),
    actor: str,
) -> None:
    """In the caller's transaction, journaled as `actor`; the caller
    rescores the lead."""
    before = with_custom(db, fetch_lead(db, lead_id))
    db.execute(
        """
        UPDATE leads SET
          -- A name that only stands in for one (row_merge.takes_name) is replaced.
          name = coalesce(:name, name),
          email = coalesce(email, :email), phone = coalesce(phone, :phone),
          company = coalesce(company, :company), title = coalesce(title, :title),
          owner = coalesce(owner, :owner),
          fit = CASE WHEN fit = 'unknown' THEN :fit ELSE fit END,
          expected_close = coalesce(expected_close, :close),
          source = CASE WHEN source = 'other' THEN :source ELSE source END,
          -- A value filled in comes with its currency (none: the team's).
          currency = CASE WHEN value_cents = 0 AND :value > 0 THEN :currency ELSE currency END,
          value_cents = CASE WHEN value_cents = 0 THEN :value ELSE value_cents END,
          notes = CASE WHEN :notes = '' OR replace(notes, :notes, '') != notes THEN notes
                       WHEN notes = '' THEN :notes ELSE notes || :newline || :notes END,
          follow_up_at = coalesce(follow_up_at, :follow_up),
          temperature = CASE WHEN temperature_pinned != 0 OR CAST(:pinned AS TEXT) IS NULL
                             THEN temperature ELSE :pinned END,
          temperature_pinned = CASE WHEN temperature_pinned != 0
                                      OR CAST(:pinned AS TEXT) IS NOT NULL
                                    THEN 1 ELSE 0 END,
          updated_at = :now, version = version + 1
        WHERE id = :id
        """,
        {
            "name": draft.name if takes_name(before, draft) else None,
            "email": draft.email, "phone": draft.phone, "company": draft.company,
            "title": draft.title, "owner": draft.owner, "source": draft.source.value,
            "value": draft.value_cents, "currency": draft.currency, "notes": draft.notes,
            "fit": fit.value,
            "close": draft.expected_close.isoformat() if draft.expected_close else None,
            "follow_up": to_iso(follow_up_at) if follow_up_at else None,
            "pinned": pinned.value if pinned else None,
            "now": now, "id": lead_id, "newline": "\n",
        },
    )  # fmt: skip
    name, company, phone = db.execute(
        "SELECT name, company, phone FROM leads WHERE id = ?", [lead_id]
    ).fetchone()
    db.execute(
        "UPDATE leads SET phone_key = ?, person_key = ? WHERE id = ?",
        [phone_key_in(db, phone), person_key(name, company), lead_id],
    )
    db.conn.executemany(
        "INSERT INTO custom_fields (lead_id, name, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [(lead_id, name, value) for name, value in (custom or {}).items()],
    )
    db.conn.executemany(
        "INSERT INTO tags (lead_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(lead_id, tag) for tag in tags],
    )
    # An answer the lead has not given ("unknown", no note) is filled in.
    db.conn.executemany(
        "INSERT INTO bant (lead_id, criterion, answer, note) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (lead_id, criterion) DO UPDATE SET answer = excluded.answer,"
        " note = excluded.note WHERE bant.answer = 'unknown' AND bant.note = ''",
        [(lead_id, criterion, answer.answer.value, answer.note) for criterion, answer in bant],
    )
    after = with_custom(db, fetch_lead(db, lead_id))
    record_differences(db, before, after, FILLED, now, actor)
