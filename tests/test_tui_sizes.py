"""The screens a rep sees at 60x20 and at 200x50: nothing wraps where it
should not, and nothing sits across the screen from what it belongs to."""

import pytest
from textual.widgets import Static

from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from tests.tui_helpers import main_screen, settle, wait_until

EMAIL = "jacob.levi@cedarfinancial-holdings.com"


@pytest.mark.parametrize("size", [(60, 20), pytest.param((200, 50), marks=pytest.mark.slow)])
async def test_the_lead_tabs_fields_keep_label_and_value_on_one_line(
    repo: Repository, size: tuple[int, int]
) -> None:
    repo.add_lead(build_draft(name="Jacob Levi", email=EMAIL, title="Chief Operating Officer"))
    app = LeadApp(repo)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        screen = main_screen(app)
        who = screen.query_one("#lead-who", Static)
        standing = screen.query_one("#lead-standing", Static)
        await wait_until(pilot, lambda: EMAIL in str(who.render()))
        await settle(pilot)
        lines = str(who.render()).split("\n")
        assert f"Email   {EMAIL}" in lines
        assert who.size.height == len(lines)  # none wrapped under its label
        # The stage's column is beside the name's, or under it: never far off.
        beside = standing.region.y == who.region.y
        assert standing.region.x <= 80 if beside else standing.region.y > who.region.y
        assert standing.region.right <= size[0]
