"""One rule for "overdue" on every surface: a follow-up is due on its day and
overdue once that day has ended. The clock (conftest's NOW) is 12:00, past
the 09:00 a follow-up day is stored at, where the board, the `!` filter,
the Lead tab and the KPIs called a follow-up for today overdue while the
Due list and `leadtui due` said "today"."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Static

from leadtui.cli import common as cli_common
from leadtui.cli.root import main
from leadtui.domain.clock import due_state, is_overdue, parse_follow_up
from leadtui.domain.filters import LeadFilter
from leadtui.domain.kpis import Window
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, open_repository
from leadtui.tui.app import LeadApp
from tests.conftest import NOW, both_engines, frozen_clock
from tests.tui_helpers import (
    SIZE,
    inbox_names,
    main_screen,
    overdue_cards,
    settle,
    wait_until,
)

TODAY_9 = datetime(2026, 11, 20, 9, tzinfo=UTC)


def test_a_follow_up_is_due_all_its_day_and_overdue_after() -> None:
    assert NOW > TODAY_9  # the case the surfaces disagreed on
    assert due_state(TODAY_9, NOW) == "today" and not is_overdue(TODAY_9, NOW)
    last_second = datetime(2026, 11, 20, 23, 59, 59, tzinfo=UTC)
    assert due_state(TODAY_9, last_second) == "today"
    assert due_state(TODAY_9, last_second + timedelta(seconds=1)) == "overdue"
    assert due_state(TODAY_9 - timedelta(days=1), NOW) == "overdue"
    assert due_state(TODAY_9 + timedelta(days=1), NOW) == "ahead"
    # Whatever hour it is stored at (an import's 23:30): its day decides.
    assert due_state(datetime(2026, 11, 19, 23, 30, tzinfo=UTC), NOW) == "overdue"
    assert due_state(datetime(2026, 11, 20, 0, 0, tzinfo=UTC), NOW) == "today"
    assert is_overdue(None, NOW) is False
    assert parse_follow_up("today", NOW) == TODAY_9


def _three(repo: Repository) -> dict[str, int]:
    """Contacted leads followed up yesterday, today and tomorrow."""
    ids = {}
    for name, offset in (("Yesterday", -1), ("Today", 0), ("Tomorrow", 1)):
        ids[name] = repo.add_lead(build_draft(name=name))
        repo.advance(ids[name])
        repo.set_follow_up(ids[name], TODAY_9 + timedelta(days=offset))
    return ids


@both_engines
def test_the_filter_the_due_list_and_the_kpis_agree(repo: Repository) -> None:
    ids = _three(repo)
    overdue = LeadFilter(overdue=True)
    assert [lead.name for lead in repo.leads_in_stage(Stage.CONTACTED, only=overdue)] == [
        "Yesterday"
    ]
    assert repo.stage_totals(overdue) == {Stage.CONTACTED: (1, 0)}
    end_of_today = datetime(2026, 11, 21, tzinfo=UTC)
    assert [lead.name for lead in repo.due_leads(until=end_of_today)] == ["Yesterday", "Today"]
    report = repo.kpi_report(Window.last("30d", NOW))
    assert report.health.overdue == 1
    repo.update_fields(ids["Yesterday"], {"owner": "tester"})
    repo.update_fields(ids["Today"], {"owner": "tester"})
    assert repo.kpi_report(Window.last("30d", NOW), "tester").health.overdue == 1


@pytest.fixture
def frozen_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI's repository on conftest's clock."""

    def frozen(
        db_path: Path | str | None, *, reading: bool = False, existing: bool = False
    ) -> Repository:
        return open_repository(cli_common.database_target(db_path), clock=frozen_clock)

    monkeypatch.setattr(cli_common, "repository", frozen)


@pytest.mark.usefixtures("frozen_cli")
def test_the_cli_agrees(tmp_path: Path) -> None:
    db = str(tmp_path / "due.db")
    _three(open_repository(db, clock=frozen_clock))
    runner = CliRunner()
    lines = runner.invoke(main, ["due", "--db", db]).output.splitlines()
    assert [line.split()[2] for line in lines] == ["overdue", "today"]
    record = json.loads(runner.invoke(main, ["kpi", "--json", "--db", db]).output)
    assert record["overdue"]["count"] == 1
    result = runner.invoke(main, ["followup", "2", "today", "--db", db])
    assert result.exit_code == 0 and "(in the past)" not in result.output


def _standing(app: LeadApp) -> str:
    return str(main_screen(app).query_one("#lead-standing", Static).render())


@pytest.mark.slow
async def test_the_board_the_bang_filter_and_the_lead_tab_agree(repo: Repository) -> None:
    _three(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert overdue_cards(app, "contacted") == {"Yesterday"}
        await pilot.press("1", "d")  # the Due list
        await settle(pilot)
        assert inbox_names(app) == ["Yesterday", "Today", "Tomorrow"]
        await pilot.press("down", "enter")  # Today's Lead tab
        await wait_until(pilot, lambda: "Follow" in _standing(app))
        assert "Fri 20 Nov" in _standing(app) and "overdue" not in _standing(app)
        await pilot.press("1", "exclamation_mark")  # only overdue
        await settle(pilot)
        assert inbox_names(app) == ["Yesterday"]
