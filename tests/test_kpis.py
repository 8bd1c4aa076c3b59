"""The pure KPI pieces: windows, ratios, the funnel, sorting, changes."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadtui.domain.errors import InvalidInput
from leadtui.domain.kpis import (
    SourceRow,
    Window,
    change,
    funnel,
    parse_day,
    ratio,
    sort_sources,
    sparkline,
)
from leadtui.domain.models import Source, Stage

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_windows_end_now_or_cover_whole_days() -> None:
    window = Window.last("7d", NOW)
    assert (window.since, window.until, window.label) == (
        datetime(2026, 11, 13, 12, 0, tzinfo=UTC),
        NOW,
        "last 7 days",
    )
    previous = window.previous()
    assert previous is not None and previous.until == window.since
    assert previous.since == datetime(2026, 11, 6, 12, 0, tzinfo=UTC)
    everything = Window.last("all", NOW)
    assert everything.since is None and everything.previous() is None
    custom = Window.between(date(2026, 10, 1), date(2026, 10, 31))
    assert custom.until == datetime(2026, 11, 1, tzinfo=UTC)  # the last day is included
    assert custom.label == "2026-10-01 to 2026-10-31"
    with pytest.raises(InvalidInput, match="ends"):
        Window.between(date(2026, 10, 2), date(2026, 10, 1))
    with pytest.raises(InvalidInput, match="window must be one of"):
        Window.last("2d", NOW)


@given(st.text(max_size=20))
def test_a_typed_day_is_a_date_or_one_line_error(text: str) -> None:
    try:
        parse_day(text, "since")
    except InvalidInput as error:
        assert str(error).startswith("since: ") and "\n" not in str(error)


def test_ratios_are_n_a_rather_than_a_division_error() -> None:
    assert ratio(1, 4) == 0.25 and ratio(3, 0) is None
    row = SourceRow(Source.ADS, leads=0, won=0, lost=0, spend_cents=0)
    assert (row.conversion, row.win_rate, row.cost_per_lead_cents, row.roi) == (
        None,
        None,
        None,
        None,
    )


def test_the_funnel_converts_each_step_to_the_next() -> None:
    steps = funnel({Stage.NEW: 10, Stage.CONTACTED: 5, Stage.ENGAGED: 5, Stage.WON: 1})
    assert [(s.stage, s.reached, s.conversion) for s in steps] == [
        (Stage.NEW, 10, 0.5),
        (Stage.CONTACTED, 5, 1.0),
        (Stage.ENGAGED, 5, 0.0),
        (Stage.QUALIFIED, 0, None),  # none reached: n/a
        (Stage.OPPORTUNITY, 0, None),
        (Stage.WON, 1, None),  # the last step has no next
    ]


def test_sources_sort_largest_first_with_n_a_last() -> None:
    rows = [
        SourceRow(Source.ADS, leads=5, spend_cents=100),
        SourceRow(Source.REFERRAL, leads=2, won=1, revenue_cents=900, spend_cents=100),
        SourceRow(Source.EVENT, leads=9),
    ]
    assert [r.source for r in sort_sources(rows, "roi")] == [
        Source.REFERRAL,  # (900 - 100) / 100 = 8
        Source.ADS,  # -1
        Source.EVENT,  # n/a: no spend
    ]
    assert [r.source for r in sort_sources(rows, "leads")] == [
        Source.EVENT,
        Source.ADS,
        Source.REFERRAL,
    ]


def test_changes_and_sparklines() -> None:
    assert change(150, 100) == 0.5 and change(50, 100) == -0.5
    assert change(5, 0) is None and change(None, 3) is None
    assert sparkline([0, 1, 2, 4, 8]) == "▁▁▂▄█"
    assert sparkline([0, 0]) == "▁▁"


@given(st.text(max_size=12))
def test_a_spend_month_is_yyyy_mm_or_one_line_error(text: str) -> None:
    from leadtui.domain.kpis import check_month

    try:
        month = check_month(text)
    except InvalidInput as error:
        assert str(error).startswith("month: ") and "\n" not in str(error)
    else:
        year, number = month.split("-")
        assert len(year) == 4 and 1 <= int(number) <= 12


@given(st.text(max_size=12))
def test_a_spend_source_is_a_known_source_or_one_line_error(text: str) -> None:
    from leadtui.domain.kpis import check_source

    try:
        assert check_source(text) in set(Source)
    except InvalidInput as error:
        assert str(error).startswith("source: ") and "\n" not in str(error)
