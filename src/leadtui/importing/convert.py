"""One row of a file into a lead ready to store, or the reason it cannot be.

Every value passes the same validation as a lead typed in the TUI (LeadDraft),
so an import cannot store anything quick-add would refuse.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from pydantic import ValidationError

from leadtui.domain.errors import InvalidInput
from leadtui.domain.imported import ImportedLead, RowProblem
from leadtui.domain.models import (
    BANT_CRITERIA,
    BantAnswer,
    Fit,
    LeadDraft,
    Lifecycle,
    Source,
    Stage,
    Temperature,
    describe_validation_error,
)
from leadtui.domain.sanitize import clean_line, clean_text
from leadtui.domain.vocabulary import SOURCE_NAMES, lookup
from leadtui.importing.plan import Plan
from leadtui.importing.reading import RawRow
from leadtui.importing.values import (
    STAGE_NAMES,
    TEMPERATURE_NAMES,
    StageValue,
    ValueProblem,
    is_placeholder,
    parse_amount,
    parse_date,
)

E = TypeVar("E", bound=StrEnum)
CUSTOM_VALUE_LIMIT = 20_000
# OWASP's formula prefixes; an export writes them behind a ' (see export).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Notes:
    """What the conversion did that the user should hear about (not errors)."""

    unknown_sources: Counter[str] = field(default_factory=Counter)
    named_from: Counter[str] = field(default_factory=Counter)


def unquote_formula(value: str) -> str:
    """Undo an export's formula guard: "'=SUM(A1)" was "=SUM(A1)"."""
    if value.startswith("'") and value[1:2] and value[1] in "=+-@\t\r":
        return value[1:]
    return value


class Converter:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.notes = Notes()
        self._headers = plan.table.headers
        self._fields = {
            name: plan.columns_for(name)
            for name in {t.name for t in plan.targets if t.kind == "field"}
        }
        # Stage and source columns are read by their own rules, below.
        self._plain = [(n, c) for n, c in self._fields.items() if n not in ("stage", "source")]
        self._custom = [(i, t.name[:200]) for i, t in enumerate(plan.targets) if t.kind == "custom"]
        self._unquote = plan.table.kind == "csv"
        self._has_bant = any(name.startswith("bant_") for name in self._fields)

    def convert(self, row: RawRow) -> ImportedLead | RowProblem:
        values = row.values
        if self._unquote:
            values = [unquote_formula(v) if v[:1] == "'" else v for v in values]
        try:
            return self._convert(row.line, values)
        except ValueProblem as problem:
            return RowProblem(row.line, str(problem), row.values)

    def _first(self, values: list[str], name: str, spare: dict[str, str]) -> tuple[str, int]:
        """The first non-empty value of a field's columns (and its column);
        the other non-empty ones, if different, are kept as custom fields."""
        chosen, where = "", -1
        for index in self._fields.get(name, ()):
            text = values[index].strip()
            if not text or is_placeholder(text):
                continue
            if where < 0:
                chosen, where = text, index
            elif text != chosen:
                spare[self._headers[index]] = text
        return chosen, where

    def _texts(self, values: list[str], spare: dict[str, str]) -> dict[str, str]:
        """Each plain field's first non-empty value (what _first does, inlined:
        this runs for every field of every row of a million-row file)."""
        text: dict[str, str] = {}
        headers = self._headers
        for name, columns in self._plain:
            chosen = ""
            for index in columns:
                cell = values[index]
                if not cell:
                    continue
                cell = cell.strip()
                if not cell or is_placeholder(cell):
                    continue
                if not chosen:
                    chosen = cell
                elif cell != chosen:
                    spare[headers[index]] = cell
            if chosen:
                text[name] = chosen
        return text

    def _convert(self, line: int, values: list[str]) -> ImportedLead | RowProblem:
        custom: dict[str, str] = {}
        text = self._texts(values, custom)
        stage, reason = self._stage(values, custom)
        pinned = self._temperature(text.get("temperature", ""), text.get("temperature_pinned"))
        source = self._source(values, custom)
        name = text.get("name") or " ".join(
            part for part in (text.get("first_name"), text.get("last_name")) if part
        )
        if not name:
            for fallback in ("email", "company", "phone"):
                if text.get(fallback):
                    name = text[fallback]
                    self.notes.named_from[fallback] += 1
                    break
        try:
            draft = LeadDraft(
                name=name,
                email=text.get("email"),
                phone=text.get("phone"),
                company=text.get("company"),
                title=text.get("title"),
                source=source,
                owner=text.get("owner"),
                value_cents=_amount(text.get("value", "")),
                currency=text.get("currency"),
                notes=text.get("notes", ""),
                expected_close=_day(text.get("expected_close", ""), self.plan.day_first),
            )
        except ValidationError as error:
            problem = describe_validation_error(error)
            if problem.startswith("name:") and not name:
                problem = "name: empty (no name, first/last name, email, company or phone)"
            return RowProblem(line, problem, values)
        for index, header in self._custom:
            cell = values[index]
            if cell and (cell := clean_text(cell).strip()):
                custom[header] = cell
        for header, cell in custom.items():
            if len(cell) > CUSTOM_VALUE_LIMIT:
                raise ValueProblem(f"{header}: at most {CUSTOM_VALUE_LIMIT:,} characters")
        day_first = self.plan.day_first
        return ImportedLead(
            line=line,
            draft=draft,
            stage=stage,
            lost_reason=(clean_line(text.get("lost_reason", "")) or reason)
            if stage is Stage.LOST
            else None,
            pinned=pinned,
            created_at=_date(text.get("created_at", ""), "created_at", day_first),
            follow_up_at=_date(text.get("follow_up_at", ""), "follow_up_at", day_first),
            last_touch_at=_date(text.get("last_touch_at", ""), "last_touch_at", day_first),
            custom=custom,
            values=values,
            tags=_tags(text.get("tags", "")),
            # (Most files have none of these: skip the parsing then.)
            lifecycle=_enum(Lifecycle, "lifecycle", text["lifecycle"])
            if "lifecycle" in text
            else Lifecycle.PROSPECT,
            fit=_enum(Fit, "fit", text["fit"]) if "fit" in text else Fit.UNKNOWN,
            bant=_bant_answers(text) if self._has_bant else (),
        )

    def _stage(self, values: list[str], custom: dict[str, str]) -> tuple[Stage, str | None]:
        """The stage the first column that says one says ("open" defers)."""
        found: StageValue | None = None
        for index in self._fields.get("stage", ()):
            text = values[index].strip()
            if not text or is_placeholder(text):
                continue
            meaning = lookup(self.plan.stage_names, text) or lookup(STAGE_NAMES, text)
            if meaning is None:
                hint = f'--value-map stage:"{text}=engaged"'
                raise ValueProblem(f"stage: unknown value {text!r} (map it, e.g. {hint})")
            if found is None and meaning.stage is not None:
                found = meaning
            elif meaning.stage is not None and meaning != found:
                custom[self._headers[index]] = clean_line(text)
        if found is None or found.stage is None:
            return Stage.NEW, None
        return found.stage, found.reason

    def _temperature(self, text: str, pinned_flag: str | None) -> Temperature | None:
        if not text or (pinned_flag or "").lower() in {"false", "0", "no"}:
            return None  # not stated, or a leadtui export's computed temperature
        found = self.plan.temperature_names.get(text.lower()) or lookup(TEMPERATURE_NAMES, text)
        if found is None:
            raise ValueProblem(f"temperature: unknown value {text!r} (hot, warm or cold)")
        return found

    def _source(self, values: list[str], custom: dict[str, str]) -> Source:
        text, where = self._first(values, "source", custom)
        if not text:
            return Source.OTHER
        found = lookup(self.plan.source_names, text) or lookup(SOURCE_NAMES, text)
        if found is None:
            # Not guessed and not lost: "other", with the file's word kept.
            self.notes.unknown_sources[text] += 1
            custom[self._headers[where]] = clean_line(text)
            return Source.OTHER
        return found


def _tags(text: str) -> tuple[str, ...]:
    """'VIP, expo;  2026' → ('vip', 'expo', '2026'): lower case, no repeats."""
    found = (clean_line(tag).lower() for tag in re.split(r"[,;|]", text))
    return tuple(dict.fromkeys(tag[:40] for tag in found if tag))


def _amount(text: str) -> int:
    if not text:
        return 0
    try:
        return parse_amount(text)
    except ValueProblem as problem:
        raise ValueProblem(f"value: {problem}") from None


def _date(text: str, name: str, day_first: bool) -> datetime | None:
    if not text:
        return None
    try:
        return parse_date(text, day_first=day_first)
    except ValueProblem as problem:
        raise ValueProblem(f"{name}: {problem}") from None


def _day(text: str, day_first: bool) -> date | None:
    moment = _date(text, "expected_close", day_first)
    return moment.date() if moment else None


def _enum(kind: type[E], field: str, text: str) -> E:
    """A classification as leadtui exports it ("MQL", "high"), any case."""
    word = text.strip().lower()
    for member in kind:
        if word == member.value:
            return member
    raise ValueProblem(f"{field}: {text!r} is not one of {', '.join(m.value for m in kind)}")


def _bant_answers(text: dict[str, str]) -> tuple[tuple[str, BantAnswer], ...]:
    """The BANT columns answered ("unknown" with no note says nothing)."""
    answers = []
    for criterion in BANT_CRITERIA:
        if not text.get(f"bant_{criterion}"):
            continue
        try:
            answer = BantAnswer.parse(text[f"bant_{criterion}"])
        except InvalidInput as error:
            raise ValueProblem(f"bant {criterion}: {error}") from None
        if answer != BantAnswer():
            answers.append((criterion, answer))
    return tuple(answers)
