"""Keys typed while leadtui starts are not echoed, and still act
(quiet_launch.py); the terminal echoes again once it has ended."""

import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time

import pytest
from bench.ptyterm import DEADLINE_SECONDS, Terminal, program_in_pty

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
        assert not _local_flags(follower) & termios.ECHO
        # No longer a line: readable as it is, with no enter behind it.
        assert select.select([follower], [], [], 10)[0]
        assert os.read(follower, 16) == b"ja"
    finally:
        os.close(leader)
        os.close(follower)


def test_keys_typed_while_starting_reach_the_app_unedited() -> None:
    """In cooked mode ctrl+u erased the keys before it (`e` then ctrl+u lost
    the `e`), backspace and ctrl+w erased, ctrl+v quoted, and ctrl+s and
    ctrl+q were taken for flow control: none of it now."""
    leader, follower = pty.openpty()
    try:
        quiet_until_raw(follower)
        typed = b"e\x15x\x7fy\x17z \x16\x13\x11\r"
        os.write(leader, typed)
        read = b""
        while len(read) < len(typed) and select.select([follower], [], [], 10)[0]:
            read += os.read(follower, 64)
        # Still CR made LF (ICRNL, an input flag): tui/cooked.py reads it so.
        assert read == typed.replace(b"\r", b"\n")
        # ctrl+c still ends a launch that has not taken the terminal over.
        assert _local_flags(follower) & termios.ISIG
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


def _wait_until_quiet(term: Terminal) -> None:
    """Until the terminal stops echoing; it must then not be raw yet: that
    is leadtui's doing, before Textual's raw mode (which also stops turning
    CR into LF), so keys typed now are typed at launch."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while _local_flags(term.fd) & termios.ECHO:
        assert time.monotonic() < deadline and term.process.poll() is None
        select.select([], [], [], 0.001)
    assert _not_raw_yet(term), "echo went off only with raw mode"


def _not_raw_yet(term: Terminal) -> bool:
    return bool(termios.tcgetattr(term.fd)[0] & termios.ICRNL)


def test_keys_typed_at_launch_are_not_echoed_and_the_terminal_echoes_after(
    sample_repo: Repository,
) -> None:
    second = sample_repo.leads_in_stage(Stage.NEW, limit=2)[1]
    command = [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)]
    with program_in_pty(command, sample_repo.path.parent) as term:
        _wait_until_quiet(term)
        term.type("ja")
        term.wait_for(f"{second.name} → Contacted")
        before_app = bytes(term.raw).split(ALTERNATE_SCREEN, 1)[0]
        assert b"ja" not in before_app
        term.type("q")
        assert term.wait_for_exit() == 0
        assert _local_flags(term.fd) & termios.ECHO  # given back as it was found


def test_ctrl_u_typed_at_launch_clears_the_field_it_follows_into(
    sample_repo: Repository,
) -> None:
    """`e`, three tabs to Company, ctrl+u, a new name, enter: cooked mode's
    ctrl+u erased the `e` and the tabs, and the rest ran as commands (a lead
    was advanced)."""
    top = sample_repo.leads_in_stage(Stage.NEW, limit=1)[0]
    stages = {lead.id: lead.stage for lead in sample_repo.all_leads()}
    command = [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)]
    with program_in_pty(command, sample_repo.path.parent) as term:
        _wait_until_quiet(term)
        term.type("e\t\t\t\x15Renamed Co\r")
        assert _not_raw_yet(term), "typed too late to be typed at launch"
        term.wait_for("saved company")
        term.type("q")
        assert term.wait_for_exit() == 0
    assert sample_repo.get_lead(top.id).company == "Renamed Co"
    assert {lead.id: lead.stage for lead in sample_repo.all_leads()} == stages


def test_ctrl_c_at_launch_ends_it_in_silence(sample_repo: Repository) -> None:
    """The terminal's signals stay on until the app is raw, so ctrl+c ends a
    launch; as the pty here is no controlling terminal, the test sends the
    SIGINT the terminal would. It came as a KeyboardInterrupt traceback."""
    command = [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)]
    with program_in_pty(command, sample_repo.path.parent) as term:
        _wait_until_quiet(term)
        term.process.send_signal(signal.SIGINT)
        # Ended by the signal, as Python ends on ctrl+c: a shell's loop stops.
        assert term.wait_for_exit() == -signal.SIGINT
        assert b"Traceback" not in term.raw and b"KeyboardInterrupt" not in term.raw
        assert _local_flags(term.fd) & termios.ECHO  # given back as it was found


@pytest.mark.parametrize("ending", [signal.SIGQUIT, signal.SIGTERM], ids=["quit", "term"])
def test_ctrl_backslash_or_a_kill_at_launch_gives_the_echo_back(
    sample_repo: Repository, ending: signal.Signals
) -> None:
    """ctrl+\\ (SIGQUIT, sent as the terminal would) or a plain `kill`
    (SIGTERM) ends a launch without its exit handlers: the shell got its
    terminal back with no echo."""
    command = [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)]
    with program_in_pty(command, sample_repo.path.parent) as term:
        _wait_until_quiet(term)
        term.process.send_signal(ending)
        assert term.wait_for_exit() == -ending  # still ended by it
        assert _local_flags(term.fd) & termios.ECHO


def test_the_echo_goes_off_before_leadtui_imports_more_than_it_must() -> None:
    """Keys typed before quiet_until_raw are echoed: it ran after
    leadtui.paths (platformdirs), half the imports before it. In a fresh
    interpreter, what is imported when it runs (it ends the run there)."""
    probe = (
        "import sys, leadtui.quiet_launch as q\n"
        "def seen() -> None:\n"
        "    print(sorted(m for m in sys.modules if m.startswith(('leadtui', 'platformdirs'))))\n"
        "    sys.exit(0)\n"
        "q.quiet_until_raw = seen\n"
        "sys.argv = ['leadtui', '--db', 'leads.db']\n"
        "from leadtui.launch import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "['leadtui', 'leadtui.launch', 'leadtui.quiet_launch']"
