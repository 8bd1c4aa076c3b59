"""Keys typed right after `leadtui` is launched, in a real pty: before the
terminal is raw (the terminal's cooked mode made enter's CR a line feed, read
as ctrl+j: tui/cooked.py)."""

import sys
from contextlib import AbstractContextManager

import pytest
from bench.ptyterm import Terminal, program_in_pty

from leadtui.domain.models import Stage
from leadtui.repository import Repository

DOWN = "\x1b[B"


def leadtui_in_pty(repo: Repository, typed_ahead: str = "") -> AbstractContextManager[Terminal]:
    command = [sys.executable, "-m", "leadtui", "--db", str(repo.path)]
    return program_in_pty(command, repo.path.parent, typed_ahead=typed_ahead)


@pytest.mark.slow
def test_j_j_enter_typed_before_launch_opens_the_third_lead(sample_repo: Repository) -> None:
    """Typed before the program runs: the enter waits as a line feed."""
    third = sample_repo.leads_in_stage(Stage.NEW, limit=3)[2]
    assert third.email
    with leadtui_in_pty(sample_repo, typed_ahead="jj\r") as term:
        term.wait_for(third.email)
        term.wait_for("Qualification")  # the Lead tab, on it
        term.type("q")
        assert term.wait_for_exit() == 0


@pytest.mark.slow
def test_a_search_typed_before_launch_opens_what_it_found(sample_repo: Repository) -> None:
    """`/ahmed hass` + down + enter: the enter opens the lead found, and the
    search does not stay open."""
    with leadtui_in_pty(sample_repo, typed_ahead=f"/ahmed hass{DOWN}\r") as term:
        term.wait_for("ahmed.hassan@desertsun.ae")
        term.wait_for("Qualification")  # the Lead tab, on him
        term.wait_for("ahmed hass", gone=True)  # the search box, closed
        term.type("q")
        assert term.wait_for_exit() == 0
