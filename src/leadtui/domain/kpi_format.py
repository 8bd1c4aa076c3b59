"""A KpiReport as JSON (stable keys, documented in README.md), as CSV rows,
and as text, for `leadtui kpi`."""

from collections.abc import Iterator
from typing import Any

from leadtui.domain.kpis import DEFINITIONS, Headline, KpiReport, SourceRow, change, sparkline

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


def source_record(row: SourceRow, lifetime_years: float) -> dict[str, Any]:
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
        "spend_cents": row.spend_cents,
        "cost_per_lead_cents": _rounded(row.cost_per_lead_cents, 2),
        "cost_per_won_cents": _rounded(row.cost_per_won_cents, 2),
        "roi": _rounded(row.roi),
        "lifetime_value_cents": _rounded(row.lifetime_value_cents(lifetime_years), 2),
    }


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
        "lost_by_stage": {stage.value: n for stage, n in outcomes.lost_by_stage.items()},
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
        "sources": [source_record(row, report.lifetime_years) for row in report.sources],
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


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _money(cents: float | None) -> str:
    """Whole currency units: KPI figures are for steering, not bookkeeping."""
    return "n/a" if cents is None else f"{round(cents / 100):,}"


def _days(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} d"


def _versus(current: float | None, previous: float | None) -> str:
    delta = change(current, previous)
    if delta is None:
        return ""
    arrow = "↑" if delta > 0 else "↓" if delta < 0 else "="
    return f"  {arrow} {abs(delta):.0%}"


def kpi_lines(report: KpiReport) -> Iterator[str]:
    head, previous, outcomes = report.headline, report.previous, report.outcomes
    owner = f", owner {report.owner}" if report.owner else ""
    yield f"KPIs for {report.window.label}{owner}" + (
        " (arrows: against the previous window)" if previous else ""
    )

    def compared(label: str, text: str, key: str) -> str:
        old = getattr(previous, key) if previous else None
        return f"  {label:<22}{text:>14}{_versus(getattr(head, key), old)}"

    yield compared("New leads", f"{head.new_leads:,}", "new_leads")
    yield compared("Win rate", _percent(head.win_rate), "win_rate")
    yield compared("Revenue won", _money(head.revenue_cents), "revenue_cents")
    yield compared("Average deal", _money(head.average_deal_cents), "average_deal_cents")
    yield compared("Sales cycle (avg)", _days(head.average_cycle_days), "average_cycle_days")
    yield f"  {'Sales cycle (median)':<22}{_days(outcomes.median_cycle_days):>14}"
    yield compared("Cost per lead", _money(head.cost_per_lead_cents), "cost_per_lead_cents")
    yield (
        f"  {'Open pipeline':<22}{_money(report.money.pipeline_cents):>14}"
        f"  weighted {_money(report.money.weighted_cents)}"
    )
    yield "Funnel (leads created in the window, by the furthest stage reached)"
    for step in report.funnel:
        to_next = f"  → {_percent(step.conversion)}" if step.conversion is not None else ""
        yield f"  {step.stage.label:<12}{step.reached:>9,}{to_next}"
    yield "By source"
    yield (
        f"  {'source':<10}{'leads':>7}{'conv':>7}{'win':>7}{'revenue':>13}{'spend':>11}"
        f"{'CPL':>9}{'ROI':>9}"
    )
    for row in report.sources:
        roi = "n/a" if row.roi is None else f"{row.roi:.0%}"
        yield (
            f"  {row.source.value:<10}{row.leads:>7,}{_percent(row.conversion):>7}"
            f"{_percent(row.win_rate):>7}{_money(row.revenue_cents):>13}"
            f"{_money(row.spend_cents):>11}{_money(row.cost_per_lead_cents):>9} {roi:>8}"
        )
    yield f"Outcomes: {outcomes.won:,} won, {outcomes.lost:,} lost"
    for reason in outcomes.lost_reasons:
        yield f"  lost: {reason.reason:<24}{reason.count:>6,}  {_money(reason.value_cents):>12}"
    yield "Time in stage (avg days): " + ", ".join(
        f"{stage.label} {_days(days)}" for stage, days in report.time_in_stage.items()
    )
    velocity = report.velocity
    yield (
        f"Velocity (12 weeks): new {sparkline(velocity.new_per_week)}"
        f"  qualified {sparkline(velocity.qualified_per_week)}"
        f"  qualified month over month {_percent(velocity.qualified_growth)}"
    )
    health = report.health
    yield (
        f"Open leads {health.open_leads:,}: rotting {_percent(health.rotting_share)},"
        f" overdue {_percent(health.overdue_share)}"
    )
