"""Follow-ups: set, clear, snooze, the Due list (soonest first, paged on its
index), the journal, the CLI and the f / z / d keys at 80x24."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Input, Static

from leadtui.cli.root import main
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.follow_up import FollowUpScreen
from leadtui.tui.panes.inbox import InboxPane
from tests.conftest import both_engines, query_plan
from tests.notifications import notes
from tests.tui_helpers import SIZE, inbox_names, main_screen, settle, wait_until

END_OF_TODAY = datetime(2026, 11, 21, tzinfo=UTC)  # NOW is 2026-11-20 12:00


def day(offset: int) -> datetime:
    return datetime(2026, 11, 20, 9, tzinfo=UTC) + timedelta(days=offset)


@both_engines
def test_set_clear_and_snooze_are_journaled(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    assert repo.set_follow_up(lead_id, day(3)).follow_up_at == day(3)
    assert repo.snooze(lead_id, 7).follow_up_at == day(10)  # from the follow-up, still ahead
    repo.set_follow_up(lead_id, day(-5))
    assert repo.snooze(lead_id, 1).follow_up_at == day(1)  # overdue: from today
    assert repo.set_follow_up(lead_id, None).follow_up_at is None
    changes = [e.summary() for e in repo.history(lead_id) if e.type == "field_change"]
    assert changes == [
        "follow-up: 2026-11-21 → —",
        "follow-up: 2026-11-15 → 2026-11-21",
        "follow-up: 2026-11-30 → 2026-11-15",
        "follow-up: 2026-11-23 → 2026-11-30",
        "follow-up: — → 2026-11-23",
    ]


@both_engines
def test_the_due_list_is_open_leads_due_by_today_soonest_first(repo: Repository) -> None:
    ids = {}
    for name, offset in (("today", 0), ("late", -3), ("later", 2), ("oldest", -9), ("won", -1)):
        ids[name] = repo.add_lead(build_draft(name=name))
        repo.set_follow_up(ids[name], day(offset))
    repo.win(ids["won"])
    due = repo.due_leads(until=END_OF_TODAY)
    assert [lead.name for lead in due] == ["oldest", "late", "today"]
    first_page = repo.due_leads(until=END_OF_TODAY, limit=2)
    last = first_page[-1]
    assert last.follow_up_at is not None
    rest = repo.due_leads(until=END_OF_TODAY, after=(last.follow_up_at.isoformat(), last.id))
    assert [lead.name for lead in first_page + rest] == ["oldest", "late", "today"]
    if not isinstance(repo.target, Path):
        return  # PostgreSQL plans its own way; SQLite's plan is held below
    plan = query_plan(
        repo.path,
        "SELECT * FROM leads INDEXED BY leads_follow_up WHERE follow_up_at IS NOT NULL"
        " AND follow_up_at < '2026-11-21' ORDER BY follow_up_at, id LIMIT 50",
    )
    assert "leads_follow_up" in plan and "TEMP B-TREE" not in plan


def test_cli_followup_and_due(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    runner = CliRunner()
    assert runner.invoke(main, ["add", "Ann", "--db", db]).exit_code == 0
    result = runner.invoke(main, ["followup", "1", "2020-01-01", "--db", db])
    assert result.exit_code == 0 and "(in the past)" in result.output
    result = runner.invoke(main, ["due", "--db", db])
    assert "overdue" in result.output and "Ann" in result.output
    result = runner.invoke(main, ["followup", "1", "whenever", "--db", db])
    assert result.exit_code == 1 and "not a day" in result.output
    result = runner.invoke(main, ["followup", "1", "none", "--db", db])
    assert (result.exit_code, result.output) == (0, "#1 Ann: follow-up cleared\n")
    assert runner.invoke(main, ["due", "--db", db]).output == ""


@pytest.mark.slow  # over 3 s
async def test_f_sets_z_snoozes_and_d_shows_the_due_list(repo: Repository) -> None:
    repo.add_lead(build_draft(name="Ann"))
    repo.add_lead(build_draft(name="Bob"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert inbox_names(app) == ["Bob", "Ann"]
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        await pilot.press(*"someday", "enter")
        error = app.screen.query_one("#follow-up-error", Static)
        assert "not a day" in str(error.render())
        app.screen.query_one(Input).value = "today"
        await pilot.press("enter")
        await settle(pilot)
        assert repo.get_lead(2).follow_up_at == day(0)
        await pilot.press("d")  # the Due list: only Bob
        await settle(pilot)
        assert inbox_names(app) == ["Bob"]
        await pilot.press("z")
        await wait_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        await pilot.press(*"2w", "enter")
        await settle(pilot)
        assert repo.get_lead(2).follow_up_at == day(14)
        await wait_until(pilot, lambda: inbox_names(app) == [])  # beyond the week ahead
        assert "Nothing due" in str(main_screen(app).query_one("#inbox-empty", Static).render())
        await pilot.press("d")
        await settle(pilot)
        assert main_screen(app).query_one(InboxPane).view == "new"
        assert inbox_names(app) == ["Bob", "Ann"]


async def test_moves_from_the_due_list_act_on_the_leads_real_stage(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Cy"))
    repo.advance(lead_id)
    repo.set_follow_up(lead_id, day(-1))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert inbox_names(app) == ["Cy"]
        await pilot.press("a")
        await settle(pilot)
        assert repo.get_lead(lead_id).stage is Stage.ENGAGED


async def test_the_due_list_shows_the_week_ahead_after_what_is_late(repo: Repository) -> None:
    for name, offset in (("Next week", 7), ("Tomorrow", 1), ("Late", -3), ("Today", 0)):
        repo.set_follow_up(repo.add_lead(build_draft(name=name)), day(offset))
    repo.set_follow_up(repo.add_lead(build_draft(name="Later")), day(8))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert inbox_names(app) == ["Late", "Today", "Tomorrow", "Next week"]
        table = main_screen(app).query_one(InboxPane).table
        assert [str(table.get_row_at(row)[-1]) for row in range(4)] == [
            "-3d", "today", "+1d", "+7d",
        ]  # fmt: skip


@pytest.mark.slow
async def test_a_follow_up_in_the_past_is_allowed_but_flagged(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        await pilot.press(*"2026-11-02", "enter")
        # The notification comes once the UI thread has taken the saved lead,
        # a moment after the commit is visible: await it, not the commit.
        said = f"#{lead_id} Ann: follow up Mon 02 Nov (in the past)"
        await wait_until(pilot, lambda: said in [n.message for n in notes(app)])
        assert repo.get_lead(lead_id).follow_up_at == day(-18)


@pytest.mark.slow  # over 3 s
async def test_the_follow_up_prompt_says_the_day_before_enter(repo: Repository) -> None:
    """`fri`, `2w`, `1w`: the day each means is shown as it is typed (it
    was known only from the notification after saving); a bad one says why
    as it is typed, and enter still refuses it."""
    repo.add_lead(build_draft(name="Ann"))  # NOW is Friday 20 Nov 2026, noon
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        preview = app.screen.query_one("#follow-up-preview", Static)
        error = app.screen.query_one("#follow-up-error", Static)
        await pilot.press(*"fri")
        await wait_until(pilot, lambda: str(preview.render()) == "→ follow up Fri 27 Nov 2026")
        await pilot.press("backspace", "backspace", "backspace", *"2w")
        await wait_until(pilot, lambda: str(preview.render()) == "→ follow up Fri 04 Dec 2026")
        await pilot.press("backspace", "backspace", *"someday")
        await wait_until(pilot, lambda: error.display and "not a day" in str(error.render()))
        assert not preview.display
        await pilot.press("enter")  # refused: the prompt stays
        await settle(pilot)
        assert isinstance(app.screen, FollowUpScreen) and repo.get_lead(1).follow_up_at is None
        app.screen.query_one(Input).value = ""
        await wait_until(pilot, lambda: preview.display and not error.display)
        assert str(preview.render()) == "→ no follow-up (clears it)"
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, FollowUpScreen))
        await pilot.press("z")  # a snooze from today: no follow-up yet
        await wait_until(pilot, lambda: isinstance(app.screen, FollowUpScreen))
        await pilot.press(*"1w")
        preview = app.screen.query_one("#follow-up-preview", Static)
        await wait_until(pilot, lambda: str(preview.render()) == "→ follow up Fri 27 Nov 2026")
