"""What `?` and the dialogs' hints say a key does is what it does: `?`
listed `l  Log…` for the Pipeline too, where `l` is the next column (there
`L` logs), and `z`'s hint left out `2d`, which it takes."""

import pytest
from textual.widgets import Input, Static

from leadtui.domain.clock import SNOOZES
from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.follow_up import FollowUpScreen
from leadtui.tui.dialogs.help import KeysScreen
from leadtui.tui.dialogs.log_touch import LogTouchScreen
from leadtui.tui.panes.board import BoardPane
from tests.tui_helpers import SIZE, main_screen, settle, wait_until


@pytest.mark.slow
async def test_capital_l_logs_a_touch_on_the_pipeline_where_l_is_a_column(
    repo: Repository,
) -> None:
    repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        board = main_screen(app).query_one(BoardPane)
        assert board.selected_lead_id() == 1
        await pilot.press("l")  # the next column, which is empty
        await settle(pilot)
        assert not isinstance(app.screen, LogTouchScreen)
        assert board.selected_lead_id() is None
        await pilot.press("h", "L")
        await wait_until(pilot, lambda: isinstance(app.screen, LogTouchScreen))
        await pilot.press(*"called", "enter")
        await settle(pilot)
        assert [entry.note for entry in repo.history(1) if entry.type == "touch"] == ["called"]
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, KeysScreen))
        text = str(app.screen.query_one(Static).render())
        [log_row] = [line for line in text.splitlines() if "[log-touch]" in line]
        assert log_row.split()[:2] == ["l,", "L"] and "Pipeline: L" in log_row


async def test_the_snooze_hint_names_every_snooze_it_takes(repo: Repository) -> None:
    repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("z")
        await wait_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        hint = app.screen.query_one(Input).placeholder
        assert [word for word in SNOOZES if word not in hint.replace(",", " ").split()] == []
