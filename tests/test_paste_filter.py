"""The filter between the terminal and Textual's input parser: pasted text
loses its escape sequences however the input is split into reads, and
everything outside a paste passes untouched (tui/paste.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadtui.tui.paste import END, START, PasteFilter

TYPED = "ab\x1b[A\x1bOPq"  # keys, an arrow, F1: never touched
PASTED = "\x1b[2Jcleared\x1b]52;c;SGk=\x07Paste\x9b31mA\r\nline two\x1b]8;;x\x1b\\"
CLEAN = "clearedPasteA\nline two"


def run(chunks: list[str]) -> str:
    pastes = PasteFilter()
    return "".join(pastes(chunk) for chunk in chunks)


def test_a_paste_loses_its_sequences_and_keys_pass_untouched() -> None:
    stream = f"{TYPED}{START}{PASTED}{END}{TYPED}"
    assert run([stream]) == f"{TYPED}{START}{CLEAN}{END}{TYPED}"


@given(st.lists(st.integers(min_value=0, max_value=200), max_size=6))
def test_however_the_input_is_split(cuts: list[int]) -> None:
    stream = f"{TYPED}{START}{PASTED}{END}{TYPED}{START}{PASTED}{END}"
    points = sorted({min(cut, len(stream)) for cut in cuts})
    chunks = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    assert run(chunks) == f"{TYPED}{START}{CLEAN}{END}{TYPED}{START}{CLEAN}{END}"


@pytest.mark.parametrize("split", range(1, len(START)))
def test_a_bracket_split_across_reads_is_still_found(split: int) -> None:
    stream = f"x{START}\x1b[31mred{END}"
    assert run([stream[: 1 + split], stream[1 + split :]]) == f"x{START}red{END}"


def test_an_unfinished_paste_is_held_from_its_last_escape() -> None:
    pastes = PasteFilter()
    assert pastes(f"{START}abc\x1b]52;c;") == START + "abc"
    assert pastes("SGk=\x07def") == ""  # still from that ESC: no closing bracket yet
    assert pastes(END) == f"def{END}"
