"""Reading lead rows into Lead models."""

import re
import threading
from collections.abc import Sequence
from typing import Any

import sqlite_utils
from pydantic import ValidationError

from leadtui.domain.currency import VALUE_RANK
from leadtui.domain.errors import DamagedRow, LeadNotFound
from leadtui.domain.field_errors import problem_text
from leadtui.domain.models import Answer, BantAnswer, Lead, Stage
from leadtui.domain.sanitize import clean_line, shown_name
from leadtui.repository import schema
from leadtui.repository.contacts import contacts_where
from leadtui.repository.engine import Dialect
from leadtui.repository.team_settings import CURRENCY_SQL

# What a lead is read with: the columns bulk loads write, and the few that
# only later actions set; the value as the value order ranks it; the
# currency is the lead's own or the team's.
READ_COLUMNS = (*schema.LEAD_COLUMNS, "snoozed_until", "value_rank", "currency")
SHOWN_VALUE = 40  # characters of a damaged value a message shows
LEAD_SELECT = f"SELECT {', '.join(READ_COLUMNS[:-2])}, {VALUE_RANK}, {CURRENCY_SQL} FROM leads"


def lead_from_row(row: tuple[Any, ...]) -> Lead:
    fields = dict(zip(READ_COLUMNS, row, strict=True))
    try:
        return Lead.model_validate(fields)
    except ValidationError as error:
        raise damaged(fields, error) from None


class UnreadableLeads:
    """Leads a page of a list left out because another program gave them a
    value leadtui cannot read: a list shows the others rather than none,
    and the front end is told each such lead once (`news`)."""

    def __init__(self) -> None:
        self._found: dict[object, str] = {}  # lead id → the one-line message
        self._told: set[object] = set()
        # The TUI's reads run on several worker threads at once.
        self._lock = threading.Lock()

    def readable(self, rows: list[tuple[Any, ...]]) -> list[Lead]:
        leads = []
        for row in rows:
            try:
                leads.append(lead_from_row(row))
            except DamagedRow as error:
                with self._lock:
                    self._found.setdefault(error.lead_id, str(error))
        return leads

    def news(self) -> list[str]:
        """The messages of leads left out since the last call."""
        with self._lock:
            fresh = [lead_id for lead_id in self._found if lead_id not in self._told]
            self._told.update(fresh)
            return [self._found[lead_id] for lead_id in fresh]


def damaged(
    fields: dict[str, Any], error: ValidationError, lead_id: object = None, row: str = ""
) -> DamagedRow:
    """The first value of a row the model refused, as one line: a lead's own
    row, or with `row` another row of the lead's ("history line #9 of ")."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else "?"
    value = clean_line(str(fields.get(field)))
    shown = repr(value if len(value) <= SHOWN_VALUE else value[: SHOWN_VALUE - 1] + "…")
    why = problem_text(first, quote_input=False)  # the value is shown already
    return DamagedRow(fields.get("id") if lead_id is None else lead_id, field, shown, why, row)


def fetch_lead(db: sqlite_utils.Database, lead_id: int, *, lock: Dialect | None = None) -> Lead:
    """The lead; with `lock` (the engine's dialect), read to be written back
    in the caller's transaction: its row is locked until commit where the
    engine locks rows (Dialect.for_update)."""
    locking = lock.for_update() if lock else ""
    row = db.execute(f"{LEAD_SELECT} WHERE id = ?{locking}", [lead_id]).fetchone()
    if row is None:
        raise LeadNotFound(lead_id)
    return lead_from_row(row)


def with_custom(db: sqlite_utils.Database, lead: Lead) -> Lead:
    """The lead with its custom fields, tags, BANT answers and secondary
    contacts, for the views that show a whole lead."""
    found = details_by_lead(db, "lead_id = ?", [lead.id]).get(lead.id)
    return lead.model_copy(update=found) if found else lead


def details_by_lead(
    db: sqlite_utils.Database, where: str, params: Sequence[object]
) -> dict[int, dict[str, Any]]:
    """The custom fields, tags, BANT answers and secondary contacts of the
    leads `where` (on lead_id) selects, each lead's as a Lead update (all
    four, empty where it has none); a lead with none is left out. One query
    a table, whether for one lead, an id range or a list of ids."""
    found: dict[int, dict[str, Any]] = {}

    def of(lead_id: int) -> dict[str, Any]:
        return found.setdefault(lead_id, {"custom": {}, "tags": [], "bant": {}, "contacts": []})

    values = list(params)
    custom = db.execute(
        f"SELECT lead_id, name, value FROM custom_fields WHERE {where}", values
    ).fetchall()
    for lead_id, name, value in sorted(
        custom, key=lambda row: (row[0], natural_key(row[1]), row[1])
    ):
        of(lead_id)["custom"][name] = value
    for lead_id, tag in db.execute(
        f"SELECT lead_id, tag FROM tags WHERE {where} ORDER BY lead_id, tag", values
    ):
        of(lead_id)["tags"].append(tag)
    for lead_id, criterion, answer, note in db.execute(
        f"SELECT lead_id, criterion, answer, note FROM bant WHERE {where}"
        " ORDER BY lead_id, criterion",
        values,
    ):
        of(lead_id)["bant"][criterion] = BantAnswer(answer=Answer(answer), note=note)
    for lead_id, contacts in contacts_where(db, where, values).items():
        of(lead_id)["contacts"] = contacts
    return found


_NUMBER = re.compile(r"(\d+)")


def leads_named(db: sqlite_utils.Database, ids: Sequence[int]) -> str:
    """'#8 Ann Lee and 2 more': the leads a chunked write left as a teammate
    left them, named by the first; "" for none."""
    if not ids:
        return ""
    row = db.execute("SELECT name FROM leads WHERE id = ?", [ids[0]]).fetchone()
    more = len(ids) - 1
    return (
        f"#{ids[0]}{f' {shown_name(row[0])}' if row else ''}{f' and {more:,} more' if more else ''}"
    )


def natural_key(name: str) -> list[str | int]:
    """A custom field's place among a lead's: its numbers as numbers, case
    aside (col0, col1, col2 ... col10, as a file numbers its columns; as
    text, col10 came before col2). Not the file's own order: the table is
    keyed by name on both engines and keeps no position. Split on a
    captured group, text and numbers alternate, so two keys always compare
    str with str and int with int."""
    return [
        int(part) if index % 2 else part.casefold()
        for index, part in enumerate(_NUMBER.split(name))
    ]


# Ids per IN list: under SQLite's old 999-parameter limit.
_CHUNK = 500


def with_details(db: sqlite_utils.Database, leads: Sequence[Lead]) -> list[Lead]:
    """The leads, in their order, each with its details (as with_custom),
    read by id a chunk at a time: for lists whose ids are scattered (due,
    search, duplicates), where an id range, as an export batch reads, could
    span the whole table."""
    found: dict[int, dict[str, Any]] = {}
    ids = sorted({lead.id for lead in leads})
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found |= details_by_lead(db, f"lead_id IN ({', '.join('?' * len(chunk))})", chunk)
    return [lead.model_copy(update=found[lead.id]) if lead.id in found else lead
            for lead in leads]  # fmt: skip


def stage_totals_from(rows: list[tuple[str, int, int | float]]) -> dict[Stage, tuple[int, int]]:
    """Stage totals as the board shows them. A stage or an amount another
    program wrote is not one leadtui reads (the lead itself says so when
    opened): an unknown stage is left out, and a total SQLite turned into
    a float when it overflowed is cut back to an integer."""
    known = {stage.value for stage in Stage}
    return {Stage(stage): (count, int(value)) for stage, count, value in rows if stage in known}
