"""A spend file (`leadtui spend --import`): columns source, month, amount,
one row a source and month, read as lead import reads a file (encoding,
delimiter, workbook) and its amounts in one decimal convention decided as
lead import decides it (profile.decimal_order_of), so '1.234,50' in a
semicolon file is 1,234.50, never refused or read 1000x off. All rows or
none: the first row that cannot be read refuses the whole file."""

from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from leadtui.domain.currency import named_currency
from leadtui.domain.errors import InvalidInput
from leadtui.domain.kpis import check_month, check_source
from leadtui.domain.results import SpendEntry, SpendLine
from leadtui.importing.json_values import Number
from leadtui.importing.profile import DecimalOrder, decimal_order_of
from leadtui.importing.reading import BrokenRow, open_table
from leadtui.importing.report import decimal_words, either_amounts_line
from leadtui.importing.values import COMMA, POINT, ValueProblem, either_way, read_amount

COLUMNS = ("source", "month", "amount")


@dataclass(frozen=True)
class SpendFile:
    """A spend file's rows and how its amounts were read."""

    lines: list[SpendLine]
    decimal: DecimalOrder
    ambiguous_amounts: int  # either-way amounts ('1,500') no cell settled
    ambiguous_example: tuple[int, str] | None

    def notes(self) -> list[str]:
        """What the report says of the amounts, as lead import says it."""
        said = [f"Amounts read as {decimal_words(self.decimal)}"]
        if self.ambiguous_example is not None:
            said.append(
                either_amounts_line(self.decimal, self.ambiguous_amounts, self.ambiguous_example)
            )
        return said


def read_spend(path: Path, team: str, decimal_comma: bool | None = None) -> SpendFile:
    """The file's rows, each a source's spend for a month in `team`'s
    currency ('$500' in a CAD team is CAD); `decimal_comma` as
    --decimal-comma/--decimal-point say (None: decided from the amounts).
    InvalidInput names the file and line of the first row refused."""
    table = open_table(path)
    names = [header.strip().lower() for header in table.headers]
    if missing := [name for name in COLUMNS if name not in names]:
        raise InvalidInput(
            f"{path}: needs columns source, month, amount (no {', '.join(sorted(missing))})"
        )
    where = {name: names.index(name) for name in COLUMNS}
    rows: list[tuple[int, str, str, str]] = []
    for row in table.rows():
        if isinstance(row, BrokenRow):
            _refuse(path, row.line, row.reason)
        source, month, amount = (row.values[where[name]] for name in COLUMNS)
        # A workbook's number cell keeps its type (Number): strip() would drop it.
        rows.append(
            (row.line, source, month, amount if isinstance(amount, Number) else amount.strip())
        )
    decimal = decimal_order_of(
        ((line, table.headers[where["amount"]], amount) for line, _, _, amount in rows),
        decimal_comma,
        table.delimiter,
    )
    convention = COMMA if decimal.comma else POINT
    lines: list[SpendLine] = []
    either: list[tuple[int, str]] = []
    # A month holds one amount per source: a second row would replace the
    # first, and its amount would vanish from a file said to be recorded.
    seen: dict[tuple[str, str], int] = {}
    for line, source, month, amount in rows:
        try:
            entry, currency = _entry(source, month, amount, convention, team)
        except (InvalidInput, ValueProblem) as error:
            _refuse(path, line, str(error))
        first = seen.setdefault((entry.source.value, entry.month), line)
        if first != line:
            _refuse(
                path,
                line,
                f"{entry.source.value} {entry.month} is on line {first} too"
                " (one amount a month: add them up)",
            )
        if not decimal.settled and not isinstance(amount, Number) and either_way(amount):
            either.append((line, amount))
        lines.append(SpendLine(line, entry, amount, currency))
    return SpendFile(lines, decimal, len(either), either[0] if either else None)


def _entry(
    source: str, month: str, amount: str, convention: str, team: str
) -> tuple[SpendEntry, str | None]:
    if not amount:
        raise InvalidInput("amount: required")
    try:
        # A workbook's number cell is a number, whatever the text cells write.
        cents, named = read_amount(amount, POINT if isinstance(amount, Number) else convention)
    except ValueProblem as problem:
        raise InvalidInput(f"amount: {problem}") from None
    # A bare mark the team's currency shares ('$' for CAD) is the team's,
    # as `leadtui spend` reads it.
    if named is not None and named_currency(amount, team) == team:
        named = team
    return SpendEntry(check_source(source), check_month(month), cents), named


def _refuse(path: Path, line: int, why: str) -> NoReturn:
    raise InvalidInput(f"{path} line {line}: {why}; nothing was recorded")
