"""Keys typed right after `leadtui` is launched, in a real pty: before the
terminal is raw (the terminal's cooked mode made enter's CR a line feed, read
as ctrl+j: tui/cooked.py), and on the start screen, whose cursor the main
screen takes over with the rows above it still in view (tui/start.py)."""

import sys
from contextlib import AbstractContextManager

import pytest
from bench.ptyterm import Terminal, program_in_pty

from leadtui.domain.models import Lead, Stage, build_draft
from leadtui.repository import Repository

DOWN = "\x1b[B"
# The start screen's tab row: the inbox's count comes with the main screen.
START_TABS = " 1 Inbox  2 Pipeline "


def leadtui_in_pty(repo: Repository, typed_ahead: str = "") -> AbstractContextManager[Terminal]:
    command = [sys.executable, "-m", "leadtui", "--db", str(repo.path)]
    return program_in_pty(command, repo.path.parent, typed_ahead=typed_ahead)


def inbox_rows(term: Terminal) -> list[int]:
    """The screen lines of the inbox's rows: those under its header line."""
    lines = term.text().splitlines()
    header = next(index for index, line in enumerate(lines) if "Score" in line)
    return [y for y in range(header + 1, len(lines)) if "Advance" not in lines[y]]


def cursor_on(term: Terminal, lead: Lead) -> bool:
    """The lead's row is drawn in the cursor's colour: a background no other
    row has (the others are striped in two)."""
    rows, lines = inbox_rows(term), term.text().splitlines()
    mine = [y for y in rows if lead.name[:10] in lines[y]]
    if len(mine) != 1:
        return False
    background = {y: term.screen.buffer[y][1].bg for y in rows}
    return list(background.values()).count(background[mine[0]]) == 1


def first_rows_shown(term: Terminal, count: int) -> list[str]:
    lines = term.text().splitlines()
    return [lines[y] for y in inbox_rows(term)[:count]]


def lead_tab_then_quit(term: Terminal, email: str, closed: str = "") -> None:
    """The Lead tab is up on the lead with this email (and `closed`, a dialog's
    text, is gone); then q ends the app."""
    term.wait_for(email)
    term.wait_for("Qualification")  # a field only the Lead tab shows
    if closed:
        term.wait_for(closed, gone=True)
    term.type("q")
    assert term.wait_for_exit() == 0


@pytest.mark.slow
def test_j_j_enter_typed_before_launch_opens_the_third_lead(sample_repo: Repository) -> None:
    """Typed before the program runs: the enter waits as a line feed."""
    third = sample_repo.leads_in_stage(Stage.NEW, limit=3)[2]
    assert third.email
    with leadtui_in_pty(sample_repo, typed_ahead="jj\r") as term:
        lead_tab_then_quit(term, third.email)


@pytest.mark.slow
def test_the_main_screen_shows_the_rows_above_the_cursor(sample_repo: Repository) -> None:
    """j j typed as the start screen's first row shows, before the main
    screen is up: the cursor moves there at once, and the main screen's
    table is scrolled as the start screen's was (scrolled to the cursor
    before it had a size, it put the cursor's row on top, the two leads
    above it out of view)."""
    for number in range(30):  # more leads than the screen shows: it can scroll
        sample_repo.add_lead(build_draft(name=f"Extra {number}"))
    leads = sample_repo.leads_in_stage(Stage.NEW, limit=4)
    first_three, third, fourth = leads[:3], leads[2], leads[3]
    assert third.email
    with leadtui_in_pty(sample_repo) as term:
        term.wait_for(first_three[0].name[:10])
        assert START_TABS in term.text()  # the start screen, not yet the main one
        term.type("jj")
        term.wait_for(START_TABS, gone=True)  # the main screen is up
        # A key there and back: the main screen has drawn its table since.
        term.type("j")
        term.wait_until(lambda: cursor_on(term, fourth), "the cursor never reached the 4th")
        term.type("k")
        term.wait_until(lambda: cursor_on(term, third), "the cursor never came back")
        shown = first_rows_shown(term, 3)
        assert all(lead.name[:10] in line for lead, line in zip(first_three, shown, strict=True)), (
            "\n".join(shown)
        )
        term.type("\r")
        lead_tab_then_quit(term, third.email)


@pytest.mark.slow
def test_a_search_typed_before_launch_opens_what_it_found(sample_repo: Repository) -> None:
    """`/ahmed hass` + down + enter: the enter opens the lead found, and the
    search does not stay open."""
    with leadtui_in_pty(sample_repo, typed_ahead=f"/ahmed hass{DOWN}\r") as term:
        lead_tab_then_quit(term, "ahmed.hassan@desertsun.ae", closed="ahmed hass")
