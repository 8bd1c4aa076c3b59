"""The issue's "done means", in a real pseudo-terminal at 80x24.

leadtui runs as a user would start it (python -m leadtui --db FILE) with its
output fed to a VT100 emulator (pyte); the test types keys and waits for text
to appear on the emulated screen. Nothing sleeps: every wait is for a
condition, with a deadline.
"""

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pyte
import pytest

from leadtui.cli import main

COLUMNS, LINES = 80, 24
DEADLINE_SECONDS = 30.0


class Terminal:
    def __init__(self, fd: int, process: subprocess.Popen[bytes]) -> None:
        self.fd, self.process = fd, process
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def _read(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            with suppress(OSError):  # OSError: the child closed the terminal
                self.stream.feed(os.read(self.fd, 65536))

    def wait_for(self, text: str, *, gone: bool = False) -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while (text in self.text()) == gone:
            if time.monotonic() > deadline or self.process.poll() is not None:
                state = "gone" if gone else "shown"
                raise AssertionError(f"{text!r} never {state}; screen:\n{self.text()}")
            self._read(0.1)

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait_for_exit(self) -> int:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                raise AssertionError("leadtui did not exit")
            self._read(0.1)
        return self.process.returncode


@contextmanager
def leadtui_in_pty(*args: str, cwd: Path) -> Iterator[Terminal]:
    leader, follower = pty.openpty()
    os.set_blocking(leader, True)
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(COLUMNS), "LINES": str(LINES)}
    process = subprocess.Popen(
        [sys.executable, "-m", "leadtui", *args],
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


@pytest.mark.slow
def test_a_new_user_adds_advances_loses_quits_and_finds_it_all_again(tmp_path: Path) -> None:
    db = tmp_path / "team.db"
    with leadtui_in_pty("--db", str(db), cwd=tmp_path) as term:
        term.wait_for("No leads yet: press n to add a lead.")
        for name in ("Ada Lovelace", "Bob Builder"):
            term.type("n")
            term.wait_for("Add a lead")
            term.type(name + "\r")
            term.wait_for("Add a lead", gone=True)
            term.wait_for(name)
        term.wait_for("Added lead #2", gone=True)
        # Both scored alike: the newer (Bob) is on top. Advance him, lose Ada.
        term.type("a")
        term.wait_for("Bob Builder → Contacted")
        term.type("x")
        term.wait_for("Lose Ada Lovelace?")
        term.type("No budget\r")
        term.wait_for("Ada Lovelace → Lost")
        term.type("2")
        term.wait_for("Contacted  1")
        term.type("4")
        term.wait_for("Conversion  0.0%")
        assert "Lost                1" in term.text()
        term.type("q")
        assert term.wait_for_exit() == 0

    with leadtui_in_pty("--db", str(db), cwd=tmp_path) as term:
        term.wait_for("Inbox zero")  # both left New, and that survived a restart
        term.type("2")
        term.wait_for("Contacted  1")
        term.type("l\r")  # type-ahead: enter must act on the column l just moved to
        term.wait_for("New → Contacted")
        term.type("q")
        assert term.wait_for_exit() == 0

    from click.testing import CliRunner

    exported = CliRunner().invoke(main, ["export", "--format", "json", "--db", str(db)])
    state = {
        lead["name"]: (lead["stage"], lead["lost_reason"]) for lead in json.loads(exported.output)
    }
    assert state == {"Bob Builder": ("contacted", None), "Ada Lovelace": ("lost", "No budget")}


@pytest.mark.slow
def test_an_unusable_database_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_text("this is not sqlite" * 100)
    with leadtui_in_pty("--db", "junk.db", cwd=tmp_path) as term:
        assert term.wait_for_exit() == 1
        assert term.text().strip() == "Error: junk.db is not a SQLite database"
        assert "Traceback" not in term.text()
