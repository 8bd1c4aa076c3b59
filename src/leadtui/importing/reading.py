"""Opening an import file as a table: headers, then rows with line numbers.

CSV (delimiter detected, UTF-8 with or without a BOM, else Windows-1252 /
Latin-1), a JSON array of objects, or JSON Lines. Rows are streamed, so a
million-row file is read in bounded memory, and can be read again (the dry
run samples them; the import reads them once more). A row the parser cannot
read is yielded as a BrokenRow with its line and reason, never skipped.
"""

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import BANT_PREFIX, CUSTOM_PREFIX
from leadtui.domain.sanitize import clean_line

# csv's default cap is 128 KiB per field; a pasted email thread can pass it.
csv.field_size_limit(16 * 1024 * 1024)

_DELIMITERS = ",;\t|"
_CHUNK = 1 << 20


@dataclass(frozen=True)
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
    kind: str  # "csv", "json" or "jsonl"
    headers: list[str]
    encoding: str
    delimiter: str | None
    approx_rows: int  # for a progress bar: lines, or records

    def rows(self) -> Iterator[Row]:
        if self.kind == "csv":
            return _csv_rows(self)
        return _json_rows(self)

    def describe(self) -> str:
        if self.kind != "csv":
            return f"{self.kind.upper()}, {self.encoding}"
        delimiter = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}[
            self.delimiter or ","
        ]
        return f"CSV, {delimiter}-separated, {self.encoding}"


def open_table(path: Path) -> Table:
    """Look at `path` and say how to read it; InvalidInput if it cannot be."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise InvalidInput(f"cannot import {path}: no such file")
    try:
        encoding = _encoding(path)
        with path.open(encoding=encoding, newline="") as stream:
            head = stream.read(64 * 1024)
    except OSError as error:
        raise InvalidInput(f"cannot read {path}: {error.strerror}") from None
    stripped = head.lstrip()
    suffix = path.suffix.lower()
    if suffix in {".jsonl", ".ndjson"} or (suffix != ".json" and stripped.startswith("{")):
        return _json_table(path, "jsonl", encoding)
    if suffix == ".json" or stripped.startswith("["):
        return _json_table(path, "json", encoding)
    if not stripped:
        raise InvalidInput(f"{path} is empty")
    return _csv_table(path, encoding, head)


def _encoding(path: Path) -> str:
    """UTF-8 (BOM or not) if every byte decodes as UTF-8, else Windows-1252,
    which spreadsheet exports on Windows use (Latin-1 when even that fails)."""
    with path.open("rb") as stream:
        has_bom = stream.read(3) == codecs.BOM_UTF8
        stream.seek(0)
        decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8-sig" if has_bom else "utf-8"
        except UnicodeDecodeError:
            pass
        stream.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            return "cp1252"
        except UnicodeDecodeError:
            return "latin-1"


def _count_lines(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(_CHUNK), b""))


# ---------------------------------------------------------------------- CSV


def _csv_table(path: Path, encoding: str, head: str) -> Table:
    first_line = head.splitlines()[0] if head else ""
    delimiter = max(_DELIMITERS, key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","  # a one-column file
    with path.open(encoding=encoding, newline="") as stream:
        try:
            headers = next(csv.reader(stream, delimiter=delimiter, strict=True))
        except (csv.Error, StopIteration) as error:
            raise InvalidInput(f"{path}: cannot read the header row ({error})") from None
    return Table(path, "csv", _unique(headers), encoding, delimiter, _count_lines(path))


def _csv_rows(table: Table) -> Iterator[Row]:
    width = len(table.headers)
    with table.path.open(encoding=table.encoding, newline="") as stream:
        reader = csv.reader(stream, delimiter=table.delimiter or ",", strict=True)
        next(reader, None)  # the header
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
            if not any(values):
                continue  # a blank line between rows is not a row
            if len(values) != width:
                yield BrokenRow(start, f"expected {width} fields, found {len(values)}", values)
            else:
                yield RawRow(start, values)


def _unique(headers: list[str]) -> list[str]:
    """Two columns with the same header get ' (2)', ' (3)'…: both are kept.
    Headers are printed and become custom field names: sanitised here."""
    seen: dict[str, int] = {}
    unique = []
    for header in headers:
        name = clean_line(header)
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return unique


# --------------------------------------------------------------------- JSON


def _json_table(path: Path, kind: str, encoding: str) -> Table:
    headers: dict[str, None] = {}
    count = 0
    for record in _json_records(path, kind, encoding):
        if isinstance(record, dict):
            headers.update(dict.fromkeys(_flatten(record)))
        count += 1
    return Table(path, kind, _unique(list(headers)), encoding, None, count)


def _json_records(path: Path, kind: str, encoding: str) -> Iterator[Any]:
    """Each record of the file; for JSON Lines a broken line is yielded as a
    BrokenRow in its place."""
    with path.open(encoding=encoding) as stream:
        if kind == "json":
            try:
                document = json.load(stream)
            except json.JSONDecodeError as error:
                raise InvalidInput(
                    f"{path} is not valid JSON: {error.msg} at line {error.lineno}"
                ) from None
            if not isinstance(document, list):
                raise InvalidInput(f"{path}: expected a JSON array of objects")
            yield from document
            return
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as error:
                yield BrokenRow(number, f"not valid JSON: {error.msg}", [line.rstrip("\n")])


def _json_rows(table: Table) -> Iterator[Row]:
    for number, record in enumerate(_json_records(table.path, table.kind, table.encoding), 1):
        if isinstance(record, BrokenRow):
            yield record
        elif not isinstance(record, dict):
            yield BrokenRow(number, "not a JSON object", [json.dumps(record)])
        else:
            flat = _flatten(record)
            yield RawRow(number, [flat.get(header, "") for header in table.headers])


def _flatten(record: dict[str, Any]) -> dict[str, str]:
    """A record as text cells. leadtui's own `custom` object becomes
    'custom.NAME' columns and its `bant` object 'bant.CRITERION' ones ("yes:
    note"); other nested values are kept as JSON text."""
    flat: dict[str, str] = {}
    for key, value in record.items():
        if key == "custom" and isinstance(value, dict):
            flat |= {f"{CUSTOM_PREFIX}{clean_line(str(k))}": _cell(v) for k, v in value.items()}
        elif key == "bant" and isinstance(value, dict):
            flat |= {f"{BANT_PREFIX}{clean_line(str(k))}": _bant_cell(v) for k, v in value.items()}
        elif not (key == "history" and isinstance(value, list)):  # an export's history
            flat[clean_line(str(key))] = _cell(value)
    return flat


def _bant_cell(value: Any) -> str:
    if isinstance(value, dict):
        answer, note = _cell(value.get("answer")), _cell(value.get("note"))
        return f"{answer}: {note}" if note else answer
    return _cell(value)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return ", ".join(value)  # e.g. tags
    return json.dumps(value, ensure_ascii=False)
