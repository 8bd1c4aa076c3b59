"""Looking at what a column holds, not only at its header.

A header can promise what its values do not keep: X Education's "Last
Activity" holds "Email Opened", not a date; its "Lead Quality" holds "Might
be", not a fit. When most of the values sampled from a column the header
mapped to a field cannot be read as that field, the column is kept as a
custom field instead, and the mapping says why. (A column the user mapped
with --map is taken as said.)

The same sample settles whether 03/04/2025 is 3 April or March 4.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import BantAnswer, LeadDraft
from leadtui.importing.choices import BANT_FIELDS, ENUMERATED, meaning
from leadtui.importing.dates import DateProblem, read_date, slashed_parts
from leadtui.importing.formula_guard import unquote_formula
from leadtui.importing.headers import Target, is_leadtui_export
from leadtui.importing.json_values import Number
from leadtui.importing.placeholders import Placeholders
from leadtui.importing.reading import RawRow, Table
from leadtui.importing.values import COMMA, POINT, ValueProblem, number_convention, read_amount

DATE_FIELDS = ("created_at", "follow_up_at", "last_touch_at", "expected_close")
SAMPLE = 2000  # rows looked at
_EXAMPLES = 3


@dataclass(frozen=True)
class Sample:
    """The non-empty values of the first rows, column by column, with lines."""

    values: dict[int, list[tuple[int, str]]]

    @classmethod
    def of(cls, table: Table, columns: list[int], placeholders: Placeholders) -> "Sample":
        values: dict[int, list[tuple[int, str]]] = {index: [] for index in columns}
        if not columns:
            return cls(values)
        # Read as the conversion reads the row: a CSV export's "'+44 …" is a phone.
        unquote = table.kind == "csv"
        own = is_leadtui_export(table.headers)
        for count, row in enumerate(table.rows()):
            if count >= SAMPLE:
                break
            if not isinstance(row, RawRow):
                continue
            for index in columns:
                cell = row.values[index]
                if unquote and cell[:1] == "'":
                    cell = unquote_formula(cell, own_export=own)
                # A JSON number keeps its type (never padded): it does not vote
                # on the amounts' decimal convention, it is a number.
                cell = cell if isinstance(cell, Number) else cell.strip()
                if cell and cell not in placeholders:
                    values[index].append((row.line, cell))
        return cls(values)


def checked_fields() -> tuple[str, ...]:
    return (*DATE_FIELDS, "email", "phone", "value", *ENUMERATED)


def demoted(
    headers: list[str],
    targets: list[Target],
    said: set[int],
    sample: Sample,
    names: dict[str, dict[str, Any]],
) -> list[Target]:
    """The targets, with each auto-mapped column whose values mostly are not
    its field's kept as a custom field (with the reason as its note)."""
    result = list(targets)
    for index, target in enumerate(targets):
        if index in said or target.kind != "field" or target.name not in checked_fields():
            continue
        values = [text for _, text in sample.values.get(index, [])]
        if not values:
            continue
        reads = _reader(target.name, names.get(target.name, {}))
        bad = [text for text in values if not reads(text)]
        if len(bad) * 2 > len(values):
            examples = ", ".join(list(dict.fromkeys(repr(t) for t in bad))[:_EXAMPLES])
            note = (
                f"not {target.name}: {len(bad):,} of the {len(values):,} values looked at"
                f" are not {_KIND_WORDS.get(target.name, target.name + ' values')},"
                f" e.g. {examples}"
            )
            result[index] = Target("custom", headers[index], note)
    return result


_KIND_WORDS = {
    **dict.fromkeys(DATE_FIELDS, "dates"),
    "email": "email addresses",
    "phone": "phone numbers",
    "value": "amounts",
    "stage": "stage names",
    "temperature": "hot, warm or cold",
    "fit": "high, medium, low or unknown",
    "lifecycle": "lifecycle stages",
    **dict.fromkeys(BANT_FIELDS, "yes, no or unknown"),
}


def _reader(field: str, user: dict[str, Any]) -> Callable[[str], bool]:
    """Whether a value reads as `field` (as the conversion would read it)."""
    if field in DATE_FIELDS:
        return _is_date
    if field in ("email", "phone"):
        return lambda text: _valid_draft_field(field, text)
    if field == "value":
        return _is_amount
    if field in BANT_FIELDS:
        return lambda text: meaning(field, user, text) is not None or _is_bant(text)
    return lambda text: meaning(field, user, text) is not None


def _is_date(text: str) -> bool:
    for day_first in (False, True):
        try:
            read_date(text, day_first=day_first)
            return True
        except DateProblem:
            continue
    return False


def _is_amount(text: str) -> bool:
    """An amount in either convention: the column's is decided after."""
    for convention in (POINT, COMMA):
        try:
            read_amount(text, convention)
            return True
        except ValueProblem:
            continue
    return False


def _is_bant(text: str) -> bool:
    try:
        BantAnswer.parse(text)
    except InvalidInput:
        return False
    return True


def _valid_draft_field(field: str, text: str) -> bool:
    """The same validation a lead typed in gets (LeadDraft's)."""
    try:
        LeadDraft.model_validate({"name": "x", field: text})
    except ValidationError:
        return False
    return True


NO_DATE_COLUMNS = "no date columns"


def day_order(
    headers: list[str], targets: list[Target], sample: Sample, said: bool | None
) -> tuple[bool, str]:
    """Whether 03/04/2025 is 3 April (day first) or March 4, from the dates
    the file holds: a first number over 12 settles day-first, a second one
    over 12 month-first. US CRMs write month first, so that is the default."""
    if said is not None:
        return said, "as the mapping says"
    columns = [
        index
        for index, target in enumerate(targets)
        if target.kind == "field" and target.name in DATE_FIELDS
    ]
    if not columns:
        return False, NO_DATE_COLUMNS
    seen = sorted(
        (line, column, text) for column in columns for line, text in sample.values.get(column, [])
    )
    for line, column, text in seen:
        parts = slashed_parts(text)
        if parts and parts[0] > 12:
            return True, f"line {line} has {text!r} in {headers[column]!r}"
        if parts and parts[1] > 12:
            return False, f"line {line} has {text!r} in {headers[column]!r}"
    default = "month first, the usual order in CRM exports"
    if not any(_either_way(text) for _, _, text in seen):  # ISO, named months…
        return False, f"no date in the first rows reads either way: {default}"
    return False, f"nothing in the file settles it: {default}"


def _either_way(text: str) -> bool:
    """Whether a date's day and month could be read the other way round."""
    try:
        return read_date(text)[1]
    except DateProblem:
        return False


@dataclass(frozen=True)
class DecimalOrder:
    """A file's amounts' decimal convention: "1.500" is 1,500 with a comma."""

    comma: bool
    reason: str
    settled: bool  # by a cell or the user: else its either-way cells are reported


NO_AMOUNT_COLUMNS = "no amount columns"
NO_AMOUNTS = DecimalOrder(False, NO_AMOUNT_COLUMNS, True)


def decimal_order(
    headers: list[str],
    targets: list[Target],
    sample: Sample,
    said: bool | None,
    delimiter: str | None,
) -> DecimalOrder:
    """Whether the file's amounts write a decimal comma (1.234,56) or a
    point (1,234.56), from the sampled cells of its amount columns
    (decimal_order_of)."""
    columns = [i for i, t in enumerate(targets) if t.kind == "field" and t.name == "value"]
    if said is None and not columns:
        return NO_AMOUNTS
    cells = (
        (line, headers[column], text)
        for column in columns
        for line, text in sample.values.get(column, [])
    )
    return decimal_order_of(cells, said, delimiter)


def decimal_order_of(
    cells: Iterable[tuple[int, str, str]], said: bool | None, delimiter: str | None
) -> DecimalOrder:
    """The decimal convention of amounts given as (line, header, cell), from
    the cells only one of them writes ('12,5', '1.500.000', '12.5'…); one
    convention for them all, so '1,500' is never read one way on one line
    and the other way on the next. The most cells win; the others are
    refused row by row, never misread. Lead import and `spend --import`
    both decide here."""
    if said is not None:
        return DecimalOrder(said, "as chosen", True)
    first: dict[str, tuple[int, str, str]] = {}
    counts = {COMMA: 0, POINT: 0}
    for line, header, text in cells:
        if isinstance(text, Number):
            continue
        if (convention := number_convention(text)) is not None:
            counts[convention] += 1
            if convention not in first or line < first[convention][0]:
                first[convention] = (line, header, text)
    if counts[COMMA] or counts[POINT]:
        chosen = COMMA if counts[COMMA] > counts[POINT] else POINT
        line, header, text = first[chosen]
        return DecimalOrder(chosen == COMMA, f"line {line} has {text!r} in {header!r}", True)
    if delimiter == ";":
        return DecimalOrder(
            True, "as the file is semicolon-separated, as decimal-comma locales write CSV", False
        )
    return DecimalOrder(
        False, "as no amount in the first rows reads only one way, the usual decimal point", False
    )
