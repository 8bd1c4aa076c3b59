"""Type-ahead: keys typed behind the key that opens a dialog land in that
dialog (tui/typeahead.py). Pilot's press() waits for the app between keys,
so these tests post each burst at once, as one read from a terminal
delivers it; tests/test_e2e_pty.py types the same bursts in a real pty."""

import pytest
from textual import events
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

import leadtui.tui.typeahead
from leadtui.domain.models import Stage
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.log_touch import LogTouchScreen
from leadtui.tui.dialogs.quick_add import QuickAddScreen
from leadtui.tui.dialogs.search import SearchScreen
from leadtui.tui.panes.inbox import InboxPane
from tests.tui_helpers import SIZE, main_screen, selected_inbox_lead, settle, wait_until

KEY_NAMES = {
    "/": "slash",
    " ": "space",
    "\r": "enter",
    "↓": "down",
    "\x1b": "escape",
    "?": "question_mark",
}


def burst(app: LeadApp, typed: str) -> None:
    """Every key of `typed` posted at once, as a terminal's read hands them in."""
    for character in typed:
        app.post_message(events.Key(KEY_NAMES.get(character, character), character))


def field_text(app: LeadApp, selector: str) -> str | None:
    """The field's text; None while its dialog is up but not yet composed
    (a wait_until on it read the dialog mid-mount under load: NoMatches)."""
    try:
        return app.screen.query_one(selector, Input).value
    except NoMatches:
        return None


async def started(app: LeadApp, pilot: Pilot[None]) -> None:
    await settle(pilot)
    assert main_screen(app).query_one(InboxPane).loaded()


@pytest.mark.parametrize(
    ("typed", "dialog", "field", "kept"),
    [
        ("/Ahmed", SearchScreen, "#search-text", "Ahmed"),
        ("nJane Doe", QuickAddScreen, "#qa-line", "Jane Doe"),
        ("lLeft voicemail", LogTouchScreen, "#log-note", "Left voicemail"),
    ],
    ids=["search", "quick-add", "log"],
)
@pytest.mark.slow
async def test_what_is_typed_behind_the_key_that_opens_a_dialog_is_in_it(
    sample_repo: Repository, typed: str, dialog: type[Screen[object]], field: str, kept: str
) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        burst(app, typed)
        await wait_until(pilot, lambda: isinstance(app.screen, dialog))
        await wait_until(pilot, lambda: field_text(app, field) == kept)


async def test_a_reason_typed_behind_x_loses_the_lead_and_nothing_else(
    sample_repo: Repository,
) -> None:
    """`x` reads the lead before its dialog opens: "No budget" typed
    meanwhile must wait for it, not reach the inbox (where `u` undoes, `d`
    switches lists and `g` jumps to the top)."""
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("j")
        lead_id = selected_inbox_lead(app)
        before = {lead.id: lead.stage for lead in sample_repo.all_leads()}
        burst(app, "xNo budget\r")
        await wait_until(pilot, lambda: sample_repo.get_lead(lead_id).stage is Stage.LOST)
        await settle(pilot)
        assert sample_repo.get_lead(lead_id).lost_reason == "No budget"
        after = {lead.id: lead.stage for lead in sample_repo.all_leads()}
        assert after == before | {lead_id: Stage.LOST}


@pytest.mark.slow  # over 3 s
async def test_keys_go_on_when_a_turn_never_ends(
    sample_repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A probe lost with its widget (removed while the key was queued) must
    not stop the keyboard: the keys behind it go on after GIVE_UP_SECONDS."""

    class Lost(leadtui.tui.typeahead.KeyHandled):
        """A probe no one answers."""

    assert Lost.handler_name != leadtui.tui.typeahead.KeyHandled.handler_name  # the app: no handler
    monkeypatch.setattr(leadtui.tui.typeahead, "KeyHandled", Lost)
    # Its widget stays, so the probe counts as slow, not lost, up to this.
    monkeypatch.setattr(leadtui.tui.typeahead, "PROBE_GIVE_UP_SECONDS", 1.0)
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        table = main_screen(app).query_one(InboxPane).table
        burst(app, "jjj")
        await wait_until(pilot, lambda: table.cursor_row == 3)


async def test_an_enter_typed_before_the_results_opens_the_first(
    sample_repo: Repository,
) -> None:
    [ahmed] = [lead for lead in sample_repo.all_leads() if lead.name == "Ahmed Hassan"]
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        burst(app, "/Ahmed Hassan\r3")
        await wait_until(pilot, lambda: main_screen(app).selected_lead_id() == ahmed.id)
        assert app.screen is main_screen(app) and main_screen(app).active_tab == "lead"


async def test_an_enter_that_finds_nothing_leaves_the_search_open(
    sample_repo: Repository,
) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        burst(app, "/zzqx\rk")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchScreen))
        # The k after the enter waited for the (empty) results, then went on.
        await wait_until(pilot, lambda: field_text(app, "#search-text") == "zzqxk")


@pytest.mark.parametrize("opening", ["\r", "↓\r"], ids=["enter in the box", "enter on a result"])
@pytest.mark.slow
async def test_a_key_typed_behind_the_enter_that_closes_a_dialog_is_not_typed_into_it(
    sample_repo: Repository, opening: str
) -> None:
    """The enter's Submitted (or OptionSelected) closes the dialog after the
    enter itself is handled: the `2` behind it is for the main screen."""
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await started(app, pilot)
        await pilot.press("slash", *"Ahmed Hassan")
        search = app.screen
        assert isinstance(search, SearchScreen)
        await wait_until(pilot, lambda: search.listed_for == "Ahmed Hassan" and bool(search.listed))
        burst(app, opening + "2")
        await wait_until(pilot, lambda: main_screen(app).active_tab == "pipeline")
        assert app.screen is main_screen(app)
