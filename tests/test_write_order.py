"""Writes typed in one burst land in key order, each on the state the keys
before it left (tui/dbwork.py's WriteQueue, tui/moves.py's own moves).
Pilot's press() waits between keys, so each burst is posted at once, as one
read from a terminal hands it in (tests/test_typeahead.py's `burst`).

Which of two racing threads commits first is up to the scheduler, so a
burst alone showed the bug in most runs, not all. Here the first move is
held back until the write typed after it has committed: always, without
the queue; with it, that write waits behind the move, and the move goes on
after SECOND_NEVER_COMES seconds (nothing else waits for wall time)."""

import re
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from leadtui.config import Settings
from leadtui.domain.models import Stage
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.panes.detail import DetailPane
from leadtui.tui.panes.inbox import InboxPane
from tests.notifications import notes
from tests.test_e2e_pty import leadtui_in_pty
from tests.test_typeahead import burst
from tests.tui_helpers import SIZE, main_screen, settle

SECOND_NEVER_COMES = 1.0


def action_labels(repo: Repository) -> list[str]:
    """The actions (what `u` takes back), oldest first, shortened to the
    verb and the lead's id: "Advance #2", "Temperature of #1"."""
    with sqlite3.connect(repo.path) as db:
        rows = db.execute("SELECT label FROM actions ORDER BY rowid").fetchall()
    return [re.sub(r"(#\d+).*", r"\1", label) for (label,) in rows]


def inbox_ids(app: LeadApp) -> list[int]:
    return [lead.id for lead in main_screen(app).query_one(InboxPane).loaded()]


def first_move_waits_for(
    repo: Repository, monkeypatch: pytest.MonkeyPatch, move: str, later: str
) -> None:
    """The first `move` call waits until a `later` call has returned (at
    most SECOND_NEVER_COMES seconds): an out-of-order commit, if writes can
    overtake each other."""
    returned = threading.Event()
    first = threading.Event()
    original_move: Callable[..., Any] = getattr(repo, move)
    original_later: Callable[..., Any] = getattr(repo, later)

    def held_move(*args: Any, **kwargs: Any) -> Any:
        if not first.is_set():
            first.set()
            returned.wait(SECOND_NEVER_COMES)
        return original_move(*args, **kwargs)

    def marked_later(*args: Any, **kwargs: Any) -> Any:
        try:
            return original_later(*args, **kwargs)
        finally:
            returned.set()

    monkeypatch.setattr(repo, move, held_move)
    monkeypatch.setattr(repo, later, marked_later)


async def test_undo_typed_behind_two_moves_takes_back_the_second(
    sample_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_move_waits_for(sample_repo, monkeypatch, "advance", "undo")
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first, second = inbox_ids(app)[:2]
        before = len(action_labels(sample_repo))
        burst(app, "aau")
        await settle(pilot)
        said = [note.message for note in notes(app)]
    tag = sample_repo.get_lead(second).tag()
    assert action_labels(sample_repo)[before:] == [
        f"Advance #{first}",
        f"Advance #{second}",
        f"Undid: Advance #{second}",
    ]
    assert sample_repo.get_lead(first).stage is Stage.CONTACTED
    assert sample_repo.get_lead(second).stage is Stage.NEW
    assert said[-1] == f"Undid: Advance {tag}"


@pytest.mark.slow
async def test_moves_and_pins_typed_at_once_are_written_in_key_order(
    sample_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pin does not wait for a redraw, as a move does (moves.py): typed
    between moves, it was written ahead of the move before it."""
    first_move_waits_for(sample_repo, monkeypatch, "advance", "pin_next")
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ids = inbox_ids(app)[:3]
        before = len(action_labels(sample_repo))
        burst(app, "atata")
        await settle(pilot)
    assert action_labels(sample_repo)[before:] == [
        f"Advance #{ids[0]}",
        f"Temperature of #{ids[1]}",
        f"Advance #{ids[1]}",
        f"Temperature of #{ids[2]}",
        f"Advance #{ids[2]}",
    ]


async def test_undo_redo_undo_typed_at_once_each_act_on_the_last(
    sample_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`a u U u`: the advance, taken back, done again, taken back again."""
    first_move_waits_for(sample_repo, monkeypatch, "advance", "undo")
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = inbox_ids(app)[0]
        burst(app, "auUu")
        await settle(pilot)
        said = [note.message for note in notes(app)]
    tag = sample_repo.get_lead(first).tag()
    assert said[-3:] == [f"Undid: Advance {tag}", f"Redid: Advance {tag}", f"Undid: Advance {tag}"]
    assert sample_repo.get_lead(first).stage is Stage.NEW


@pytest.mark.slow
def test_a_burst_read_at_once_in_a_pty_is_written_in_key_order(sample_repo: Repository) -> None:
    """`aau` in one write to a real terminal, as ssh hands in fast typing."""
    first, second = sample_repo.leads_in_stage(Stage.NEW, limit=2)
    before = len(action_labels(sample_repo))
    with leadtui_in_pty("--db", str(sample_repo.path), cwd=sample_repo.path.parent) as term:
        term.wait_for(first.name[:12])
        term.type("aau")
        term.wait_for("Undid:")
        term.type("q")
        assert term.wait_for_exit() == 0
    assert action_labels(sample_repo)[before:] == [
        f"Advance #{first.id}",
        f"Advance #{second.id}",
        f"Undid: Advance #{second.id}",
    ]
    assert sample_repo.get_lead(first.id).stage is Stage.CONTACTED
    assert sample_repo.get_lead(second.id).stage is Stage.NEW


async def open_first_lead(app: LeadApp, pilot: Pilot[None]) -> int:
    """The inbox's first lead (New), on the Lead tab."""
    await settle(pilot)
    lead_id = inbox_ids(app)[0]
    await pilot.press("enter")
    await settle(pilot)
    assert main_screen(app).query_one(DetailPane).shown_stage is Stage.NEW
    return lead_id


@pytest.mark.parametrize(
    ("typed", "done", "stage"),
    [("ab", ["Advance", "Move back"], Stage.NEW), ("xNo budget\rr", ["Lose", "Reopen"], Stage.NEW)],
    ids=["advance-back", "lose-reopen"],
)
@pytest.mark.slow
async def test_a_second_move_on_the_lead_tab_acts_on_what_the_first_left(
    sample_repo: Repository, typed: str, done: list[str], stage: Stage
) -> None:
    """The lead stays on screen after a move: the key typed behind it acts
    on the stage the move left, not on the one shown before (refused as if
    a teammate had moved it: "moved to Contacted by root 0s ago")."""
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        lead_id = await open_first_lead(app, pilot)
        before = len(action_labels(sample_repo))
        burst(app, typed)
        await settle(pilot)
        errors = [note.message for note in notes(app) if note.severity != "information"]
        assert main_screen(app).query_one(DetailPane).shown_stage is stage
    assert errors == []
    assert action_labels(sample_repo)[before:] == [f"{verb} #{lead_id}" for verb in done]
    assert sample_repo.get_lead(lead_id).stage is stage


async def test_the_cursor_follows_a_moved_card_before_the_next_key_acts(
    sample_repo: Repository,
) -> None:
    """[board] follow_moved_card: `a a b` typed at once advances the card
    twice and moves it back, where the cursor went with it."""
    app = LeadApp(sample_repo, Settings(follow_moved_card=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        lead_id = main_screen(app).selected_lead_id()
        assert lead_id is not None
        assert sample_repo.get_lead(lead_id).stage is Stage.NEW
        before = len(action_labels(sample_repo))
        burst(app, "aab")
        await settle(pilot)
        errors = [note.message for note in notes(app) if note.severity != "information"]
        assert main_screen(app).selected_lead_id() == lead_id
    assert errors == []
    assert action_labels(sample_repo)[before:] == [
        f"Advance #{lead_id}",
        f"Advance #{lead_id}",
        f"Move back #{lead_id}",
    ]
    assert sample_repo.get_lead(lead_id).stage is Stage.CONTACTED
