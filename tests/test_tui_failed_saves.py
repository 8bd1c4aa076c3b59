"""A save the database refuses (a read-only file here; a full disk or a
teammate's change to the same field alike) gives the rep back what they
typed: the prompt opens again holding it, under the notification saying
why. Before, the dialog had closed and the line, the touch's body or the
form's fields were gone."""

from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Input, TextArea

from leadtui.repository import open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.edit import EditLeadScreen
from leadtui.tui.dialogs.log_touch import LogTouchScreen
from leadtui.tui.dialogs.quick_add import QuickAddScreen
from tests.notifications import notes
from tests.test_read_only_db import read_only, shelf, team_file
from tests.tui_helpers import SIZE, settle

__all__ = ["shelf"]  # the fixture, used by name


def top(app: LeadApp) -> Screen[object]:
    """The screen shown now (a call: each await may have changed it)."""
    return app.screen


LINE = "Bo Lee <bo@x.com> @Acme $5k"
BODY = "Minutes of the call:\nthey want a pilot in Q1."


@pytest.mark.slow  # three dialogs in one app: about 4 s on a quiet machine
async def test_what_was_typed_comes_back_when_the_save_is_refused(
    shelf: tuple[Path, Path],
) -> None:
    team_file(shelf[0] / "team.db")
    read_only(shelf)
    repo = open_repository(shelf[1] / "team.db", reading_allowed=True)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        top(app).query_one("#qa-line", Input).value = LINE
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(top(app), QuickAddScreen)
        assert top(app).query_one("#qa-line", Input).value == LINE
        said = [note.message for note in notes(app)]
        assert any("cannot write" in note and "nothing was changed" in note for note in said)
        await pilot.press("escape")

        await pilot.press("l")
        top(app).query_one("#log-note", Input).value = "Called back"
        top(app).query_one("#log-body", TextArea).text = BODY
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(top(app), LogTouchScreen)
        assert top(app).query_one("#log-note", Input).value == "Called back"
        assert top(app).query_one("#log-body", TextArea).text == BODY
        await pilot.press("escape")

        await pilot.press("e")
        await settle(pilot)
        assert isinstance(top(app), EditLeadScreen)
        company = top(app).query_one("#edit-3", Input)
        company.value = "Initech Ltd"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(top(app), EditLeadScreen)
        assert "Initech Ltd" in [field.value for field in top(app).query(Input)]
