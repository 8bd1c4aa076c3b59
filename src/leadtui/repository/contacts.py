"""A lead's secondary contacts (the `contacts` table): the emails and phones
it has besides its own, which a merge keeps instead of discarding. Each is
journaled on the lead ("secondary email: — → ann@old.io"), found by `/`
(contacts_fts) and by the duplicate checks (its key)."""

from collections.abc import Iterable, Sequence

import sqlite_utils

from leadtui.domain.contact_check import Contact
from leadtui.domain.dedupe import email_key
from leadtui.domain.models import Lead
from leadtui.repository.journal import record_field_change
from leadtui.repository.team_settings import phone_key_in

_SELECT = "SELECT lead_id, kind, value FROM contacts"


def contacts_where(
    db: sqlite_utils.Database, where: str, params: Sequence[object]
) -> dict[int, list[Contact]]:
    """Secondary contacts of the leads `where` (on lead_id) selects, by lead."""
    found: dict[int, list[Contact]] = {}
    for lead_id, kind, value in db.execute(
        f"{_SELECT} WHERE {where} ORDER BY lead_id, kind, id", list(params)
    ):
        found.setdefault(lead_id, []).append(Contact(kind=kind, value=value))
    return found


def _key(db: sqlite_utils.Database, kind: str, value: str) -> str | None:
    return email_key(value) if kind == "email" else phone_key_in(db, value)


def keep_secondary(
    db: sqlite_utils.Database,
    merged: Lead,
    offered: Iterable[tuple[str, str | None]],
    *,
    now: str,
    actor: str,
) -> None:
    """After a merge: each (kind, value) offered (both leads' emails and
    phones, the other lead's contacts) that is not `merged`'s own email or
    phone, nor already one of its contacts, becomes one, journaled."""
    own = {
        ("email", _key(db, "email", merged.email)) if merged.email else None,
        ("phone", _key(db, "phone", merged.phone)) if merged.phone else None,
    }
    for kind, value in offered:
        if not value:
            continue
        key = _key(db, kind, value) or value
        if (kind, key) in own:
            continue
        own.add((kind, key))
        inserted = db.execute(
            "INSERT INTO contacts (lead_id, kind, value, key, at, actor)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [merged.id, kind, value, key, now, actor],
        ).rowcount
        if inserted:
            record_field_change(db, merged.id, f"secondary {kind}", None, value, now, actor)


SECONDARY_FIELDS = {"secondary email": "email", "secondary phone": "phone"}  # journal: kind


def secondary_text(lead: Lead, field: str, value: str | None) -> str:
    """A "secondary email" journal line's field as undo compares it: the
    line's value while the lead still has that contact, else nothing."""
    kind = SECONDARY_FIELDS[field]
    held = any(c.kind == kind and c.value == value for c in lead.contacts)
    return value or "" if held else ""


def put_secondary(
    db: sqlite_utils.Database, lead: Lead, field: str, value: str, *, keep: bool, now: str,
    actor: str,
) -> None:  # fmt: skip
    """Undo (keep=False) or redo a kept contact, journaled as its keeping was."""
    kind = SECONDARY_FIELDS[field]
    if keep:
        keep_secondary(db, lead, [(kind, value)], now=now, actor=actor)
        return
    db.execute(
        "DELETE FROM contacts WHERE lead_id = ? AND kind = ? AND value = ?", [lead.id, kind, value]
    )
    record_field_change(db, lead.id, field, value, None, now, actor)


def move_contacts(db: sqlite_utils.Database, source_id: int) -> list[tuple[str, str]]:
    """Take a lead's contacts away (it is being merged into another): they
    are offered to the kept lead by keep_secondary."""
    rows = db.execute("SELECT kind, value FROM contacts WHERE lead_id = ?", [source_id])
    found = [(kind, value) for kind, value in rows.fetchall()]
    db.execute("DELETE FROM contacts WHERE lead_id = ?", [source_id])
    return found
