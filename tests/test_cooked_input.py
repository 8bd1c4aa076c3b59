"""Keys typed before the terminal was raw: their enter, made a line feed by
the terminal's cooked mode, is read as enter again, and only theirs
(tui/cooked.py)."""

import os
import pty
import select
import termios

from hypothesis import given
from hypothesis import strategies as st

from leadtui.tui.cooked import CookedInput, typed_while_cooked


def test_a_line_feed_typed_before_is_an_enter_and_one_typed_after_is_not() -> None:
    cooked = CookedInput(len(b"jj\n"))
    assert cooked("jj\n") == "jj\r"
    assert cooked("\n") == "\n"  # ctrl+j, typed in raw mode


@given(st.lists(st.integers(min_value=0, max_value=20), max_size=5))
def test_however_the_input_is_split(cuts: list[int]) -> None:
    early = "/yara é\x1b[B\n"  # é is two bytes: counted as the kernel counts
    stream = early + "\n日\n"
    points = sorted({min(cut, len(stream)) for cut in cuts})
    chunks = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    cooked = CookedInput(len(early.encode()))
    assert "".join(cooked(chunk) for chunk in chunks) == "/yara é\x1b[B\r\n日\n"


def test_what_waits_is_counted_only_if_the_terminal_made_cr_a_line_feed() -> None:
    leader, follower = pty.openpty()
    try:
        os.write(leader, b"jj\r")
        # The line discipline takes it in on its own time: readable once it has.
        assert select.select([follower], [], [], 10)[0]
        attrs = termios.tcgetattr(follower)
        assert attrs[0] & termios.ICRNL  # a fresh pty is cooked
        assert typed_while_cooked(follower, attrs) == 3
        raw = [attrs[0] & ~termios.ICRNL, *attrs[1:]]
        assert typed_while_cooked(follower, raw) == 0
        assert typed_while_cooked(follower, None) == 0
    finally:
        os.close(leader)
        os.close(follower)
