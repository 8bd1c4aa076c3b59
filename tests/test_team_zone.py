"""The team's time zone (`leadtui setting timezone`): "today", a follow-up's
day, due and overdue are the team's days on every surface; stored times stay
UTC. In Tokyo at Sat 07:13 (Fri 22:13 UTC) `followup 2 today` said Fri 04
Dec; in Los Angeles at Fri 17:30 (Sat 01:30 UTC) "today" was Saturday.
The TUI's surfaces: test_team_zone_tui.py."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from leadtui.cli import common as cli_common
from leadtui.cli.root import main
from leadtui.domain.clock import day_end, due_state, is_overdue, parse_follow_up, team_day
from leadtui.domain.errors import DatabaseUnavailable, InvalidInput
from leadtui.domain.filters import LeadFilter
from leadtui.domain.kpis import Window
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, open_repository, team_settings
from tests.conftest import both_engines

TOKYO = ZoneInfo("Asia/Tokyo")
# Sat 05 Dec 07:13 in Tokyo; still Friday in UTC.
TOKYO_NOW = datetime(2026, 12, 4, 22, 13, tzinfo=UTC)
# Fri 04 Dec 17:30 in Los Angeles; already Saturday in UTC.
LA_NOW = datetime(2026, 12, 5, 1, 30, tzinfo=UTC)


def test_today_is_the_team_s_day() -> None:
    tokyo = TOKYO_NOW.astimezone(TOKYO)
    today = parse_follow_up("today", tokyo)
    assert today == datetime(2026, 12, 5, 9, tzinfo=TOKYO)  # stored as 00:00 UTC
    assert due_state(today, tokyo) == "today" and not is_overdue(today, tokyo)
    assert parse_follow_up("tomorrow", tokyo).date().isoformat() == "2026-12-06"
    assert parse_follow_up("sat", tokyo).date().isoformat() == "2026-12-12"  # always ahead
    la = LA_NOW.astimezone(ZoneInfo("America/Los_Angeles"))
    assert f"{parse_follow_up('today', la):%a %d %b}" == "Fri 04 Dec"
    assert f"{parse_follow_up('sat', la):%a %d %b}" == "Sat 05 Dec"  # UTC said Sat 12 Dec
    # A day typed is the team's day, whichever UTC day its 09:00 falls on.
    kiritimati = TOKYO_NOW.astimezone(ZoneInfo("Pacific/Kiritimati"))  # UTC+14
    typed = parse_follow_up("2026-12-10", kiritimati)
    assert typed.astimezone(UTC).date().isoformat() == "2026-12-09"
    assert team_day(typed.astimezone(UTC), kiritimati).isoformat() == "2026-12-10"
    # Without a zone set, nothing changes: UTC days.
    assert f"{parse_follow_up('today', TOKYO_NOW):%a %d %b}" == "Fri 04 Dec"


ZONES = sorted(available_timezones() - {"Factory", "localtime"})


@given(
    zone=st.sampled_from(ZONES),
    instant=st.datetimes(datetime(1971, 1, 1), datetime(2199, 1, 1), timezones=st.just(UTC)),
    later=st.timedeltas(timedelta(0), timedelta(days=3)),
)
def test_today_is_never_overdue_and_is_once_the_zone_s_day_ends(
    zone: str, instant: datetime, later: timedelta
) -> None:
    now = instant.astimezone(ZoneInfo(zone))
    today = parse_follow_up("today", now).astimezone(UTC)  # as stored
    assert not is_overdue(today, now)
    assert team_day(today, now) == now.date()
    then = (instant + later).astimezone(ZoneInfo(zone))
    assert is_overdue(today, then) == (then >= day_end(now))


def _tokyo(repo: Repository) -> Repository:
    repo.clock = lambda: TOKYO_NOW
    repo.set_time_zone("Asia/Tokyo")
    return repo


def _three(repo: Repository) -> dict[str, int]:
    """Contacted leads followed up yesterday, today and tomorrow, as typed."""
    ids = {}
    for name, typed in (("Yesterday", "2026-12-04"), ("Today", "today"), ("Tomorrow", "tmr")):
        ids[name] = repo.add_lead(build_draft(name=name))
        repo.advance(ids[name])
        repo.set_follow_up(ids[name], parse_follow_up(typed, repo.team_now()))
    return ids


@both_engines
def test_the_repository_reads_the_team_s_days(repo: Repository) -> None:
    ids = _three(_tokyo(repo))
    assert repo.time_zone() == "Asia/Tokyo"
    overdue = LeadFilter(overdue=True)
    names = [lead.name for lead in repo.leads_in_stage(Stage.CONTACTED, only=overdue)]
    assert names == ["Yesterday"]
    assert repo.stage_totals(overdue) == {Stage.CONTACTED: (1, 0)}
    until = day_end(repo.team_now())
    assert [lead.name for lead in repo.due_leads(until=until)] == ["Yesterday", "Today"]
    assert repo.kpi_report(Window.last("30d", TOKYO_NOW)).health.overdue == 1
    for lead_id in ids.values():
        repo.update_fields(lead_id, {"owner": "tester"})
    assert repo.kpi_report(Window.last("30d", TOKYO_NOW), "tester").health.overdue == 1
    # The journal says the team's day; undo and snooze keep to it.
    history = [entry.described() for entry in repo.history(ids["Today"])]
    assert any("2026-12-05" in text for text in history), history
    before = repo.get_lead(ids["Today"]).follow_up_at
    repo.snooze(ids["Today"], 1)
    snoozed = repo.get_lead(ids["Today"]).follow_up_at
    assert snoozed is not None and team_day(snoozed, repo.team_now()).isoformat() == "2026-12-06"
    repo.undo()
    assert repo.get_lead(ids["Today"]).follow_up_at == before


def test_hiding_says_and_journals_the_team_s_day(repo: Repository) -> None:
    """Auckland (UTC+13): Sunday's 09:00 is Saturday in UTC."""
    repo.clock = lambda: TOKYO_NOW  # Sat 11:13 in Auckland
    repo.set_time_zone("Pacific/Auckland")
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.hide_until(lead_id, parse_follow_up("tomorrow", repo.team_now()).astimezone(UTC))
    history = [entry.described() for entry in repo.history(lead_id)]
    assert any("2026-12-06" in text for text in history), history
    assert repo.undo().label == "Hide #1 Ann until Sun 06 Dec"


def test_a_database_gone_for_a_moment_keeps_the_zone(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The board asks the clock on every redraw; the zone is re-read at
    most every few seconds, and a failed re-read keeps the one it had."""
    _tokyo(repo)
    assert repo.team_now().tzinfo == TOKYO
    monkeypatch.setattr(team_settings, "ZONE_KEPT_SECONDS", -1.0)  # re-read each time

    def gone() -> None:
        raise DatabaseUnavailable("the server is gone")

    monkeypatch.setattr(repo, "_connection", gone)
    assert repo.team_now().tzinfo == TOKYO


def test_the_screens_zone_is_the_last_one_read_until_a_job_reads_again(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI draws on its UI thread with `read=False`: no database read
    there, however old the zone; a database job's thread reads it again."""
    _tokyo(repo)
    assert repo.team_now().tzinfo == TOKYO
    monkeypatch.setattr(team_settings, "ZONE_KEPT_SECONDS", -1.0)  # always stale
    open_repository(repo.target).set_time_zone("Pacific/Honolulu")

    def read(*args: object) -> None:
        raise AssertionError("the UI thread read the database")

    with monkeypatch.context() as patched:
        patched.setattr(repo, "_connection", read)
        assert repo.team_now(read=False).tzinfo == TOKYO
    assert str(repo.team_now().tzinfo) == "Pacific/Honolulu"


def test_an_unknown_zone_is_refused_in_one_line(repo: Repository) -> None:
    for typed in ("Mars/Olympus", "", "../../etc/passwd", "Asia/Tokyo\x1b[2J"):
        with pytest.raises(InvalidInput, match=r"^timezone: .* is not a time zone; use") as error:
            repo.set_time_zone(typed)
        assert "\x1b" not in str(error.value) and "\n" not in str(error.value)
    assert repo.time_zone() is None


@pytest.fixture
def cli_at(monkeypatch: pytest.MonkeyPatch) -> dict[str, datetime]:
    """The CLI's repository on a clock a test sets (`at["now"]`)."""
    at = {"now": TOKYO_NOW}

    def frozen(
        db_path: Path | str | None, *, reading: bool = False, existing: bool = False
    ) -> Repository:
        return open_repository(cli_common.database_target(db_path), clock=lambda: at["now"])

    monkeypatch.setattr(cli_common, "repository", frozen)
    return at


def test_the_setting(tmp_path: Path, cli_at: dict[str, datetime]) -> None:
    db = str(tmp_path / "zone.db")
    runner = CliRunner()
    assert runner.invoke(main, ["setting", "timezone", "--db", db]).output == "timezone = UTC\n"
    result = runner.invoke(main, ["setting", "timezone", "Mars/Olympus", "--db", db])
    assert result.exit_code != 0 and len(result.output.splitlines()) == 1
    assert "'Mars/Olympus' is not a time zone" in result.output
    result = runner.invoke(main, ["setting", "timezone", "Asia/Tokyo", "--db", db])
    assert result.exit_code == 0 and result.output == "timezone = Asia/Tokyo\n"
    assert "timezone = Asia/Tokyo" in runner.invoke(main, ["setting", "--db", db]).output
    listed = json.loads(runner.invoke(main, ["setting", "--json", "--db", db]).output)
    assert listed["timezone"] == "Asia/Tokyo"
    one = json.loads(runner.invoke(main, ["setting", "timezone", "--json", "--db", db]).output)
    assert one == {"name": "timezone", "value": "Asia/Tokyo"}


def test_the_cli_reads_the_team_s_days(tmp_path: Path, cli_at: dict[str, datetime]) -> None:
    db = str(tmp_path / "zone.db")
    _three(_tokyo(open_repository(db)))
    runner = CliRunner()
    result = runner.invoke(main, ["followup", "2", "today", "--db", db])
    assert result.output == "#2 Today: follow up Sat 05 Dec 2026\n"
    lines = runner.invoke(main, ["due", "--db", db]).output.splitlines()
    assert [line.split()[1:3] for line in lines] == [
        ["2026-12-04", "overdue"],
        ["2026-12-05", "today"],
    ]
    assert "Follow-up:   Sat 05 Dec 2026" in runner.invoke(main, ["show", "2", "--db", db]).output
    record = json.loads(runner.invoke(main, ["kpi", "--json", "--db", db]).output)
    assert record["overdue"]["count"] == 1
    result = runner.invoke(main, ["quick", "Ann Lee !today", "--db", db])
    assert result.exit_code == 0 and "Sat 05 Dec" in result.output and "past" not in result.output
    # Auckland (UTC+13), Sat 11:13: Saturday's 09:00 is Friday in UTC, and
    # every line says Saturday.
    runner.invoke(main, ["setting", "timezone", "Pacific/Auckland", "--db", db])
    result = runner.invoke(main, ["followup", "2", "today", "--db", db])
    assert result.output == "#2 Today: follow up Sat 05 Dec 2026\n"
    assert "2026-12-05  today" in runner.invoke(main, ["due", "--db", db]).output
    shown = runner.invoke(main, ["show", "2", "--db", db]).output
    assert "Follow-up:   Sat 05 Dec 2026" in shown and "→ 2026-12-05" in shown.split("History")[1]
    # Los Angeles, Friday evening: "today" is Friday, and Friday is not past.
    runner.invoke(main, ["setting", "timezone", "America/Los_Angeles", "--db", db])
    cli_at["now"] = LA_NOW
    result = runner.invoke(main, ["followup", "2", "today", "--db", db])
    assert result.output == "#2 Today: follow up Fri 04 Dec 2026\n"
