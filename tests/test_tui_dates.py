"""Extreme dates in every date field of the TUI (f, z, s, D, e, l): each is
saved and shown, or refused inline in its dialog; none ends the app. The
domain decides which days it accepts (its parse and check functions); the
TUI's part is to route every date through them and to guard the arithmetic
it does itself (a day added to 9999-12-31 does not exist)."""

from datetime import date
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.edit import EditLeadScreen
from leadtui.tui.dialogs.kpi_forms import CustomWindowScreen
from leadtui.tui.dialogs.log_touch import LogTouchScreen
from leadtui.tui.panes.detail import DetailPane
from tests.tui_helpers import SIZE, main_screen, settle

# The quick loop tries the first of each; the full suite both ends.
EXTREMES = [
    pytest.param("0001-01-01", id="year-1"),
    pytest.param("9999-12-31", id="year-9999", marks=pytest.mark.slow),
]


def inline_error(dialog: Screen[Any]) -> str:
    """The dialog's error line(s) on display, as text."""
    shown = [error for error in dialog.query(".field-error") if error.display]
    return " ".join(str(error.render()) for error in shown if isinstance(error, Static))


async def answer(pilot: Pilot[None], *keys: str, text: str = "") -> Screen[Any] | None:
    """Open a dialog with `keys`, type `text` in its focused field, enter:
    the dialog if it is still open (refused inline), else None."""
    await pilot.press(*keys)
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, Dialog)
    field = dialog.focused
    assert isinstance(field, Input)
    field.value = text
    await pilot.press("enter")
    await settle(pilot)
    assert pilot.app.is_running
    return dialog if pilot.app.screen is dialog else None


def one_lead(repo: Repository) -> int:
    return repo.add_lead(build_draft(name="Ann Extreme", company="Edge"))


@pytest.mark.parametrize("day", EXTREMES)
async def test_f_then_z_with_an_extreme_follow_up(repo: Repository, day: str) -> None:
    lead_id = one_lead(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        refused = await answer(pilot, "f", text=day)
        follow_up = repo.get_lead(lead_id).follow_up_at
        if refused is not None:
            assert inline_error(refused) and follow_up is None
            return
        assert follow_up is not None and follow_up.date() == date.fromisoformat(day)
        refused = await answer(pilot, "z", text="1d")
        after = repo.get_lead(lead_id).follow_up_at
        if day == "9999-12-31":
            # No day follows it: said in the dialog, nothing saved.
            assert refused is not None and "9999" in inline_error(refused)
            assert after == follow_up
        else:
            assert refused is None and after is not None and after > follow_up


@pytest.mark.parametrize("day", EXTREMES)
async def test_s_hides_until_an_extreme_day_or_says_why_not(repo: Repository, day: str) -> None:
    lead_id = one_lead(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        refused = await answer(pilot, "s", text=day)
        hidden = repo.get_lead(lead_id).snoozed_until
        if day == "0001-01-01":
            # Refused by the one date range every input shares, before the
            # dialog's own "after today" rule is asked.
            assert refused is not None and "outside 1900-01-01 to 2200-12-31" in inline_error(
                refused
            )
        if refused is None:
            assert hidden is not None and hidden.date() == date.fromisoformat(day)
            # Out of the inbox, and u brings it back.
            await pilot.press("u")
            await settle(pilot)
            assert repo.get_lead(lead_id).snoozed_until is None
        else:
            assert inline_error(refused) and hidden is None


@pytest.mark.parametrize("end", ["from", pytest.param("to", marks=pytest.mark.slow)])
@pytest.mark.parametrize("day", EXTREMES)
async def test_capital_d_with_an_extreme_day(repo: Repository, day: str, end: str) -> None:
    one_lead(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CustomWindowScreen)
        dialog.query_one(f"#window-{end}", Input).value = day
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        if app.screen is dialog:
            assert inline_error(dialog)
        else:
            shown = str(main_screen(app).query_one("#kpi-window", Static).render())
            assert day in shown


@pytest.mark.parametrize("day", EXTREMES)
async def test_e_with_an_extreme_close_date(repo: Repository, day: str) -> None:
    lead_id = one_lead(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, EditLeadScreen)
        close = dialog.query_one("#edit-8", Input)
        assert dialog.fields[8][0] == "expected_close"
        close.value = day
        close.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        saved = repo.get_lead(lead_id).expected_close
        if app.screen is dialog:
            assert inline_error(dialog) and saved is None
            return
        assert saved == date.fromisoformat(day)
        await pilot.press("enter")  # the Lead tab shows it
        await settle(pilot)
        detail = main_screen(app).query_one(DetailPane)
        assert detail.lead_id == lead_id
        standing = str(detail.query_one("#lead-standing", Static).render())
        assert f"{saved:%d %b}" in standing


@pytest.mark.parametrize(
    "when",
    [
        pytest.param("0001-01-01", id="year-1"),
        pytest.param("0001-01-01T00:00+01:00", id="before-year-1-in-utc", marks=pytest.mark.slow),
        pytest.param("9999-12-31", id="year-9999", marks=pytest.mark.slow),
        pytest.param("9999-12-31T23:00-05:00", id="after-year-9999-in-utc", marks=pytest.mark.slow),
    ],
)
async def test_l_with_an_extreme_time(repo: Repository, when: str) -> None:
    lead_id = one_lead(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogTouchScreen)
        dialog.query_one("#log-when", Input).value = when
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        touches = [e for e in repo.history(lead_id) if e.type == "touch"]
        if app.screen is dialog:
            assert inline_error(dialog) and not touches
        else:
            assert [touch.at.year for touch in touches] == [int(when[:4])]
