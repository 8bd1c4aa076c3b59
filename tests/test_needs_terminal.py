"""The TUI with no terminal to draw on says so in one line and exits 1,
before anything is drawn or opened: `ssh host leadtui` without -t sent 45 KB
of escape codes down the pipe and exited 0, and with stdin from /dev/null it
drew a screen `q` could not end. With only stderr redirected
(`leadtui 2>err.log`) the app draws on the terminal: it went into the file."""

import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import pytest
from bench.ptyterm import Terminal

from leadtui.quiet_launch import NEEDS_TERMINAL
from leadtui.repository import Repository

pytestmark = pytest.mark.slow

ONE_LINE = f"Error: {NEEDS_TERMINAL}\n".encode()
ALTERNATE_SCREEN = b"\x1b[?1049h"


def leadtui(*args: str) -> list[str]:
    return [sys.executable, "-m", "leadtui", *args]


@contextmanager
def in_pty(
    command: list[str], cwd: Path, *, stdin: int | IO[bytes] | None, stderr: IO[bytes] | None
) -> Iterator[Terminal]:
    """`command` with stdout on a pty (and stdin and stderr on it too when
    not given), killed on the way out if still running."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        command,
        stdin=follower if stdin is None else stdin,
        stdout=follower,
        stderr=follower if stderr is None else stderr,
        env={**os.environ, "TERM": "xterm-256color"},
        start_new_session=True,
        cwd=cwd,
    )
    os.close(follower)
    try:
        yield Terminal(leader, process)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)


@pytest.mark.parametrize("db_name", ["leads.db", "new.db"], ids=["quick way", "long way"])
def test_stdin_not_a_terminal_is_one_line_and_nothing_drawn(
    sample_repo: Repository, db_name: str
) -> None:
    """The quick first page and the long way (a file not there yet) alike;
    nothing is made on the way out."""
    folder = sample_repo.path.parent
    db = folder / db_name if db_name == "new.db" else sample_repo.path
    with in_pty(leadtui("--db", str(db)), folder, stdin=subprocess.DEVNULL, stderr=None) as term:
        assert term.wait_for_exit() == 1
        assert bytes(term.raw).replace(b"\r\n", b"\n") == ONE_LINE
    assert db.exists() == (db_name == "leads.db")


def test_no_terminal_at_all_is_one_line_on_stderr(sample_repo: Repository) -> None:
    """What `ssh host leadtui` without -t looks like: keys on a pipe, and
    the screen read from one."""
    done = subprocess.run(
        leadtui("--db", str(sample_repo.path)),
        input=b"q",
        capture_output=True,
        cwd=sample_repo.path.parent,
        timeout=60,
    )
    assert (done.returncode, done.stdout, done.stderr) == (1, b"", ONE_LINE)


def test_stderr_to_a_file_still_draws_the_app_on_the_terminal(
    sample_repo: Repository, tmp_path: Path
) -> None:
    log = tmp_path / "err.log"
    with (
        log.open("wb") as errors,
        in_pty(leadtui("--db", str(sample_repo.path)), tmp_path, stdin=None, stderr=errors) as term,
    ):
        term.wait_for("Advance")
        assert ALTERNATE_SCREEN in term.raw
        term.type("q")
        assert term.wait_for_exit() == 0
    assert log.read_bytes() == b""
