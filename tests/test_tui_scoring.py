"""Both scores in the TUI: the Lead tab's reasons, `o` to rank by win chance,
`t` to pin the temperature, decay applied at start, the KPI calibration."""

import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Select, Static

from leadtui.demo import build_synthetic_database
from leadtui.domain.models import ActivityKind, Stage, Temperature, build_draft
from leadtui.domain.scoring_rules import LoadedRules, parse_rules
from leadtui.repository import Repository, open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.log_touch import LogTouchScreen
from leadtui.tui.panes.inbox import InboxPane
from tests.conftest import NOW, frozen_clock
from tests.tui_helpers import SIZE, column, main_screen, settle, wait_until

HOSTILE = "[b]VIP[/b] [@click=app.quit]x \x1b[31mred"


def static_text(app: LeadApp, selector: str) -> str:
    return str(main_screen(app).query_one(selector, Static).render())


@pytest.fixture(scope="module")
def trained_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 synthetic leads, about 240 closed: enough to train the model."""
    path = tmp_path_factory.mktemp("trained") / "demo.db"
    build_synthetic_database(path, 600, 3, NOW)
    return path


async def open_top_lead(app: LeadApp, pilot: Pilot[None]) -> int:
    """Open the inbox's first lead in the Lead tab; its id."""
    await settle(pilot)
    lead_id = main_screen(app).query_one(InboxPane).selected_lead_id()
    assert lead_id is not None
    await pilot.press("enter")
    await settle(pilot)
    return lead_id


def trained_repo(trained_path: Path, tmp_path: Path) -> Repository:
    copy = tmp_path / "demo.db"
    with sqlite3.connect(trained_path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return open_repository(copy, actor="tester", clock=frozen_clock)


async def test_the_lead_tab_shows_the_rule_reasons_and_why_there_is_no_win_chance(
    sample_repo: Repository,
) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lead_id = main_screen(app).query_one(InboxPane).selected_lead_id()
        await pilot.press("enter")
        await settle(pilot)
        rule = static_text(app, "#lead-rule-score")
        lead = sample_repo.get_lead(lead_id or 0)
        assert rule.startswith(f"Rule score {lead.score} ({lead.temperature.value})")
        reasons = sample_repo.score_details(lead.id).rated.rule.reasons
        assert reasons and all(label in rule for _, label in reasons)
        learned = static_text(app, "#lead-learned-score")
        assert learned.startswith("Win chance n/a") and "at least 50" in learned


@pytest.mark.slow
async def test_the_lead_tab_says_a_closed_leads_score_is_the_one_it_closed_with(
    sample_repo: Repository,
) -> None:
    """Lost this minute, a lead scores now what it closed with: the tab said
    "Rule score N" over today's reasons as if it were live, where a score
    that had changed since read "when it closed"."""
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        lead_id = await open_top_lead(app, pilot)
        await pilot.press("x", *"No budget", "enter")
        await settle(pilot)
        lead = sample_repo.get_lead(lead_id)
        assert lead.stage is Stage.LOST
        assert sample_repo.score_details(lead_id).rated.rule.points == lead.score
        rule = [line.strip() for line in static_text(app, "#lead-rule-score").splitlines()]
        # Scored as of its close, its reasons are those it closed with.
        reasons = sample_repo.score_details(lead_id).rated.rule.reasons
        assert rule == [
            f"Rule score {lead.score} ({lead.temperature.value}) when it closed",
            *(f"{'+' if points > 0 else '−'}{abs(points)} {label}" for points, label in reasons),
        ]


async def test_the_lead_tab_shows_the_win_chance_and_its_factors(
    trained_path: Path, tmp_path: Path
) -> None:
    repo = trained_repo(trained_path, tmp_path)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lead_id = main_screen(app).query_one(InboxPane).selected_lead_id() or 0
        await pilot.press("enter")
        await settle(pilot)
        details = repo.score_details(lead_id)
        learned = static_text(app, "#lead-learned-score")
        assert learned.startswith(f"Win chance {details.rated.chance:.0%}")
        assert details.rated.factors[0].label in learned
        assert "learned from" in learned


@pytest.mark.slow
async def test_o_ranks_the_inbox_by_win_chance_and_back(trained_path: Path, tmp_path: Path) -> None:
    repo = trained_repo(trained_path, tmp_path)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        inbox = main_screen(app).query_one(InboxPane)

        def shown(column: str) -> list[int]:
            table = inbox.table
            index = list(table.columns).index(column)
            cells = [str(table.get_row_at(row)[index]) for row in range(table.row_count)]
            # "64%" for a chance, "H 90" for a score (its temperature first)
            return [int(cell.split()[-1].rstrip("%")) for cell in cells]

        by_score = shown("score")
        assert by_score == sorted(by_score, reverse=True)
        await pilot.press("o")
        await settle(pilot)
        chances = shown("win")
        assert chances == sorted(chances, reverse=True) and chances != shown("score")
        expected = repo.leads_in_stage(Stage.NEW, order="chance", limit=len(chances))
        assert [int(key) for key in inbox.table.row_keys] == [lead.id for lead in expected]
        assert str(inbox.table.columns["win"].label) == "Win▼"
        # On through value, age (oldest first: Age▲), follow-up and last touch.
        await pilot.press("o", "o")
        await settle(pilot)
        assert str(inbox.table.columns["age"].label) == "Age▲"
        await pilot.press("o", "o", "o")
        await settle(pilot)
        # The same order; more may be loaded (the cursor's lead was further
        # down in another order, and the rows to it were read).
        assert shown("score")[: len(by_score)] == by_score
        assert str(inbox.table.columns["score"].label) == "Score▼"


@pytest.mark.slow
async def test_t_pins_the_temperature_through_each_value_and_back_to_the_score(
    sample_repo: Repository,
) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        lead_id = await open_top_lead(app, pilot)
        own = sample_repo.get_lead(lead_id).temperature
        seen = []
        for _ in range(4):
            await pilot.press("t")
            await settle(pilot)
            lead = sample_repo.get_lead(lead_id)
            seen.append((lead.temperature, lead.temperature_pinned))
        assert seen == [
            (Temperature.HOT, True),
            (Temperature.WARM, True),
            (Temperature.COLD, True),
            (own, False),
        ]
        await pilot.press("t")
        await settle(pilot)
        assert "pinned (t or `score pin` changes it)" in static_text(app, "#lead-rule-score")
        assert re.search(r"Temp +hot \(pinned\)", static_text(app, "#lead-standing"))


@pytest.mark.slow
async def test_t_typed_ahead_steps_once_per_press(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each press was its own write in its own thread. They read the pin
    before writing, all the same one: three presses made one step (a
    tester's bursts of four recorded 2, 2 and 1). Here the first write waits
    until the three presses are in, so the others would overlap it if the
    writes could (they take turns now: dbwork.WriteQueue)."""
    lead_id = repo.add_lead(build_draft(name="Ann"))
    go, waiting = threading.Event(), []
    opened = repo._transaction

    @contextmanager
    def held() -> Iterator[Any]:
        waiting.append(1)
        assert go.wait(20)
        with opened() as db:
            yield db

    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_top_lead(app, pilot)
        monkeypatch.setattr(repo, "_transaction", held)  # opening a lead writes too
        await pilot.press("t", "t", "t")  # each handled before the next
        await wait_until(pilot, lambda: len(waiting) >= 1)
        go.set()
        await settle(pilot)
    lead = repo.get_lead(lead_id)
    assert (lead.temperature, lead.temperature_pinned) == (Temperature.COLD, True)
    changes = [e.summary() for e in repo.history(lead_id) if e.type == "field_change"]
    assert len(changes) == 3, changes


async def test_decay_is_applied_at_start_and_the_inbox_order_reflects_it(db_path: Path) -> None:
    then = open_repository(db_path, clock=frozen_clock)
    stale = then.add_lead(build_draft(name="Stale", source="referral"))
    before = then.get_lead(stale).score
    later = NOW + timedelta(days=31)
    repo = open_repository(db_path, clock=lambda: later)
    fresh = repo.add_lead(build_draft(name="Fresh", source="website"))
    repo.log_touch(fresh, ActivityKind.MEETING, "Demo", "inbound")
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert repo.get_lead(stale).score == before - 20  # no touch for 30 days
        assert repo.get_lead(stale).score < repo.get_lead(fresh).score
        assert main_screen(app).query_one(InboxPane).selected_lead_id() == fresh


async def test_rule_labels_from_a_rules_file_render_literally(db_path: Path) -> None:
    label = HOSTILE.replace("\x1b", "\\u001b")  # TOML's escape for ESC
    text = f'[[rules]]\nlabel = "{label}"\npoints = 5\nno_touch_days = 1\n'
    rules = LoadedRules(parse_rules(text, "hostile"), "hostile", text)
    then = open_repository(db_path, clock=frozen_clock, rules=rules)
    then.add_lead(build_draft(name="Ada"))
    repo = open_repository(
        db_path, clock=lambda: NOW + timedelta(days=2), rules=rules, actor="tester"
    )
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = static_text(app, "#lead-rule-score")
        assert "+5 [b]VIP[/b] [@click=app.quit]x [31mred" in shown and "\x1b" not in shown
        assert app.is_running


@pytest.mark.slow
async def test_the_kpi_tab_shows_win_rates_by_score_band(sample_repo: Repository) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        body = static_text(app, "#kpi-calibration")
        assert "Rule score vs outcome" in body
        for row in sample_repo.calibration():
            assert f"{row.band:<9}{row.closed:>8,}  {row.win_rate or 0:>4.0%}" in body


@pytest.mark.slow
def test_snapshot_lead_tab_with_both_scores(
    snap_compare: Callable[..., bool], trained_path: Path, tmp_path: Path
) -> None:
    """The Lead tab of the inbox's top lead: rule reasons beside the learned
    win chance and its strongest factors (deterministic demo data, frozen time)."""
    repo = trained_repo(trained_path, tmp_path)

    async def open_top_lead(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.clear_notifications()

    assert snap_compare(LeadApp(repo), terminal_size=SIZE, run_before=open_top_lead)


@pytest.mark.slow
async def test_l_logs_an_inbound_meeting_and_the_score_rises_on_screen(
    sample_repo: Repository,
) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        lead_id = await open_top_lead(app, pilot)
        before = sample_repo.get_lead(lead_id).score
        await pilot.press("l")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LogTouchScreen)
        dialog.query_one("#log-kind", Select).value = ActivityKind.MEETING
        dialog.query_one("#log-direction", Select).value = "inbound"
        await pilot.press(*"Demo at [b]their[/b] office", "enter")
        await settle(pilot)
        lead = sample_repo.get_lead(lead_id)
        assert lead.score > before
        assert static_text(app, "#lead-rule-score").startswith(f"Rule score {lead.score}")
        assert "inbound meeting" in static_text(app, "#lead-rule-score")
        history = sample_repo.history(lead_id)
        assert (history[0].kind, history[0].note) == (
            ActivityKind.MEETING,
            "Demo at [b]their[/b] office",
        )


@pytest.mark.slow
async def test_the_log_form_refuses_a_bad_time_inline_and_escape_cancels(
    sample_repo: Repository,
) -> None:
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lead_id = main_screen(app).query_one(InboxPane).selected_lead_id() or 0
        touches = len(sample_repo.history(lead_id))
        await pilot.press("l")
        await settle(pilot)
        await pilot.press(*"Called", "tab", "tab", *"next week", "enter")  # past the body
        await settle(pilot)
        assert isinstance(app.screen, LogTouchScreen)
        error = app.screen.query_one("#log-when-error", Static)
        assert "not a time" in str(error.render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen_stack[-1], LogTouchScreen)
        assert len(sample_repo.history(lead_id)) == touches


@pytest.mark.slow
async def test_o_ranks_every_board_column_by_win_chance(trained_path: Path, tmp_path: Path) -> None:
    repo = trained_repo(trained_path, tmp_path)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        for stage in ("new", "contacted", "engaged"):
            chances = [lead.win_chance for lead in column(app, stage).leads]
            assert len(chances) > 10 and chances == sorted(chances, reverse=True)
        scores = [lead.score for lead in column(app, "new").leads]
        assert scores != sorted(scores, reverse=True)
