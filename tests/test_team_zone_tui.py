"""The TUI on the team's days (`leadtui setting timezone`): in Tokyo at Sat
07:13 (Fri 22:13 UTC) the board's "!", the Due list, the Lead tab, the `!`
filter and the follow-up prompt all say Saturday is today. The CLI and the
repository: test_team_zone.py."""

import pytest
from textual.widgets import Static

from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.follow_up import FollowUpScreen
from leadtui.tui.panes.inbox import InboxPane
from tests.notifications import notes
from tests.test_team_zone import TOKYO_NOW, _three, _tokyo
from tests.tui_helpers import (
    SIZE,
    inbox_names,
    main_screen,
    overdue_cards,
    settle,
    wait_until,
)


def _standing(app: LeadApp) -> str:
    return str(main_screen(app).query_one("#lead-standing", Static).render())


def _due_labels(app: LeadApp) -> list[str]:
    table = main_screen(app).query_one(InboxPane).table
    return [str(table.get_row_at(row)[-1]) for row in range(table.row_count)]


@pytest.mark.slow  # about 4 s: every tab in turn
async def test_every_screen_says_the_team_s_today(repo: Repository) -> None:
    _three(_tokyo(repo))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert overdue_cards(app, "contacted") == {"Yesterday"}
        await pilot.press("1", "d")  # the Due list
        await settle(pilot)
        assert inbox_names(app) == ["Yesterday", "Today", "Tomorrow"]
        assert _due_labels(app) == ["-1d", "today", "+1d"]
        await pilot.press("down", "enter")  # Today's Lead tab
        await wait_until(pilot, lambda: "Follow" in _standing(app))
        assert "Sat 05 Dec" in _standing(app) and "overdue" not in _standing(app)
        await pilot.press("1", "f")  # the prompt says the day typed means
        await wait_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        preview = app.screen.query_one("#follow-up-preview", Static)
        await pilot.press(*"today")
        await wait_until(pilot, lambda: str(preview.render()) == "→ follow up Sat 05 Dec 2026")
        await pilot.press("enter")
        said = "#2 Today: follow up Sat 05 Dec"
        await wait_until(pilot, lambda: said in [note.message for note in notes(app)])
        await settle(pilot)
        await pilot.press("exclamation_mark")  # only overdue
        await settle(pilot)
        assert inbox_names(app) == ["Yesterday"]


async def test_a_day_whose_nine_o_clock_is_the_day_before_in_utc(repo: Repository) -> None:
    """Auckland (UTC+13) at Sat 11:13: Saturday's follow-up is stored at
    Fri 20:00 UTC, and is shown as Saturday, today."""
    repo.clock = lambda: TOKYO_NOW
    repo.set_time_zone("Pacific/Auckland")
    _three(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")  # the Due list
        await settle(pilot)
        assert _due_labels(app) == ["-1d", "today", "+1d"]
        await pilot.press("down", "enter")  # Today's Lead tab
        await wait_until(pilot, lambda: "Follow" in _standing(app))
        assert "Sat 05 Dec" in _standing(app) and "overdue" not in _standing(app)
