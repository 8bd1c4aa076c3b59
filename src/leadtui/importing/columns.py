"""A chunk of rows converted column by column: the same leads as
Converter.convert row by row, for less CPU.

Row by row, every cell of every row costs a few Python calls (strip, the
placeholder check, a memo lookup, the field's own step), and most of them
find nothing to do. Here each mapped column of a chunk is taken as one list
and read with a few calls for the whole list: strips and first-character
checks through `map` (in C), one `isprintable` over the joined column for
the sanitiser, the placeholder words looked up only for the cells whose
first character could start one, and each distinct cell of an enumerated or
date column read once (a dict lookup per cell after that).

Exactness is kept by one rule: a row any step would have something to say
about (a placeholder, an unknown value, a date it cannot read or could read
two ways, a second column that disagrees, a bad amount, a failed
validation, a lead with no name, a cell starting with "'") is a "complex"
row, and goes through Converter.convert at its place in the chunk. The
rows that take this path say nothing (no note, no spare value), so the
notes, the custom fields and their order come out exactly as row by row
(tests/test_import_columns.py holds the two paths equal over all of
Unicode). A plan mapping a field this path does not read (see _READ) is
converted row by row throughout.
"""

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import compress, repeat
from operator import itemgetter
from typing import Any

from pydantic import ValidationError

from leadtui.domain.currency import too_fine
from leadtui.domain.imported import ImportedLead, RowProblem
from leadtui.domain.models import Fit, LeadDraft, Lifecycle, Source, Stage
from leadtui.domain.sanitize import clean_line, clean_text
from leadtui.importing.choices import meaning
from leadtui.importing.convert import _PLAIN, CUSTOM_VALUE_LIMIT, Converter
from leadtui.importing.dates import DateProblem, read_date
from leadtui.importing.reading import RawRow
from leadtui.importing.values import StageValue, ValueProblem, either_way, read_amount

# The fields this path reads; any other mapped field (the lost reason,
# tags, BANT, a currency column, a leadtui export's pinned flag) sends the
# whole plan row by row.
_READ = frozenset(
    {
        *(name for name in _PLAIN if name != "temperature_pinned"),
        *("name", "first_name", "last_name", "stage", "source", "temperature"),
        *("created_at", "follow_up_at", "last_touch_at", "expected_close", "lifecycle", "fit"),
    }
)
_DRAFT_TEXTS = ("email", "phone", "company", "title", "owner")
_DATES = ("created_at", "follow_up_at", "last_touch_at")
_FIRST = itemgetter(slice(0, 1))  # a cell's first character, "" for an empty one
_COMPLEX: Any = object()  # a memo's answer: this cell needs the row-by-row path
_UNREAD: Any = object()  # not in the memo yet
_MEMO = 100_000  # distinct cells remembered per column
_YEAR = "(?:19[0-9][0-9]|2[01][0-9][0-9]|2200)"  # FIRST_YEAR-LAST_YEAR, ASCII digits
_STAMP = f"{_YEAR}-[0-9][0-9]-[0-9][0-9][ T][0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
_TIMESTAMPS = re.compile(f"{_STAMP}(?:\x00{_STAMP})*")
_NEW, _LOST, _OTHER = Stage.NEW, Stage.LOST, Source.OTHER
_PROSPECT, _FIT_UNKNOWN = Lifecycle.PROSPECT, Fit.UNKNOWN


def reads_columnwise(converter: Converter) -> bool:
    """Whether this path reads every field the plan maps."""
    return all(name in _READ for name in converter._fields)


class Columns:
    """Converts chunks of one plan's rows; `converter` keeps the notes and
    converts the complex rows."""

    def __init__(self, converter: Converter) -> None:
        self.conv = converter
        fields = converter._fields
        self.width = len(converter._headers)
        self.single = {name: columns[0] for name, columns in fields.items()}
        self.extra = sorted({index for columns in fields.values() for index in columns[1:]})
        used = [index for columns in fields.values() for index in columns]
        self.used = sorted({*used, *(index for index, _ in converter._custom)})
        self.unquote = converter._unquote
        self.placeholders = converter._placeholders
        self.plain_starts = converter._placeholders.plain_starts | {""}
        self.texts = [name for name in _DRAFT_TEXTS if name in fields]
        self.draft_keys = ("name", "source", *self.texts, "value_cents", "currency", "notes")
        self.memos: dict[str, dict[str, Any]] = {}
        self.is_placeholder: dict[str, bool] = {}
        self.convention = converter._convention
        self.count_either = not converter.plan.decimal.settled
        self.either: set[str] = set()

    # ------------------------------------------------------------ chunk

    def convert(self, rows: Sequence[RawRow]) -> list[ImportedLead | RowProblem]:
        width = self.width
        values = [row.values for row in rows]
        if not rows or any(len(cells) != width for cells in values):
            return [self.conv.convert(row) for row in rows]
        n = len(rows)
        columns = list(zip(*values, strict=True))
        complex_rows: set[int] = set()
        for index in self.extra:  # a field's second column: only when empty
            column = columns[index]
            if any(column):
                complex_rows.update(i for i, cell in enumerate(column) if cell)
        if self.unquote:
            for index in self.used:
                column = columns[index]
                if "\x00'" in "\x00" + "\x00".join(column):
                    complex_rows.update(i for i, cell in enumerate(column) if cell[:1] == "'")
        single = self.single
        texts = {
            name: self._text(columns[single[name]], complex_rows)
            for name in (*self.texts, "notes", "value")
            if name in single
        }
        names = self._names(columns, n, complex_rows)
        draft_columns: list[Sequence[Any]] = [
            names,
            self._memo("source", columns, self._read_source, complex_rows, _OTHER),
            *(texts[name] for name in self.texts),
        ]
        either_rows: set[int] = set()
        if "value" in texts:
            amounts = self._memo_of(
                "value", texts["value"], self._read_amount, complex_rows, (0, None)
            )
            draft_columns += [[a[0] for a in amounts], [a[1] for a in amounts]]
            for i in self.conv.numbers_in(columns):
                complex_rows.add(i)  # a JSON number in a comma column: read as a number
            if self.either:
                either_rows = {i for i, text in enumerate(texts["value"]) if text in self.either}
        else:
            draft_columns += [[0] * n, [None] * n]
        draft_columns.append(texts.get("notes") or [""] * n)
        keys = self.draft_keys
        close: Sequence[Any] = [None] * n
        if "expected_close" in single:
            keys = (*keys, "expected_close")
            moments, _ = self._dates("expected_close", columns, complex_rows)
            close = [moment.date() if moment else None for moment in moments]
            draft_columns.append(close)
        # A column empty throughout the chunk says nothing (most files have
        # no amount or notes); one full throughout needs no test per row.
        said = [(key, col) for key, col in zip(keys, draft_columns, strict=True) if any(col)]
        keys = tuple(key for key, _ in said)
        draft_columns = [column for _, column in said]
        full = all(map(all, draft_columns))
        stages = self._memo("stage", columns, self._read_stage, complex_rows, (_NEW, None))
        pinned = self._memo("temperature", columns, self._read_choice, complex_rows, None)
        created_at, created_iso = self._dates("created_at", columns, complex_rows)
        dates = [created_at, *(self._dates(name, columns, complex_rows)[0] for name in _DATES[1:])]
        lifecycle = self._memo("lifecycle", columns, self._read_choice, complex_rows, None)
        fit = self._memo("fit", columns, self._read_choice, complex_rows, None)
        custom = self._custom(columns, n, complex_rows)
        convert, validate = self.conv.convert, LeadDraft.model_validate
        out: list[ImportedLead | RowProblem] = []
        for i, (row, draft_values, (stage, reason), *rest) in enumerate(
            zip(
                rows,
                zip(*draft_columns, strict=True),
                stages,
                pinned,
                *dates,
                lifecycle,
                fit,
                custom,
                created_iso or repeat(None, n),
                strict=True,
            )
        ):
            if i in complex_rows:
                out.append(convert(row))
                continue
            try:
                given = zip(keys, draft_values, strict=True)
                draft = validate(dict(given if full else compress(given, draft_values)))
            except ValidationError:
                out.append(convert(row))  # the same reason, said by the row's own path
                continue
            temperature, created, follow_up, touched, life, fitness, kept, iso = rest
            if either_rows and i in either_rows:
                self._count_either(row.line, texts["value"][i])
            out.append(
                ImportedLead(
                    row.line, draft, stage, reason if stage is _LOST else None,
                    temperature, created, follow_up, touched, kept, row.values, (),
                    life or _PROSPECT, fitness or _FIT_UNKNOWN, (), iso,
                )
            )  # fmt: skip
        return out

    def _count_either(self, line: int, text: str) -> None:
        notes = self.conv.notes
        notes.ambiguous_amounts += 1
        notes.ambiguous_amount_example = notes.ambiguous_amount_example or (line, text)

    # ------------------------------------------------------------ texts

    def _text(self, column: Sequence[str], complex_rows: set[int]) -> list[str]:
        """The column's cells stripped ("" for an empty one); a row whose
        cell is a placeholder is complex."""
        stripped = list(map(str.strip, column))
        self._placeholders_in(stripped, complex_rows)
        return stripped

    def _placeholders_in(self, stripped: list[str], complex_rows: set[int]) -> None:
        # A column's names and companies repeat: each distinct cell that
        # could be one is looked up once (a dict lookup, not a call, for the
        # rest).
        memo, placeholders = self.is_placeholder, self.placeholders
        for i in placeholders.could_hold(stripped):
            cell = stripped[i]
            found = memo.get(cell)
            if found is None:
                if len(memo) >= _MEMO:
                    memo.clear()
                found = memo[cell] = cell in placeholders
            if found:
                complex_rows.add(i)

    def _clean(self, stripped: list[str]) -> list[str]:
        """clean_line of each stripped cell: itself when the column is
        printable throughout (one check of the joined column)."""
        if "".join(stripped).isprintable():
            return stripped
        return [clean_line(cell) if cell else "" for cell in stripped]

    def _names(self, columns: list[tuple[str, ...]], n: int, complex_rows: set[int]) -> list[str]:
        """The lead's name as Converter._name makes it; a row with a first
        or last name the full name does not hold, or with no name at all
        (named after something else, or rejected), is complex."""
        single = self.single
        found = {
            name: self._clean(self._text(columns[single[name]], complex_rows))
            for name in ("name", "first_name", "last_name")
            if name in single
        }
        full = found.get("name")
        first = found.get("first_name")
        last = found.get("last_name")
        if full is None:
            if first is not None and last is not None:
                made = [f"{a} {b}" if a and b else a or b for a, b in zip(first, last, strict=True)]
            else:
                made = list(first or last or [""] * n)
        else:
            made = full
            for part in (first, last):
                if part is None:
                    continue
                for i, (whole, said) in enumerate(zip(full, part, strict=True)):
                    if said and (not whole or said not in whole):
                        complex_rows.add(i)  # kept as a custom field, or the name made of it
        complex_rows.update(i for i, name in enumerate(made) if not name)
        return made

    def _custom(self, columns: list[tuple[str, ...]], n: int, complex_rows: set[int]) -> list[Any]:
        """Each row's custom fields (a new dict each); a row with a
        placeholder or an over-long value there is complex."""
        custom = self.conv._custom
        if not custom:
            return [{} for _ in range(n)]
        headers = [header for _, header in custom]
        kept = []
        for index, _ in custom:
            column = columns[index]
            if "".join(column).isprintable():
                cells = list(map(str.strip, column))
            else:
                cells = [clean_text(cell).strip() if cell else "" for cell in column]
            self._placeholders_in(cells, complex_rows)
            if max(map(len, cells)) > CUSTOM_VALUE_LIMIT:
                complex_rows.update(i for i, c in enumerate(cells) if len(c) > CUSTOM_VALUE_LIMIT)
            kept.append(cells)
        if len(kept) == 1:
            (header,), (cells,) = headers, kept
            return [{header: cell} if cell else {} for cell in cells]
        return [
            dict(compress(zip(headers, cells, strict=True), cells)) if any(cells) else {}
            for cells in zip(*kept, strict=True)
        ]

    # ------------------------------------------------------- memoised

    def _memo(
        self,
        name: str,
        columns: list[tuple[str, ...]],
        read: Callable[[str, str], Any],
        complex_rows: set[int],
        absent: Any,
    ) -> Sequence[Any]:
        """The field's value in each row: its column's cells, each distinct
        cell read once; `absent` for every row if the field is not mapped."""
        if name not in self.single:
            return [absent] * len(columns[0]) if columns else []
        return self._memo_of(name, columns[self.single[name]], read, complex_rows, absent)

    def _memo_of(
        self,
        name: str,
        column: Sequence[str],
        read: Callable[[str, str], Any],
        complex_rows: set[int],
        absent: Any,
    ) -> list[Any]:
        """Each cell read once per distinct text; a complex cell's row is
        marked, and `absent` stands in for its value (never used)."""
        memo = self.memos.setdefault(name, {})
        found = list(map(memo.get, column, repeat(_UNREAD)))
        if _UNREAD in found:
            if len(memo) >= _MEMO:
                memo.clear()  # unique values (dates) must not grow it without end
            for i, cell in enumerate(column):
                if found[i] is _UNREAD:
                    found[i] = memo[cell] = read(name, cell)
        if _COMPLEX in found:
            for i, value in enumerate(found):
                if value is _COMPLEX:
                    complex_rows.add(i)
                    found[i] = absent
        return found

    def _dates(
        self, name: str, columns: list[tuple[str, ...]], complex_rows: set[int]
    ) -> tuple[Sequence[datetime | None], list[str] | None]:
        """A date column's moments. A column of plain timestamps in
        1900-2200 ('2025-01-01 09:00:00', as most exports write a creation
        date: each one distinct) is read in C, as read_date reads each,
        and comes with each moment as clock.to_iso writes it (formatting a
        moment with its zone cost 1.1 µs a lead when stored); any other
        column, each distinct cell once, and no text."""
        if name not in self.single:
            return [None] * len(columns[0]) if columns else [], None
        column = columns[self.single[name]]
        if self.plain_starts.issuperset(map(_FIRST, column)) and _TIMESTAMPS.fullmatch(
            "\x00".join(column)
        ):
            stamped = [cell + "+00:00" for cell in column]
            try:
                # With "+00:00" fromisoformat gives UTC itself: a replace()
                # of each moment's zone cost 0.6 µs a cell, this 0.1.
                moments = list(map(datetime.fromisoformat, stamped))
            except ValueError:  # a 31st of February: read_date says why
                pass
            else:
                return moments, [cell.replace(" ", "T") for cell in stamped]
        return self._memo(name, columns, self._read_date, complex_rows, None), None

    def _plain(self, cell: str) -> str | None:
        """The cell stripped, "" if empty, None for a placeholder."""
        text = cell.strip()
        return None if text and text in self.placeholders else text

    def _meaning(self, name: str, text: str) -> Any:
        return meaning(name, self.conv.plan.names.get(name, {}), text)

    def _read_stage(self, name: str, cell: str) -> Any:
        text = self._plain(cell)
        if text is None:
            return _COMPLEX
        if not text:
            return (_NEW, None)
        said: StageValue | None = self._meaning(name, text)
        if said is None:
            return _COMPLEX
        return (_NEW, None) if said.stage is None else (said.stage, said.reason)

    def _read_source(self, name: str, cell: str) -> Any:
        return self._read_member(name, cell, empty=_OTHER)

    def _read_choice(self, name: str, cell: str) -> Any:
        """Temperature, lifecycle, fit: a member, or None for an empty cell."""
        return self._read_member(name, cell, empty=None)

    def _read_member(self, name: str, cell: str, *, empty: Any) -> Any:
        text = self._plain(cell)
        if text is None:
            return _COMPLEX
        if not text:
            return empty
        found = self._meaning(name, text)
        return _COMPLEX if found is None else found

    def _read_date(self, name: str, cell: str) -> Any:
        text = self._plain(cell)
        if text is None:
            return _COMPLEX
        if not text:
            return None
        try:
            moment, ambiguous = read_date(text, day_first=self.conv.plan.day_first)
        except DateProblem:
            return _COMPLEX
        return _COMPLEX if ambiguous else moment

    def _read_amount(self, name: str, text: str) -> Any:
        """(cents, currency) of a stripped value cell, as Converter._amount
        and the currency check after it; a bad or too fine one is complex."""
        if not text:
            return (0, None)
        try:
            cents, named = read_amount(text, self.convention)
        except ValueProblem:
            return _COMPLEX
        if self.count_either and either_way(text):
            self.either.add(text)  # counted row by row below, for the report
        if named and too_fine(cents, named):
            return _COMPLEX
        return (cents, named)
