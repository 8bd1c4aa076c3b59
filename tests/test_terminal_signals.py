"""A `kill` (SIGTERM), a hang-up (SIGHUP) or SIGINT ends the app as `q`
does: the write under way saved, the terminal given back whole (alternate
screen left, mouse tracking off, cursor shown, echo on), and an exit code
that says which signal (128+signal, as a shell reports it). SIGTERM left the
terminal in the alternate screen with the mouse tracked and no cursor, and
the next mouse move typed `35;10;5M` at the prompt. Driven in a real pty."""

import os
import re
import signal
import sys
import termios
from pathlib import Path

import pytest
from bench.ptyterm import Terminal, program_in_pty

from leadtui.domain.models import Stage
from leadtui.repository import Repository

pytestmark = pytest.mark.slow

# DEC private modes: the alternate screen, mouse tracking (any event, SGR
# coordinates), the cursor shown.
ALTERNATE_SCREEN, MOUSE_ANY_EVENT, MOUSE_SGR, CURSOR_SHOWN = 1049, 1003, 1006, 25
_MODE = re.compile(rb"\x1b\[\?([\d;]+)([hl])")


def modes_set(raw: bytes | bytearray) -> dict[int, bool]:
    """Each DEC private mode as the bytes left it: True if last set."""
    state: dict[int, bool] = {}
    for numbers, which in _MODE.findall(raw):
        for number in numbers.split(b";"):
            state[int(number)] = which == b"h"
    return state


def _echoes(term: Terminal) -> bool:
    return bool(termios.tcgetattr(term.fd)[3] & termios.ECHO)


@pytest.mark.parametrize(
    "ending", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["term", "hup", "int"]
)
def test_a_signal_ends_the_app_as_q_does(sample_repo: Repository, ending: signal.Signals) -> None:
    top = sample_repo.leads_in_stage(Stage.NEW, limit=1)[0]
    command = [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)]
    with program_in_pty(command, sample_repo.path.parent) as term:
        term.wait_for("Advance")  # the main screen is up: every key works
        up = modes_set(bytes(term.raw))
        assert up[ALTERNATE_SCREEN] and up[MOUSE_ANY_EVENT] and not up[CURSOR_SHOWN]
        term.type("a")
        term.wait_for(f"{top.name} → Contacted")
        term.process.send_signal(ending)
        assert term.wait_for_exit() == 128 + ending
        left = modes_set(bytes(term.raw))
        assert not left[ALTERNATE_SCREEN]
        assert not left[MOUSE_ANY_EVENT] and not left[MOUSE_SGR]
        assert left[CURSOR_SHOWN]
        assert _echoes(term)  # the shell's settings, as they were found
        assert b"Traceback" not in term.raw
    assert sample_repo.get_lead(top.id).stage is Stage.CONTACTED


def test_a_hang_up_with_the_terminal_gone_still_ends_the_app(sample_repo: Repository) -> None:
    """An ssh session dropped: the terminal is closed, then SIGHUP comes.
    The app ends, by it, with nothing left running."""
    command = [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)]
    with program_in_pty(command, sample_repo.path.parent) as term:
        term.wait_for("Advance")
        os.close(term.fd)
        term.fd = os.open(os.devnull, os.O_RDONLY)  # for the harness to close
        term.process.send_signal(signal.SIGHUP)
        assert term.process.wait(timeout=30) == 128 + signal.SIGHUP


def _stopped(pid: int) -> bool:
    """Whether the process is stopped (job control), as `ps` shows it: T."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rpartition(")")[2].split()[0] == "T"


def test_ctrl_z_suspends_and_a_continue_redraws(sample_repo: Repository) -> None:
    """ctrl+z did nothing (raw mode takes the terminal's own ctrl+z away):
    now the app gives the terminal back and stops, as `kill -TSTP` did, and
    `fg` (its SIGCONT) brings it back, drawn again."""
    top = sample_repo.leads_in_stage(Stage.NEW, limit=1)[0]
    command = [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)]
    with program_in_pty(command, sample_repo.path.parent) as term:
        term.wait_for("Advance")
        term.type("\x1a")  # ctrl+z
        term.wait_until(
            lambda: _stopped(term.process.pid) and not modes_set(term.raw)[ALTERNATE_SCREEN],
            "never stopped, with the alternate screen left",
        )
        left = modes_set(bytes(term.raw))
        assert not left[MOUSE_ANY_EVENT] and left[CURSOR_SHOWN]
        assert _echoes(term)
        before = len(term.raw)
        term.process.send_signal(signal.SIGCONT)  # what `fg` sends
        term.wait_until(lambda: top.name.encode() in term.raw[before:], "never drawn again")
        back = modes_set(bytes(term.raw))
        assert back[ALTERNATE_SCREEN] and back[MOUSE_ANY_EVENT] and not back[CURSOR_SHOWN]
        term.type("q")
        assert term.wait_for_exit() == 0
