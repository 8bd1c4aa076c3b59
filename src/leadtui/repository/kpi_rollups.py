"""The KPIs for the whole team from the per-day rollups (schema_kpi.py):
the same figures as kpi_queries.py, which stays the reference (and serves
the per-rep reports), without reading every lead in the window.

A window [since, until) is cut into whole UTC days, read from the rollups,
and at most two partial days at its ends, read from the leads and the
journal through indexes. Two corrections keep the cohorts exact when the
window ends before the latest change (a past window, or the previous
window a report compares with):
- a lead created in the window and changed after it counts with the
  furthest step it had reached by the window's end, not since;
- a closing change in the window that a change after the window undid (a
  reopen) is still the lead's last change inside the window, so it counts.
Both read only what changed after the window, through indexes: nothing at
all for the windows that end now.
"""

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlite_utils

from leadtui.domain import kpis
from leadtui.domain.clock import from_iso, to_iso
from leadtui.domain.kpis import Health, LostReason, Money, Outcomes, Velocity, Window
from leadtui.domain.models import Source, Stage
from leadtui.domain.pipeline import OPEN_STAGES, ROTTING_DAYS
from leadtui.repository.kpi_queries import money_of, tally_created, until_iso
from leadtui.repository.schema_kpi import CLOSED, RANK

_OPEN_SQL = ", ".join(f"'{stage.value}'" for stage in OPEN_STAGES)
_ALL_SQL = ", ".join(f"'{stage.value}'" for stage in Stage)
# A closed lead's row: (outcome, source, stage left or '', reason or '',
# leads, value, cycle days summed).
ClosedRow = tuple[str, str, str, str, int, int, float]


@dataclass(frozen=True)
class Days:
    """A window as whole days [first, end) ("YYYY-MM-DD", from the rollups)
    and the partial days at its ends (ISO [from, to), from the rows)."""

    since: str
    until: str
    first: str
    end: str
    edges: tuple[tuple[str, str], ...]


def days_of(window: Window) -> Days:
    until = until_iso(window.until)
    last_midnight = datetime.combine(from_iso(until).date(), time(), UTC)
    if window.since is None:
        since, first_midnight = "0000", None
    else:
        since = to_iso(window.since)
        start = from_iso(since)
        first_midnight = datetime.combine(start.date(), time(), UTC)
        if first_midnight < start:
            first_midnight += timedelta(days=1)
        if first_midnight >= last_midnight:  # no whole day inside: all rows
            return Days(since, until, "", "", ((since, until),))
    edges = []
    if first_midnight is not None and since < to_iso(first_midnight):
        edges.append((since, to_iso(first_midnight)))
    if to_iso(last_midnight) < until:
        edges.append((to_iso(last_midnight), until))
    first = first_midnight.date().isoformat() if first_midnight else "0000"
    return Days(since, until, first, last_midnight.date().isoformat(), tuple(edges))


# ------------------------------------------------------------ created cohort


def created_by_source(
    db: sqlite_utils.Database, window: Window
) -> tuple[dict[Stage, int], dict[Source, tuple[int, int]]]:
    days = days_of(window)
    counts: Counter[tuple[str, int]] = Counter()
    for source, top, n in db.execute(
        "SELECT source, top, sum(n) FROM kpi_created WHERE day >= ? AND day < ?"
        " GROUP BY source, top",
        [days.first, days.end],
    ):
        counts[source, top] += n
    for start, end in days.edges:
        for source, top, n in db.execute(
            "SELECT source, top_rank, count(*) FROM leads"
            " WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2",
            [start, end],
        ):
            counts[source, top] += n
    # Changed after the window: the step reached by its end, not since.
    for source, top_now, top_then in db.execute(
        f"""
        SELECT l.source, l.top_rank,
               coalesce((SELECT max({RANK.format("sc.new")}) FROM journal sc
                          WHERE sc.field = 'stage' AND sc.lead_id = l.id
                            AND sc.at < :until), 0)
          FROM leads l INDEXED BY leads_last_stage_at
         WHERE l.last_stage_at >= :until AND l.created_at >= :since AND l.created_at < :until
        """,
        {"since": days.since, "until": days.until},
    ):
        counts[source, top_now] -= 1
        counts[source, top_then] += 1
    return tally_created((source, top, n) for (source, top), n in counts.items())


def count_created(db: sqlite_utils.Database, window: Window) -> int:
    days = days_of(window)
    (total,) = db.execute(
        "SELECT coalesce(sum(n), 0) FROM kpi_created WHERE day >= ? AND day < ?",
        [days.first, days.end],
    ).fetchone()
    for start, end in days.edges:
        (edge,) = db.execute(
            "SELECT count(*) FROM leads WHERE created_at >= ? AND created_at < ?", [start, end]
        ).fetchone()
        total += edge
    return int(total)


# ------------------------------------------------------------- closed cohort

_CLOSED_ROWS = f"""
    SELECT last_stage_to, source, coalesce(last_stage_from, ''),
           coalesce(last_stage_reason, ''), count(*), sum(value_cents),
           sum(julianday(last_stage_at) - julianday(created_at))
      FROM leads INDEXED BY leads_last_stage_at
     WHERE last_stage_at >= ? AND last_stage_at < ? AND last_stage_to IN {CLOSED}
     GROUP BY 1, 2, 3, 4
"""
# Closings in the window that a change after it undid: each change after the
# window that follows a closing (prev_new: the stage the change before it
# went to), and that closing, if it is inside the window. One lead has at
# most one such pair.
_CLOSED_THEN_REOPENED = f"""
    SELECT c.new, l.source, coalesce(c.old, ''), coalesce(c.note, ''), 1, l.value_cents,
           julianday(c.at) - julianday(l.created_at)
      FROM journal n INDEXED BY journal_leave_closed
      JOIN journal c ON c.id = (
           SELECT p.id FROM journal p
            WHERE p.field = 'stage' AND p.lead_id = n.lead_id
              AND (p.at < n.at OR (p.at = n.at AND p.id < n.id))
            ORDER BY p.at DESC, p.id DESC LIMIT 1)
      JOIN leads l ON l.id = n.lead_id
     WHERE n.field = 'stage' AND n.prev_new IN {CLOSED} AND n.at >= :until
       AND c.at >= :since AND c.at < :until AND c.new IN {CLOSED}
"""


def outcomes_by_source(
    db: sqlite_utils.Database, window: Window, *, median: bool = True
) -> tuple[Outcomes, dict[Source, tuple[int, int, int]]]:
    """As kpi_queries.outcomes_by_source; `median` False leaves the median
    cycle out (the previous window's headline has no use for it)."""
    days = days_of(window)
    rows: list[ClosedRow] = list(
        db.execute(
            "SELECT stage, source, from_stage, reason, sum(n), sum(value), sum(cycle)"
            " FROM kpi_closed WHERE day >= ? AND day < ? GROUP BY 1, 2, 3, 4",
            [days.first, days.end],
        )
    )
    for start, end in days.edges:
        rows += db.execute(_CLOSED_ROWS, [start, end]).fetchall()
    reopened: list[ClosedRow] = db.execute(
        _CLOSED_THEN_REOPENED, {"since": days.since, "until": days.until}
    ).fetchall()
    rows += reopened
    by_source: dict[Source, list[int]] = {}
    reasons: Counter[str] = Counter()
    reason_value: Counter[str] = Counter()
    lost_by_stage: Counter[Stage] = Counter()
    won = lost = revenue = 0
    cycle_total = 0.0
    for stage, source, from_stage, reason, n, value, cycle in rows:
        if not n:
            continue  # a rollup row whose leads all moved on
        figures = by_source.setdefault(Source(source), [0, 0, 0])
        if stage == Stage.WON.value:
            figures[0] += n
            figures[2] += value
            won, revenue, cycle_total = won + n, revenue + value, cycle_total + cycle
        else:
            figures[1] += n
            lost += n
            reasons[reason] += n
            reason_value[reason] += value
            if from_stage:
                lost_by_stage[Stage(from_stage)] += n
    ranked = sorted(reasons.items(), key=lambda item: (-item[1], item[0]))
    outcomes = Outcomes(
        won=won,
        lost=lost,
        revenue_cents=revenue,
        cycle_total_days=cycle_total,
        median_cycle_days=_median_cycle(db, days, won, reopened) if median else None,
        lost_reasons=tuple(
            LostReason(reason or "(none)", count, reason_value[reason])
            for reason, count in ranked
            if count
        ),
        lost_by_stage={stage: count for stage, count in lost_by_stage.items() if count},
    )
    return outcomes, {
        source: (won, lost, value)
        for source, (won, lost, value) in by_source.items()
        if won or lost
    }


def _median_cycle(
    db: sqlite_utils.Database, days: Days, won: int, reopened: list[ClosedRow]
) -> float | None:
    """The median days from creation to Won. With no reopened closing to
    mix in, read from the middle of the (cycle) index: no cycle but the
    middle one or two is fetched, whatever the window."""
    if not won:
        return None
    later = [row[6] for row in reopened if row[0] == Stage.WON.value]
    cycle = "julianday(last_stage_at) - julianday(created_at)"
    where = "last_stage_to = 'won' AND last_stage_at >= ? AND last_stage_at < ?"
    if later:
        values = [
            row[0]
            for row in db.execute(
                f"SELECT {cycle} FROM leads INDEXED BY leads_last_stage_at WHERE {where}",
                [days.since, days.until],
            )
        ]
        return float(statistics.median(values + later))
    middle = [
        row[0]
        for row in db.execute(
            f"SELECT {cycle} FROM leads INDEXED BY leads_won_cycle WHERE {where}"
            f" ORDER BY {cycle} LIMIT ? OFFSET ?",
            [days.since, days.until, 2 - won % 2, (won - 1) // 2],
        )
    ]
    return statistics.fmean(middle) if middle else None


# --------------------------------------------------------------- the others


def time_in_stage(db: sqlite_utils.Database, window: Window) -> dict[Stage, float | None]:
    days = days_of(window)
    rows = db.execute(
        f"SELECT stage, sum(n), sum(days) FROM kpi_stays WHERE day >= ? AND day < ?"
        f" AND stage IN ({_OPEN_SQL}) GROUP BY stage",
        [days.first, days.end],
    ).fetchall()
    for start, end in days.edges:
        rows += db.execute(
            f"SELECT old, count(*), sum(stay) FROM journal INDEXED BY journal_stage_at"
            f" WHERE field = 'stage' AND new IN ({_ALL_SQL}) AND at >= ? AND at < ?"
            f" AND stay IS NOT NULL AND old IN ({_OPEN_SQL}) GROUP BY old",
            [start, end],
        ).fetchall()
    stays: Counter[str] = Counter()
    spent: Counter[str] = Counter()
    for stage, n, total in rows:
        stays[stage] += n
        spent[stage] += total
    return {stage: kpis.ratio(spent[stage.value], stays[stage.value]) for stage in OPEN_STAGES}


_HALF_OPEN = "{0} >= :low AND {0} < :high"


def velocity(db: sqlite_utils.Database, until: datetime) -> Velocity:
    """As kpi_queries.velocity, a range count per week: week w holds what
    happened in (end - 7(w+1) days, end - 7w days], the latest week stopping
    just before the window's end. Exact text comparisons, where the reference
    divides julianday differences (a change exactly on a week's edge can
    land a week off there)."""
    end = until_iso(until)
    moment = from_iso(end)
    new, qualified = [], []
    for week in range(kpis.VELOCITY_WEEKS):
        span: dict[str, Any] = {
            "low": to_iso(moment - timedelta(days=7 * (week + 1))),
            "high": to_iso(moment - timedelta(days=7 * week)),
        }
        within = "{0} > :low AND {0} " + ("<" if week == 0 else "<=") + " :high"
        new.append(
            db.execute(
                f"SELECT count(*) FROM leads WHERE {within.format('created_at')}", span
            ).fetchone()[0]
        )
        qualified.append(_qualified(db, within, span))
    mid, start = to_iso(until - timedelta(days=30)), to_iso(until - timedelta(days=60))
    return Velocity(
        new_per_week=tuple(reversed(new)),
        qualified_per_week=tuple(reversed(qualified)),
        qualified_last_30=_qualified(db, _HALF_OPEN, {"low": mid, "high": end}),
        qualified_previous_30=_qualified(db, _HALF_OPEN, {"low": start, "high": mid}),
    )


def _qualified(db: sqlite_utils.Database, span: str, args: dict[str, Any]) -> int:
    """Leads that entered Qualified in a span, each once: the entries, less
    those whose lead had entered it before within the same span (two index
    range counts; `span` is a condition on {0}, the time)."""
    entries = db.execute(
        "SELECT count(*) FROM journal INDEXED BY journal_stage_at"
        f" WHERE field = 'stage' AND new = 'qualified' AND {span.format('at')}",
        args,
    ).fetchone()[0]
    again = db.execute(
        "SELECT count(*) FROM journal INDEXED BY journal_reentry"
        " WHERE field = 'stage' AND prev_same_at IS NOT NULL AND new = 'qualified'"
        f" AND {span.format('at')} AND {span.format('prev_same_at')}",
        args,
    ).fetchone()[0]
    return int(entries - again)


def money(db: sqlite_utils.Database) -> Money:
    return money_of(
        db.execute(
            f"SELECT stage, n, value FROM kpi_stage_totals WHERE stage IN ({_OPEN_SQL})"
        ).fetchall()
    )


def health(db: sqlite_utils.Database, now: datetime, open_leads: int) -> Health:
    """Rotting and overdue open leads now: two index range counts per stage."""
    rotting = overdue = 0
    for stage in OPEN_STAGES:
        threshold = to_iso(now - timedelta(days=ROTTING_DAYS[stage]))
        rotting += db.execute(
            "SELECT count(*) FROM leads INDEXED BY leads_stage_activity WHERE stage = ?"
            " AND max(stage_entered_at, coalesce(last_touch_at, '')) < ?",
            [stage.value, threshold],
        ).fetchone()[0]
        overdue += db.execute(
            "SELECT count(*) FROM leads INDEXED BY leads_stage_follow_up WHERE stage = ?"
            " AND coalesce(follow_up_at, '9999') < ?",
            [stage.value, to_iso(now)],
        ).fetchone()[0]
    return Health(open_leads, rotting, overdue)
