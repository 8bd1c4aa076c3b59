"""Keys typed while leadtui starts are not echoed, and still act
(quiet_launch.py); the terminal echoes again once it has ended."""

import os
import pty
import select
import sys
import termios
import time

from bench.ptyterm import DEADLINE_SECONDS, program_in_pty

from leadtui.domain.models import Stage
from leadtui.quiet_launch import quiet_until_raw
from leadtui.repository import Repository

ALTERNATE_SCREEN = b"\x1b[?1049h"


def _local_flags(fd: int) -> int:
    flags: int = termios.tcgetattr(fd)[3]
    return flags


def test_echo_goes_off_and_what_waits_stays_to_be_read() -> None:
    leader, follower = pty.openpty()
    try:
        os.write(leader, b"ja")  # typed before: waits in the cooked line
        quiet_until_raw(follower)
        flags = _local_flags(follower)
        assert not flags & termios.ECHO
        assert flags & termios.ICANON  # still cooked: only the echo is off
        os.write(leader, b"\r")  # ends the cooked line, so it can be read
        assert select.select([follower], [], [], 10)[0]
        assert os.read(follower, 16) == b"ja\n"
    finally:
        os.close(leader)
        os.close(follower)


def test_not_a_terminal_is_left_alone() -> None:
    read_end, write_end = os.pipe()
    try:
        quiet_until_raw(read_end)  # no error: piped input has no echo
    finally:
        os.close(read_end)
        os.close(write_end)


def test_keys_typed_at_launch_are_not_echoed_and_the_terminal_echoes_after(
    sample_repo: Repository,
) -> None:
    second = sample_repo.leads_in_stage(Stage.NEW, limit=2)[1]
    command = [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)]
    with program_in_pty(command, sample_repo.path.parent) as term:
        # The first moment the terminal stops echoing, it must still be in
        # cooked mode: leadtui's doing, not Textual's raw mode (which turns
        # both off at once), and the keys typed then wait unseen.
        deadline = time.monotonic() + DEADLINE_SECONDS
        while _local_flags(term.fd) & termios.ECHO:
            assert time.monotonic() < deadline and term.process.poll() is None
            select.select([], [], [], 0.001)
        assert _local_flags(term.fd) & termios.ICANON, "echo went off only with raw mode"
        term.type("ja")
        term.wait_for(f"{second.name} → Contacted")
        before_app = bytes(term.raw).split(ALTERNATE_SCREEN, 1)[0]
        assert b"ja" not in before_app
        term.type("q")
        assert term.wait_for_exit() == 0
        assert _local_flags(term.fd) & termios.ECHO  # given back as it was found
