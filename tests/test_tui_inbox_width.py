"""The inbox uses a wide terminal: past 80 columns the spare width goes to
name, company and owner instead of staying blank while they are cut."""

import pytest

from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.panes.inbox import InboxPane
from tests.tui_helpers import SIZE, main_screen, settle, wait_until

NAME, COMPANY, OWNER = "Digiacomo, Sandra", "Multi Technology", "Thomas Bell"


def first_row(app: LeadApp) -> str:
    return main_screen(app).query_one(InboxPane).table.render_line(1).text


@pytest.mark.parametrize("size", [(100, 30), pytest.param((120, 40), marks=pytest.mark.slow)])
async def test_a_wide_inbox_shows_whole_names(repo: Repository, size: tuple[int, int]) -> None:
    repo.add_lead(build_draft(name=NAME, company=COMPANY, owner=OWNER, value_cents=9_740_000))
    app = LeadApp(repo)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        row = first_row(app)
        assert NAME in row and COMPANY in row and OWNER in row, row
        assert "$97,400" in row
        # Back at 80 columns the columns shrink again: nothing runs off.
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        row = first_row(app)
        assert "Digiacomo, Sa" in row and NAME not in row and "$97,400" in row, row
        assert len(row.rstrip()) <= SIZE[0]


def header(app: LeadApp) -> str:
    return main_screen(app).query_one(InboxPane).table.render_line(0).text


@pytest.mark.parametrize(
    "size",
    [
        (60, 20),
        pytest.param((80, 24), marks=pytest.mark.slow),
        pytest.param((120, 40), marks=pytest.mark.slow),
        pytest.param((200, 50), marks=pytest.mark.slow),
    ],
)
async def test_the_value_and_age_show_at_every_width(
    repo: Repository, size: tuple[int, int]
) -> None:
    """A narrow terminal cuts the name (with "…") and drops the least useful
    columns first; the value and the age stay, and nothing runs off."""
    repo.add_lead(build_draft(name=NAME, company=COMPANY, owner=OWNER, value_cents=9_740_000))
    app = LeadApp(repo)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        titles, row = header(app).split(), first_row(app)
        assert titles[-2:] == ["Value", "Age"], titles
        assert "$97,400" in row and row.rstrip().endswith(" 0s"), row
        assert len(row.rstrip()) <= size[0] and len(header(app).rstrip()) <= size[0]
        assert "Name" in titles and "Score▼" in titles
        if size[0] < 80:
            assert NAME not in row and "Digiacomo" in row and "…" in row, row
            assert "Win" not in titles  # the least useful went first


async def test_a_narrow_inbox_keeps_the_column_it_is_ranked_by(repo: Repository) -> None:
    repo.add_lead(build_draft(name=NAME, company=COMPANY, owner=OWNER, value_cents=9_740_000))
    app = LeadApp(repo)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        pane = main_screen(app).query_one(InboxPane)
        pane.sort_by("chance")  # as `o` does once a model is trained
        await settle(pilot)
        titles = header(app).split()
        assert "Win▼" in titles and titles[-2:] == ["Value", "Age"], titles
        assert len(header(app).rstrip()) <= 60


@pytest.mark.slow  # over 3 s in the quick loop
async def test_the_cursor_stays_in_view_when_the_terminal_gets_shorter(
    repo: Repository,
) -> None:
    for index in range(45):
        repo.add_lead(build_draft(name=f"Lead {index:02}"))
    app = LeadApp(repo)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        await pilot.press(*["j"] * 40)
        table = main_screen(app).query_one(InboxPane).table
        await wait_until(pilot, lambda: table.cursor_row == 40)
        await pilot.resize_terminal(60, 20)

        def cursor_in_view() -> bool:
            top, rows = int(table.scroll_y), table.scrollable_content_region.height - 1
            return rows < 30 and top <= table.cursor_row < top + rows  # under the header

        await wait_until(pilot, cursor_in_view)
        assert table.cursor_row == 40
