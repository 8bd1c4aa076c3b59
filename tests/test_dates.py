"""Days have one range, 1900-01-01 to 2200-12-31, at every input; durations
have one spelling (min, h, d, w, mo) everywhere, and "1m" is nowhere."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.domain.clock import (
    SNOOZES,
    age_label,
    check_day,
    parse_day,
    parse_follow_up,
    parse_past,
)
from leadtui.domain.errors import InvalidInput
from leadtui.domain.kpis import check_month
from leadtui.domain.models import build_draft
from leadtui.domain.quickadd import understand
from tests.conftest import NOW
from tests.test_cli_edges import LEAF_COMMANDS, one_line_error

EXTREMES = ("0001-01-01", "0026-11-04", "9999-12-31", "1899-12-31", "2201-01-01")
OUTSIDE = "is outside 1900-01-01 to 2200-12-31"

# Every place the CLI reads a day, as (command path, parameter, argv with
# DAY where the day goes). The completeness test below finds any new one.
DATE_INPUTS = {
    ("kpi", "since"): ["kpi", "--since", "DAY"],
    ("kpi", "until"): ["kpi", "--until", "DAY"],
    ("journal", "since"): ["journal", "--since", "DAY"],
    ("journal", "until"): ["journal", "--until", "DAY"],
    ("log", "when"): ["log", "1", "--kind", "call", "--at", "DAY"],
    ("followup", "when"): ["followup", "1", "DAY"],
    ("set", "value"): ["set", "1", "expected_close", "DAY"],
    ("quick", "text"): ["quick", "Ann Lee !DAY"],
    ("spend", "month"): ["spend", "ads", "5", "--month", "MONTH"],
}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def mentions_a_day(param: click.Parameter) -> bool:
    """Named like a day, or helped with an ISO day or month as its example."""
    named = param.name in ("since", "until", "when", "at", "month", "day", "date")
    return named or bool(re.search(r"\d{4}-\d{2}", getattr(param, "help", None) or ""))


def test_every_date_input_of_the_cli_is_fed_the_extremes() -> None:
    found = {
        (path, param.name)
        for path, command in LEAF_COMMANDS.items()
        for param in command.params
        if mentions_a_day(param)
    }
    assert len(found) >= 6
    assert found <= set(DATE_INPUTS), found - set(DATE_INPUTS)


@pytest.mark.parametrize("extreme", EXTREMES)
@pytest.mark.parametrize("where", sorted(DATE_INPUTS))
def test_a_day_outside_the_range_is_one_line_and_exit_1(
    where: tuple[str, str], extreme: str, db: str
) -> None:
    assert run("add", "Ann Lee", "--db", db).exit_code == 0
    argv = [arg.replace("DAY", extreme).replace("MONTH", extreme[:7]) for arg in DATE_INPUTS[where]]
    line = one_line_error(run(*argv, "--db", db))
    assert "is outside 1900-01" in line, (argv, line)


@pytest.mark.parametrize(
    "argv",
    [
        ["kpi", "--since", "1900-01-01", "--until", "2200-12-31"],
        ["followup", "1", "2200-12-31"],
        ["journal", "--since", "1900-01-01"],
        ["set", "1", "expected_close", "2200-12-31"],
        ["spend", "ads", "5", "--month", "1900-01"],
    ],
)
def test_the_first_and_last_day_are_accepted(argv: list[str], db: str) -> None:
    assert run("add", "Ann Lee", "--db", db).exit_code == 0
    result = run(*argv, "--db", db)
    assert result.exit_code == 0, result.output


def test_a_touch_on_the_first_day_is_accepted_on_a_lead_that_old(db: str, tmp_path: Path) -> None:
    """(On a lead created today it is refused: long before the lead, see
    test_touch_dates.py.)"""
    source = tmp_path / "old.csv"
    source.write_text("Name,Created Date\nAnn Lee,1900-01-01\n", encoding="utf-8")
    assert run("import", str(source), "--db", db).exit_code == 0
    result = run("log", "1", "--kind", "call", "--at", "1900-01-01", "--db", db)
    assert result.exit_code == 0, result.output


def test_every_parser_of_a_day_refuses_the_extremes() -> None:
    for extreme in EXTREMES:
        with pytest.raises(InvalidInput, match=OUTSIDE):
            parse_day(extreme, "day")
        with pytest.raises(InvalidInput, match=OUTSIDE):
            parse_follow_up(extreme, NOW)
        with pytest.raises(InvalidInput, match=OUTSIDE):
            parse_past(extreme, NOW)
        with pytest.raises(InvalidInput, match=OUTSIDE):
            build_draft(name="Ann", expected_close=extreme)
        with pytest.raises(InvalidInput, match="is outside 1900-01 to 2200-12"):
            check_month(extreme[:7])
        assert OUTSIDE.removeprefix("is ") in understand(f"Ann !{extreme}", NOW).errors["follow_up"]


def test_an_offset_at_the_edge_of_time_cannot_overflow() -> None:
    for text in ("9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"):
        with pytest.raises(InvalidInput, match="is outside"):
            parse_past(text, NOW)


def test_relative_days_far_away_are_refused_not_overflowed() -> None:
    with pytest.raises(InvalidInput, match="when: 1"):  # 9999 months ago: year 1205
        parse_past("9999mo", NOW)
    with pytest.raises(InvalidInput, match="follow-up: 2"):  # 9999 weeks on: year 2218
        parse_follow_up("9999w", NOW)
    assert parse_follow_up("999w", NOW).date() == NOW.date() + timedelta(weeks=999)


def test_check_day_holds_its_bounds() -> None:
    assert check_day(date(1900, 1, 1), "d") == date(1900, 1, 1)
    assert check_day(date(2200, 12, 31), "d") == date(2200, 12, 31)
    with pytest.raises(InvalidInput, match="d: 2201-01-01 is outside"):
        check_day(date(2201, 1, 1), "d")


# ---------------------------------------------------------------- durations


def test_durations_have_one_spelling() -> None:
    assert parse_past("45min", NOW) == NOW - timedelta(minutes=45)
    assert parse_past("2mo", NOW) == NOW - timedelta(days=60)
    assert parse_follow_up("1mo", NOW) == datetime(2026, 12, 20, 9, tzinfo=UTC)
    assert SNOOZES["1mo"] == 30


@pytest.mark.parametrize("text", ["1m", "45m", "2 m", "1M"])
def test_a_bare_m_is_refused_everywhere_as_ambiguous(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"ambiguous; write \d+min for minutes or \d+mo"):
        parse_past(text, NOW)
    with pytest.raises(InvalidInput, match=r"ambiguous; write \d+mo for months"):
        parse_follow_up(text, NOW)
    assert text.lower().replace(" ", "") not in SNOOZES


def test_a_follow_up_is_a_day_so_minutes_and_hours_are_refused() -> None:
    for text in ("30min", "2h"):
        with pytest.raises(InvalidInput, match="use d, w, mo"):
            parse_follow_up(text, NOW)


def test_ages_say_min_for_minutes() -> None:
    assert age_label(NOW - timedelta(minutes=12), NOW) == "12min"
    assert age_label(NOW - timedelta(seconds=59), NOW) == "59s"
    assert age_label(NOW - timedelta(hours=5), NOW) == "5h"
    assert len(age_label(NOW - timedelta(minutes=59), NOW)) <= 5  # the Age column's width


def test_the_cli_help_speaks_the_same_units() -> None:
    log_help = run("log", "--help").output
    followup_help = run("followup", "--help").output
    assert "45m," not in log_help and "1m," not in followup_help
    assert "1mo" in followup_help
