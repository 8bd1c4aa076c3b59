"""Excel workbooks (.xlsx, .xlsm) read as an import table.

A sales team's lead lists live in spreadsheets as often as in CSV, and
"save it as CSV first" loses what Excel shows: a date becomes whatever the
export locale writes, and a long number becomes 4.4208E+11. So the first
worksheet holding anything is read here directly, cell by cell, as the text
Excel shows for its value: numbers to Excel's 15 significant digits (an
integral one without ".0"), dates and times in ISO 8601, TRUE/FALSE,
formulas as their last computed value. A number's format adds what Excel
shows with it (number_formats.py): the currency of an amount formatted as
€, £ or ¥ goes with it as if the cell's text named it, and a percentage is
the percentage shown. Its first non-empty row is the header
(a title above it is skipped, as Excel users put one there), and the row
numbers reported are the sheet's own.

openpyxl parses the XML (through defusedxml, which it uses when installed:
a workbook is untrusted input), streaming the sheet in read-only mode so a
large list is read in bounded memory. A workbook whose parts unpack to far
more than they could hold is refused before it is opened.
"""

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from leadtui.domain.currency import SHARED_MARKS
from leadtui.domain.errors import InvalidInput
from leadtui.domain.sanitize import clean_line
from leadtui.importing.json_values import Number
from leadtui.importing.number_formats import format_currency, percent_text
from leadtui.importing.title_rows import MAX_TITLE_ROWS, Title, title_above

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

# A zip member unpacking to more than this many times its packed size, and
# to more than _BIG bytes, is a decompression bomb, not a lead list: real
# sheets pack 5-20x.
_RATIO = 200
_BIG = 256 * 1024 * 1024
# How a workbook's cells were decoded, for the notes (which skip it: the cells
# are text already, there was no choice to report).
WORKBOOK_CELLS = "the workbook's own"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or any encrypted workbook


def is_workbook(path: Path) -> bool:
    """A zip holding xl/workbook.xml (whatever the file is called). Any other
    zip is refused in one line (its bytes would otherwise be guessed at as
    some legacy encoding's text); bytes that only start like a zip are left
    to the text reader, which says they are not text."""
    with path.open("rb") as stream:
        if stream.read(len(_ZIP_MAGIC)) != _ZIP_MAGIC:
            return False
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    if "xl/workbook.xml" not in names:
        raise InvalidInput(
            f"{path} is a zip archive, not a CSV, JSON or Excel (.xlsx) file:"
            " unpack it and import the file it holds"
        )
    return True


def refuse_legacy(path: Path) -> None:
    """An old binary .xls, or a password-protected workbook (both are OLE
    files): one line saying what to do instead."""
    with path.open("rb") as stream:
        if stream.read(len(_OLE_MAGIC)) == _OLE_MAGIC:
            raise InvalidInput(
                f"{path} is an old-style .xls or a password-protected workbook:"
                " save it as .xlsx (without a password) or as CSV"
            )


class _Grid(Protocol):
    """What is used of a read-only worksheet (chart sheets have no cells)."""

    title: str
    max_row: int | None

    def iter_rows(
        self, min_row: int | None = None, max_row: int | None = None, *, values_only: bool
    ) -> Iterator[tuple[Any, ...]]: ...


class Sheet:
    """The worksheet an import reads: its name, header row and data rows.
    Rows are read again from the file each time (the dry run samples them,
    the import reads them all)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        _check_sizes(path)
        with _opened(path) as book:
            sheet = _first_with_data(book, path)
            self.name = sheet.title
            self.others = [name for name in book.sheetnames if name != self.name]
            self.header_line, cells, self.title_rows = _header_row(sheet, path)
            self.headers = _trimmed(cells)
            self.approx_rows = max(0, (sheet.max_row or 0) - self.header_line)

    def describe(self) -> str:
        # Sheet names are the file's text, printed: sanitised like any cell
        # (an XML name may hold a C1 control such as CSI).
        text = f"Excel workbook, sheet “{clean_line(self.name)}”"
        if self.others:
            names = ", ".join(f"“{clean_line(name)}”" for name in self.others)
            text += f" (not read: {names})"
        return text

    def rows(self) -> Iterator[tuple[int, list[str], str | None]]:
        """(sheet row number, cells as text, why the row is broken or None)."""
        width = len(self.headers)
        with _opened(self.path) as book:
            sheet = cast(_Grid, book[self.name])
            # Cells, not values: a number's format says its currency.
            lines = sheet.iter_rows(min_row=self.header_line + 1, values_only=False)
            for number, row in enumerate(lines, start=self.header_line + 1):
                cells = _trimmed([shown_text(cell.value, cell.number_format) for cell in row])
                if not any(cells):
                    continue  # an empty row between rows is not a row
                if len(cells) > width:
                    from openpyxl.utils import get_column_letter

                    column = get_column_letter(len(cells))
                    why = f"a value in column {column}, past the last header"
                    yield number, cells, why
                else:
                    yield number, cells + [""] * (width - len(cells)), None


def shown_text(value: Any, fmt: str | None) -> str:
    """A cell as cell_text reads it, with what its number format shows: "5000
    EUR" for 5000 formatted `[$€-407]#,##0` (still a Number: its number is
    written with a point whatever the file's text cells use), "$5000" for a
    dollar format that does not say which dollar (read as a CSV cell's
    "$5000" is), "25%" for 0.25 formatted `0%`."""
    text = cell_text(value)
    if not isinstance(text, Number) or fmt is None or fmt == "General":
        return text
    if (percent := percent_text(value, fmt)) is not None:
        return percent
    currency = format_currency(fmt)
    if currency is None:
        return text
    return Number(f"{currency}{text}" if currency in SHARED_MARKS else f"{text} {currency}")


def cell_text(value: Any) -> str:
    """A cell as the text Excel shows for its value (not its number format)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    # A number cell stays known as a number: an amount column's decimal
    # convention is its text cells', never read into a number.
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return Number(int(value))
        return Number(f"{value:.15g}")
    if isinstance(value, int):
        return Number(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # a duration cell
        return str(value)
    return str(value)


class _opened:
    """load_workbook as a context manager: read-only workbooks keep their
    file open until closed."""

    def __init__(self, path: Path) -> None:
        # openpyxl is imported for a workbook only: every other import, and
        # every other command, starts about 60 ms sooner without it.
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        bad = (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError)
        try:
            self.book: Workbook = load_workbook(path, read_only=True, data_only=True)
        except bad as error:
            raise InvalidInput(f"{path}: cannot read this workbook ({error})") from None

    def __enter__(self) -> "Workbook":
        return self.book

    def __exit__(self, *_: object) -> None:
        self.book.close()


def _check_sizes(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            packed = max(member.compress_size, 1)
            if member.file_size > _BIG and member.file_size > packed * _RATIO:
                raise InvalidInput(
                    f"{path}: {member.filename} would unpack to {member.file_size:,} bytes"
                    f" from {member.compress_size:,}; refused as a decompression bomb"
                )


def _first_with_data(book: "Workbook", path: Path) -> _Grid:
    for sheet in book.worksheets:  # chart sheets are not among them
        grid = cast(_Grid, sheet)
        rows = grid.iter_rows(max_row=50, values_only=True)
        if any(cell_text(value) for row in rows for value in row):
            return grid
    raise InvalidInput(f"{path}: every sheet is empty")


def _header_row(sheet: _Grid, path: Path) -> tuple[int, list[str], Title]:
    """The header's row number and cells, after any title above it."""
    top = sheet.iter_rows(max_row=MAX_TITLE_ROWS * 3 + 1, values_only=True)
    rows = [[cell_text(value) for value in values] for values in top]
    title = title_above(rows)
    if title.rows >= len(rows) or not any(rows[title.rows]):
        raise InvalidInput(f"{path}: sheet “{clean_line(sheet.title)}” has no header row")
    return title.rows + 1, rows[title.rows], title


def _trimmed(cells: list[str]) -> list[str]:
    """Without the empty cells at the end of a row (formatting reaches past
    the data)."""
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]
