"""An import's duplicate row merged into the lead it duplicates: what the
lead takes, and what it keeps of its own, said value by value, so that
nothing a row gave is dropped unsaid (issue 16: every non-empty cell ends up
in a field, a custom field, a secondary contact, or the rejects file with a
reason). Pure: repository/merging.py writes what is taken (fill_in fills
what the lead is missing, never overwriting what a rep typed; a differing
email or phone becomes a secondary contact), and the rejects file names
the rest, e.g. "company 'Acme Ltd' (kept 'Acme')". A lead named after its
own email (an import's row without a name) takes the row's real name.

A field's "says nothing" value (stage New, source other, lifecycle
prospect, fit unknown) is no information, and a lifecycle earlier than the
lead's is implied by it: neither is reported.

History (leadtui's own export's `history`): a touch the lead does not have
(by time, kind and note) is added to it; a stage change or field change is
the lead's own story, which a merge does not rewrite: one the lead's
journal does not hold already is named as not taken, as is a touch an
undo took back. An undo's or redo's own line is left out, as an import of
a new lead leaves it (the touch's own line says how it ended)."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from leadtui.domain.clock import to_iso
from leadtui.domain.currency import format_money
from leadtui.domain.dedupe import email_key, phone_key
from leadtui.domain.imported import ImportedLead
from leadtui.domain.merge_plan import stand_in_name
from leadtui.domain.models import (
    BantAnswer,
    Fit,
    HistoryEntry,
    Lead,
    LeadDraft,
    Lifecycle,
    Source,
    Stage,
)
from leadtui.domain.sanitize import clean_line

SHOWN_CHARS = 60  # of a value in a reason; longer ones end in "…"
SHOWN_HISTORY = 3  # history lines named one by one; the rest counted
# A journal line as merge_row compares it: field, old, new, at (to_iso).
JournalLine = tuple[str, str | None, str | None, str]
# A touch as merge_row compares it: at (to_iso), kind, note.
TouchKey = tuple[str, str | None, str]


def shown(text: str) -> str:
    """A value as a reason quotes it: one line, sanitised, bounded."""
    line = clean_line(text)
    if len(line) > SHOWN_CHARS:
        line = line[:SHOWN_CHARS] + "…"
    return repr(line)


def _kept(text: str | None) -> str:
    return f"kept {shown(text)}" if text else "kept none"


@dataclass(frozen=True)
class RowMerge:
    """What merging a row into a lead does."""

    after: Lead  # the lead's fields as the merge leaves them (contacts aside)
    secondary: tuple[tuple[str, str], ...]  # offered to keep_secondary, in order
    touches: tuple[HistoryEntry, ...]  # the row's touches the lead gets
    not_taken: tuple[str, ...]  # "company 'Acme Ltd' (kept 'Acme')", …


def merge_row(
    lead: Lead,
    row: ImportedLead,
    *,
    region: str | None,
    journal: Collection[JournalLine] = (),
    touches: Collection[TouchKey] = (),
) -> RowMerge:
    """`lead` as stored (custom fields, BANT answers and contacts with it),
    `journal` and `touches` its history; `row` the duplicate row."""
    draft = row.draft
    filled: dict[str, object] = {
        "name": draft.name if takes_name(lead, draft) else lead.name,
        "email": lead.email or draft.email,
        "phone": lead.phone or draft.phone,
        "company": lead.company or draft.company,
        "title": lead.title or draft.title,
        "owner": lead.owner or draft.owner,
        "source": draft.source if lead.source is Source.OTHER else lead.source,
        "follow_up_at": lead.follow_up_at or row.follow_up_at,
        "expected_close": lead.expected_close or draft.expected_close,
        "fit": row.fit if lead.fit is Fit.UNKNOWN else lead.fit,
        "notes": _joined(lead.notes, draft.notes),
        "custom": {**row.custom, **lead.custom},
        "bant": {**dict(row.bant), **{c: a for c, a in lead.bant.items() if a != BantAnswer()}},
        "tags": [*lead.tags, *(tag for tag in row.tags if tag not in lead.tags)],
    }
    if lead.value_cents == 0 and draft.value_cents > 0:
        filled |= {"value_cents": draft.value_cents, "currency": draft.currency or lead.currency}
    if row.pinned is not None and not lead.temperature_pinned:
        filled |= {"temperature": row.pinned, "temperature_pinned": True}
    added = tuple(_new_touches(row.history, touches))
    last = max(
        (t for t in (lead.last_touch_at, row.last_touch_at, *(e.at for e in added)) if t),
        default=None,
    )
    filled["last_touch_at"] = last
    after = lead.model_copy(update=filled)
    not_taken = [
        *_fields_not_taken(after, row),
        *_custom_not_taken(after, row),
        *_history_not_taken(row.history, journal, touches),
    ]
    secondary = (
        (("email", draft.email),) if draft.email and not _same_email(after, draft.email) else ()
    ) + (
        (("phone", draft.phone),)
        if draft.phone and not _same_phone(after, draft.phone, region)
        else ()
    )
    return RowMerge(after, secondary + row.contacts, added, tuple(not_taken))


def _joined(mine: str, theirs: str) -> str:
    """As fill_in appends notes: the row's once, after the lead's own."""
    if not theirs or theirs in mine:
        return mine
    return f"{mine}\n{theirs}" if mine else theirs


def _same_email(lead: Lead, email: str) -> bool:
    return email_key(lead.email) == email_key(email)


def _same_phone(lead: Lead, phone: str, region: str | None) -> bool:
    mine = phone_key(lead.phone, region)
    return mine is not None and mine.lstrip("+") == (phone_key(phone, region) or "").lstrip("+")


def _copied_name(draft: LeadDraft) -> bool:
    """A name that is its own email, company or phone (an import names a
    row without a name after them): the value it copies is taken or
    reported under its own field."""
    name = draft.name.casefold()
    return any(
        name == value.casefold() for value in (draft.email, draft.company, draft.phone) if value
    )


def takes_name(lead: Lead, draft: LeadDraft) -> bool:
    """Whether new details rename the lead: its name only stands in for one
    (merge_plan.stand_in_name: an import named it after its email) and
    theirs is a real one. A rep's name is never replaced."""
    real = any(char.isalnum() for char in draft.name) and not _copied_name(draft)
    return real and stand_in_name(lead)


def _fields_not_taken(lead: Lead, row: ImportedLead) -> Iterable[str]:
    draft = row.draft
    if draft.name != lead.name and not _copied_name(draft):
        yield f"name {shown(draft.name)} ({_kept(lead.name)})"
    for name in ("company", "title", "owner"):
        offered, kept = getattr(draft, name), getattr(lead, name)
        if offered and offered != kept:
            yield f"{name} {shown(offered)} ({_kept(kept)})"
    if draft.source is not Source.OTHER and draft.source is not lead.source:
        yield f"source {shown(draft.source.value)} ({_kept(lead.source.value)})"
    if draft.value_cents and (
        draft.value_cents != lead.value_cents
        or (draft.currency is not None and draft.currency != lead.currency)
    ):
        currency = draft.currency or lead.currency
        offered = f"{format_money(draft.value_cents, currency)} {currency}"
        kept = lead.money() if lead.value_cents else None
        yield f"amount {shown(offered)} ({_kept(kept)})"
    if row.lifecycle is not Lifecycle.PROSPECT and row.lifecycle.rank > lead.lifecycle.rank:
        yield f"lifecycle {shown(row.lifecycle.value)} ({_kept(lead.lifecycle.value)})"
    if row.fit is not Fit.UNKNOWN and row.fit is not lead.fit:
        yield f"fit {shown(row.fit.value)} ({_kept(lead.fit.value)})"
    if row.stage is not Stage.NEW and row.stage is not lead.stage:
        yield f"stage {shown(row.stage.value)} ({_kept(lead.stage.value)})"
    if row.lost_reason and row.lost_reason != lead.lost_reason:
        yield f"lost reason {shown(row.lost_reason)} ({_kept(lead.lost_reason)})"
    if row.pinned is not None and row.pinned is not lead.temperature:
        yield f"temperature {shown(row.pinned.value)} ({_kept(lead.temperature.value)})"
    for name, offered_day, kept_day in (
        ("expected close", draft.expected_close, lead.expected_close),
        ("created", row.created_at, lead.created_at),
        ("follow-up", row.follow_up_at, lead.follow_up_at),
        ("last touch", row.last_touch_at, lead.last_touch_at),
        ("stage entered", row.entered_at, lead.stage_entered_at),
    ):
        if offered_day is not None and _day(offered_day) != _day(kept_day):
            yield f"{name} {shown(_day(offered_day) or '')} ({_kept(_day(kept_day))})"
    for criterion, answer in row.bant:
        kept_answer = lead.bant_answer(criterion)
        if answer != kept_answer:
            yield f"bant.{criterion} {shown(answer.text())} ({_kept(kept_answer.text())})"


def _day(moment: date | datetime | None) -> str | None:
    if moment is None:
        return None
    return to_iso(moment) if isinstance(moment, datetime) else moment.isoformat()


def _custom_not_taken(lead: Lead, row: ImportedLead) -> Iterable[str]:
    for name, offered in row.custom.items():
        kept = lead.custom.get(name)
        if offered and offered != kept:
            yield f"custom.{clean_line(name)[:SHOWN_CHARS]} {shown(offered)} ({_kept(kept)})"


def _touch_key(entry: HistoryEntry) -> TouchKey:
    return (to_iso(entry.at), entry.kind.value if entry.kind else None, entry.note or "")


def _new_touches(
    history: Iterable[HistoryEntry], held: Collection[TouchKey]
) -> Iterable[HistoryEntry]:
    seen = set(held)
    for entry in history:
        standing = entry.type == "touch" and not entry.action and not entry.undone
        if standing and (key := _touch_key(entry)) not in seen:
            seen.add(key)
            yield entry


def _history_not_taken(
    history: Iterable[HistoryEntry],
    journal: Collection[JournalLine],
    touches: Collection[TouchKey],
) -> Iterable[str]:
    """The row's history lines the lead neither holds nor gets."""
    left: list[str] = []
    for entry in history:
        at = to_iso(entry.at)
        if entry.type == "stage_change":
            old = entry.from_stage.value if entry.from_stage else None
            new = entry.to_stage.value if entry.to_stage else None
            if ("stage", old, new, at) not in journal:
                left.append(f"stage {old or 'none'} → {new or 'none'} at {at}")
        elif entry.type == "touch" and entry.undone:
            kind = entry.kind.value if entry.kind else "touch"
            left.append(f"{kind} {shown(entry.note or '')} (undone) at {at}")
        elif entry.field and (entry.field, entry.old, entry.new, at) not in journal:
            left.append(
                f"{clean_line(entry.field)[:SHOWN_CHARS]} {shown(entry.old or '')}"
                f" → {shown(entry.new or '')} at {at}"
            )
    if left:
        more = f" and {len(left) - SHOWN_HISTORY} more" if len(left) > SHOWN_HISTORY else ""
        yield f"history {'; '.join(left[:SHOWN_HISTORY])}{more}"
