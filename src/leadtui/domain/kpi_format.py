"""A KpiReport as JSON (stable keys, documented in README.md), as CSV rows
and as text for `leadtui kpi`; and the figures' formats and headline rows
that the KPI tab shows the same way."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from leadtui.domain.currency import Rates, rate_text
from leadtui.domain.kpi_money import by_currency
from leadtui.domain.kpis import (
    DEFINITIONS,
    CurrencyMoney,
    Headline,
    KpiReport,
    LostReason,
    Money,
    Outcomes,
    SourceRow,
    change,
    sparkline,
)
from leadtui.domain.models import Stage
from leadtui.domain.results import CalibrationRow

CALIBRATION_TITLE = "Rule score vs outcome (every closed lead, by the score it closed with)"
# A full bar is a band whose closed leads were all won.
CALIBRATION_BAR = 20
ROUNDING = "exact, then once per figure to the currency's minor unit, half to even"
HEADLINE_KEYS = (
    "new_leads",
    "win_rate",
    "revenue_cents",
    "average_deal_cents",
    "average_cycle_days",
    "cost_per_lead_cents",
)


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _headline(headline: Headline) -> dict[str, Any]:
    return {key: _rounded(getattr(headline, key)) for key in HEADLINE_KEYS}


def source_record(
    row: SourceRow, lifetime_years: float, owner: str | None = None
) -> dict[str, Any]:
    """One by-source row; for one owner's report its spend is null, not 0:
    spend is per source, not per rep, and left out of an owner's figures
    (a 0 read as a rep whose leads cost nothing)."""
    return {
        "source": row.source.value,
        "leads": row.leads,
        "converted": row.converted,
        "conversion": _rounded(row.conversion),
        "won": row.won,
        "lost": row.lost,
        "win_rate": _rounded(row.win_rate),
        "revenue_cents": row.revenue_cents,
        "average_deal_cents": _rounded(row.average_deal_cents, 2),
        "spend_cents": row.spend_cents if owner is None else None,
        "cost_per_lead_cents": _rounded(row.cost_per_lead_cents, 2),
        "cost_per_won_cents": _rounded(row.cost_per_won_cents, 2),
        "roi": _rounded(row.roi),
        "lifetime_value_cents": _rounded(row.lifetime_value_cents(lifetime_years), 2),
    }


def currency_record(money: CurrencyMoney) -> dict[str, Any]:
    return {
        "currency": money.currency,
        "won": money.won,
        "revenue_cents": money.revenue_cents,
        "average_deal_cents": _rounded(money.average_deal_cents, 2),
        "lost": money.lost,
        "lost_value_cents": money.lost_value_cents,
        "open_leads": money.open_leads,
        "pipeline_cents": money.pipeline_cents,
        "weighted_pipeline_cents": money.weighted_cents,
    }


def rates_record(rates: Rates | None) -> dict[str, Any] | None:
    """`converted` in the KPI JSON: the rates the money figures were
    converted at (exact decimals, as strings), or None."""
    if rates is None or not rates.converts:
        return None
    return {
        "currency": rates.currency,
        "rates": {code: rate_text(rate) for code, rate in rates.used},
        "rounding": ROUNDING,
    }


def money_note(rates: Rates | None) -> str:
    """What the money figures are, beside "money in EUR": converted at
    which rates, or which currency keeps them apart ("" when the report
    holds the team's currency alone)."""
    if rates is None:
        return ""
    if rates.converts:
        return f"converted at team rates: {rates.label()}"
    if rates.missing:
        codes = ", ".join(rates.missing)
        return f"no rate for {codes}, so other currencies are listed apart"
    return ""


def kpi_record(report: KpiReport) -> dict[str, Any]:
    window, outcomes = report.window, report.outcomes
    previous = report.previous
    return {
        "window": {
            "name": window.name,
            "label": window.label,
            "since": window.since.isoformat() if window.since else None,
            "until": window.until.isoformat(),
        },
        "owner": report.owner,
        # Every money figure below is in this currency: the team currency's
        # alone, or with the others converted in at the rates in `converted`;
        # by_currency has each currency's money in itself.
        "currency": report.outcomes.currency,
        "converted": rates_record(outcomes.rates),
        "missing_rates": list(outcomes.rates.missing) if outcomes.rates else [],
        **_headline(report.headline),
        "previous": _headline(previous) if previous else None,
        "change": {
            key: _rounded(change(getattr(report.headline, key), getattr(previous, key)))
            for key in HEADLINE_KEYS
        }
        if previous
        else None,
        "funnel": [
            {
                "stage": s.stage.value,
                "reached": s.reached,
                "conversion_to_next": _rounded(s.conversion),
            }
            for s in report.funnel
        ],
        "won": outcomes.won,
        "lost": outcomes.lost,
        "median_cycle_days": _rounded(outcomes.median_cycle_days),
        "lost_reasons": [
            {"reason": r.reason, "count": r.count, "value_cents": r.value_cents}
            for r in outcomes.lost_reasons
        ],
        # In pipeline order, whatever order the engine grouped them in, so
        # the same figures print the same bytes on SQLite and PostgreSQL.
        "lost_by_stage": {
            stage.value: outcomes.lost_by_stage[stage]
            for stage in Stage
            if stage in outcomes.lost_by_stage
        },
        "open_leads": report.money.open_leads,
        "pipeline_cents": report.money.pipeline_cents,
        "weighted_pipeline_cents": report.money.weighted_cents,
        "time_in_stage_days": {
            stage.value: _rounded(days) for stage, days in report.time_in_stage.items()
        },
        "velocity": {
            "new_per_week": list(report.velocity.new_per_week),
            "qualified_per_week": list(report.velocity.qualified_per_week),
            "qualified_last_30_days": report.velocity.qualified_last_30,
            "qualified_previous_30_days": report.velocity.qualified_previous_30,
            "qualified_growth": _rounded(report.velocity.qualified_growth),
        },
        "rotting": {"count": report.health.rotting, "share": _rounded(report.health.rotting_share)},
        "overdue": {"count": report.health.overdue, "share": _rounded(report.health.overdue_share)},
        "sources": [
            source_record(row, report.lifetime_years, report.owner) for row in report.sources
        ],
        "by_currency": [
            currency_record(money) for money in by_currency(report.outcomes, report.money)
        ],
        "lifetime_years": report.lifetime_years,
        "definitions": DEFINITIONS,
    }


def kpi_csv_rows(record: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """The JSON record flattened to (figure, key, value) rows: one table a
    spreadsheet can pivot, with nothing left out but the definitions."""

    def walk(prefix: str, value: Any) -> Iterator[tuple[str, str, Any]]:
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from walk(f"{prefix}.{key}" if prefix else key, inner)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            label = next(iter(value[0]))
            for item in value:
                name = str(item[label])
                for key, inner in item.items():
                    if key != label:
                        yield (f"{prefix}.{key}", name, inner)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield (prefix, str(index), item)
        else:
            figure, _, key = prefix.rpartition(".")
            yield (figure or prefix, key if figure else "", value)

    for figure, key, value in walk("", {k: v for k, v in record.items() if k != "definitions"}):
        yield figure, key, "" if value is None else value


def percent(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}%}"


def money(cents: float | None) -> str:
    """Whole currency units: KPI figures are for steering, not bookkeeping."""
    return "n/a" if cents is None else f"{round(cents / 100):,}"


def compact(cents: float | None) -> str:
    """4.1M, 27k, 1.8k, 950: for tables that must fit 80 columns."""
    if cents is None:
        return "n/a"
    units = cents / 100
    if units >= 1_000_000:
        return f"{units / 1_000_000:.1f}M"
    if units >= 10_000:
        return f"{units / 1_000:.0f}k"
    return f"{units / 1_000:.1f}k" if units >= 1_000 else f"{units:.0f}"


def days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} d"


# Figures where a fall is good news.
LOWER_IS_BETTER = frozenset({"average_cycle_days", "cost_per_lead_cents"})


@dataclass(frozen=True)
class HeadlineRow:
    """One headline figure as both front ends show it: its label, its value
    as text, and the change against the previous window ("↑ 12%"), with
    whether that change is good news (None: no change to judge)."""

    label: str
    text: str
    change: str
    good: bool | None


_HEADLINE_ROWS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    ("New leads", "new_leads", lambda count: f"{count:,}"),
    ("Win rate", "win_rate", percent),
    ("Revenue won", "revenue_cents", money),
    ("Average deal", "average_deal_cents", money),
    ("Sales cycle", "average_cycle_days", days),
    ("Cost per lead", "cost_per_lead_cents", money),
)


LOST_REASONS_HEADER = f"{'lost':>7}{'value':>13}  reason"


def lost_reason_lines(reasons: Sequence[LostReason]) -> list[str]:
    """Each lost reason with its count and value, the reason last: a long
    reason runs on to the right instead of pushing the numbers out of line,
    and is never cut."""
    return [f"{r.count:>7,}{money(r.value_cents):>13}  {r.reason}" for r in reasons]


def headline_rows(headline: Headline, previous: Headline | None) -> list[HeadlineRow]:
    rows = []
    for label, key, shown in _HEADLINE_ROWS:
        current = getattr(headline, key)
        before = getattr(previous, key) if previous else None
        if before == 0 and current:
            # No percent of nothing, but a rise all the same (revenue 0 →
            # 132,500 showed no change at all).
            rows.append(HeadlineRow(label, shown(current), "↑ from 0", key not in LOWER_IS_BETTER))
            continue
        delta = change(current, before)
        if delta is None:
            rows.append(HeadlineRow(label, shown(current), "", None))
            continue
        size = f"{abs(delta):.0%}"
        # The arrow follows the percent shown: "↑ 0%" for +0.48% read as a
        # rise of nothing, so a change that rounds to 0% reads "= 0%".
        flat = size == "0%"
        arrow = "=" if flat else "↑" if delta > 0 else "↓"
        good = None if flat else (delta < 0) == (key in LOWER_IS_BETTER)
        rows.append(HeadlineRow(label, shown(current), f"{arrow} {size}", good))
    return rows


def other_currency_lines(outcomes: Outcomes, pipeline: Money) -> list[str]:
    """The money of leads valued in other currencies than the team's, one
    line each, never added to the team's figures: "USD: won 3, revenue
    12,000 (avg 4,000); pipeline 50,000 · weighted 9,000"."""
    lines = []
    for other in by_currency(outcomes, pipeline)[1:]:
        parts = []
        if other.won:
            deal = money(other.average_deal_cents)
            parts.append(f"won {other.won:,}, revenue {money(other.revenue_cents)}"
                         f" (avg {deal})")  # fmt: skip
        if other.lost:
            parts.append(f"lost {other.lost:,} worth {money(other.lost_value_cents)}")
        if other.open_leads:
            parts.append(
                f"pipeline {money(other.pipeline_cents)} · weighted {money(other.weighted_cents)}"
            )
        lines.append(f"{other.currency}: " + "; ".join(parts))
    return lines


def other_currencies_title(outcomes: Outcomes) -> str:
    rates = outcomes.rates
    if rates is not None and rates.converts:
        return f"Other currencies (converted into the {outcomes.currency} figures above)"
    return f"Other currencies (not in the {outcomes.currency} figures above)"


def kpi_lines(report: KpiReport) -> Iterator[str]:
    head, previous, outcomes = report.headline, report.previous, report.outcomes
    owner = f", owner {report.owner}" if report.owner else ""
    note = money_note(outcomes.rates)
    yield (
        f"KPIs for {report.window.label}{owner}"
        + (" (arrows: against the previous window)" if previous else "")
        + f", money in {outcomes.currency}"
        + (f" ({note})" if note else "")
    )

    for figure in headline_rows(head, previous):
        yield f"  {figure.label:<22}{figure.text:>14}" + (
            f"  {figure.change}" if figure.change else ""
        )
        if figure.label == "Sales cycle":
            yield f"  {'Sales cycle (median)':<22}{days(outcomes.median_cycle_days):>14}"
    yield (
        f"  {'Open pipeline':<22}{money(report.money.pipeline_cents):>14}"
        f"  weighted {money(report.money.weighted_cents)}"
    )
    yield "Funnel (leads created in the window, by the furthest stage reached)"
    for step in report.funnel:
        to_next = f"  → {percent(step.conversion)}" if step.conversion is not None else ""
        yield f"  {step.stage.label:<12}{step.reached:>9,}{to_next}"
    yield "By source"
    yield (
        f"  {'source':<10}{'leads':>7}{'conv':>7}{'win':>7}{'revenue':>13}{'spend':>11}"
        f"{'CPL':>9}{'ROI':>9}"
    )

    def spend(row: SourceRow) -> int | None:
        return row.spend_cents if report.owner is None else None  # per source, not per rep

    for row in report.sources:
        roi = "n/a" if row.roi is None else f"{row.roi:.0%}"
        yield (
            f"  {row.source.value:<10}{row.leads:>7,}{percent(row.conversion):>7}"
            f"{percent(row.win_rate):>7}{money(row.revenue_cents):>13}"
            f"{money(spend(row)):>11}{money(row.cost_per_lead_cents):>9} {roi:>8}"
        )
    yield f"Outcomes: {outcomes.won:,} won, {outcomes.lost:,} lost"
    if outcomes.lost_reasons:
        yield f"  {LOST_REASONS_HEADER}"
        yield from (f"  {line}" for line in lost_reason_lines(outcomes.lost_reasons))
    yield "Time in stage (avg days): " + ", ".join(
        f"{stage.label} {days(spent)}" for stage, spent in report.time_in_stage.items()
    )
    velocity = report.velocity
    yield (
        f"Velocity (12 weeks): new {sparkline(velocity.new_per_week)}"
        f"  qualified {sparkline(velocity.qualified_per_week)}"
        f"  qualified month over month {percent(velocity.qualified_growth)}"
    )
    health = report.health
    yield (
        f"Open leads {health.open_leads:,}: rotting {percent(health.rotting_share)},"
        f" overdue {percent(health.overdue_share)}"
    )
    others = other_currency_lines(outcomes, report.money)
    if others:
        yield other_currencies_title(outcomes)
        yield from (f"  {line}" for line in others)


def calibration_lines(rows: Sequence[CalibrationRow]) -> Iterator[str]:
    """The score-vs-outcome table of `kpi --json`'s score_calibration, as
    text within 80 columns: does a higher rule score mean more wins? It is
    every closed lead's, whatever the window."""
    yield CALIBRATION_TITLE
    if not rows:
        yield "  no closed leads yet"
        return
    yield f"  {'score':<8}{'closed':>8}{'won':>8}{'win rate':>10}"
    for row in rows:
        rate = row.win_rate or 0.0
        bar = "█" * round(rate * CALIBRATION_BAR)
        yield f"  {row.band:<8}{row.closed:>8,}{row.won:>8,}{percent(row.win_rate):>10}  {bar}"
