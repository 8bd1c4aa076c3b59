"""Erasing a person's data from a lead (a data-protection request, e.g. the
GDPR's right to erasure) while the lead itself stays: its stage history,
value, source, owner and dates are the team's figures, not the person's, and
the KPIs, funnel and win rates keep counting it.

What goes, in one transaction that ends the undo history (an undo would
write the erased values back from the journal):
- the lead's name (it becomes ERASED_NAME), email, phone, company, title,
  notes, custom fields, secondary contacts, BANT notes, and the keys the
  duplicate checks find it by;
- every touch's note and body (the kind, direction and time stay);
- in the journal, the old and new text of every line but those of the
  fields in KEPT_FIELDS, and a touch line's note; the lead's name in the
  labels of the actions that touched it.

On SQLite the freed bytes are zeroed (secure_delete), the search indexes
are merged so no old term survives in them, and the WAL is truncated
afterwards where no reader holds it: the file no longer holds the text.
PostgreSQL keeps old row versions in its files until VACUUM lets later
writes reuse the space; ERASED_ELSEWHERE says what the CLI tells about
both, and about backups.
"""

from dataclasses import dataclass

import sqlite_utils

from leadtui.domain.clock import to_iso
from leadtui.domain.pipeline import is_open
from leadtui.repository.core import Rescores
from leadtui.repository.engine import SQLITE
from leadtui.repository.journal import action, record_field_change
from leadtui.repository.rows import fetch_lead

ERASED_NAME = "(erased)"
# Journal lines whose old and new text are the team's, not the person's.
KEPT_FIELDS = (
    "stage", "lost_reason", "stage_entered_at", "lifecycle", "fit", "value", "currency",
    "source", "owner", "follow-up", "hidden until", "expected_close", "temperature",
    "temperature_pinned", "touch", "tags", "erased",
)  # fmt: skip
ERASED_ELSEWHERE = {
    "SQLite": "backups made before still hold it",
    "PostgreSQL": (
        "PostgreSQL keeps the old row versions in its files until VACUUM frees them"
        " (VACUUM FULL rewrites the tables at once), and backups made before still hold it"
    ),
}


@dataclass(frozen=True)
class Erased:
    """What an erasure took away, for the message that reports it."""

    lead_id: int
    custom_fields: int
    contacts: int
    touches: int
    journal_lines: int

    def message(self, engine: str) -> str:
        """What was erased, and where the text may still be (`engine`: a
        Dialect's name)."""
        parts = [
            "name, email, phone, company, title and notes",
            _counted(self.custom_fields, "custom field"),
            _counted(self.contacts, "other email or phone", "other emails or phones"),
            "the text of " + _counted(self.touches, "touch", "touches"),
            _counted(self.journal_lines, "history line"),
        ]
        return (
            f"#{self.lead_id}: erased its {', '.join(parts)}; its stages, value and dates stay"
            f" for the KPIs; {ERASED_ELSEWHERE[engine]}"
        )


def _counted(count: int, one: str, more: str = "") -> str:
    return f"{count} {one if count == 1 else more or one + 's'}"


def erase_lead(repo: Rescores, lead_id: int) -> Erased:
    """Erase the person's data from lead `lead_id` (LeadNotFound if there
    is none), as `repo.actor`, journaled as a final action; an open lead is
    rescored (its score had reasons such as "email given"), a closed one keeps
    the score and temperature it closed with."""
    moment = repo.clock()
    now = to_iso(moment)
    sqlite = repo.engine.dialect is SQLITE
    with repo._transaction() as db:
        if sqlite:
            db.execute("PRAGMA secure_delete = ON")
        lead = fetch_lead(db, lead_id)
        with action(db, repo.actor, now, f"Erase #{lead_id}", kind="final"):
            erased = _erase(db, lead_id, lead.name, now)
            record_field_change(db, lead_id, "erased", None, "personal data", now, repo.actor)
        if is_open(lead.stage):
            # A closed lead keeps the score it closed with: the calibration
            # table compares it with the outcome, and the KPIs must read the
            # same after an erasure.
            repo._rescore(db, [lead_id], moment)
        if sqlite:
            # FTS5 keeps a replaced row's terms in its older segments until
            # they are merged: merging them all leaves none of the old text.
            db.execute("INSERT INTO leads_fts (leads_fts) VALUES ('optimize')")
            db.execute("INSERT INTO contacts_fts (contacts_fts) VALUES ('optimize')")
            db.execute("PRAGMA secure_delete = OFF")
    if sqlite:
        with repo._connection() as db:
            # The WAL still holds the pages as they were before: copy the new
            # ones back and empty it (a reader mid-transaction may keep it).
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return erased


def _count(db: sqlite_utils.Database, sql: str, lead_id: int) -> int:
    return int(db.execute(sql, [lead_id]).fetchone()[0])


def _erase(db: sqlite_utils.Database, lead_id: int, current_name: str, now: str) -> Erased:
    kept = ", ".join(f"'{field}'" for field in KEPT_FIELDS)
    erased = Erased(
        lead_id=lead_id,
        custom_fields=_count(db, "SELECT count(*) FROM custom_fields WHERE lead_id = ?", lead_id),
        contacts=_count(db, "SELECT count(*) FROM contacts WHERE lead_id = ?", lead_id),
        # A touch an undo took back is kept whole for a redo, which the
        # erasure (a final action) has made impossible: its text goes too.
        touches=_count(db, "SELECT count(*) FROM activities WHERE lead_id = ?", lead_id)
        + _count(db, "SELECT count(*) FROM undone_activities WHERE lead_id = ?", lead_id),
        journal_lines=_count(
            db,
            f"SELECT count(*) FROM journal WHERE lead_id = ? AND (field NOT IN ({kept})"
            " AND (old IS NOT NULL OR new IS NOT NULL) OR field = 'touch' AND note IS NOT NULL)",
            lead_id,
        ),
    )
    _erase_labels(db, lead_id, current_name)
    db.execute(
        "UPDATE leads SET name = ?, email = NULL, phone = NULL, company = NULL, title = NULL,"
        " notes = '', phone_key = NULL, person_key = NULL, updated_at = ?,"
        " version = version + 1 WHERE id = ?",
        [ERASED_NAME, now, lead_id],
    )
    for table in ("custom_fields", "contacts", "undone_activities"):
        db.execute(f"DELETE FROM {table} WHERE lead_id = ?", [lead_id])
    db.execute("UPDATE bant SET note = '' WHERE lead_id = ?", [lead_id])
    db.execute("UPDATE activities SET note = '', body = '' WHERE lead_id = ?", [lead_id])
    db.execute(
        f"UPDATE journal SET old = CASE WHEN field IN ({kept}) THEN old END,"
        f" new = CASE WHEN field IN ({kept}) THEN new END,"
        " note = CASE WHEN field = 'touch' THEN NULL ELSE note END"
        " WHERE lead_id = ?",
        [lead_id],
    )
    return erased


def _erase_labels(db: sqlite_utils.Database, lead_id: int, current_name: str) -> None:
    """The lead's names in the labels of the actions that touched it ("Lose
    #8 Ann Lee"): every name it had (its renames, and the leads merged into
    it, as the journal names them), before the journal's text goes."""
    names = {current_name}
    for field, old, new in db.execute(
        "SELECT field, old, new FROM journal WHERE lead_id = ? AND field IN ('name', 'merged in')",
        [lead_id],
    ).fetchall():
        if field == "name":
            names.update(text for text in (old, new) if text)
        elif new and " " in new:  # "#34 Jane Doe": the lead merged in
            names.add(new.split(" ", 1)[1])
    labels = db.execute(
        "SELECT id, label FROM actions WHERE id IN"
        " (SELECT group_id FROM journal WHERE lead_id = ?)",
        [lead_id],
    ).fetchall()
    longest_first = sorted(names, key=len, reverse=True)
    for action_id, label in labels:
        erased = label
        for name in longest_first:
            erased = erased.replace(name, ERASED_NAME)
        if erased != label:
            db.execute("UPDATE actions SET label = ? WHERE id = ?", [erased, action_id])
