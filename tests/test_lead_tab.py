"""The Lead tab: [ and ] step through the list it was opened from, enter on
a history line shows it whole, and edits appear in the history."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from leadtui.domain.models import ActivityKind, build_draft
from leadtui.repository import Repository, open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.entry import EntryScreen
from leadtui.tui.dialogs.log_touch import LogTouchScreen
from leadtui.tui.panes.detail import DetailPane
from tests.conftest import frozen_clock, query_plan
from tests.notifications import notes
from tests.test_typeahead import burst
from tests.tui_helpers import SIZE, main_screen, settle, wait_until


def shown_name(app: LeadApp) -> str:
    """The Name line of the Lead tab (under the Lead line with its #id)."""
    lines = str(main_screen(app).query_one("#lead-who", Static).render()).split("\n")
    return next(line for line in lines if line.startswith("Name"))


async def test_brackets_step_through_the_inbox_without_going_back(repo: Repository) -> None:
    for name in ("Ann", "Bob", "Cy"):
        repo.add_lead(build_draft(name=name))  # newest first at equal scores: Cy, Bob, Ann
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Cy" in shown_name(app))
        await pilot.press("]")
        await wait_until(pilot, lambda: "Bob" in shown_name(app))
        await pilot.press("]")
        await wait_until(pilot, lambda: "Ann" in shown_name(app))
        await pilot.press("]")  # the end of the list: stays, and says so
        await wait_until(pilot, lambda: any("No more leads" in n.message for n in notes(app)))
        assert main_screen(app).active_tab == "lead" and "Ann" in shown_name(app)
        await pilot.press("[")
        await wait_until(pilot, lambda: "Bob" in shown_name(app))
        assert main_screen(app).query_one(DetailPane).lead_id == 2
        await pilot.press("a")  # keys act on the lead shown
        await wait_until(pilot, lambda: repo.get_lead(2).stage.value == "contacted")


@pytest.mark.slow
async def test_brackets_step_through_a_board_column(repo: Repository) -> None:
    for name in ("Ann", "Bob"):
        repo.advance(repo.add_lead(build_draft(name=name)))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "l", "enter")  # the Contacted column
        await wait_until(pilot, lambda: "Bob" in shown_name(app))
        await pilot.press("]")
        await wait_until(pilot, lambda: "Ann" in shown_name(app))


async def test_enter_on_a_history_line_shows_it_whole(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    long_note = "Called about pricing. " * 20 + "[b]not bold[/b]"
    an_hour_ago = repo.clock() - timedelta(hours=1)
    repo.log_touch(lead_id, ActivityKind.CALL, long_note, "inbound", at=an_hour_ago)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        history = main_screen(app).query_one("#history", DataTable)
        await wait_until(pilot, lambda: history.row_count == 2)
        await pilot.press("down", "enter")  # below "created": the call
        await wait_until(pilot, lambda: isinstance(app.screen, EntryScreen))
        title = str(app.screen.query_one(".dialog-title", Static).render())
        assert title.startswith("Call, inbound · Fri 20 Nov 2026 11:00")
        body = str(app.screen.query_one("#entry-body", Static).render())
        assert body == long_note.strip()  # all of it, the brackets as typed
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, EntryScreen))


@pytest.mark.slow
async def test_a_touch_logged_with_a_body_shows_it_in_full(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, LogTouchScreen))
        await pilot.press(*"Sent the proposal", "tab")
        await pilot.press(*"Hi Ann,", "enter", *"attached is [b]our[/b] offer.")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(repo.history(lead_id)) == 2)
        [touch] = [entry for entry in repo.history(lead_id) if entry.type == "touch"]
        body = "Hi Ann,\nattached is [b]our[/b] offer."
        assert (touch.note, touch.body) == ("Sent the proposal", body)
        main_screen(app).open_lead(lead_id)
        history = main_screen(app).query_one("#history", DataTable)
        await wait_until(pilot, lambda: history.row_count == 2)
        row = next(i for i in range(2) if "Sent the proposal" in str(history.get_row_at(i)[2]))
        history.move_cursor(row=row)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EntryScreen))
        shown = str(app.screen.query_one("#entry-body", Static).render())
        assert shown == f"Sent the proposal\n\n{body}"


@pytest.mark.slow
async def test_a_long_history_loads_a_page_at_a_time(repo: Repository) -> None:
    start = repo.clock() - timedelta(days=500)
    # Created when its history starts: a touch long before its lead is refused.
    lead_id = open_repository(repo.path, clock=lambda: start).add_lead(build_draft(name="Ann"))
    for day in range(449):  # with its creation: 450 entries
        repo.log_touch(lead_id, ActivityKind.NOTE, f"note {day}", at=start + timedelta(days=day))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        history = main_screen(app).query_one("#history", DataTable)
        await wait_until(pilot, lambda: history.row_count == 200)  # one page
        history.move_cursor(row=195)
        await wait_until(pilot, lambda: history.row_count == 400)
        history.move_cursor(row=395)
        await wait_until(pilot, lambda: history.row_count == 450)
        entries = main_screen(app).query_one(DetailPane).entries
        assert entries[0].note == "note 448"  # newest first, down to its creation
        assert [e.note for e in entries[-2:]] == ["note 0", None]
        assert len({id(e) for e in entries}) == 450
    plan = query_plan(
        repo.path,
        "SELECT at FROM activities WHERE lead_id = 1 ORDER BY at DESC LIMIT 200 OFFSET 200",
    )
    assert "activities_lead" in plan and "TEMP B-TREE" not in plan


def cursor_line_on_screen(app: LeadApp) -> bool:
    """Whether the history line under the cursor is inside the Lead tab's
    visible part (screen rows), not scrolled past its top or bottom."""
    pane = main_screen(app).query_one(DetailPane)
    history = main_screen(app).query_one("#history", DataTable)
    row = history.region.y + history.header_height + history.cursor_row - round(history.scroll_y)
    return pane.region.y <= row < pane.region.bottom and history.region.y <= row


async def test_the_history_scrolls_into_view_as_its_cursor_moves(repo: Repository) -> None:
    """At 80x24 most of the history is below the bottom of the tab, under
    the fields and the score's reasons: j (or down) moves through its lines
    and the tab follows, and another lead opens at its fields again."""
    ann, bob = (repo.add_lead(build_draft(name=name)) for name in ("Ann", "Bob"))
    for lead_id in (ann, bob):
        for day in range(6):
            note = f"note {day}"
            repo.log_touch(lead_id, ActivityKind.NOTE, note, at=repo.clock() - timedelta(days=day))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main_screen(app).open_lead(ann)
        history = main_screen(app).query_one("#history", DataTable)
        pane = main_screen(app).query_one(DetailPane)
        await wait_until(pilot, lambda: history.row_count == 7 and history.has_focus)
        assert pane.scroll_y == 0  # it opens at its fields
        await pilot.press("j", "j", "j", "down", "down")
        await wait_until(pilot, lambda: history.cursor_row == 5 and cursor_line_on_screen(app))
        await pilot.press("G")
        await wait_until(pilot, lambda: history.cursor_row == 6 and cursor_line_on_screen(app))
        await pilot.press("g")
        await wait_until(pilot, lambda: history.cursor_row == 0 and cursor_line_on_screen(app))
        await pilot.press("G")
        await wait_until(pilot, lambda: pane.scroll_y > 0)
        main_screen(app).open_lead(bob)  # another lead: at its fields
        await wait_until(pilot, lambda: "Bob" in shown_name(app))
        assert pane.scroll_y == 0


async def test_a_teammates_touch_leaves_the_cursor_on_its_line(repo: Repository) -> None:
    """The page reloads when a teammate logs a touch on the lead: the new
    line comes in at the top, and the rep's cursor stays on the line they
    were reading (it went back to the newest, another line)."""
    lead_id = repo.add_lead(build_draft(name="Ann"))
    for day in range(4):
        note = f"note {day}"
        repo.log_touch(lead_id, ActivityKind.NOTE, note, at=repo.clock() - timedelta(days=day))
    teammate = open_repository(repo.path, actor="maria", clock=frozen_clock)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main_screen(app).open_lead(lead_id)
        history = main_screen(app).query_one("#history", DataTable)
        await wait_until(pilot, lambda: history.row_count == 5 and history.has_focus)
        await pilot.press("j", "j")
        await wait_until(pilot, lambda: history.cursor_row == 2)
        reading = str(history.get_row_at(2)[2])
        teammate.log_touch(lead_id, ActivityKind.CALL, "maria called", at=repo.clock())
        await wait_until(pilot, lambda: history.row_count == 6)
        assert "maria called" in str(history.get_row_at(0)[2])
        assert history.cursor_row == 3 and str(history.get_row_at(3)[2]) == reading
        assert cursor_line_on_screen(app)


async def test_keys_typed_behind_enter_move_through_the_opened_leads_history(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`enter` then `j j j` in one read from the terminal: the j's wait for
    the lead's page, here read only once they are all in (they moved the
    cursor of the empty history it replaced, and were lost)."""
    lead_id = repo.add_lead(build_draft(name="Ann"))
    for day in range(5):
        note = f"note {day}"
        repo.log_touch(lead_id, ActivityKind.NOTE, note, at=repo.clock() - timedelta(days=day))
    typed = threading.Event()
    read_page = repo.lead_page

    def after_the_keys(*args: Any, **kwargs: Any) -> Any:
        assert typed.wait(timeout=10)
        return read_page(*args, **kwargs)

    monkeypatch.setattr(repo, "lead_page", after_the_keys)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "\rjjj")
        await pilot.pause()
        typed.set()
        history = main_screen(app).query_one("#history", DataTable)
        await wait_until(pilot, lambda: history.row_count == 6 and history.cursor_row == 3)
        await settle(pilot)
        assert history.cursor_row == 3 and cursor_line_on_screen(app)
