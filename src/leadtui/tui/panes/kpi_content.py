"""What the KPI tab's sections say, built from the figures as Content:
fixed labels and numbers, with the few lead-derived strings (owners, lost
reasons) as plain parts, never markup. (The tab itself: panes/kpi.py.)"""

from dataclasses import replace

from textual.content import Content

from leadtui.domain import kpis
from leadtui.domain.kpi_format import (
    LOST_REASONS_HEADER,
    days,
    headline_rows,
    lost_reason_lines,
    money,
    money_note,
    other_currencies_title,
    other_currency_lines,
    percent,
)
from leadtui.domain.kpis import (
    Headline,
    Health,
    Money,
    sparkline,
)
from leadtui.domain.models import Stage
from leadtui.domain.results import CalibrationRow, KpiCore, KpiTimes
from leadtui.tui.cells import plain

BAR_WIDTH = 30
Parts = list[str | tuple[str, str]]
# Open leads as they stand: (pipeline value, rotting and overdue).
NowFigures = tuple[Money, Health]

# The colour of a change against the previous window.
_CHANGE_STYLE = {True: "$text-success", False: "$text-error", None: ""}


def bar(count: float, largest: float, width: int = BAR_WIDTH) -> str:
    return "█" * (round(width * count / largest) if largest else 0)


def headline_content(
    headline: Headline | None,
    previous: Headline | None,
    core: KpiCore | None,
    now: NowFigures | None,
) -> Content:
    parts: Parts = [("Headline", "bold underline")]
    if core is not None:
        note = money_note(core.outcomes.rates)
        parts.append((f"  money in {core.outcomes.currency}", "$text-muted"))
        parts.append((f" · {note}" if note else "", "$text-muted"))
    if previous is not None:
        parts.append(
            ("  arrows: against the previous window of the same length", "$foreground-muted")
        )
    parts.append("\n")
    if headline is not None and core is not None:
        for row in headline_rows(headline, previous):
            change = (f"  {row.change}" if row.change else "", _CHANGE_STYLE[row.good])
            parts += [f"{row.label:<16}{row.text:>14}", change, "\n"]
        parts += [f"{'Median cycle':<16}{days(core.outcomes.median_cycle_days):>14}\n"]
    if now is not None:
        money_now, _ = now
        parts += [
            f"{'Open pipeline':<16}{money(money_now.pipeline_cents):>14}",
            f"  weighted {money(money_now.weighted_cents)}",
        ]
        # Other currencies' money, listed apart: never added to the above.
        others = other_currency_lines(core.outcomes, money_now) if core else []
        if others and core is not None:
            parts += ["\n", (other_currencies_title(core.outcomes), "$text-muted")]
        parts += [part for line in others for part in ("\n", (f"  {line}", "$text-muted"))]
    return Content.assemble(*parts).rstrip()


def funnel_content(core: KpiCore) -> Content:
    parts: Parts = [
        ("Funnel", "bold underline"),
        ("  leads created in the window", "$foreground-muted"),
        "\n",
    ]
    largest = max((step.reached for step in core.funnel), default=0)
    for step in core.funnel:
        to_next = f" → {percent(step.conversion)}" if step.conversion is not None else ""
        parts += [
            f"{step.stage.label:<12}{step.reached:>8,} ",
            (bar(step.reached, largest, 24), "$success"),
            (to_next, "$foreground-muted"),
            "\n",
        ]
    return Content.assemble(*parts).rstrip()


def outcomes_content(core: KpiCore) -> Content:
    outcomes = core.outcomes
    parts: Parts = [
        ("Outcomes", "bold underline"),
        f"  {outcomes.won:,} won, {outcomes.lost:,} lost, win rate {percent(outcomes.win_rate)}\n",
        (f"{LOST_REASONS_HEADER}\n", "bold"),
    ]
    # The reason cleaned, not the line: plain() trims, and took the
    # right-aligned counts' padding with it (the counts stood under "lost"'s
    # first letter, at the left edge).
    reasons = [replace(r, reason=plain(r.reason)) for r in outcomes.lost_reasons[:8]]
    parts += [f"{line}\n" for line in lost_reason_lines(reasons)]
    if not outcomes.lost_reasons:
        parts.append(("no leads lost in the window\n", "$foreground-muted"))
    lost_at = ", ".join(
        f"{stage.label} {outcomes.lost_by_stage.get(stage, 0):,}"
        for stage in kpis.LADDER
        if stage is not Stage.WON
    )
    parts += [("Lost from  ", "bold"), lost_at]
    return Content.assemble(*parts)


def time_content(times: KpiTimes | None, core: KpiCore | None, now: NowFigures | None) -> Content:
    parts: Parts = [("Time", "bold underline"), "\n"]
    if core is not None:
        outcomes = core.outcomes
        parts.append(
            f"Sales cycle     avg {days(outcomes.average_cycle_days)},"
            f" median {days(outcomes.median_cycle_days)}\n"
        )
    if times is not None:
        parts.append(("Days in stage   ", ""))
        parts.append(
            ", ".join(f"{stage.label} {days(d)}" for stage, d in times.time_in_stage.items()) + "\n"
        )
        velocity = times.velocity
        parts += [
            "New per week    ",
            (sparkline(velocity.new_per_week), "$primary"),
            f"  {sum(velocity.new_per_week):,} in 12 weeks\n",
            "Qualified/week  ",
            (sparkline(velocity.qualified_per_week), "$primary"),
            f"  month over month {percent(velocity.qualified_growth)}\n",
        ]
    if now is not None:
        _, health = now
        parts.append(
            f"Open leads      {health.open_leads:,}: rotting {percent(health.rotting_share)},"
            f" overdue {percent(health.overdue_share)}"
        )
    return Content.assemble(*parts).rstrip()


def calibration_content(rows: list[CalibrationRow]) -> Content:
    parts: Parts = [("Rule score vs outcome", "bold underline"), "\n"]
    if not rows:
        return Content.assemble(*parts, "No closed leads yet.")
    parts.append(("Score      Closed   Won\n", "bold"))
    for row in rows:
        rate = row.win_rate or 0.0
        parts += [
            f"{row.band:<9}{row.closed:>8,}  {rate:>4.0%}  ",
            ("█" * round(rate * BAR_WIDTH / 2), "$success"),
            "\n",
        ]
    return Content.assemble(*parts).rstrip()
