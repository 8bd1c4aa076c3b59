"""Rows are laid out for the cells the terminal draws. Rich counts a
spacing vowel sign (Unicode category Mc: the ा in राहुल) as 0 cells; the C
library's wcwidth, which tmux, xterm and VTE use, counts 1. Before
tui/cell_widths.py, a card holding a Hindi, Bengali or Tamil name ran past
its column: the score and amount lost their last characters and the
column's edge was drawn over."""

import csv
import sys
from pathlib import Path

import pytest
from bench.ptyterm import C_LIBRARY_WIDTHS, program_in_pty
from rich.cells import cell_len

import leadtui.tui  # noqa: F401  (widens the marks, as the app does on start)
from leadtui.repository import Repository

NAMES = Path(__file__).parent / "data" / "names" / "names_by_script.csv"
COLUMN_EDGE = "▕"


def test_a_spacing_mark_takes_a_cell_and_a_nonspacing_mark_none() -> None:
    assert cell_len("का") == 2  # KA + the vowel sign AA (Mc)
    assert cell_len("कु") == 1  # KA + the vowel sign U (Mn), drawn on it
    assert cell_len("ता") == 2 and cell_len("এ") == 1


@pytest.mark.skipif(C_LIBRARY_WIDTHS is None, reason="needs a C library that reads UTF-8")
def test_every_name_in_the_corpus_measures_as_the_c_library_draws_it() -> None:
    """790 real names in 16 scripts (tests/data/names, from Faker's
    providers): Rich's count of cells equals wcwidth's, character by character."""
    assert C_LIBRARY_WIDTHS is not None
    with NAMES.open(encoding="utf-8") as file:
        names = [row["name"] for row in csv.DictReader(file)]
    assert len(names) > 300
    differ = [
        (name, cell_len(name), sum(map(C_LIBRARY_WIDTHS, name)))
        for name in names
        if cell_len(name) != sum(map(C_LIBRARY_WIDTHS, name))
    ]
    assert differ == []


@pytest.mark.skipif(C_LIBRARY_WIDTHS is None, reason="needs a C library that reads UTF-8")
def test_a_card_with_a_devanagari_name_keeps_to_its_column(sample_repo: Repository) -> None:
    """In a real pty, read by an emulator measuring as tmux does: the column
    edges of राहुल शर्मा's card are where every other card's are, and its
    amount is whole."""
    command = [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)]
    with program_in_pty(command, sample_repo.path.parent) as term:
        term.wait_for("Inbox")
        term.type("2")

        def card() -> int | None:
            """The line of राहुल's card on the board, once both of its
            lines are drawn (the inbox shows him too)."""
            lines = term.text().splitlines()
            for y, line in enumerate(lines[:-1]):
                if "राहुल" in line and COLUMN_EDGE in line and "$22,000" in lines[y + 1]:
                    return y
            return None

        def edges(y: int) -> list[int]:
            line = term.screen.buffer[y]
            return [x for x in range(term.screen.columns) if line[x].data == COLUMN_EDGE]

        def card_in_its_column() -> bool:
            """Both of the card's lines have their column edges where the
            column headers' are (awaited: a frame may come in two reads)."""
            y = card()
            lines = term.text().splitlines()
            header = next((y for y, line in enumerate(lines) if "Contacted" in line), None)
            if y is None or header is None or len(edges(header)) < 3:
                return False
            return edges(y) == edges(header) == edges(y + 1)

        term.wait_until(card_in_its_column, "राहुल's card is not in its column")
        term.type("q")
        assert term.wait_for_exit() == 0
