"""A title above the header: where a file's table starts.

A sheet pasted from Excel, or a workbook made for people, often carries a
line or two of title ("Leads from the March fair", "thousand tonnes carbon
equivalent") above its header. Read as the header, the title names one
column and the real header becomes a lead. The rule, the same for CSV and
workbooks: up to MAX_TITLE_ROWS leading rows with one filled cell, as wide
as the table (blank rows among them), followed by a row with two or more
filled cells are a title. A
file of one column is never cut: its header has one cell too, and no row
with two follows. The title is reported, never dropped silently.
"""

from collections.abc import Sequence
from dataclasses import dataclass

MAX_TITLE_ROWS = 3


@dataclass(frozen=True)
class Title:
    rows: int  # rows above the header, blank ones included
    text: str  # the title's filled cells, joined: what the note quotes


NO_TITLE = Title(0, "")


def title_above(rows: Sequence[Sequence[str]]) -> Title:
    """The title at the top of `rows` (the file's first rows), or NO_TITLE."""
    texts: list[str] = []
    widths: set[int] = set()
    for index, row in enumerate(rows):
        filled = [cell.strip() for cell in row if cell.strip()]
        if len(filled) >= 2:
            # A title row is padded to the table's width (as Excel writes a
            # sheet out); a narrower one is a header of its own whose rows
            # are broken, and is kept so they are rejected, not eaten.
            if not texts or widths != {len(row)}:
                return NO_TITLE
            return Title(index, " · ".join(texts))
        if filled:
            if len(texts) == MAX_TITLE_ROWS:
                return NO_TITLE
            texts.append(filled[0])
            widths.add(len(row))
    return NO_TITLE


def title_note(title: Title) -> str | None:
    if not title.rows:
        return None
    lines = "line 1" if title.rows == 1 else f"lines 1-{title.rows}"
    text = title.text if len(title.text) <= 80 else title.text[:79] + "…"
    return (
        f"{lines} above the header (line {title.rows + 1}) read as the file's title,"
        f" not as leads: {text!r}"
    )
