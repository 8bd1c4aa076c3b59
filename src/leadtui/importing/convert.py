"""One row of a file into a lead ready to store, or the reason it cannot be.

Every value passes the same validation as a lead typed in the TUI (LeadDraft),
so an import cannot store anything quick-add would refuse.

Nothing a row holds is lost. Each non-empty cell ends up in a field, in a
custom field, or (with the whole row and a reason) in the rejects file:
- a value of an enumerated field (stage, temperature, fit, lifecycle, BANT,
  source) that matches no known word leaves the field at its default and is
  kept as a custom field under its column's header, reported once;
- a date that cannot be read, or lies outside 1900-2200, leaves the date
  empty and is kept the same way (exports write 0001-01-01 or 9999-12-31 for
  "none"): an optional date never turns a lead away;
- a bad email, phone or amount rejects the row, to be fixed and imported
  again from the rejects file (a column mostly of such values is kept as a
  custom field instead: see profile.py);
- a second column of a field that says something else, first and last names
  beside a full name that lacks them, a lost reason on a lead that is not
  lost, and a tags cell with a tag too long to keep whole, are custom fields.
Placeholder cells ("Select", "N/A") are empty cells, and counted.

A lead needs something that identifies it, not a name: with none, it is named
after its email, company or phone, else the file's own id column ("Lead
Number 660737"), else the first non-empty cell of its other columns. Only a
row with nothing but placeholders is rejected.
"""

from datetime import date, datetime
from typing import Any

from pydantic import ValidationError

from leadtui.domain.currency import SHARED_MARKS, check_currency, too_fine
from leadtui.domain.errors import InvalidInput
from leadtui.domain.field_errors import describe_validation_error
from leadtui.domain.imported import ImportedLead, RowProblem
from leadtui.domain.models import BantAnswer, Fit, LeadDraft, Lifecycle, Source, Stage, Temperature
from leadtui.domain.sanitize import clean_line, clean_text
from leadtui.importing.choices import BANT_FIELDS, meaning
from leadtui.importing.dates import DateProblem, read_date
from leadtui.importing.formula_guard import unquote_formula
from leadtui.importing.headers import is_leadtui_export
from leadtui.importing.json_values import Number
from leadtui.importing.notes import Notes as Notes  # where callers import it from
from leadtui.importing.own_export import own_parts
from leadtui.importing.plan import Plan
from leadtui.importing.reading import RawRow
from leadtui.importing.values import (
    COMMA,
    POINT,
    StageValue,
    ValueProblem,
    either_way,
    read_amount,
    split_tags,
)

CUSTOM_VALUE_LIMIT = 20_000
NAME_LIMIT = 200  # a name made from another value is cut here; the value stays whole
TAG_LIMIT = 40
_DISTINCT_REPORTED = 200  # unknown values remembered per field; the rest are counted
_DATE_CACHE = 100_000  # distinct texts remembered (dates, amounts, enumerated values)
_UNSEEN = object()
# Fields read as plain text: the first non-empty column's value.
_PLAIN = ("email", "phone", "company", "title", "owner", "value", "notes", "temperature_pinned")
_DRAFT_TEXTS = ("email", "phone", "company", "title", "owner")  # as read
# Members a row may need, looked up once: on Python 3.11 `Stage.LOST` is a
# descriptor's Python call (about 0.1 µs), several times a row.
_NEW, _LOST, _OTHER = Stage.NEW, Stage.LOST, Source.OTHER
_PROSPECT, _FIT_UNKNOWN = Lifecycle.PROSPECT, Fit.UNKNOWN


# Marks several currencies write alike: '$500' in a CAD column is CAD.
_SHARED_MARKS = tuple(SHARED_MARKS)


def _shared_mark(amount: str) -> bool:
    bare = amount.strip()
    return bare.startswith(_SHARED_MARKS) or bare.endswith(_SHARED_MARKS)


class Converter:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.notes = Notes()
        self._headers = plan.table.headers
        self._placeholders = plan.placeholders
        self._plain_starts = plan.placeholders.plain_starts  # see Placeholders
        mapped = {t.name for t in plan.targets if t.kind == "field"}
        self._fields = {name: plan.columns_for(name) for name in mapped}
        self._plain = [(n, c) for n, c in self._fields.items() if n in _PLAIN]
        self._custom = [(i, t.name[:200]) for i, t in enumerate(plan.targets) if t.kind == "custom"]
        self._unquote = plan.table.kind == "csv"
        self._own_export = is_leadtui_export(self._headers)
        self._bant = [name for name in BANT_FIELDS if name in mapped]
        self._entered = "stage_entered_at" in mapped
        self._own = own_parts(self._fields, plan.table, self.notes)
        self._dates: dict[str, tuple[datetime, bool] | str] = {}
        self._meanings: dict[tuple[str, str], Any] = {}
        # text → (cents, the currency it names), or why not
        self._amounts: dict[str, tuple[int, str | None] | str] = {}
        self._convention = COMMA if plan.decimal.comma else POINT
        # A JSON number ("12.5") is a number, whatever the column's strings write.
        self._number_columns = self._fields.get("value", []) if plan.decimal.comma else []
        # Amounts that read either way, counted when no cell settled which.
        self._either: set[str] | None = None if plan.decimal.settled else set()
        self._line = 0

    def convert(self, row: RawRow) -> ImportedLead | RowProblem:
        values = row.values
        # Most rows have no cell starting with "'": one search of the joined
        # row (in C) rules that out (a "\x00'" inside a cell merely looks).
        if self._unquote and "\x00'" in "\x00" + "\x00".join(values):
            own = self._own_export
            values = [unquote_formula(v, own_export=own) if v[:1] == "'" else v for v in values]
        self._line = row.line
        try:
            return self._convert(row, values)
        except ValueProblem as problem:
            return RowProblem(row.line, str(problem), row.values)

    # ------------------------------------------------------------ cells

    def _first(self, values: list[str], name: str, spare: list[tuple[int, str]]) -> tuple[str, int]:
        """The first non-empty value of a field's columns (and its column);
        the other non-empty ones, if different, are spare (custom fields)."""
        chosen, where = "", -1
        for index in self._fields.get(name, ()):
            text = values[index].strip()
            if not text:
                continue
            if text[0] not in self._plain_starts and text in self._placeholders:
                self.notes.placeholders[text] += 1
            elif where < 0:
                chosen, where = text, index
            elif text != chosen:
                spare.append((index, text))
        return chosen, where

    def _texts(self, values: list[str], spare: list[tuple[int, str]]) -> dict[str, str]:
        """Each plain field's first non-empty value (what _first does, inlined:
        this runs for every field of every row of a million-row file)."""
        text: dict[str, str] = {}
        placeholders, plain_starts = self._placeholders, self._plain_starts
        for name, columns in self._plain:
            chosen = ""
            for index in columns:
                cell = values[index]
                if not cell:
                    continue
                cell = cell.strip()
                if not cell:
                    continue
                if cell[0] not in plain_starts and cell in placeholders:
                    self.notes.placeholders[cell] += 1
                elif not chosen:
                    chosen = cell
                elif cell != chosen:
                    spare.append((index, cell))
            if chosen:
                text[name] = chosen
        return text

    def _meaning(self, name: str, text: str) -> Any:
        """What `text` means for field `name` (each distinct text looked up once)."""
        found = self._meanings.get((name, text), _UNSEEN)
        if found is _UNSEEN:
            found = meaning(name, self.plan.names.get(name, {}), text)
            if len(self._meanings) >= _DATE_CACHE:
                self._meanings.clear()
            self._meanings[(name, text)] = found
        return found

    def _unknown(self, name: str, index: int, text: str, spare: list[tuple[int, str]]) -> None:
        """A value `name` does not know: kept, and reported once."""
        spare.append((index, text))
        key = (name, self._headers[index], text)
        notes = self.notes
        if key in notes.unknown or len(notes.unknown) < _DISTINCT_REPORTED * 4:
            notes.unknown[key] += 1
        else:
            notes.unknown_more[name] += 1

    # -------------------------------------------------------------- row

    def _convert(self, row: RawRow, values: list[str]) -> ImportedLead | RowProblem:
        spare: list[tuple[int, str]] = []
        text = self._texts(values, spare)
        stage, reason = self._stage(values, spare)
        source = self._source(values, spare)
        name = self._name(values, text, spare)
        if not name:
            return RowProblem(
                row.line, "nothing identifies this lead: every cell is empty", row.values
            )
        # Only what the row says: a field left out takes its default without
        # a call to each of its validators (the defaults are valid as they are).
        given: dict[str, Any] = {"name": name, "source": source}
        for key in _DRAFT_TEXTS:
            if (found := text.get(key)) is not None:
                given[key] = found
        cents, named = self._amount(text.get("value", ""), values)
        if cents:
            given["value_cents"] = cents
        currency = self._currency(values, spare) if "currency" in self._fields else None
        if named and currency and named != currency and not _shared_mark(text["value"]):
            return RowProblem(
                row.line,
                f"value {text['value'][:40]!r} is in {named} but its currency column says"
                f" {currency}",
                row.values,
            )
        if final := currency or named:
            given["currency"] = final
            if too_fine(cents, final):  # as typed amounts are
                return RowProblem(
                    row.line,
                    f"value: {final} has no minor units, so {text['value'][:40]!r} is too fine",
                    row.values,
                )
        if notes := text.get("notes"):
            given["notes"] = notes
        if (day := self._day(values, spare)) is not None:
            given["expected_close"] = day
        try:
            draft = LeadDraft(**given)
        except ValidationError as error:
            return RowProblem(row.line, describe_validation_error(error), row.values)
        # (Most files have few of these: each is skipped unless mapped.)
        has = self._fields
        lost_text, lost_at = (
            self._first(values, "lost_reason", spare) if "lost_reason" in has else ("", -1)
        )
        if lost_text and stage is not _LOST:
            spare.append((lost_at, lost_text))
        pinned = (
            self._temperature(values, text.get("temperature_pinned"), spare)
            if "temperature" in has
            else None
        )
        created = self._date(values, "created_at", spare) if "created_at" in has else None
        follow_up = self._date(values, "follow_up_at", spare) if "follow_up_at" in has else None
        touched = self._date(values, "last_touch_at", spare) if "last_touch_at" in has else None
        tags = self._tags(values, spare) if "tags" in has else ()
        lifecycle = self._choice(values, "lifecycle", spare) if "lifecycle" in has else None
        fit = self._choice(values, "fit", spare) if "fit" in has else None
        bant = self._bant_answers(values, spare) if self._bant else ()
        # Positional, in ImportedLead's field order: keywords cost 0.9 µs a
        # row against 0.3 (test_import_values checks each lands in its field).
        # leadtui's own export's; set after, as no other file has them.
        entered = self._date(values, "stage_entered_at", spare) if self._entered else None
        contacts, history = self._own.read(values, spare) if self._own else ((), ())
        lead = ImportedLead(
            row.line, draft, stage,
            (clean_line(lost_text) or reason) if stage is _LOST else None,  # lost_reason
            pinned, created, follow_up, touched,
            # custom, last: the spare values are all in
            self._custom_fields(values, spare) if self._custom or spare else {},
            row.values, tags, lifecycle or _PROSPECT, fit or _FIT_UNKNOWN, bant,
        )  # fmt: skip
        lead.entered_at, lead.contacts, lead.history = entered, contacts, history
        return lead

    def _custom_fields(self, values: list[str], spare: list[tuple[int, str]]) -> dict[str, str]:
        custom: dict[str, str] = {}
        placeholders = self._placeholders
        for index, header in self._custom:
            cell = values[index]
            if cell and (cell := clean_text(cell).strip()):
                if cell in placeholders:
                    self.notes.placeholders[cell] += 1
                else:
                    custom[header] = cell
                    if len(cell) > CUSTOM_VALUE_LIMIT:
                        raise ValueProblem(f"{header}: at most {CUSTOM_VALUE_LIMIT:,} characters")
        for index, cell in spare:
            kept, header, count = clean_text(cell).strip(), self._headers[index], 1
            name = header
            while custom.get(name, kept) != kept:  # never overwrite another value
                count += 1
                name = f"{header} ({count})"
            custom[name] = kept
            if len(kept) > CUSTOM_VALUE_LIMIT:
                raise ValueProblem(f"{header}: at most {CUSTOM_VALUE_LIMIT:,} characters")
        return custom

    def _name(self, values: list[str], text: dict[str, str], spare: list[tuple[int, str]]) -> str:
        has = self._fields
        name, _ = self._first(values, "name", spare) if "name" in has else ("", -1)
        first, first_at = (
            self._first(values, "first_name", spare) if "first_name" in has else ("", -1)
        )
        last, last_at = self._first(values, "last_name", spare) if "last_name" in has else ("", -1)
        # A cell of control characters only is sanitised to nothing: no name.
        name = clean_line(name) if name else ""
        first_clean = clean_line(first) if first else ""
        last_clean = clean_line(last) if last else ""
        if name:
            # "Ann" and "Lee" beside "Ann Lee" are said; beside "A. Lee", not.
            for clean, raw, at in ((first_clean, first, first_at), (last_clean, last, last_at)):
                if clean and clean not in name:
                    spare.append((at, raw))
            return name
        if first_clean and last_clean:
            return f"{first_clean} {last_clean}"
        if joined := first_clean or last_clean:
            return joined
        for fallback in ("email", "company", "phone"):
            if text.get(fallback):
                self.notes.named_from[fallback] += 1
                return text[fallback][:NAME_LIMIT]
        where = self.plan.id_column
        if where is not None and (cell := values[where].strip()) and cell not in self._placeholders:
            # The value first: a list cuts a long name at its end, and "Lead
            # Number 6…" on every row would tell no lead from another.
            return self._named_after(where, f"{clean_line(cell)} ({self._headers[where]})")
        # Else the first thing the row says, under whatever header.
        for index, _ in self._custom:
            cell = values[index].strip()
            if cell and cell not in self._placeholders and (named := clean_line(cell)):
                return self._named_after(index, named)
        return ""

    def _named_after(self, index: int, name: str) -> str:
        header = self._headers[index]
        self.notes.named_from[header] += 1
        self.notes.named_example.setdefault(header, name[:NAME_LIMIT])
        return name[:NAME_LIMIT]

    # --------------------------------------------------------- enumerated

    def _stage(self, values: list[str], spare: list[tuple[int, str]]) -> tuple[Stage, str | None]:
        """The stage the first column that says one says ("open" defers)."""
        found: StageValue | None = None
        for index in self._fields.get("stage", ()):
            text = values[index].strip()
            if not text:
                continue
            if text in self._placeholders:
                self.notes.placeholders[text] += 1
                continue
            said: StageValue | None = self._meaning("stage", text)
            if said is None:
                self._unknown("stage", index, text, spare)
            elif found is None and said.stage is not None:
                found = said
            elif said.stage is not None and said != found:
                spare.append((index, text))
        if found is None or found.stage is None:
            return _NEW, None
        return found.stage, found.reason

    def _source(self, values: list[str], spare: list[tuple[int, str]]) -> Source:
        if "source" not in self._fields:
            return _OTHER
        text, where = self._first(values, "source", spare)
        if not text:
            return _OTHER
        found: Source | None = self._meaning("source", text)
        if found is None:
            # Not guessed and not lost: "other", with the file's word kept.
            self._unknown("source", where, text, spare)
            return _OTHER
        return found

    def _choice(self, values: list[str], name: str, spare: list[tuple[int, str]]) -> Any:
        text, where = self._first(values, name, spare)
        if not text:
            return None
        found = self._meaning(name, text)
        if found is None:
            self._unknown(name, where, text, spare)
        return found

    def _temperature(
        self, values: list[str], pinned_flag: str | None, spare: list[tuple[int, str]]
    ) -> Temperature | None:
        if (pinned_flag or "").lower() in {"false", "0", "no"}:
            return None  # a leadtui export's computed temperature: leadtui computes it
        found: Temperature | None = self._choice(values, "temperature", spare)
        return found

    def _bant_answers(
        self, values: list[str], spare: list[tuple[int, str]]
    ) -> tuple[tuple[str, BantAnswer], ...]:
        """The BANT columns answered ("unknown" with no note says nothing)."""
        answers = []
        for name in self._bant:
            text, where = self._first(values, name, spare)
            if not text:
                continue
            said = self._meaning(name, text)
            try:
                answer = BantAnswer(answer=said) if said is not None else BantAnswer.parse(text)
            except InvalidInput:
                self._unknown(name, where, text, spare)
                continue
            if answer != BantAnswer():
                answers.append((name.removeprefix("bant_"), answer))
        return tuple(answers)

    def numbers_in(self, columns: list[tuple[str, ...]]) -> list[int]:
        """The rows whose amount is a JSON number, in a decimal-comma file."""
        cells = (columns[c] for c in self._number_columns)
        return [i for column in cells for i, v in enumerate(column) if type(v) is Number]

    def _amount(self, text: str, values: list[str]) -> tuple[int, str | None]:
        """The value's cents and the currency its text names ('€500'), each
        distinct text parsed once: a file's amounts repeat, and parsing one
        costs a few regexes and a Decimal."""
        if not text:
            return 0, None
        if any(type(values[c]) is Number for c in self._number_columns):
            try:
                return read_amount(text, POINT)
            except ValueProblem as problem:
                raise ValueProblem(f"value: {problem}") from None
        found = self._amounts.get(text)
        if found is None:
            try:
                found = read_amount(text, self._convention)
                if self._either is not None and either_way(text):
                    self._either.add(text)
            except ValueProblem as problem:
                found = f"value: {problem}"
            if len(self._amounts) >= _DATE_CACHE:
                self._amounts.clear()
            self._amounts[text] = found
        if isinstance(found, str):
            raise ValueProblem(found)
        if self._either and text in self._either:
            self.notes.ambiguous_amounts += 1
            self.notes.ambiguous_amount_example = self.notes.ambiguous_amount_example or (
                self._line,
                text,
            )
        return found

    def _currency(self, values: list[str], spare: list[tuple[int, str]]) -> str | None:
        """The currency column's ISO 4217 code ('eur', '€' and 'EUR' alike).
        A text that names none ('Euro', 'dollars') leaves the lead in the
        team's currency and is kept as a custom field, reported once per
        column: an optional field never rejects a row."""
        text, where = self._first(values, "currency", spare)
        if not text:
            return None
        try:
            return check_currency(text)
        except InvalidInput as problem:
            spare.append((where, text))
            key = ("currency", self._headers[where])
            self.notes.unread[key] += 1
            self.notes.unread_example.setdefault(key, (self._line, str(problem)))
            return None

    # -------------------------------------------------------------- dates

    def _date(self, values: list[str], name: str, spare: list[tuple[int, str]]) -> datetime | None:
        text, where = self._first(values, name, spare)
        if not text:
            return None
        found = self._dates.get(text)
        if found is None:  # each distinct text is read once
            try:
                found = read_date(text, day_first=self.plan.day_first)
            except DateProblem as problem:
                found = str(problem)
            if len(self._dates) >= _DATE_CACHE:
                self._dates.clear()
            self._dates[text] = found
        if isinstance(found, str):
            spare.append((where, text))
            key = (name, self._headers[where])
            self.notes.bad_dates[key] += 1
            self.notes.bad_date_example.setdefault(key, (self._line, found))
            return None
        moment, ambiguous = found
        if ambiguous:
            self.notes.ambiguous_dates += 1
            if self.notes.ambiguous_example is None:
                self.notes.ambiguous_example = (self._line, text)
        return moment

    def _day(self, values: list[str], spare: list[tuple[int, str]]) -> date | None:
        if "expected_close" not in self._fields:
            return None
        moment = self._date(values, "expected_close", spare)
        return moment.date() if moment else None

    def _tags(self, values: list[str], spare: list[tuple[int, str]]) -> tuple[str, ...]:
        """'VIP, expo;  2026' → ('vip', 'expo', '2026'): lower case, no repeats."""
        text, where = self._first(values, "tags", spare)
        if not text:
            return ()
        found = [clean_line(tag).lower() for tag in split_tags(text)]
        if any(len(tag) > TAG_LIMIT for tag in found):
            spare.append((where, text))  # the whole cell, as a tag cannot hold it
        return tuple(dict.fromkeys(tag[:TAG_LIMIT] for tag in found if tag))
