"""Adversarial cases for type-ahead (tui/typeahead.py): keys posted at once,
with the give-up timer pushed out of reach, so that a key which only goes on
because KeyTurns gave up waiting shows as a failure, not as a 0.5 s pause."""

import threading
from typing import Any

import pytest
from textual import events
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent

import leadtui.tui.typeahead
from leadtui.domain.models import Stage
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dbwork import run_db
from leadtui.tui.dialogs.quick_add import QuickAddScreen
from leadtui.tui.dialogs.search import SearchScreen
from leadtui.tui.main_screen import MainScreen
from leadtui.tui.panes.inbox import InboxPane
from tests.test_start_screen import Gate, start_app
from tests.test_typeahead import burst, field_text, started
from tests.tui_helpers import SIZE, main_screen, selected_inbox_lead, settle, wait_until


@pytest.fixture(autouse=True)
def never_give_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(leadtui.tui.typeahead, "GIVE_UP_SECONDS", 60.0)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    """The start screen's opening of the file, held until the test opens it."""
    return Gate(monkeypatch)


def ahmed_id(repo: Repository) -> int:
    [ahmed] = [lead.id for lead in repo.all_leads() if lead.name == "Ahmed Hassan"]
    return ahmed


def cursor(app: LeadApp) -> int:
    return main_screen(app).query_one(InboxPane).table.cursor_row


async def closed_palette(app: LeadApp, pilot: Pilot[None]) -> None:
    """Closed before a test ends: Textual's palette, torn down with the app
    while it still gathers commands, fails in its worker."""
    await settle(pilot)
    await pilot.press("escape")
    await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette))


async def test_plain_cursor_keys_go_on_without_giving_up(sample_repo: Repository) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        burst(app, "jjjk")
        await wait_until(pilot, lambda: cursor(app) == 2)


@pytest.mark.parametrize(
    "typed",
    ["/Ah\x1bjj", "??jj", "21jj"],
    ids=["a search closed with esc", "help opened and closed", "two tabs"],
)
async def test_moves_typed_behind_keys_that_open_and_close_things_reach_the_inbox(
    sample_repo: Repository, typed: str
) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        burst(app, typed)
        await wait_until(pilot, lambda: cursor(app) == 2)
        assert app.screen is main_screen(app) and main_screen(app).active_tab == "inbox"


async def test_a_key_behind_the_enter_that_closes_search_goes_on(sample_repo: Repository) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        burst(app, "/Ahmed Hassan\r2")
        await wait_until(pilot, lambda: main_screen(app).active_tab == "pipeline")
        assert app.screen is main_screen(app)


@pytest.mark.parametrize(
    "typed", ["xNo budget\r2", "x↓\r2"], ids=["a reason typed", "a reason picked from the list"]
)
async def test_a_key_behind_a_lost_reason_goes_on(sample_repo: Repository, typed: str) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        lead_id = selected_inbox_lead(app)
        burst(app, typed)
        await wait_until(pilot, lambda: sample_repo.get_lead(lead_id).stage is Stage.LOST)
        await wait_until(pilot, lambda: main_screen(app).active_tab == "pipeline")


async def test_a_key_behind_quick_add_enter_is_not_typed_into_the_new_lead(
    sample_repo: Repository,
) -> None:
    """quick-add's enter waits for its duplicate check: the `2` behind it is
    for the main screen, not the end of the new lead's name."""
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        burst(app, "nJane Quickly\r2")
        await wait_until(pilot, lambda: main_screen(app).active_tab == "pipeline")
        await settle(pilot)
        names = [lead.name for lead in sample_repo.all_leads()]
        assert "Jane Quickly" in names and "Jane Quickly2" not in names


async def test_what_is_typed_behind_ctrl_p_is_in_the_palette(sample_repo: Repository) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        app.post_message(events.Key("ctrl+p", "\x10"))
        burst(app, "theme")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await wait_until(pilot, lambda: app.screen.query_one(Input).value == "theme")
        await closed_palette(app, pilot)


async def test_a_paste_behind_n_is_in_quick_add(sample_repo: Repository) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        burst(app, "n")
        app.post_message(events.Paste("Jane Doe"))
        burst(app, "!")
        await wait_until(pilot, lambda: isinstance(app.screen, QuickAddScreen))
        await wait_until(pilot, lambda: field_text(app, "#qa-line") == "Jane Doe!")


async def test_a_paste_behind_slash_is_in_search(sample_repo: Repository) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        burst(app, "/")
        app.post_message(events.Paste("Ahmed"))
        burst(app, "\r")
        await wait_until(pilot, lambda: main_screen(app).active_tab == "lead")
        assert isinstance(app.screen, MainScreen)
        assert main_screen(app).selected_lead_id() == ahmed_id(sample_repo)


async def test_search_typed_ahead_then_backspace(sample_repo: Repository) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        burst(app, "/Ahmedx")
        app.post_message(events.Key("backspace", "\x7f"))
        burst(app, " Hassan\r")
        await wait_until(pilot, lambda: main_screen(app).active_tab == "lead")
        assert isinstance(app.screen, MainScreen)
        assert main_screen(app).selected_lead_id() == ahmed_id(sample_repo)


async def test_keys_typed_while_the_main_screen_mounts_come_after_those_kept_before(
    sample_repo: Repository, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start screen keeps "/Ah"; "med" arrives while the main screen is
    being put up: the search box gets "Ahmed", in the order it was typed."""
    app = start_app(sample_repo.path)
    opened = app.opened

    def opened_then_typed(*args: Any) -> None:
        opened(*args)
        burst(app, "med")

    monkeypatch.setattr(app, "opened", opened_then_typed)
    async with app.run_test(size=SIZE) as pilot:
        burst(app, "/Ah")
        await wait_until(pilot, lambda: len(app.typed_early) == 3)
        gate.open.set()
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await wait_until(pilot, lambda: field_text(app, "#search-text") == "Ahmed")


async def test_a_bulk_confirmation_answered_ahead(sample_repo: Repository) -> None:
    """space marks two leads, a asks to advance both, y (typed in the same
    breath) says yes, and 2 then shows the board."""
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        first = selected_inbox_lead(app)
        burst(app, " j ay2")
        await wait_until(pilot, lambda: sample_repo.get_lead(first).stage is Stage.CONTACTED)
        await wait_until(pilot, lambda: main_screen(app).active_tab == "pipeline")
        assert app.screen is main_screen(app)


async def test_a_lead_read_twice_still_lets_the_keys_go_on(sample_repo: Repository) -> None:
    """Two reads of the lead started back to back (a palette command's and a
    key's): only the newest result comes back (run_db's key), so the older
    read's hold must end without it."""
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        lead_id = selected_inbox_lead(app)
        main_screen(app).action_lose()
        main_screen(app).action_lose()
        burst(app, "No budget\r")
        await wait_until(pilot, lambda: sample_repo.get_lead(lead_id).stage is Stage.LOST)
        assert sample_repo.get_lead(lead_id).lost_reason == "No budget"


async def test_a_palette_command_typed_in_one_go_runs(sample_repo: Repository) -> None:
    """ctrl+p, the command's name, enter and 2, typed at once: the enter is
    for the command named, whenever the palette's search finds it, and the
    2 for the main screen."""
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        tabs = main_screen(app).query_one(TabbedContent)
        app.post_message(events.Key("ctrl+p", "\x10"))
        burst(app, "Show the Due list\r2")
        await wait_until(pilot, lambda: str(tabs.get_tab("inbox").content) == "1 Due")
        await wait_until(pilot, lambda: main_screen(app).active_tab == "pipeline")
        assert app.screen is main_screen(app)


@pytest.mark.parametrize("opened", [False, True], ids=["with ctrl+p", "palette up"])
async def test_an_enter_typed_ahead_in_the_palette_runs_no_other_command(
    sample_repo: Repository, opened: bool
) -> None:
    """Typed at once, "zzzz" + enter reached the palette while it still
    listed every command (its search for the text before: "", just
    opened), and enter ran the first of them. It matches nothing: the
    palette stays, with "zzzz"."""
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        if opened:
            await pilot.press("ctrl+p")
            await settle(pilot)
        else:
            app.post_message(events.Key("ctrl+p", "\x10"))
        burst(app, "zzzz\r2")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await wait_until(pilot, lambda: app.screen.query_one(Input).value == "zzzz2")
        await settle(pilot)
        assert [type(screen) for screen in app.screen_stack] == [MainScreen, CommandPalette]
        await closed_palette(app, pilot)


@pytest.mark.slow
async def test_keys_behind_find_duplicates_wait_for_its_list(sample_repo: Repository) -> None:
    """The palette's "Find duplicates" reads the groups before its list
    opens: the esc typed behind it closes that list, and the 2 after it
    shows the board (neither reaches the main screen first)."""
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        app.post_message(events.Key("ctrl+p", "\x10"))
        burst(app, "Find duplicates\r")
        app.post_message(events.Key("escape", "\x1b"))
        burst(app, "2")
        await wait_until(pilot, lambda: main_screen(app).active_tab == "pipeline")
        await settle(pilot)
        assert app.screen is main_screen(app)


async def test_a_read_for_a_dialog_closed_meanwhile_is_dropped(sample_repo: Repository) -> None:
    """Typed ahead, esc closes a dialog before the read it started on
    opening (the team's lost reasons, a search) is back. Handed to the
    closing dialog, the result found its fields gone: once, under load,
    "x", down, enter stopped the app (NoMatches '#lose-reasons' in the
    reasons' worker). A read for a dialog no longer up is dropped."""
    back = threading.Event()
    shown: list[object] = []
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("slash")
        search = app.screen
        assert isinstance(search, SearchScreen)
        run_db(search, lambda repo: back.wait(10) and repo.search("Ahmed"), shown.append, key="t")
        await pilot.press("escape")
        assert app.screen is main_screen(app)
        back.set()
        await settle(pilot)
        assert shown == []
