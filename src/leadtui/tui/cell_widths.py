"""Measure text as the terminal will draw it.

Rich (and so Textual) counts a spacing combining mark, Unicode category Mc,
as 0 cells: the vowel sign in राहुल, আকাশ, அகத்தியன், અવની. The terminals
leadtui runs in draw it in 1 cell: glibc's wcwidth, which tmux, xterm and
VTE use, and xterm.js in the browser. So every row holding a name in an
Indic script was one cell per such mark wider than Textual had laid it out:
its columns slid right and its box's right edge was pushed off. Widening
those marks in Rich's width table, once, before anything is measured, makes
the layout and the terminal agree (`tests/test_cell_widths.py` holds Rich to
the C library over a corpus of real names)."""

import unicodedata
from collections.abc import Iterator

from rich import cells
from rich._unicode_data import load as rich_width_table

SPACING_MARK = "Mc"


def _without_spacing_marks(start: int, end: int) -> Iterator[tuple[int, int]]:
    """The runs of [start, end] that are not spacing marks."""
    run_start = None
    for codepoint in range(start, end + 1):
        if unicodedata.category(chr(codepoint)) == SPACING_MARK:
            if run_start is not None:
                yield run_start, codepoint - 1
                run_start = None
        elif run_start is None:
            run_start = codepoint
    if run_start is not None:
        yield run_start, end


def widen_spacing_marks() -> None:
    """Take the spacing marks out of Rich's zero-width ranges: a codepoint
    the table does not list is 1 cell wide. Rich's table is private, so a
    Rich whose table is not the list this expects is left as it is (the
    test above then fails, rather than the app)."""
    widths = getattr(rich_width_table("auto"), "widths", None)
    if not isinstance(widths, list):
        return
    widened = []
    for start, end, width in widths:
        if width != 0:
            widened.append((start, end, width))
            continue
        widened.extend((low, high, 0) for low, high in _without_spacing_marks(start, end))
    if widened != widths:
        widths[:] = widened
        cells.get_character_cell_size.cache_clear()
        cells.cached_cell_len.cache_clear()
