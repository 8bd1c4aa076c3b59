"""The Repository's lead-detail writes: editing fields and classification
(with a field-level check against what the editor saw) and follow-ups.
Every change is journaled (repository/journal.py). (A piece of the
Repository: see repository/core.py.)"""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any, TypeVar

import sqlite_utils
from pydantic import ValidationError

from leadtui.domain.clock import FOLLOW_UP_HOUR, age_label, follow_up_on_day, from_iso, to_iso
from leadtui.domain.dedupe import person_key
from leadtui.domain.errors import InvalidInput, StaleLead
from leadtui.domain.field_errors import describe_validation_error
from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import (
    BANT_CRITERIA,
    BANT_PREFIX,
    CUSTOM_PREFIX,
    BantAnswer,
    Fit,
    Lead,
    LeadDraft,
    Lifecycle,
    stored_field_name,
    usual_currency,
)
from leadtui.domain.sanitize import NO_NAME, clean_custom_name, clean_text, tag_list
from leadtui.repository.core import Rescores
from leadtui.repository.journal import action, record_field_change
from leadtui.repository.rows import (
    LEAD_SELECT,
    fetch_lead,
    lead_from_row,
    with_custom,
    with_details,
)
from leadtui.repository.scores import OPEN_STAGE_SQL
from leadtui.repository.team_settings import phone_key_in
from leadtui.repository.team_zone import zone_of

# What `leadtui set` and the edit form may change: the draft's fields, plus
# tags (comma-separated) and custom.NAME (empty removes it).
EDITABLE = (
    "name", "email", "phone", "company", "title", "source", "owner", "value", "currency",
    "notes", "expected_close",
)  # fmt: skip
E = TypeVar("E", bound=StrEnum)
# ... and the classification: lifecycle, fit, and "bant.budget" etc. ("yes: note").
CLASSIFICATION = ("lifecycle", "fit")


def _day(moment: datetime | None, zone: tzinfo) -> str | None:
    """A moment as the journal says it: its day, the team's (`zone`)."""
    return moment.astimezone(zone).date().isoformat() if moment else None


class DetailsStore:
    def __init__(self, repo: Rescores) -> None:
        self.repo = repo

    # ------------------------------------------------------------ editing

    def update_fields(
        self, lead_id: int, changes: Mapping[str, str], *, seen: Lead | None = None
    ) -> Lead:
        """Change some fields (text as typed: "5k", "a, b" for tags, "" to
        clear). Validated as a whole lead; nothing is saved if any is bad.

        With `seen` (the lead as the editor showed it), a field someone else
        changed meanwhile is a conflict only if this edit changes it too:
        their other changes are kept, and a real conflict is refused with
        who changed what (StaleLead), never silently overwritten."""
        for field in changes:
            _check_settable(stored_field_name(field))
        moment = self.repo.clock()
        now = to_iso(moment)
        with self.repo._transaction() as db:
            current = with_custom(db, fetch_lead(db, lead_id))
            changes = {_named(current, field): value for field, value in changes.items()}
            wanted = {f: v for f, v in changes.items() if v.strip() != current.field_text(f)}
            if seen is not None:
                _refuse_conflicts(db, current, seen, wanted, moment)
            if not wanted:
                return current
            with action(db, self.repo.actor, now, f"Edit {', '.join(wanted)} of {current.tag()}"):
                apply_fields(db, current, wanted, now=now, actor=self.repo.actor)
            self.repo._rescore(db, [lead_id], moment)
            return with_custom(db, fetch_lead(db, lead_id))

    # --------------------------------------------------------- follow-ups

    def set_follow_up(self, lead_id: int, when: datetime | None) -> Lead:
        """Set (or with None clear) the next follow-up; journaled."""
        now = to_iso(self.repo.clock())
        with self.repo._transaction() as db:
            lead = fetch_lead(db, lead_id)
            with action(db, self.repo.actor, now, f"Follow-up of {lead.tag()}"):
                write_follow_up(db, lead, when, now, self.repo.actor)
            return fetch_lead(db, lead_id)

    def snooze(self, lead_id: int, days: int) -> Lead:
        """Push the follow-up `days` later, counted from it if it is still
        ahead, else from today."""
        now = self.repo.team_now()
        today = follow_up_on_day(now.date(), now)
        with self.repo._connection() as db:
            lead = fetch_lead(db, lead_id)
        base = max(lead.follow_up_at, today) if lead.follow_up_at else today
        return self.set_follow_up(lead_id, base + timedelta(days=days))

    def hide_until(self, lead_id: int, until: datetime | None) -> Lead:
        """Keep a lead out of the inbox until `until` (None: back now); it
        returns by itself then. Journaled as days, undoable."""
        now = to_iso(self.repo.clock())
        with self.repo._transaction() as db:
            lead = fetch_lead(db, lead_id)
            day = until.astimezone(zone_of(db)) if until else None  # the team's day
            label = f"Hide {lead.tag()} until {day:%a %d %b}" if day else f"Unhide {lead.tag()}"
            with action(db, self.repo.actor, now, label):
                write_snooze(db, lead, until, now, self.repo.actor)
            return fetch_lead(db, lead_id)

    def due_leads(
        self,
        *,
        until: datetime,
        after: tuple[str, int] | None = None,
        limit: int = 50,
        only: LeadFilter | None = None,
    ) -> list[Lead]:
        """Open leads whose follow-up falls before `until` (the end of today:
        due today or overdue), soonest first, keyset-paged on the index;
        with `only`, those the filter lets through."""
        where, params = only.sql(self.repo.team_now(), self.repo.actor) if only else ("", [])
        sql = (
            f"{LEAD_SELECT}{self.repo.engine.dialect.indexed_by('leads_follow_up')}"
            " WHERE follow_up_at IS NOT NULL"
            f" AND follow_up_at < ? AND stage IN ({OPEN_STAGE_SQL}){where}"
        )
        params.insert(0, to_iso(until))
        if after is not None:
            sql += " AND (follow_up_at, id) > (?, ?)"
            params += list(after)
        with self.repo._connection() as db:
            rows = db.execute(f"{sql} ORDER BY follow_up_at, id LIMIT ?", [*params, limit])
            return [lead_from_row(row) for row in rows.fetchall()]

    def whole_leads(self, leads: Sequence[Lead]) -> list[Lead]:
        """The leads, in their order, with their custom fields, tags, BANT
        answers and secondary contacts: what --json prints of a lead."""
        if not leads:
            return []
        with self.repo._connection() as db:
            return with_details(db, leads)


def follow_up_on(day: str | None, zone: tzinfo) -> datetime | None:
    """A follow-up journaled as its day (YYYY-MM-DD, the team's), at the
    follow-up hour there."""
    if not day:
        return None
    return datetime.combine(date.fromisoformat(day), time(FOLLOW_UP_HOUR), zone)


def write_follow_up(
    db: sqlite_utils.Database, lead: Lead, when: datetime | None, now: str, actor: str
) -> None:
    """Set the follow-up (None: clear it), journaled as days: what the
    history shows and undo restores."""
    db.execute(
        "UPDATE leads SET follow_up_at = ?, updated_at = ?, version = version + 1 WHERE id = ?",
        [to_iso(when) if when else None, now, lead.id],
    )
    zone = zone_of(db)
    record_field_change(db, lead.id, "follow-up", _day(lead.follow_up_at, zone), _day(when, zone),
                        now, actor)  # fmt: skip


def write_snooze(
    db: sqlite_utils.Database, lead: Lead, until: datetime | None, now: str, actor: str
) -> None:
    db.execute(
        "UPDATE leads SET snoozed_until = ?, updated_at = ?, version = version + 1 WHERE id = ?",
        [to_iso(until) if until else None, now, lead.id],
    )
    zone = zone_of(db)
    record_field_change(db, lead.id, "hidden until", _day(lead.snoozed_until, zone),
                        _day(until, zone), now, actor)  # fmt: skip


def apply_fields(
    db: sqlite_utils.Database, current: Lead, wanted: Mapping[str, str], *, now: str, actor: str
) -> None:
    """Write changed fields (as text) over `current`, validated as a whole
    lead, and journal each; in the caller's transaction, which rescores."""
    lead_id = current.id
    draft = _validated(current, wanted)
    if "tags" in wanted:
        tag_list(wanted["tags"])  # refused here, before anything is written
    lifecycle, fit = _classification(current, wanted)
    bant = {f: _bant_answer(f, v) for f, v in wanted.items() if f.startswith(BANT_PREFIX)}
    # The currency changes when it is set ("" back to the team's) or when
    # the value names one ("€5k"); otherwise the lead keeps its own.
    set_currency = "currency" in wanted or draft.currency is not None
    # Only the columns this edit changes are written: a field left alone
    # keeps what is stored, even text another program wrote that leadtui's
    # own cleaning would change (rewritten, it would change unjournaled).
    columns: dict[str, Any] = {
        "lifecycle": lifecycle.value, "fit": fit.value, "updated_at": now,
    }  # fmt: skip
    for field in ("name", "email", "phone", "company", "title", "owner", "notes"):
        if field in wanted:
            columns[field] = getattr(draft, field)
    if "source" in wanted:
        columns["source"] = draft.source.value
    if "value" in wanted:
        columns["value_cents"] = draft.value_cents
    if "expected_close" in wanted:
        columns["expected_close"] = (
            draft.expected_close.isoformat() if draft.expected_close else None
        )
    if set_currency:
        columns["currency"] = draft.currency
    if "phone" in wanted:
        columns["phone_key"] = phone_key_in(db, draft.phone)
    if "name" in wanted or "company" in wanted:
        company = draft.company if "company" in wanted else current.company
        columns["person_key"] = person_key(columns.get("name", current.name), company)
    # The owner is written after the journal lines: a rep's guard
    # (users_store.py) checks each line against the lead's owner as it is,
    # and a rep may hand on their own lead.
    owner = {"owner": columns.pop("owner")} if "owner" in columns else {}
    assignments = ", ".join(f"{column} = ?" for column in columns)
    db.execute(
        f"UPDATE leads SET {assignments}, version = version + 1 WHERE id = ?",
        [*columns.values(), lead_id],
    )
    _write_tags_and_custom(db, current, wanted)
    db.conn.executemany(
        "INSERT INTO bant (lead_id, criterion, answer, note) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (lead_id, criterion) DO UPDATE SET answer = excluded.answer,"
        " note = excluded.note",
        [
            (lead_id, field.removeprefix(BANT_PREFIX), answer.answer.value, answer.note)
            for field, answer in bant.items()
        ],
    )
    after = with_custom(db, fetch_lead(db, lead_id)).model_copy(update=owner)
    for field in (*wanted, *(("currency",) if "currency" not in wanted else ())):
        old, new = current.field_text(field), after.field_text(field)
        record_field_change(db, lead_id, field, old, new, now, actor)
    if owner:
        db.execute("UPDATE leads SET owner = ? WHERE id = ?", [owner["owner"], lead_id])


def _bant_answer(field: str, text: str) -> BantAnswer:
    """An answer as typed, a refusal naming the criterion it was for."""
    try:
        return BantAnswer.parse(text)
    except InvalidInput as error:
        raise InvalidInput(f"{field}: {error}") from None


def _named(current: Lead, field: str) -> str:
    """The field as stored: a custom field's name as the lead has it
    (even with a control character another program wrote into it, so the
    edit form's write lands on that field), else cleaned as it would be."""
    if field.removeprefix(CUSTOM_PREFIX) in current.custom and field.startswith(CUSTOM_PREFIX):
        return field
    return stored_field_name(field)


def _check_settable(field: str) -> None:
    if field == CUSTOM_PREFIX:  # refused even when clearing: there is no such field
        raise InvalidInput("custom field: the name is empty")
    if field in (*EDITABLE, *CLASSIFICATION, "tags") or field.startswith(CUSTOM_PREFIX):
        return
    if field.removeprefix(BANT_PREFIX) in BANT_CRITERIA and field.startswith(BANT_PREFIX):
        return
    choices = ", ".join((*EDITABLE, "tags", "custom.NAME", *CLASSIFICATION, "bant.budget", "..."))
    raise InvalidInput(f"{field}: not a field you can set; use one of {choices}")


def _choice(kind: type[E], field: str, text: str) -> E:
    """An enum value as typed: its value or label, any case ("MQL", "high")."""
    for member in kind:
        if text.strip().lower() in (member.value, str(getattr(member, "label", "")).lower()):
            return member
    raise InvalidInput(f"{field}: {text!r} is not one of {', '.join(m.value for m in kind)}")


def _classification(current: Lead, wanted: Mapping[str, str]) -> tuple[Lifecycle, Fit]:
    """The lifecycle and fit after the edit. A person may move the lifecycle
    back; only the stage's automatic push is forward-only."""
    lifecycle, fit = current.lifecycle, current.fit
    if "lifecycle" in wanted:
        lifecycle = _choice(Lifecycle, "lifecycle", wanted["lifecycle"])
    if "fit" in wanted:
        fit = _choice(Fit, "fit", wanted["fit"] or "unknown")
    return lifecycle, fit


def _validated(current: Lead, wanted: Mapping[str, str]) -> LeadDraft:
    # The fields left alone are not validated again: one another program
    # stored ("x\x1b[5m@y.com") would refuse an edit of another field.
    # The name too: a draft needs one, so a stand-in takes its place unless
    # the edit sets it (a name of control characters only, as another
    # program stored it, refused every edit); only fields edited are written.
    fields: dict[str, Any] = {"name": NO_NAME}
    # The lead's currency is not passed: only a currency the edit names (in
    # the value or set itself) is written, so the team's stays the team's.
    for field, value in wanted.items():
        if field in EDITABLE:
            fields["value_cents" if field == "value" else field] = value
    try:
        # Not written, but the currency a bare `$` is read in ("$600" for a
        # lead in CAD stays CAD).
        return LeadDraft.model_validate(fields, context=usual_currency(current.currency))
    except ValidationError as error:
        raise InvalidInput(describe_validation_error(error)) from None


def _write_tags_and_custom(
    db: sqlite_utils.Database, current: Lead, wanted: Mapping[str, str]
) -> None:
    lead_id = current.id
    if "tags" in wanted:
        tags = tag_list(wanted["tags"])
        db.execute("DELETE FROM tags WHERE lead_id = ?", [lead_id])
        db.conn.executemany(
            "INSERT INTO tags (lead_id, tag) VALUES (?, ?)", [(lead_id, t) for t in sorted(tags)]
        )
    for field, value in wanted.items():
        if not field.startswith(CUSTOM_PREFIX):
            continue
        name, text = field[len(CUSTOM_PREFIX) :], clean_text(value).strip()
        # A name another program stored with a control character in it is
        # kept as stored: cleaned, it would be a second field beside it.
        if name not in current.custom:
            name = clean_custom_name(name)
        if not name:
            raise InvalidInput("custom field: the name is empty")
        if text:
            db.execute(
                "INSERT INTO custom_fields (lead_id, name, value) VALUES (?, ?, ?)"
                " ON CONFLICT (lead_id, name) DO UPDATE SET value = excluded.value",
                [lead_id, name, text],
            )
        else:
            db.execute("DELETE FROM custom_fields WHERE lead_id = ? AND name = ?", [lead_id, name])


def _refuse_conflicts(
    db: sqlite_utils.Database,
    current: Lead,
    seen: Lead,
    wanted: Mapping[str, str],
    now: datetime,
) -> None:
    """A field this edit changes that someone else changed since it was seen:
    "#8 Ann: maria changed company to 'Acme Corp' 5s ago; nothing was saved,
    reload to see it"."""
    for field in wanted:
        if current.field_text(field) != seen.field_text(field):
            row = db.execute(
                "SELECT actor, at FROM journal WHERE lead_id = ? AND field = ?"
                " ORDER BY at DESC, id DESC LIMIT 1",
                [current.id, field],
            ).fetchone()
            who, when = (row[0], f"{age_label(from_iso(row[1]), now)} ago") if row else (
                "someone", "meanwhile",
            )  # fmt: skip
            raise StaleLead(
                f"{current.tag()}: {who} changed {field} to"
                f" {current.field_text(field) or '—'!r} {when}; nothing was saved, reload to see it"
            )
