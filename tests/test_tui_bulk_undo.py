"""Marking leads (space, V), bulk moves with one confirmation or one lost
reason, and u/U undoing and redoing them, in the TUI."""

import pytest
from textual.widgets import Input, TabbedContent

from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository
from leadtui.tui import moves
from leadtui.tui.app import LeadApp
from leadtui.tui.commands import ACTIONS
from leadtui.tui.dialogs.classify import ConfirmScreen
from leadtui.tui.dialogs.lose import LoseReasonScreen
from leadtui.tui.main_screen import MainScreen
from leadtui.tui.panes.inbox import InboxPane
from tests.notifications import notes
from tests.tui_helpers import SIZE, column, inbox_names, main_screen, run_palette, settle


def _leads(repo: Repository, count: int) -> list[int]:
    # Scores tie, so the inbox lists the newest first: Lead 3, Lead 2, ...
    return [repo.add_lead(build_draft(name=f"Lead {n}")) for n in range(1, count + 1)]


@pytest.mark.slow
async def test_space_marks_and_steps_then_a_bulk_lose_asks_one_reason(repo: Repository) -> None:
    ids = _leads(repo, 4)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space")  # Lead 4 and Lead 3; the cursor moved on
        assert inbox_names(app)[:3] == ["● Lead 4", "● Lead 3", "Lead 2"]
        assert "2 marked" in app.sub_title
        await pilot.press("x")
        assert isinstance(app.screen, LoseReasonScreen)
        assert "2 marked leads" in str(app.screen.query_one(".dialog-title").render())
        app.screen.query_one(Input).value = "spam"
        await pilot.press("enter")
        await settle(pilot)
        assert inbox_names(app) == ["Lead 2", "Lead 1"]
        assert [repo.get_lead(i).stage for i in ids] == [
            Stage.NEW,
            Stage.NEW,
            Stage.LOST,
            Stage.LOST,
        ]
        assert repo.get_lead(ids[3]).lost_reason == "spam" and "marked" not in app.sub_title
        # One u brings both back; U loses them again.
        await pilot.press("u")
        await settle(pilot)
        assert sorted(inbox_names(app)) == ["Lead 1", "Lead 2", "Lead 3", "Lead 4"]
        await pilot.press("U")
        await settle(pilot)
        assert inbox_names(app) == ["Lead 2", "Lead 1"]


@pytest.mark.slow
async def test_v_marks_a_column_and_a_bulk_advance_confirms_with_the_count(
    repo: Repository,
) -> None:
    ids = _leads(repo, 3)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("V")
        first = str(column(app, "new").cards.get_option_at_index(0).prompt)
        assert first.startswith("● Lead 3")
        await pilot.press("a")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Advance 3 marked leads?"
        await pilot.press("n")  # declined: nothing moves, the marks stay
        await settle(pilot)
        assert {repo.get_lead(i).stage for i in ids} == {Stage.NEW}
        assert "3 marked" in app.sub_title
        await pilot.press("a", "y")
        await settle(pilot)
        assert {repo.get_lead(i).stage for i in ids} == {Stage.CONTACTED}
        assert column(app, "contacted").cards.option_count == 3


async def test_escape_unmarks_and_a_refused_bulk_move_says_what_to_press(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A teammate moved a marked lead before live refresh saw it: the move
    is refused, that lead unmarked, and the rest moved by pressing again
    (each retry used to be refused, naming the next lead moved)."""
    monkeypatch.setattr(MainScreen, "_look_for_changes", lambda self: None)
    ids = _leads(repo, 2)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "escape")
        assert inbox_names(app) == ["Lead 2", "Lead 1"] and "marked" not in app.sub_title
        await pilot.press("g", "space", "space")
        Repository(repo.path, clock=repo.clock, actor="maria").advance(ids[0])
        await pilot.press("w", "y")
        await settle(pilot)
        assert [repo.get_lead(i).stage for i in ids] == [Stage.CONTACTED, Stage.NEW]
        assert "1 marked" in app.sub_title
        said = [n.message for n in notes(app)]
        assert any("was moved to Contacted by maria" in line for line in said)
        assert said[-1] == (
            "1 of the marked leads is no longer in the stage it was marked in: unmarked."
            " Press w again to win the 1 still marked."
        )
        await pilot.press("w", "y")
        await settle(pilot)
        assert [repo.get_lead(i).stage for i in ids] == [Stage.CONTACTED, Stage.WON]


async def test_u_with_nothing_to_undo_says_so(repo: Repository) -> None:
    _leads(repo, 1)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert [n.message for n in notes(app)][-1] == "nothing to undo"
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert [n.message for n in notes(app)][-1] == "Undid: Advance #1 Lead 1"
        assert main_screen(app).selected_stage() is Stage.NEW


async def test_s_hides_a_lead_from_the_inbox_until_a_day(repo: Repository) -> None:
    _leads(repo, 2)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tabs = main_screen(app).query_one(TabbedContent)
        assert str(tabs.get_tab("inbox").content) == "1 Inbox 2"
        await pilot.press("s")
        app.screen.query_one(Input).value = "yesterday"
        await pilot.press("enter")
        assert "not a day" in str(app.screen.query_one("#follow-up-error").render())
        app.screen.query_one(Input).value = "1w"
        await pilot.press("enter")
        await settle(pilot)
        assert inbox_names(app) == ["Lead 1"]
        assert str(tabs.get_tab("inbox").content) == "1 Inbox 1"
        await pilot.press("u")
        await settle(pilot)
        assert inbox_names(app) == ["Lead 2", "Lead 1"]


def test_every_palette_action_is_an_action_of_the_main_screen() -> None:
    for title, _, action in ACTIONS:
        assert callable(getattr(MainScreen, f"action_{action}", None)), title


@pytest.mark.slow
async def test_the_palette_advances_undoes_and_folds(repo: Repository) -> None:
    [lead_id] = _leads(repo, 1)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_palette(pilot, "Advance lead", "Undo", "Redo")
        assert repo.get_lead(lead_id).stage is Stage.CONTACTED
        await pilot.press("2")
        await run_palette(pilot, "Fold the Lost column")
        assert not column(app, "lost").display


@pytest.mark.slow
async def test_V_marks_the_whole_inbox_not_just_its_loaded_page(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _leads(repo, 130)  # the inbox loads 100 at first
    monkeypatch.setattr(moves, "MOVE_CHUNK", 100)  # so that it takes two
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(main_screen(app).query_one(InboxPane).loaded()) == 100
        await pilot.press("V")
        await settle(pilot)
        assert "130 marked" in app.sub_title
        await pilot.press("a")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Advance 130 marked leads?"
        # Not "all move, or none does": a session ending midway (an ssh drop)
        # leaves the chunks written.
        assert app.screen.detail.endswith(
            "Written 100 at a time: if the session ends midway, those written stay moved."
            " u undoes it in one go."
        )
        await pilot.press("y")
        await settle(pilot)
        assert {repo.get_lead(i).stage for i in ids} == {Stage.CONTACTED}


@pytest.mark.slow
async def test_V_stops_at_the_bulk_limit_and_says_so(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moves, "MARK_ALL_LIMIT", 110)
    _leads(repo, 130)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        assert "110 marked" in app.sub_title
        said = [n.message for n in notes(app)]
        assert any("Marked the first 110 of 130 in New" in message for message in said)


@pytest.mark.slow
async def test_V_on_the_board_marks_the_column_beyond_its_window(repo: Repository) -> None:
    _leads(repo, 60)  # a board column loads 50 at first
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert len(column(app, "new").leads) == 50
        await pilot.press("V")
        await settle(pilot)
        assert "60 marked" in app.sub_title
