"""The board's columns share the terminal's width: 26 cells each where they
scroll sideways (60 and 80 columns), wider cards (and names) at 120 and
200, after a resize too."""

import pytest
from textual.pilot import Pilot

from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.panes.board import BoardPane
from tests.tui_helpers import column, main_screen, settle, wait_until

NAME = "Bartholomew Featherstonehaugh"  # 29 cells: cut in a 26-cell column


def first_card(app: LeadApp) -> str:
    cards = column(app, "new").cards
    return str(cards.get_option_at_index(0).prompt).split("\n")[0] if cards.option_count else ""


async def open_board(app: LeadApp, pilot: Pilot[None]) -> None:
    """The board up, with the first card of New drawn."""
    await settle(pilot)
    await pilot.press("2")
    await wait_until(pilot, lambda: first_card(app) != "")


def widths(app: LeadApp) -> list[int]:
    board = main_screen(app).query_one(BoardPane)
    return [c.outer_size.width for c in board.columns if c.display]


@pytest.mark.parametrize(
    ("size", "each"), [((60, 20), 26), ((80, 24), 26), ((120, 40), 26), ((200, 50), 28)]
)
async def test_the_columns_share_the_width_and_names_get_the_room(
    repo: Repository, size: tuple[int, int], each: int
) -> None:
    repo.add_lead(build_draft(name=NAME, company="Acme"))
    app = LeadApp(repo)
    async with app.run_test(size=size) as pilot:
        await open_board(app, pilot)
        await settle(pilot)
        board = main_screen(app).query_one(BoardPane)
        assert min(widths(app)) == each
        if each > 26:  # the whole width is used, and no sideways scroll
            assert sum(widths(app)) == board.size.width
        card, new = first_card(app), column(app, "new").outer_size.width
        assert len(card) == new - 4  # the card fills its column
        assert (NAME in card) == (new - 4 >= len(NAME) + 3)  # ' C5' beside it


@pytest.mark.slow
async def test_the_cards_follow_a_resize_and_the_lost_column_folded(repo: Repository) -> None:
    repo.add_lead(build_draft(name=NAME, company="Acme"))
    app = LeadApp(repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(app, pilot)
        assert NAME not in first_card(app)
        await pilot.resize_terminal(300, 50)
        await wait_until(pilot, lambda: NAME in first_card(app))
        assert sum(widths(app)) == 300
        await pilot.press("F")  # six columns share the width
        await wait_until(pilot, lambda: len(widths(app)) == 6 and min(widths(app)) == 50)
        await wait_until(pilot, lambda: len(first_card(app)) == 46)
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: len(first_card(app)) == 22)
        assert NAME not in first_card(app)


@pytest.mark.slow
async def test_the_column_with_the_cursor_stays_in_view_after_a_resize(repo: Repository) -> None:
    repo.add_lead(build_draft(name=NAME, company="Acme"))
    app = LeadApp(repo)
    async with app.run_test(size=(200, 50)) as pilot:
        await open_board(app, pilot)
        await pilot.press(*"llllll")  # to Lost, the last column
        board = main_screen(app).query_one(BoardPane)
        await wait_until(pilot, lambda: board.focused_column() is column(app, "lost"))
        await pilot.resize_terminal(60, 20)

        def lost_in_view() -> bool:
            lost = column(app, "lost").region
            return lost.width == 26 and board.region.contains_region(lost)

        await wait_until(pilot, lost_in_view)
