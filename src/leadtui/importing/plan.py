"""How a file's columns and values become lead fields: the automatic mapping,
with the user's overrides (`--map`, `--value-map`, a saved mapping file) on top.

A saved mapping is JSON, so a team can keep one per data source and repeat an
import without retyping overrides:

    {"columns": {"Lead Stage Custom": "stage", "Internal ID": "ignore"},
     "values": {"stage": {"Nurturing": "engaged"}},
     "day_first": true}
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import Source, Stage, Temperature
from leadtui.domain.sanitize import clean_line
from leadtui.domain.vocabulary import normalise
from leadtui.importing.headers import STANDARD_FIELDS, Target, auto_target, priority
from leadtui.importing.reading import RawRow, Table
from leadtui.importing.values import StageValue, slashed_parts
from leadtui.safe_files import write_private

# Fields built from several columns, or read as dates: not assignable to a
# second column by value maps.
DATE_FIELDS = ("created_at", "follow_up_at", "last_touch_at")
VALUE_MAPPED = ("stage", "temperature", "source")
_SAMPLE = 2000  # rows read to tell day/month from month/day


@dataclass
class Overrides:
    """What the user said, from the command line and a mapping file."""

    columns: dict[str, str] = field(default_factory=dict)  # header → field | ignore | custom
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field → {text: value}
    day_first: bool | None = None

    @classmethod
    def load(cls, path: Path) -> "Overrides":
        try:
            data = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
        except OSError as error:
            raise InvalidInput(f"cannot read mapping {path}: {error.strerror}") from None
        except json.JSONDecodeError as error:
            raise InvalidInput(f"mapping {path} is not valid JSON: {error.msg}") from None
        if not isinstance(data, dict):
            raise InvalidInput(f"mapping {path}: expected a JSON object")
        columns, values = data.get("columns", {}), data.get("values", {})
        day_first = data.get("day_first")
        if not _str_dict(columns) or not isinstance(values, dict):
            raise InvalidInput(f"mapping {path}: columns must map header names to fields")
        if not all(_str_dict(table) for table in values.values()):
            raise InvalidInput(f"mapping {path}: values must map field → {{text: value}}")
        if day_first is not None and not isinstance(day_first, bool):
            raise InvalidInput(f"mapping {path}: day_first must be true or false")
        return cls(dict(columns), {k: dict(v) for k, v in values.items()}, day_first)

    def merged(self, other: "Overrides") -> "Overrides":
        """These overrides with `other`'s on top (the command line beats a file)."""
        values = {name: dict(table) for name, table in self.values.items()}
        for name, table in other.values.items():
            values.setdefault(name, {}).update(table)
        day_first = other.day_first if other.day_first is not None else self.day_first
        return Overrides(self.columns | other.columns, values, day_first)

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

    def save(self, path: Path) -> None:
        record = {"columns": self.columns, "values": self.values, "day_first": self.day_first}
        try:
            write_private(Path(path).expanduser(), json.dumps(record, indent=2) + "\n", True)
        except OSError as error:
            raise InvalidInput(f"cannot write mapping {path}: {error.strerror}") from None


def _str_dict(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


@dataclass(frozen=True)
class Plan:
    """The mapping an import runs with, column by column."""

    table: Table
    targets: list[Target]  # aligned with table.headers
    stage_names: dict[str, StageValue]  # the user's, keys normalised
    temperature_names: dict[str, Temperature]
    source_names: dict[str, Source]
    day_first: bool
    day_first_reason: str

    def columns_for(self, name: str) -> list[int]:
        """The columns feeding standard field `name`, most specific header first."""
        indexes = [i for i, t in enumerate(self.targets) if t == Target("field", name)]
        return sorted(indexes, key=lambda i: priority(self.table.headers[i]))

    def rows_of_mapping(self) -> list[tuple[str, str]]:
        return [(h, t.describe()) for h, t in zip(self.table.headers, self.targets, strict=True)]


def make_plan(table: Table, overrides: Overrides) -> Plan:
    headers = table.headers
    targets = [auto_target(header, headers) for header in headers]
    by_name = {header: index for index, header in enumerate(headers)}
    by_key = {normalise(header): index for index, header in enumerate(headers)}
    for header, target in overrides.columns.items():
        index = by_name.get(header, by_key.get(normalise(header)))
        if index is None:
            raise InvalidInput(f"--map: the file has no column {header!r}")
        targets[index] = _override_target(header, target)
    stage_names, temperature_names, source_names = _value_maps(overrides.values)
    day_first, reason = _day_order(table, targets, overrides.day_first)
    return Plan(table, targets, stage_names, temperature_names, source_names, day_first, reason)


def _override_target(header: str, target: str) -> Target:
    if target == "ignore":
        return Target("ignore", "by --map")
    if target == "custom":
        return Target("custom", header)
    if target.startswith("custom:") and target[7:].strip():
        return Target("custom", clean_line(target[7:]))
    if target in STANDARD_FIELDS:
        return Target("field", target)
    choices = ", ".join((*STANDARD_FIELDS, "custom", "custom:NAME", "ignore"))
    raise InvalidInput(f"--map {header}={target}: unknown field; use one of {choices}")


def _value_maps(
    values: dict[str, dict[str, str]],
) -> tuple[dict[str, StageValue], dict[str, Temperature], dict[str, Source]]:
    stages: dict[str, StageValue] = {}
    temperatures: dict[str, Temperature] = {}
    sources: dict[str, Source] = {}
    for name, table in values.items():
        if name not in VALUE_MAPPED:
            raise InvalidInput(f"--value-map {name}: only {', '.join(VALUE_MAPPED)} take one")
        for text, value in table.items():
            key, wanted = normalise(text), value.lower()
            try:
                if name == "stage":
                    stage = Stage(wanted)
                    stages[key] = StageValue(stage, text if stage is Stage.LOST else None)
                elif name == "temperature":
                    temperatures[key] = Temperature(wanted)
                else:
                    sources[key] = Source(wanted)
            except ValueError:
                kind = {"stage": Stage, "temperature": Temperature, "source": Source}[name]
                choices = ", ".join(member.value for member in kind)
                raise InvalidInput(
                    f"--value-map {name}:{text}={value}: use one of {choices}"
                ) from None
    return stages, temperatures, sources


def _day_order(table: Table, targets: list[Target], said: bool | None) -> tuple[bool, str]:
    """Whether 03/04/2025 is 3 April (day first) or March 4, from the dates the
    file holds: a first number over 12 settles day-first, a second one over
    12 month-first. US CRMs write month first, so that is the default."""
    if said is not None:
        return said, "as the mapping says"
    date_columns = [i for i, t in enumerate(targets) if t.kind == "field" and t.name in DATE_FIELDS]
    if not date_columns:
        return False, "no date columns"
    for count, row in enumerate(table.rows()):
        if count >= _SAMPLE:
            break
        if not isinstance(row, RawRow):
            continue
        for index in date_columns:
            parts = slashed_parts(row.values[index])
            if parts and parts[0] > 12:
                return True, f"line {row.line} has {row.values[index]!r}"
            if parts and parts[1] > 12:
                return False, f"line {row.line} has {row.values[index]!r}"
    return False, "month first (the usual order in CRM exports)"
