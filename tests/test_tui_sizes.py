"""The screens a rep sees at 60x20 and at 200x50: nothing wraps where it
should not, and nothing sits across the screen from what it belongs to."""

from typing import Any

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from leadtui.domain.filters import SYNTAX
from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.help import KeyList, KeysScreen
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


@pytest.mark.parametrize("size", [(60, 20), pytest.param((200, 50), marks=pytest.mark.slow)])
async def test_the_key_list_wraps_a_description_under_itself(
    repo: Repository, size: tuple[int, int]
) -> None:
    app = LeadApp(repo)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, KeysScreen))
        await settle(pilot)
        listed = app.screen.query_one(KeyList)

        def lines() -> list[str]:
            return str(listed.render()).split("\n")

        # Wrapped for its width once laid out; then no line wraps when drawn.
        await wait_until(pilot, lambda: listed.size.height == len(lines()))
        shown = lines()
        assert max(len(line) for line in shown) <= listed.size.width
        # A line is a group's title, a key and what it does, or the rest of
        # what the key above does, under its first line: never at the edge.
        for line in shown:
            if line.startswith(" "):
                assert (line.startswith("  ") and line[2] != " ") or line.startswith(" " * 18)
        filtering = "Filter the inbox and board: source, owner, temperature, score, ..."
        if size[0] >= 100:  # wide enough for every description on one line
            assert any(filtering in line for line in shown)
        else:
            assert not any(filtering in line for line in shown)


@pytest.mark.slow
async def test_the_filters_syntax_and_what_an_empty_follow_up_does_are_shown_whole(
    repo: Repository,
) -> None:
    repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        for key, said in (("ctrl+f", SYNTAX), ("f", "empty clears it")):
            await pilot.press(key)
            await wait_until(pilot, lambda: bool(app.screen.query(Input)))
            await settle(pilot)
            box = app.screen.query_one(Input)
            assert cell_len(str(box.placeholder)) <= box.content_size.width
            shown = " ".join(str(line.render()) for line in app.screen.query(Static))
            assert said in " ".join(shown.split())
            await pilot.press("escape")
            await wait_until(pilot, lambda: not app.screen.query(Input))


async def opened_history(app: LeadApp, pilot: Pilot[None]) -> DataTable[Any]:
    """The Lead tab of the inbox's lead opened, its history (the lead's
    creation and a note) read."""
    await settle(pilot)
    await pilot.press("enter")
    history = main_screen(app).query_one("#history", DataTable)
    await wait_until(pilot, lambda: history.row_count == 2)
    return history


async def test_the_history_fits_a_narrow_screen_and_cuts_with_an_ellipsis(
    repo: Repository,
) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.update_fields(lead_id, {"notes": "A long note about what was said at the expo " * 3})
    app = LeadApp(repo)
    async with app.run_test(size=(60, 20)) as pilot:
        history = await opened_history(app, pilot)
        await settle(pilot)
        assert history.virtual_size.width <= history.scrollable_content_region.width
        history.focus()
        history.scroll_visible(animate=False, immediate=True)
        await settle(pilot)
        newest = history.render_line(1).text.rstrip()  # under the header
        assert newest.endswith("…"), newest


async def test_the_historys_what_column_follows_a_resize(repo: Repository) -> None:
    note = "A long note about what was said at the expo, and what was promised after it"
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.update_fields(lead_id, {"notes": note})
    app = LeadApp(repo)
    async with app.run_test(size=(60, 20)) as pilot:
        history = await opened_history(app, pilot)
        history.focus()

        def newest() -> str:
            history.scroll_visible(animate=False, immediate=True)
            return history.render_line(1).text.rstrip()  # under the header

        await settle(pilot)
        assert newest().endswith("…")
        # Wider: the note is whole, and the table fits the new width.
        await pilot.resize_terminal(160, 40)
        await wait_until(pilot, lambda: note in newest())
        assert history.virtual_size.width <= history.scrollable_content_region.width
        assert history.cursor_row == 0
        # Narrower again: cut to the screen, with an ellipsis, not past its edge.
        await pilot.resize_terminal(60, 20)
        await wait_until(pilot, lambda: newest().endswith("…"))
        assert history.virtual_size.width <= history.scrollable_content_region.width


LONG_NAME = "Maximilian Alexander Featherstonehaugh-Cholmondeley von Hohenzollern-Sigmaringen"


@pytest.mark.slow
async def test_a_long_name_wraps_under_itself_not_under_the_labels(repo: Repository) -> None:
    repo.add_lead(build_draft(name=LONG_NAME, company="Acme"))
    app = LeadApp(repo)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        who = main_screen(app).query_one("#lead-who", Static)

        def lines() -> list[str]:
            return str(who.render()).split("\n")

        await wait_until(pilot, lambda: "Featherstonehaugh" in str(who.render()))
        await settle(pilot)
        narrow = lines()
        labels = ("Lead    ", "Name    ", "Company ", "Source  ", "Owner   ")
        # Every line a label's, or the rest of the value above, indented.
        assert all(line.startswith(labels) or line.startswith(" " * 8) for line in narrow)
        assert len(narrow) > 4  # the name took more than a line
        assert max(len(line) for line in narrow) <= who.size.width
        assert who.size.height == len(narrow)
        # Wider: wrapped again for the new width.
        await pilot.resize_terminal(160, 40)
        await wait_until(pilot, lambda: len(lines()) < len(narrow))
        assert all(line.startswith(labels) or line.startswith(" " * 8) for line in lines())
        assert max(len(line) for line in lines()) <= who.size.width


@pytest.mark.slow  # over 3 s in the quick loop
async def test_a_long_filter_is_shown_whole_in_a_narrow_terminal(repo: Repository) -> None:
    repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    typed = "source:referral owner:ben hot score:50-100 overdue rotting"
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *typed, "enter")
        bar = main_screen(app).query_one("#filter-bar", Static)
        await wait_until(pilot, lambda: bool(bar.display) and "rotting" in str(bar.render()))
        await settle(pilot)
        shown = " ".join(bar.render_line(y).text.strip() for y in range(bar.size.height))
        assert "rotting" in shown and "ctrl+f change · empty clears" in shown


async def test_a_long_name_keeps_the_log_dialogs_title_on_one_line(repo: Repository) -> None:
    """ "Log a touch with <a long name>" wrapped to a second line, and the
    dialog, a line taller than 80x24, opened scrolled to its first field:
    its title's first line out of view. The title keeps to one line, cut
    with an ellipsis, and the dialog fits."""
    repo.add_lead(build_draft(name="Maximiliana " * 8 + "Long-Surname"))
    app = LeadApp(repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await wait_until(pilot, lambda: bool(app.screen.query("#log-dialog")))
        await settle(pilot)
        dialog = app.screen.query_one("#log-dialog")
        title = dialog.query_one(".dialog-title", Static)
        assert str(title.render()).startswith("Log a touch with Maximiliana")
        assert title.content_region.height == 1
        assert dialog.max_scroll_y == 0  # it fits: nothing scrolled out of view
