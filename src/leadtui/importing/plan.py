"""How a file's columns and values become lead fields: the automatic mapping,
with the user's overrides (`--map`, `--value-map`, a saved mapping file) on top.

A saved mapping is JSON, so a team can keep one per data source and repeat an
import without retyping overrides:

    {"columns": {"Lead Stage Custom": "stage", "Internal ID": "ignore"},
     "values": {"stage": {"Nurturing": "engaged"}, "fit": {"High in Relevance": "high"}},
     "day_first": true,
     "decimal_comma": false,
     "placeholders": ["Select", "N/A", "--", "none"]}

"placeholders" lists every word read as an empty cell (absent or null: the
defaults); "encoding" (optional) names the file's encoding; "decimal_comma"
(optional, like "day_first") whether amounts write 1.234,56.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import Source
from leadtui.domain.sanitize import clean_line
from leadtui.domain.vocabulary import normalise
from leadtui.importing.choices import quoted, value_maps
from leadtui.importing.headers import (
    STANDARD_FIELDS,
    Target,
    auto_target,
    is_leadtui_export,
    priority,
)
from leadtui.importing.placeholders import DEFAULT_PLACEHOLDERS, Placeholders
from leadtui.importing.profile import (
    NO_AMOUNTS,
    DecimalOrder,
    Sample,
    checked_fields,
    day_order,
    decimal_order,
    demoted,
)
from leadtui.importing.reading import Table
from leadtui.importing.values import StageValue
from leadtui.safe_files import write_private

# A file with no name column names its leads after its own id column: these
# headers, best first (X Education's "Lead Number", Salesforce's "Lead ID"…).
ID_HEADERS = (
    "lead number", "lead no", "prospect id", "record id", "lead id", "contact id",
    "person id", "customer id", "id", "record number", "external id", "uuid",
)  # fmt: skip


# The keys a mapping file may hold (as Overrides.save writes them).
MAPPING_KEYS = ("columns", "values", "day_first", "placeholders", "encoding", "decimal_comma")


@dataclass
class Overrides:
    """What the user said, from the command line and a mapping file."""

    columns: dict[str, str] = field(default_factory=dict)  # header → field | ignore | custom
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field → {text: value}
    day_first: bool | None = None
    placeholders: list[str] | None = None  # None: DEFAULT_PLACEHOLDERS
    encoding: str | None = None  # None: detected
    decimal_comma: bool | None = None  # None: decided from the amounts
    # Where each of `columns` was said, when in a mapping file ("mapping
    # m.json"): an error names the file, not a --map the user never typed.
    said_in: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> "Overrides":
        try:
            data = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
        except OSError as error:
            raise InvalidInput(f"cannot read mapping {path}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise InvalidInput(f"mapping {path} is not UTF-8 text") from None
        except json.JSONDecodeError as error:
            raise InvalidInput(f"mapping {path} is not valid JSON: {error.msg}") from None
        if not isinstance(data, dict):
            raise InvalidInput(f"mapping {path}: expected a JSON object")
        # A misspelt key ("colums") left the automatic mapping in effect, unsaid.
        for key in data:
            if key not in MAPPING_KEYS:
                near = process.extractOne(key, MAPPING_KEYS, scorer=fuzz.ratio, score_cutoff=70)
                hint = f" (did you mean {quoted(near[0])}?)" if near else ""
                raise InvalidInput(
                    f"mapping {path}: unknown key {quoted(key)}{hint}; a mapping holds"
                    f" {', '.join(MAPPING_KEYS)}"
                )
        columns, values = data.get("columns", {}), data.get("values", {})
        day_first, placeholders = data.get("day_first"), data.get("placeholders")
        encoding, decimal_comma = data.get("encoding"), data.get("decimal_comma")
        if not _str_dict(columns) or not isinstance(values, dict):
            raise InvalidInput(f"mapping {path}: columns must map header names to fields")
        if not all(_str_dict(table) for table in values.values()):
            raise InvalidInput(f"mapping {path}: values must map field → {{text: value}}")
        if day_first is not None and not isinstance(day_first, bool):
            raise InvalidInput(f"mapping {path}: day_first must be true or false")
        if decimal_comma is not None and not isinstance(decimal_comma, bool):
            raise InvalidInput(f"mapping {path}: decimal_comma must be true or false")
        if placeholders is not None and not (
            isinstance(placeholders, list) and all(isinstance(w, str) for w in placeholders)
        ):
            raise InvalidInput(f"mapping {path}: placeholders must be a list of words")
        if encoding is not None and not isinstance(encoding, str):
            raise InvalidInput(f"mapping {path}: encoding must be a name like cp1252")
        said_in = f"mapping {path}"
        for header, target in columns.items():  # refused here, naming the file
            _override_target(header, target, said_in)
        value_maps(values, said_in)
        return cls(
            dict(columns),
            {k: dict(v) for k, v in values.items()},
            day_first,
            list(placeholders) if placeholders is not None else None,
            encoding,
            decimal_comma,
            dict.fromkeys(columns, said_in),
        )

    def merged(self, other: "Overrides") -> "Overrides":
        """These overrides with `other`'s on top (the command line beats a file)."""
        values = {name: dict(table) for name, table in self.values.items()}
        for name, table in other.values.items():
            values.setdefault(name, {}).update(table)
        return Overrides(
            self.columns | other.columns,
            values,
            other.day_first if other.day_first is not None else self.day_first,
            other.placeholders if other.placeholders is not None else self.placeholders,
            other.encoding or self.encoding,
            other.decimal_comma if other.decimal_comma is not None else self.decimal_comma,
            {h: w for h, w in self.said_in.items() if h not in other.columns} | other.said_in,
        )

    def add_column(self, spec: str) -> None:
        """--map "Col Name=field" (or =ignore, =custom)."""
        header, sep, target = spec.rpartition("=")
        if not sep or not header.strip() or not target.strip():
            raise InvalidInput(f'--map {spec!r}: expected "Column=field"')
        self.columns[header.strip()] = target.strip()

    def add_value(self, spec: str) -> None:
        """--value-map stage:"Nurturing=engaged"."""
        name, sep, pair = spec.partition(":")
        text, eq, value = pair.rpartition("=")
        if not sep or not eq or not text.strip():
            raise InvalidInput(f'--value-map {spec!r}: expected field:"Text=value"')
        self.values.setdefault(name.strip(), {})[text.strip()] = value.strip()

    def with_placeholders(self, words: tuple[str, ...], *, defaults: bool = True) -> "Overrides":
        """--placeholder WORD (added to the mapping's words, else to the
        defaults) and --no-default-placeholders (start from none)."""
        if not words and defaults:
            return self
        base = self.placeholders
        if base is None:
            base = list(DEFAULT_PLACEHOLDERS) if defaults else []
        return Overrides(
            self.columns,
            self.values,
            self.day_first,
            [*base, *words],
            self.encoding,
            self.decimal_comma,
            self.said_in,
        )

    def save(self, path: Path, *, replace: bool = False) -> None:
        """The mapping as a file --mapping reads; an existing file is
        replaced only with `replace` (updating the mapping read)."""
        record: dict[str, Any] = {
            "columns": self.columns,
            "values": self.values,
            "day_first": self.day_first,
            "placeholders": self.placeholders,
        }
        if self.encoding:
            record["encoding"] = self.encoding
        if self.decimal_comma is not None:
            record["decimal_comma"] = self.decimal_comma
        try:
            write_private(
                Path(path).expanduser(),
                json.dumps(record, indent=2, ensure_ascii=False) + "\n",
                replace,
            )
        except OSError as error:
            raise InvalidInput(f"cannot write mapping {path}: {error.strerror}") from None


def _str_dict(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


@dataclass(frozen=True)
class Plan:
    """The mapping an import runs with, column by column."""

    table: Table
    targets: list[Target]  # aligned with table.headers
    names: dict[str, dict[str, Any]]  # field → the user's value map, keys normalised
    placeholders: Placeholders
    day_first: bool
    day_first_reason: str
    id_column: int | None = None  # what names a lead when nothing else does
    decimal: DecimalOrder = NO_AMOUNTS

    @property
    def stage_names(self) -> dict[str, StageValue]:
        return self.names.get("stage", {})

    @property
    def source_names(self) -> dict[str, Source]:
        return self.names.get("source", {})

    def columns_for(self, name: str) -> list[int]:
        """The columns feeding standard field `name`, most specific header first."""
        indexes = [i for i, t in enumerate(self.targets) if t == Target("field", name)]
        return sorted(indexes, key=lambda i: priority(self.table.headers[i]))

    def rows_of_mapping(self) -> list[tuple[str, str]]:
        return [(h, t.describe()) for h, t in zip(self.table.headers, self.targets, strict=True)]

    def demoted(self) -> list[tuple[str, Target]]:
        """The columns kept as custom fields although their header names a field."""
        return [
            (header, target)
            for header, target in zip(self.table.headers, self.targets, strict=True)
            if target.note
        ]


def make_plan(table: Table, overrides: Overrides) -> Plan:
    headers = table.headers
    targets = [auto_target(header, headers) for header in headers]
    by_name = {header: index for index, header in enumerate(headers)}
    by_key = {normalise(header): index for index, header in enumerate(headers)}
    said: set[int] = set()
    for header, target in overrides.columns.items():
        index = by_name.get(header, by_key.get(normalise(header)))
        if index is None:
            if said_in := overrides.said_in.get(header):
                raise InvalidInput(
                    f"{said_in}: columns: {quoted(header)}: {table.path.name} has no such column"
                )
            raise InvalidInput(f"--map: the file has no column {header!r}")
        targets[index] = _override_target(header, target)
        said.add(index)
    names = value_maps(overrides.values)
    # leadtui's own export never writes a placeholder (an empty field is an
    # empty cell), so a note that is just "." or "-" there is the note itself:
    # the default words apply only to other systems' files.
    defaults = () if is_leadtui_export(headers) else DEFAULT_PLACEHOLDERS
    placeholders = Placeholders(
        defaults if overrides.placeholders is None else overrides.placeholders
    )
    looked_at = [
        index
        for index, target in enumerate(targets)
        if target.kind == "field" and target.name in checked_fields()
    ]
    sample = Sample.of(table, looked_at, placeholders)
    targets = _unique_custom(demoted(headers, targets, said, sample, names))
    day_first, reason = day_order(headers, targets, sample, overrides.day_first)
    decimal = decimal_order(headers, targets, sample, overrides.decimal_comma, table.delimiter)
    return Plan(
        table,
        targets,
        names,
        placeholders,
        day_first,
        reason,
        _id_column(headers, targets),
        decimal,
    )


def _id_column(headers: list[str], targets: list[Target]) -> int | None:
    ranked = [
        (ID_HEADERS.index(key), index)
        for index, header in enumerate(headers)
        if (key := normalise(header)) in ID_HEADERS and targets[index].kind != "ignore"
    ]
    return min(ranked)[1] if ranked else None


def _unique_custom(targets: list[Target]) -> list[Target]:
    """Two columns kept under one custom field name ("custom.City" and
    "City") are both kept: the second becomes "City (2)"."""
    used: set[str] = set()
    result = []
    for target in targets:
        if target.kind == "custom":
            name, count = target.name, 1
            while name in used:
                count += 1
                name = f"{target.name} ({count})"
            used.add(name)
            target = Target("custom", name, target.note)
        result.append(target)
    return result


def _override_target(header: str, target: str, said_in: str | None = None) -> Target:
    """--map's target (or a mapping file's, `said_in`) as a Target."""
    if target == "ignore":
        return Target("ignore", "by --map")
    if target == "custom":
        return Target("custom", header)
    if target.startswith("custom:") and target[7:].strip():
        return Target("custom", clean_line(target[7:]))
    if target in STANDARD_FIELDS:
        return Target("field", target)
    choices = ", ".join((*STANDARD_FIELDS, "custom", "custom:NAME", "ignore"))
    if said_in:
        near = process.extractOne(target, STANDARD_FIELDS, scorer=fuzz.ratio, score_cutoff=70)
        hint = f" (did you mean {quoted(near[0])}?)" if near else ""
        raise InvalidInput(
            f"{said_in}: columns: {quoted(header)}: {quoted(target)} is no field{hint};"
            f" use one of {choices}"
        )
    raise InvalidInput(f"--map {header}={target}: unknown field; use one of {choices}")
