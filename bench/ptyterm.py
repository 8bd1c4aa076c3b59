"""A real pseudo-terminal with a VT100 emulator (pyte) on the other side.

Used by the end-to-end tests and the benchmarks: start a program as a user
would, type keys, and wait (with a deadline, never a fixed sleep) until text
appears on the emulated screen.
"""

import ctypes
import ctypes.util
import fcntl
import locale
import os
import pty
import select
import struct
import subprocess
import termios
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pyte
import pyte.screens

COLUMNS, LINES = 80, 24
DEADLINE_SECONDS = 30.0


def _c_library_wcwidth() -> Callable[[str], int] | None:
    """The C library's wcwidth, which tmux, xterm and VTE measure with, if
    it can read UTF-8 here; else None."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    wcwidth = ctypes.CDLL(name).wcwidth
    wcwidth.argtypes, wcwidth.restype = [ctypes.c_wchar], ctypes.c_int
    if wcwidth("\u4e00") != 2:  # not a UTF-8 locale: try the one every glibc has
        try:
            locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
        except locale.Error:
            return None
    if wcwidth("\u4e00") != 2:
        return None
    return lru_cache(maxsize=4096)(lambda char: max(wcwidth(char), 0))


# The emulator measures characters as a real terminal does. pyte's own
# (the wcwidth package) counts a spacing vowel sign, as in राहुल, as 0 cells
# where tmux and xterm draw it in 1; leadtui lays rows out for the latter.
C_LIBRARY_WIDTHS = _c_library_wcwidth()
if C_LIBRARY_WIDTHS is not None:
    pyte.screens.wcwidth = C_LIBRARY_WIDTHS


class MarkedScreen(pyte.Screen):
    """pyte's screen, but a zero-width mark is drawn on the cell before it
    whatever its combining class: pyte stops drawing the rest of the text
    at one whose class is 0, such as the ु in राहुल."""

    def draw(self, data: str) -> None:
        measure = C_LIBRARY_WIDTHS or pyte.screens.wcwidth
        start = 0
        for index, char in enumerate(data):
            if measure(char) == 0 and not unicodedata.combining(char) and char.isprintable():
                super().draw(data[start:index])
                start = index + 1
                line, x = self.buffer[self.cursor.y], self.cursor.x
                if x:
                    line[x - 1] = line[x - 1]._replace(data=line[x - 1].data + char)
        super().draw(data[start:])


class Terminal:
    def __init__(self, fd: int, process: subprocess.Popen[bytes]) -> None:
        self.fd, self.process = fd, process
        self.screen = MarkedScreen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()  # every byte the program wrote, for tests to parse

    def text(self) -> str:
        """The screen as text; a wide character's second cell adds nothing.
        (Not pyte's Screen.display: one frame can arrive in two reads, and
        between them a wide character's first cell may be drawn over while
        its second is not yet; display() raises IndexError on that cell.)"""
        buffer, columns = self.screen.buffer, self.screen.columns
        return "\n".join(
            "".join(buffer[y][x].data for x in range(columns)) for y in range(self.screen.lines)
        )

    def _read(self, timeout: float) -> bool:
        """Feed what the program wrote within `timeout`; False if nothing."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.raw += data
        self.stream.feed(data)
        return bool(data)

    def wait_for(self, text: str, *, gone: bool = False) -> None:
        state = "gone" if gone else "shown"
        self.wait_until(lambda: (text in self.text()) != gone, f"{text!r} never {state}")

    def wait_until(self, condition: Callable[[], bool], failure: str) -> None:
        """Read the program's output until `condition` holds of the screen."""
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not condition():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"{failure}; screen:\n{self.text()}")
            self._read(0.1)

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait_for_exit(self) -> int:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError("the program did not exit")
            self._read(0.1)
        while self._read(0.1):  # what it wrote just before it exited
            pass
        return self.process.returncode


@contextmanager
def program_in_pty(command: list[str], cwd: Path, *, typed_ahead: str = "") -> Iterator[Terminal]:
    """Run `command` in an 80x24 pty; kill it on the way out if still running.
    `typed_ahead`: keys typed before it starts, as at a shell prompt, so they
    wait in the terminal's cooked mode (an enter's CR made an LF)."""
    leader, follower = pty.openpty()
    os.set_blocking(leader, True)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    os.write(leader, typed_ahead.encode())
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES)}
    # As on a user's machine, where an install compiles the bytecode once:
    # with this set (some sandboxes do), every start would recompile leadtui.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    process = subprocess.Popen(
        command,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
        start_new_session=True,
        cwd=cwd,
    )
    os.close(follower)
    terminal = Terminal(leader, process)
    try:
        yield terminal
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
