"""Opening an import file as a table: headers, then rows with line numbers.

CSV (delimiter sniffed on the decoded text), a JSON array of objects (or
an object holding one, as {"records": [...]}), or JSON Lines, each number
kept as written (json_values.py), in the encoding `encoding.detect` finds;
or an Excel workbook's first sheet with data (workbook.py). Rows are
streamed (but for a JSON document, which is read whole), so a million-row
file is read in bounded memory, and can be read again (the dry run samples
them; the import reads them once more). A row the parser cannot read, or
holding bytes the encoding does not define, is yielded as a BrokenRow with
its line and reason, never skipped.
"""

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import BANT_PREFIX, CUSTOM_PREFIX
from leadtui.domain.sanitize import clean_line
from leadtui.importing.encoding import (
    Encoding,
    detect,
    escaped_bytes,
    has_escaped,
    refuse_compressed,
    visible,
)
from leadtui.importing.footer_rows import Footer, without_footer
from leadtui.importing.json_values import Number, TooDeep, as_json_text, load, loads
from leadtui.importing.title_rows import MAX_TITLE_ROWS, NO_TITLE, Title, title_above
from leadtui.importing.workbook import WORKBOOK_CELLS, Sheet, is_workbook, refuse_legacy

# csv's default cap is 128 KiB per field; a pasted email thread can pass it.
csv.field_size_limit(16 * 1024 * 1024)

_DELIMITERS = ",;\t|"
_CHUNK = 1 << 20
_HEAD = 64 * 1024  # characters looked at to tell how the file is written
_FIRST_BREAK = re.compile("\r\n|\r|\n")
_TOP_ROWS = MAX_TITLE_ROWS * 3  # rows read to find a title: blank rows may sit among it


# Not frozen: one is made for every row of a file, and a frozen dataclass's
# __init__ (object.__setattr__ per field) costs 3x a slotted one's. Nothing
# changes a row once read.
@dataclass(slots=True)
class RawRow:
    line: int  # where the row starts in the file (1 = the header for CSV)
    values: list[str]  # aligned with Table.headers


@dataclass(frozen=True)
class BrokenRow:
    line: int
    reason: str
    values: list[str]  # what could be read of it, for the rejects file


Row = RawRow | BrokenRow


@dataclass(frozen=True)
class Table:
    path: Path
    kind: str  # "csv", "json", "jsonl" or "xlsx"
    headers: list[str]
    encoding: Encoding
    delimiter: str | None
    approx_rows: int  # for a progress bar: lines, or records
    sheet: Sheet | None = None  # the worksheet read, for "xlsx"
    title: Title = NO_TITLE  # rows above the header (CSV, workbook)
    # A JSON object holding the records, as {"records": [...]}: the key
    # read, and the object's other keys (not rows, so not imported).
    records_key: str | None = None
    other_keys: tuple[str, ...] = ()
    # A report's footer below the rows (CSV, workbook), found as they are
    # read: known once they all are (footer_rows.py).
    footer: Footer = field(default_factory=Footer, compare=False)

    def rows(self) -> Iterator[Row]:
        if self.sheet is not None:
            return without_footer(_sheet_rows(self.sheet), self.footer)
        if self.kind != "csv":
            rows = _json_rows(self)
        else:
            rows = without_footer(_csv_rows(self), self.footer)
        return _undecodable_rows(rows, self.encoding) if self.encoding.undecodable else rows

    def open(self) -> Any:
        return self.path.open(encoding=self.encoding.name, errors=self.encoding.errors, newline="")

    def describe(self) -> str:
        if self.sheet is not None:
            return self.sheet.describe()
        if self.kind != "csv":
            return f"{self.kind.upper()}, {self.encoding.describe()}"
        delimiter = _DELIMITER_NAMES[self.delimiter or ","]
        return f"CSV, {delimiter}-separated, {self.encoding.describe()}"


_DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}


def open_table(path: Path, encoding: str | None = None) -> Table:
    """Look at `path` and say how to read it; InvalidInput if it cannot be.
    `encoding` overrides the detected one."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise InvalidInput(f"cannot import {path}: no such file")
    try:
        if is_workbook(path):
            return _workbook_table(path)
        refuse_legacy(path)
        refuse_compressed(path)
        found = detect(path, encoding)
        with path.open(encoding=found.name, errors=found.errors, newline="") as stream:
            head = stream.read(_HEAD)
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{path}: not {found.describe()} text ({error.reason})") from None
    stripped = head.lstrip()
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"} or (suffix != ".json" and stripped.startswith("{")):
        return _json_table(path, "jsonl", found)
    if suffix == ".json" or stripped.startswith("["):
        return _json_table(path, "json", found)
    if not stripped:
        raise InvalidInput(f"{path} is empty")
    return _csv_table(path, found, head)


def _undecodable_rows(rows: Iterator[Row], encoding: Encoding) -> Iterator[Row]:
    """Rows holding bytes the encoding does not define are rejected, with
    their line and bytes; the cells go to the rejects file with the bytes
    written as \\x81."""
    for row in rows:
        if any(has_escaped(value) for value in row.values):
            found = " ".join(escaped_bytes(value) for value in row.values if has_escaped(value))
            reason = f"bytes {found} are not {encoding.label} text (lines are counted in the file)"
            if isinstance(row, BrokenRow):
                reason = f"{row.reason}; {reason}"
            yield BrokenRow(row.line, reason, [visible(value) for value in row.values])
        else:
            yield row


def _count_lines(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(_CHUNK), b""))


# ----------------------------------------------------------------- workbook


def _workbook_table(path: Path) -> Table:
    sheet = Sheet(path)
    cells = Encoding("utf-8", WORKBOOK_CELLS)  # stands for the XML's own; never used to decode
    headers = _unique(sheet.headers)
    return Table(path, "xlsx", headers, cells, None, sheet.approx_rows, sheet, sheet.title_rows)


def _sheet_rows(sheet: Sheet) -> Iterator[Row]:
    for line, values, broken in sheet.rows():
        yield RawRow(line, values) if broken is None else BrokenRow(line, broken, values)


# ---------------------------------------------------------------------- CSV


def _csv_table(path: Path, encoding: Encoding, head: str) -> Table:
    delimiter = _delimiter(head)
    with path.open(encoding=encoding.name, errors=encoding.errors, newline="") as stream:
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        first: list[list[str]] = []
        try:
            for row in reader:
                first.append(row)
                if len(first) > _TOP_ROWS:
                    break
        except csv.Error as error:
            if not first:
                raise InvalidInput(f"{path}: cannot read the header row ({error})") from None
    if not first:
        raise InvalidInput(f"{path}: cannot read the header row (no rows)")
    title = title_above(first)
    headers = _unique(first[title.rows])
    lines = _count_lines(path)
    return Table(path, "csv", headers, encoding, delimiter, lines, title=title)


def _delimiter(head: str) -> str:
    """The delimiter the header row uses most (outside quotes), the same
    count on the next rows breaking ties: tab for Excel's Unicode Text."""
    lines = head.splitlines()[:5] or [""]

    def counts(delimiter: str) -> tuple[int, int]:
        per_line = [_unquoted(line).count(delimiter) for line in lines]
        steady = sum(1 for count in per_line[1:] if count == per_line[0])
        return per_line[0], steady

    best = max(_DELIMITERS, key=counts)
    return best if counts(best)[0] else ","  # a one-column file


def _unquoted(line: str) -> str:
    """The line without its quoted parts ("Smith, Ann" holds no delimiter)."""
    return "".join(line.split('"')[0::2])


def _csv_rows(table: Table) -> Iterator[Row]:
    width = len(table.headers)
    with table.open() as stream:
        # In a file whose lines end in a bare CR (classic Mac: its header
        # line does), a line break inside a quoted cell is a CR too: read as
        # LF, as the sanitiser drops a CR and "upon\ra time" would become
        # "upona time". A CR inside a cell of any other file stays as it is.
        first_break = _FIRST_BREAK.search(stream.read(_HEAD))
        bare_cr = first_break is not None and first_break[0] == "\r"
        stream.seek(0)
        reader = csv.reader(stream, delimiter=table.delimiter or ",", strict=True)
        for _ in range(table.title.rows + 1):  # the title, then the header
            next(reader, None)
        previous_end = reader.line_num
        while True:
            start = previous_end + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                reason = f"broken quoting: {error}"
                if reader.line_num > start:
                    reason += f" (lines {start}-{reader.line_num})"
                yield BrokenRow(start, reason, [])
                previous_end = reader.line_num
                continue
            previous_end = reader.line_num
            if bare_cr:
                values = [value.replace("\r", "\n") for value in values]
            if not any(values):
                continue  # a blank line between rows is not a row
            if len(values) != width:
                yield BrokenRow(start, f"expected {width} fields, found {len(values)}", values)
            else:
                yield RawRow(start, values)


def _unique(headers: list[str]) -> list[str]:
    """Two columns with the same header get ' (2)', ' (3)'…: both are kept.
    A column with no header is called 'Column N' (its values are kept too).
    Headers are printed and become custom field names: sanitised here."""
    used: set[str] = set()
    unique = []
    for number, header in enumerate(headers, start=1):
        name = clean_line(visible(header)) or f"Column {number}"
        again, count = name, 1
        while again in used:
            count += 1
            again = f"{name} ({count})"
        used.add(again)
        unique.append(again)
    return unique


# --------------------------------------------------------------------- JSON


def _json_table(path: Path, kind: str, encoding: Encoding) -> Table:
    records: Iterable[Any] = ()
    key: str | None = None
    others: tuple[str, ...] = ()
    if kind == "json":
        records, key, others = _json_array(path, encoding)
    else:
        records = _json_records(path, kind, encoding)
    headers: dict[str, None] = {}
    count = 0
    for record in records:
        if isinstance(record, dict):
            headers.update(dict.fromkeys(_flatten(record)))
        count += 1
    return Table(
        path, kind, _unique(list(headers)), encoding, None, count,
        records_key=key, other_keys=others,
    )  # fmt: skip


# What APIs and exporters call the array of records in a JSON object:
# Salesforce ("records"), Pipedrive ("data"), HubSpot ("results"), ... Not
# "contacts": a lead of leadtui's own (`show --json`) holds a list by that name.
_RECORDS_KEYS = {"records", "data", "results", "items", "rows", "entries", "leads", "deals"}


def _holds_records(value: Any) -> bool:
    return isinstance(value, list) and (not value or any(isinstance(v, dict) for v in value))


def _json_array(path: Path, encoding: Encoding) -> tuple[list[Any], str | None, tuple[str, ...]]:
    """A JSON file's records: the document's array, or the one array an
    object holds (the Salesforce CLI's {"records": [...]}, an API's
    {"totalSize": 2, "done": true, "records": [...]}) with its key and the
    object's other keys."""
    with path.open(encoding=encoding.name, errors=encoding.errors) as stream:
        try:
            document = load(stream)
        except json.JSONDecodeError as error:
            raise InvalidInput(
                f"{path} is not valid JSON: {error.msg} at line {error.lineno}"
            ) from None
        except TooDeep as error:
            raise InvalidInput(f"{path}: {error}") from None
    if isinstance(document, list):
        return document, None, ()
    if isinstance(document, dict):
        # The object's only key, or the one an API names its page of records
        # by: a lead's own lists (history, tags) are not records.
        keys = list(document) if len(document) == 1 else [
            key for key in document if key.lower() in _RECORDS_KEYS
        ]  # fmt: skip
        if len(keys) == 1 and _holds_records(records := document[keys[0]]):
            return records, keys[0], tuple(key for key in document if key != keys[0])
    raise InvalidInput(
        f"{path}: expected a JSON array of objects, or an object holding one"
        ' (as {"records": [...]})'
    )


def _json_records(path: Path, kind: str, encoding: Encoding) -> Iterator[Any]:
    """Each record of the file; for JSON Lines a broken line is yielded as a
    BrokenRow in its place."""
    if kind == "json":
        yield from _json_array(path, encoding)[0]
        return
    with path.open(encoding=encoding.name, errors=encoding.errors) as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                yield loads(line)
            except json.JSONDecodeError as error:
                yield BrokenRow(number, f"not valid JSON: {error.msg}", [line.rstrip("\n")])
            except TooDeep as error:
                yield BrokenRow(number, f"not read: {error}", [line.rstrip("\n")])


def _json_rows(table: Table) -> Iterator[Row]:
    for number, record in enumerate(_json_records(table.path, table.kind, table.encoding), 1):
        if isinstance(record, BrokenRow):
            yield record
        elif not isinstance(record, dict):
            yield BrokenRow(number, "not a JSON object", [as_json_text(record)])
        else:
            flat = _flatten(record)
            yield RawRow(number, [flat.get(header, "") for header in table.headers])


_OWN_EXPORT_KEYS = frozenset({"temperature_pinned", "win_chance", "value_cents"})


def _flatten(record: dict[str, Any]) -> dict[str, str]:
    """A record as text cells. leadtui's own `custom` object becomes
    'custom.NAME' columns and its `bant` object 'bant.CRITERION' ones ("yes:
    note"); other nested values are kept as JSON text."""
    flat: dict[str, str] = {}
    # leadtui's own export's history is read back (own_export.py); another
    # system's list by that name is left out, as it always was.
    own = record.keys() >= _OWN_EXPORT_KEYS
    for key, value in record.items():
        if key == "custom" and isinstance(value, dict):
            for name, cell in value.items():
                _put(flat, f"{CUSTOM_PREFIX}{clean_line(str(name))}", _cell(cell))
        elif key == "bant" and isinstance(value, dict):
            for name, cell in value.items():
                _put(flat, f"{BANT_PREFIX}{clean_line(str(name))}", _bant_cell(cell))
        elif not (key == "history" and isinstance(value, list) and not own):
            _put(flat, clean_line(str(key)), _cell(value))
    return flat


def _put(flat: dict[str, str], key: str, value: str) -> None:
    """Two keys that read the same once sanitised ("a" and "a\\n") are both kept."""
    name, number = key, 1
    while name in flat:
        number += 1
        name = f"{key} ({number})"
    flat[name] = value


def _bant_cell(value: Any) -> str:
    if isinstance(value, dict):
        answer, note = _cell(value.get("answer")), _cell(value.get("note"))
        return f"{answer}: {note}" if note else answer
    return _cell(value)


_SEPARATOR = re.compile("[,;|]")  # what a tags cell is split on


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Number):
        return value  # its text as written, still known as a number (amounts)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, list) and all(
        isinstance(item, str) and not isinstance(item, Number) for item in value
    ):  # e.g. tags; an item holding a separator is quoted, as split_tags reads it
        if any(_SEPARATOR.search(item) or item.startswith('"') for item in value):
            return ", ".join('"' + item.replace('"', '""') + '"' for item in value)
        return ", ".join(value)
    return as_json_text(value)
