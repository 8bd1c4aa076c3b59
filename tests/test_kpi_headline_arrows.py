"""The KPI headline's change against the previous window: the arrow follows
the percent shown, so +0.48% reads "= 0%", never "↑ 0%" (a rise of
nothing). The TUI's KPI tab and `leadtui kpi` both show these rows."""

import pytest

from leadtui.domain.kpi_format import headline_rows
from leadtui.domain.kpis import Headline


def headline(revenue_cents: int, cycle_days: float) -> Headline:
    return Headline(
        new_leads=100,
        win_rate=None,
        revenue_cents=revenue_cents,
        average_deal_cents=None,
        average_cycle_days=cycle_days,
        cost_per_lead_cents=None,
    )


def changes(now: Headline, before: Headline) -> dict[str, tuple[str, bool | None]]:
    return {row.label: (row.change, row.good) for row in headline_rows(now, before)}


@pytest.mark.parametrize(
    ("revenue", "shown"),
    [
        (10_048_000, ("= 0%", None)),  # +0.48%
        (9_960_000, ("= 0%", None)),  # -0.4%
        (10_000_000, ("= 0%", None)),
        (10_060_000, ("↑ 1%", True)),  # +0.6% rounds to 1%: a rise, and shown as one
        (9_940_000, ("↓ 1%", False)),
    ],
)
def test_a_change_that_rounds_to_nothing_has_no_arrow(
    revenue: int, shown: tuple[str, bool | None]
) -> None:
    rows = changes(headline(revenue, 10.0), headline(10_000_000, 10.0))
    assert rows["Revenue won"] == shown
    assert rows["New leads"] == ("= 0%", None)


def test_a_shorter_cycle_is_good_news_unless_it_rounds_to_nothing() -> None:
    before = headline(10_000_000, 10.0)
    assert changes(headline(10_000_000, 9.0), before)["Sales cycle"] == ("↓ 10%", True)
    assert changes(headline(10_000_000, 9.96), before)["Sales cycle"] == ("= 0%", None)


def test_a_rise_from_nothing_is_a_rise() -> None:
    """No percent of 0, but revenue 0 → 132,500 showed no change at all."""
    rows = changes(headline(13_250_000, 10.0), headline(0, 10.0))
    assert rows["Revenue won"] == ("↑ from 0", True)
    assert changes(headline(0, 10.0), headline(0, 10.0))["Revenue won"] == ("", None)
