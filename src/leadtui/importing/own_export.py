"""What leadtui's own export carries that other systems' files do not: the
secondary contacts a merge kept (CSV: `other_emails` and `other_phones`,
joined by ", "; JSON: `contacts`, a list of {"kind", "value"} objects),
read back as contacts rather than text, so that `/` and the duplicate
checks find them in the new file as in the old; and the JSON export's
`history` (--with-history), read back as the lead's stage changes, touches
and field changes; a CSV export's FILE.history.csv beside it, likewise."""

import csv
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from leadtui.domain.contact_check import checked_contact
from leadtui.domain.models import TAG_SEPARATOR, HistoryEntry
from leadtui.importing.formula_guard import unquote_formula
from leadtui.importing.headers import is_leadtui_export
from leadtui.importing.notes import Notes
from leadtui.importing.reading import Table

# The fields read here, and the kind of contact each holds ("": the JSON
# list's own; None: not contacts but the history).
_OWN_FIELDS: tuple[tuple[str, str | None], ...] = (
    ("other_emails", "email"), ("other_phones", "phone"), ("contacts", ""), ("history", None),
)  # fmt: skip

Contacts = tuple[tuple[str, str], ...]
History = tuple[HistoryEntry, ...]


class OwnParts:
    """Reads a row's contacts and history, for a file that has them."""

    def __init__(
        self,
        columns: list[tuple[int, str | None]],
        beside: dict[str, History],
        id_at: int,
        notes: Notes,
    ) -> None:
        self.columns, self.beside, self.id_at, self.notes = columns, beside, id_at, notes

    def read(self, values: list[str], spare: list[tuple[int, str]]) -> tuple[Contacts, History]:
        contacts, history = read_own(self.columns, values, spare)
        if self.beside and self.id_at >= 0:
            history += self.beside.get(values[self.id_at].strip(), ())
        self.notes.history_lines += len(history)
        return contacts, history


def own_parts(fields: dict[str, list[int]], table: Table, notes: Notes) -> OwnParts | None:
    """What to read of each row here: the mapped columns, and for leadtui's
    own CSV export its FILE.history.csv (read whole, by the export's lead
    id), if there is one. None when the file holds neither."""
    columns = [(index, kind) for name, kind in _OWN_FIELDS for index in fields.get(name, ())]
    beside: dict[str, History] = {}
    headers, path = table.headers, table.path
    history_file = path.with_name(f"{path.stem}.history.csv")
    if (
        table.kind == "csv"
        and "id" in headers
        and is_leadtui_export(headers)
        and history_file.exists()
    ):
        beside = _history_file(history_file, notes)
    if not (columns or beside):
        return None
    return OwnParts(columns, beside, headers.index("id") if "id" in headers else -1, notes)


def _history_file(path: Path, notes: Notes) -> dict[str, History]:
    """FILE.history.csv as `export --with-history` writes it (a lead_id
    column, then HistoryEntry.export_dict's keys; formula guards undone).
    A lead with a line that is not one gets none of its history, said."""
    found: dict[str, list[HistoryEntry]] = {}
    bad: set[str] = set()
    notes.history_file = path.name
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            for row in csv.DictReader(stream):
                lead = (row.pop("lead_id", None) or "").strip()
                # An empty cell is a field left at its default (None, not undone).
                fields = {k: unquote_formula(v, own_export=True) for k, v in row.items() if v}
                entry = _entry(fields)
                if entry is None:
                    bad.add(lead)
                else:
                    found.setdefault(lead, []).append(entry)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        notes.history_unread = f"not read ({error})"
        return {}
    notes.history_bad_leads = len(bad)
    return {
        lead: tuple(sorted(lines, key=lambda entry: entry.at))
        for lead, lines in found.items()
        if lead not in bad
    }


def read_own(
    columns: list[tuple[int, str | None]], values: list[str], spare: list[tuple[int, str]]
) -> tuple[Contacts, History]:
    """A row's contacts as (kind, value), each once, and its history. A
    cell that is not all well-formed contacts, or not a history leadtui
    reads, is spare (kept whole as a custom field): nothing is lost, and
    nothing unchecked is stored as what it claims to be."""
    found: list[tuple[str, str]] = []
    history: History = ()
    for index, kind in columns:
        cell = values[index].strip()
        if not cell:
            continue
        if kind is None:
            lines = _history_cell(cell)
            if lines is None:
                spare.append((index, cell))
            else:
                history += lines
            continue
        read = _contact_cell(cell, kind)
        if read is None:
            spare.append((index, cell))
        else:
            found += read
    return tuple(dict.fromkeys(found)), history


def _json_list(cell: str) -> list[Any] | None:
    try:
        items = json.loads(cell)
    except ValueError:
        return None
    return items if isinstance(items, list) else None


def _contact_cell(cell: str, kind: str) -> list[tuple[str, str]] | None:
    items = (
        [{"kind": kind, "value": part} for part in cell.split(TAG_SEPARATOR)]
        if kind
        else _json_list(cell)
    )
    if items is None:
        return None
    read: list[tuple[str, str]] = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(value := item.get("value"), str):
            return None
        contact = checked_contact(str(item.get("kind")), value)
        if contact is None:
            return None
        read.append((contact.kind, contact.value))
    return read


def _history_cell(cell: str) -> History | None:
    """The export's history lines (HistoryEntry.export_dict's shape), in
    time order, or None when any is not one."""
    items = _json_list(cell)
    if items is None:
        return None
    lines: list[HistoryEntry] = []
    for item in items:
        entry = _entry(item) if isinstance(item, dict) else None
        if entry is None:
            return None
        lines.append(entry)
    return tuple(sorted(lines, key=lambda entry: entry.at))


def _entry(item: dict[str, Any]) -> HistoryEntry | None:
    """One line of an export's history, or None if it is not one."""
    fields = {**item, "from_stage": item.get("from"), "to_stage": item.get("to")}
    fields.pop("from", None)
    fields.pop("to", None)
    try:
        entry = HistoryEntry.model_validate(fields)
    except ValidationError:
        return None
    # The export writes every moment with its offset, every touch's kind and
    # every change's stage: a line without is not its (and could not be stored).
    if entry.at.tzinfo is None or (entry.type == "touch" and entry.kind is None):
        return None
    return None if entry.type == "stage_change" and entry.to_stage is None else entry
