"""Launched as a user launches it (the start screen first, the main screen
over it), the palette's commands act on the main screen; and a database
error in a thread job is one notification, never the end of the app."""

import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent

from leadtui.domain.errors import LeadtuiError
from leadtui.repository import Repository
from leadtui.repository.first_page import read_first_page
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.import_file import ImportScreen
from leadtui.tui.dialogs.quick_add import QuickAddScreen
from leadtui.tui.dialogs.search import SearchScreen
from leadtui.tui.main_screen import MainScreen
from leadtui.tui.start import StartScreen
from tests.conftest import NOW
from tests.notifications import notes
from tests.tui_helpers import SIZE, main_screen, run_palette, settle, wait_until


def launched(path: Path) -> LeadApp:
    """As `leadtui --db PATH` starts: the start screen paints the first page."""
    rows = read_first_page(path, NOW)
    assert rows is not None
    return LeadApp(starting=lambda: StartScreen(path, rows, NOW))


async def up(app: LeadApp, pilot: Pilot[None]) -> MainScreen:
    """Once the main screen has taken over and shown its first pages."""
    await wait_until(pilot, lambda: any(isinstance(s, MainScreen) for s in app.screen_stack))
    await settle(pilot)
    return main_screen(app)


@pytest.mark.slow
async def test_palette_commands_act_after_a_normal_launch(sample_repo: Repository) -> None:
    app = launched(sample_repo.path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await up(app, pilot)
        assert isinstance(app.screen_stack[0], StartScreen)  # the main screen is not at [0]
        tabs = screen.query_one(TabbedContent)
        await run_palette(pilot, "Show the Due list")
        await settle(pilot)
        assert str(tabs.get_tab("inbox").content) == "1 Due"
        await run_palette(pilot, "Import file")
        await wait_until(pilot, lambda: isinstance(app.screen, ImportScreen))


async def test_a_database_error_in_search_is_one_notification(sample_repo: Repository) -> None:
    app = launched(sample_repo.path)
    async with app.run_test(size=SIZE) as pilot:
        await up(app, pilot)
        with sqlite3.connect(sample_repo.path) as db:  # the search index goes missing
            db.execute("DROP TABLE leads_fts")
        await pilot.press("slash")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press("a", "n")
        await wait_until(pilot, lambda: any(n.severity == "error" for n in notes(app)))
        message = next(n.message for n in notes(app) if n.severity == "error")
        assert "\n" not in message and "Traceback" not in message
        assert app.is_running
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, MainScreen)


async def test_a_failed_duplicate_check_is_one_notification(
    sample_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:

    def broken(*_: object, **__: object) -> object:
        raise LeadtuiError("database is busy: try again")

    app = launched(sample_repo.path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await up(app, pilot)
        monkeypatch.setattr(screen.repo, "possible_duplicates", broken)
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickAddScreen))
        app.screen.query_one(Input).value = "Zed Zulu <zed@zulu.io>"
        await pilot.press("enter")
        await wait_until(
            pilot,
            lambda: (
                ("database is busy: try again", "error")
                in [(n.message, n.severity) for n in notes(app)]
            ),
        )
        assert app.is_running and isinstance(app.screen, QuickAddScreen)
