"""Helpers for Pilot tests: wait for conditions, never for wall time."""

import time
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import DataTable

from leadtui.tui.app import LeadApp
from leadtui.tui.dbwork import WATCH_GROUP
from leadtui.tui.dialogs.edit import EditLeadScreen
from leadtui.tui.main_screen import MainScreen
from leadtui.tui.panes.board import BoardPane, StageColumn
from leadtui.tui.panes.inbox import InboxPane

SIZE = (80, 24)
WAIT_LIMIT_SECONDS = 20.0


async def settle(pilot: Pilot[None]) -> None:
    """Until no database worker is running and every result has been shown
    (a result can start further workers, e.g. a write triggers reloads)."""
    app = pilot.app
    for _ in range(50):
        # The change watcher runs for the app's lifetime: never wait on it.
        busy = [worker for worker in app.workers if worker.group != WATCH_GROUP]
        await app.workers.wait_for_complete(busy)
        await pilot.pause()
        if not any(w.is_running for w in app.workers if w.group != WATCH_GROUP):
            return
    raise AssertionError("workers never settled")


def main_screen(app: LeadApp) -> MainScreen:
    """The main screen, under any dialog (and over the start screen, if the
    app started from one)."""
    [screen] = [screen for screen in app.screen_stack if isinstance(screen, MainScreen)]
    return screen


def inbox_names(app: LeadApp) -> list[str]:
    table = main_screen(app).query_one(InboxPane).table
    return [str(table.get_row_at(row)[0]) for row in range(table.row_count)]


def column(app: LeadApp, stage: str) -> StageColumn:
    return main_screen(app).query_one(BoardPane).query_one(f"#column-{stage}", StageColumn)


def overdue_cards(app: LeadApp, stage: str) -> set[str]:
    """The first word (a lead's first name) of each card in STAGE's column
    that bears the overdue mark `!` on its first line."""
    cards = column(app, stage).cards
    first_lines = (
        str(cards.get_option_at_index(i).prompt).split("\n")[0] for i in range(cards.option_count)
    )
    return {line.split()[0] for line in first_lines if "!" in line}


def history_texts(app: LeadApp) -> list[str]:
    table = main_screen(app).query_one("#history", DataTable)
    return [str(table.get_row_at(row)[2]) for row in range(table.row_count)]


def selected_inbox_lead(app: LeadApp) -> int:
    lead_id = main_screen(app).query_one(InboxPane).selected_lead_id()
    assert lead_id is not None
    return lead_id


async def wait_until(pilot: Pilot[None], condition: Callable[[], bool]) -> None:
    """Await a condition that depends on another process's commit reaching
    the app (live refresh polls every 0.5 s), with a deadline. The deadline
    is on the clock, not a count of pauses: on a loaded machine each pause
    and each turn of the app takes longer, and a count ran out while the app
    was still on its way (a passing test never waits for it)."""
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition never became true")
        await pilot.pause(0.05)


async def run_palette(pilot: Pilot[None], *commands: str) -> None:
    """Type each command into the palette (ctrl+p) and run it."""
    for command in commands:
        await pilot.press("ctrl+p", *command)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)


async def open_edit_form(app: LeadApp, pilot: Pilot[None]) -> EditLeadScreen:
    """`e` on the selected lead, once the app has settled; the form."""
    await settle(pilot)
    await pilot.press("e")
    await wait_until(pilot, lambda: isinstance(app.screen, EditLeadScreen))
    form = app.screen
    assert isinstance(form, EditLeadScreen)
    return form
