"""Board additions: `b` moves a lead back one stage, column headers carry
the weighted value, `~` marks rotting cards, g/G jump to the ends."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Static, TabbedContent

from leadtui.domain import pipeline
from leadtui.domain.currency import short_money
from leadtui.domain.errors import IllegalMove
from leadtui.domain.models import Lifecycle, Stage, build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.panes import board, stage_column
from leadtui.tui.panes.board import BoardPane
from leadtui.tui.render import card
from tests.conftest import both_engines
from tests.tui_helpers import SIZE, column, inbox_names, main_screen, settle, wait_until

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_back_steps_down_the_open_stages_only() -> None:
    assert pipeline.back(Stage.QUALIFIED).to_stage is Stage.ENGAGED
    with pytest.raises(IllegalMove, match="already at the first stage"):
        pipeline.back(Stage.NEW)
    with pytest.raises(IllegalMove):
        pipeline.back(Stage.WON)


@both_engines
def test_back_is_a_recorded_move_that_keeps_the_lifecycle(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    for _ in range(3):
        repo.advance(lead_id)  # qualified: SQL
    lead = repo.back(lead_id, seen=Stage.QUALIFIED)
    assert (lead.stage, lead.lifecycle) == (Stage.ENGAGED, Lifecycle.SQL)
    assert repo.history(lead_id)[0].summary() == "Qualified → Engaged"


@pytest.mark.parametrize(
    ("stage", "idle_days", "rots"),
    [(Stage.NEW, 3, False), (Stage.NEW, 4, True), (Stage.OPPORTUNITY, 20, False),
     (Stage.OPPORTUNITY, 22, True), (Stage.WON, 400, False)],
)  # fmt: skip
def test_rotting_follows_the_stage_threshold(stage: Stage, idle_days: int, rots: bool) -> None:
    assert pipeline.rotting(stage, NOW - timedelta(days=idle_days), NOW) is rots


@both_engines
def test_a_rotting_card_says_so_beside_its_badge(repo: Repository) -> None:
    lead = repo.get_lead(repo.add_lead(build_draft(name="Ann")))
    assert str(card(lead, 22, NOW)).split("\n")[0].endswith(" C0")
    later = NOW + timedelta(days=4)  # New rots after 3 days without a touch or move
    assert str(card(lead, 22, later)).split("\n")[0].endswith("~C0")


@pytest.mark.slow
async def test_b_moves_back_and_headers_show_the_weighted_value(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", value_cents="10k"))
    repo.advance(lead_id)
    repo.advance(lead_id)  # engaged: 20% of 10,000
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "l", "l")
        header = column(app, "engaged").query_one(".column-header", Static)
        assert str(header.render()) == "Engaged  1\n10,000 · w 2,000"
        await pilot.press("b")
        await wait_until(pilot, lambda: repo.get_lead(lead_id).stage is Stage.CONTACTED)
        await settle(pilot)
        header = column(app, "contacted").query_one(".column-header", Static)
        assert str(header.render()) == "Contacted  1\n10,000 · w 1,000"


@pytest.mark.slow
async def test_g_and_shift_g_jump_to_the_ends(repo: Repository) -> None:
    for name in ("Ann", "Bob", "Cy"):
        repo.add_lead(build_draft(name=name))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert inbox_names(app) == ["Cy", "Bob", "Ann"]
        await pilot.press("G")
        assert main_screen(app).selected_lead_id() == 1  # Ann, the last
        await pilot.press("g")
        assert main_screen(app).selected_lead_id() == 3
        await pilot.press("2", "G")
        assert main_screen(app).selected_lead_id() == 1
        await pilot.press("g")
        assert main_screen(app).selected_lead_id() == 3


async def test_the_inbox_tab_counts_the_untriaged_leads(repo: Repository) -> None:
    for name in ("Ann", "Bob", "Cy"):
        repo.add_lead(build_draft(name=name))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tabs = main_screen(app).query_one(TabbedContent)
        assert str(tabs.get_tab("inbox").content) == "1 Inbox 3"
        await pilot.press("a")
        await wait_until(pilot, lambda: str(tabs.get_tab("inbox").content) == "1 Inbox 2")
        await pilot.press("d")
        await wait_until(pilot, lambda: str(tabs.get_tab("inbox").content) == "1 Due")


@pytest.mark.slow
async def test_shift_f_folds_the_lost_column_and_h_l_skip_it(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.lose(lead_id, "No budget")
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", *"llllll")  # the last column: Lost
        board = main_screen(app).query_one(BoardPane)
        assert board.focused_column().stage is Stage.LOST
        await pilot.press("F")
        assert not column(app, "lost").display
        assert board.focused_column().stage is Stage.WON  # the cursor moved off it
        await pilot.press("l")
        assert board.focused_column().stage is Stage.WON  # nowhere further to go
        await pilot.press("F", "l")
        assert column(app, "lost").display and board.focused_column().stage is Stage.LOST


@given(st.integers(0, 999_999_999_999_99))
def test_a_header_amount_fits_seven_cells(cents: int) -> None:
    text = short_money(cents)
    assert len(text) <= 7
    if cents < 100_000_00:
        assert text == f"{cents // 100:,}"


def _window(stage_column: board.StageColumn) -> tuple[list[int], bool]:
    """The cards a column holds, and whether there are more above them."""
    return [lead.id for lead in stage_column.leads], stage_column.has_before


@pytest.mark.slow
async def test_a_column_keeps_a_bounded_window_and_g_G_reach_the_true_ends(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stage_column, "PAGE_SIZE", 5)
    monkeypatch.setattr(stage_column, "WINDOW_PAGES", 2)  # at most 10 cards in memory
    monkeypatch.setattr(board, "PREFETCH_MARGIN", 2)
    for index in range(23):
        repo.add_lead(build_draft(name=f"Lead {index:02}"))
    ranked = [lead.id for lead in repo.leads_in_stage(Stage.NEW, limit=100)]
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        new = column(app, "new")
        assert [lead.id for lead in new.leads] == ranked[:5]  # one page per column
        await pilot.press("G")  # the stage's true last card, not the last loaded
        await settle(pilot)
        assert main_screen(app).selected_lead_id() == ranked[-1]
        assert _window(new) == (ranked[-5:], True)
        seen = []
        for _ in range(22):  # all the way back up, one card at a time
            await pilot.press("k")
            await settle(pilot)
            seen.append(main_screen(app).selected_lead_id())
            assert len(new.leads) <= 10
        assert seen == ranked[-2::-1] and not _window(new)[1]
        for _ in range(22):  # and down again
            await pilot.press("j")
            await settle(pilot)
            assert len(new.leads) <= 10
        assert main_screen(app).selected_lead_id() == ranked[-1]
        await pilot.press("g")
        await settle(pilot)
        assert main_screen(app).selected_lead_id() == ranked[0]
        assert _window(new) == (ranked[:5], False)
