"""The start screen: `leadtui` shows the inbox's first page before the heavy
imports (issue 3's first paint), and nothing a rep types meanwhile is lost."""

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.command import CommandPalette

import leadtui.repository
from leadtui import paths
from leadtui.domain.models import Stage, build_draft
from leadtui.launch import quick_start_path
from leadtui.repository import Repository, open_repository
from leadtui.repository.first_page import read_first_page
from leadtui.repository.schema import SCHEMA_VERSION
from leadtui.tui.app import LeadApp
from leadtui.tui.inbox_table import InboxTable
from leadtui.tui.main_screen import MainScreen
from leadtui.tui.panes.inbox import InboxPane
from leadtui.tui.start import StartScreen
from tests.conftest import NOW, frozen_clock
from tests.tui_helpers import SIZE, main_screen, settle, wait_until

# ----------------------------------------------------------- which start


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--db", "team.db"], Path("team.db")),
        (["--db=team.db"], Path("team.db")),
        (["--db", "~/team.db"], Path("~/team.db").expanduser()),
        (["kpi"], None),
        (["--db", "team.db", "list"], None),
        (["--demo"], None),
        (["--db"], None),
        (["--db="], None),
        (["--help"], None),
    ],
)
def test_only_opening_the_tui_takes_the_quick_start(args: list[str], expected: Path) -> None:
    assert quick_start_path(args) == expected


def test_no_arguments_is_the_default_database(monkeypatch: pytest.MonkeyPatch) -> None:
    assert quick_start_path([]) == paths.default_db_path()
    monkeypatch.setenv("LEADTUI_DB", "/srv/team.db")
    assert quick_start_path([]) == Path("/srv/team.db")


@given(args=st.lists(st.sampled_from(["--db", "--db=x", "x.db", "kpi", "-h", ""]) | st.text()))
def test_any_other_command_line_goes_to_click(args: list[str]) -> None:
    """Never an error here (click reports bad arguments), and never the quick
    start for a command line that names anything but the database."""
    if quick_start_path(args) is not None and args:
        assert args[0] == "--db" or args[0].startswith("--db=")
        assert len(args) == (2 if args[0] == "--db" else 1)


# ------------------------------------------------------------ the page


def test_the_quick_page_is_the_inbox_first_page(sample_repo: Repository) -> None:
    new = sample_repo.leads_in_stage(Stage.NEW, limit=100)
    sample_repo.hide_until(new[0].id, NOW + timedelta(days=3))  # out of the inbox till then
    expected = sample_repo.leads_in_stage(Stage.NEW, limit=100, awake_at=NOW)
    rows = read_first_page(sample_repo.path, NOW)
    assert rows is not None
    assert [(r.id, r.name, r.company, r.score) for r in rows] == [
        (lead.id, lead.name, lead.company, lead.score) for lead in expected
    ]
    assert new[0].id not in [row.id for row in rows]
    assert len(read_first_page(sample_repo.path, NOW, limit=2) or []) == 2


def test_control_characters_never_leave_the_file(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    with sqlite3.connect(repo.path) as db:  # as another program might write it
        db.execute("UPDATE leads SET name = ?, company = ? WHERE id = ?",
                   ["Ann\x1b]0;owned\x07 [b]x[/b]", "Acme\x9b2J\nCorp", lead_id])  # fmt: skip
    [row] = read_first_page(repo.path, NOW) or []
    assert (row.name, row.company) == ("Ann]0;owned [b]x[/b]", "Acme2J Corp")


def _set_pragma(path: Path, pragma: str, value: int) -> None:
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA {pragma} = {value}")


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda path: path.unlink(), id="missing"),
        pytest.param(lambda path: path.write_bytes(b"not sqlite " * 500), id="not-sqlite"),
        pytest.param(lambda path: _set_pragma(path, "application_id", 0), id="another-program"),
        pytest.param(lambda path: _set_pragma(path, "user_version", SCHEMA_VERSION - 1), id="old"),
        pytest.param(lambda path: _set_pragma(path, "user_version", SCHEMA_VERSION + 1), id="new"),
        pytest.param(
            lambda path: path.chmod(0o400),
            id="read-only",
            marks=pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files"),
        ),
    ],
)
def test_a_file_that_needs_checks_takes_the_long_way(sample_repo: Repository, spoil: Any) -> None:
    """None: the long way then migrates it or says in one line what is wrong."""
    spoil(sample_repo.path)
    assert read_first_page(sample_repo.path, NOW) is None


def test_the_start_imports_none_of_the_heavy_libraries() -> None:
    """What makes the first paint fast: the start screen needs textual and
    sqlite3 only (bench/first_paint.py measures it)."""
    heavy = (
        "pydantic",
        "sqlite_utils",
        "click",
        "leadtui.domain.models",
        "leadtui.repository.store",
        "iso4217",  # its table read at import: 20 ms (the first page wants no currency's units)
    )
    code = (
        "import sys, leadtui.launch, leadtui.repository.first_page, leadtui.tui.start;"
        f" print([m for m in {heavy!r} if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


# ---------------------------------------------------------- the swap


class Gate:
    """Holds the start screen's repository opening until the test says."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.open = threading.Event()

        def held(path: Path, **_: Any) -> Repository:
            assert self.open.wait(30), "the test never opened the gate"
            return open_repository(path, actor="tester", clock=frozen_clock)

        monkeypatch.setattr(leadtui.repository, "open_repository", held)


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Gate:
    return Gate(monkeypatch)


def on_start_screen(app: LeadApp) -> StartScreen:
    screen = app.screen
    assert isinstance(screen, StartScreen)
    return screen


def start_app(path: Path) -> LeadApp:
    rows = read_first_page(path, NOW)
    assert rows
    return LeadApp(starting=lambda: StartScreen(path, rows, NOW))


def table_texts(table: InboxTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_the_main_screen_takes_over_with_the_same_rows_and_cursor(
    sample_repo: Repository, gate: Gate
) -> None:
    app = start_app(sample_repo.path)
    async with app.run_test(size=SIZE) as pilot:
        start = on_start_screen(app)
        shown = table_texts(start.query_one(InboxTable))
        await pilot.press("j", "j")  # the table moves at once, before the swap
        assert start.query_one(InboxTable).cursor_row == 2
        third = start.selected_lead_id()
        gate.open.set()
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        inbox = main_screen(app).query_one(InboxPane)
        assert table_texts(inbox.query_one(InboxTable)) == shown
        assert inbox.selected_lead_id() == third
        assert main_screen(app).query_one("#inbox-pane") is inbox


@pytest.mark.slow
async def test_keys_typed_while_opening_are_replayed_not_lost(
    sample_repo: Repository, gate: Gate
) -> None:
    app = start_app(sample_repo.path)
    async with app.run_test(size=SIZE) as pilot:
        start = on_start_screen(app)
        await pilot.press("j")
        second = start.selected_lead_id()
        assert second is not None
        await pilot.press("a")  # advance: needs the repository, so it waits
        await pilot.pause()
        assert app.screen is start
        assert sample_repo.get_lead(second).stage is Stage.NEW
        gate.open.set()
        await wait_until(pilot, lambda: sample_repo.get_lead(second).stage is Stage.CONTACTED)
        await settle(pilot)
        assert second not in [lead.id for lead in main_screen(app).query_one(InboxPane).loaded()]


async def test_a_broken_config_ends_the_app_with_one_line(
    sample_repo: Repository, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[keys]\nnot-a-binding = 'A'\n")
    monkeypatch.setenv("LEADTUI_CONFIG", str(config))
    app = start_app(sample_repo.path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 1  # the line itself: test_e2e_pty


async def test_the_palette_asked_for_while_opening_opens_on_the_main_screen(
    sample_repo: Repository, gate: Gate
) -> None:
    """Its commands act on the main screen: ctrl+p waits for it like any key."""
    app = start_app(sample_repo.path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        on_start_screen(app)
        gate.open.set()
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        assert [type(screen) for screen in app.screen_stack[-2:]] == [MainScreen, CommandPalette]
        # Closed before the test ends: Textual's palette, torn down with the
        # app while it still gathers commands, fails in its worker.
        await settle(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))


@pytest.mark.slow  # over 3 s in the quick loop
async def test_the_main_screen_is_scrolled_as_the_start_screen_was(
    sample_repo: Repository, gate: Gate
) -> None:
    """The rows above the cursor stay in view across the swap: scrolled to
    the cursor before its table had a size, the main screen put the cursor's
    row on top."""
    for number in range(40):  # more leads than the screen shows
        sample_repo.add_lead(build_draft(name=f"Extra {number}"))
    app = start_app(sample_repo.path)
    async with app.run_test(size=SIZE) as pilot:
        start = on_start_screen(app).query_one(InboxTable)
        await pilot.press(*"j" * 30, *"k" * 5)  # scrolled, the cursor mid-page
        scrolled, row = start.scroll_y, start.cursor_row
        assert row == 25 and scrolled > 0
        gate.open.set()
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        await settle(pilot)
        table = main_screen(app).query_one(InboxPane).query_one(InboxTable)
        assert (table.scroll_y, table.cursor_row) == (scrolled, row)


@pytest.mark.slow  # over 3 s in the quick loop
async def test_the_rows_above_the_cursor_stay_in_view_across_another_tab(
    sample_repo: Repository,
) -> None:
    """Hidden (another tab shown), the inbox has no size: its cursor moved
    then (`]` on the Lead tab, or the inbox keeping its cursor in view once
    laid out, when an enter replayed at start-up had just shown the Lead
    tab) scrolled its row to the top, the rows above it out of view."""
    for number in range(40):  # more leads than the screen shows
        sample_repo.add_lead(build_draft(name=f"Extra {number}"))
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = main_screen(app).query_one(InboxPane).query_one(InboxTable)
        await pilot.press("j", "enter")
        await wait_until(pilot, lambda: main_screen(app).active_tab == "lead")
        await settle(pilot)
        await pilot.press("right_square_bracket")  # the next lead: the inbox's cursor follows
        await wait_until(pilot, lambda: table.cursor_row == 2)
        await pilot.press("1")
        await settle(pilot)
        assert (table.cursor_row, table.scroll_y) == (2, 0)
        # Stepped past the page shown: back on the inbox, the cursor is in view.
        await pilot.press("enter", *["right_square_bracket"] * 30)
        await wait_until(pilot, lambda: table.cursor_row == 32)
        await pilot.press("1")
        await settle(pilot)
        rows = table.scrollable_content_region.height - 1  # under the header
        assert 0 < table.scroll_y <= 32 < table.scroll_y + rows
