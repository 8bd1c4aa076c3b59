"""The KPIs from the per-day rollups (schema_kpi.py), for the whole team or
one owner: the same figures as kpi_queries.py, which stays the reference,
without reading every lead in the window.

A window [since, until) is cut into whole UTC days, read from the rollups
(the team's, or the owner's parallel tables: `owner` None means the team),
and at most two partial days at its ends, read from the leads and the
journal through indexes. Every figure reads the stage history as it stands
(cancelled changes carry no stay, no previous stage, and are no lead's
latest change). Two corrections keep the cohorts exact when the window ends
before the latest change (a past window, or the previous window a report
compares with):
- a lead created in the window and changed after it counts with the
  furthest step it had reached by the window's end, not since;
- a closing in the window followed, after it, by a change that stands is
  still the lead's last change inside the window, so it counts (only a
  merged history has such a pair: a reopen cancels the closing).
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
from leadtui.domain.clock import from_iso, overdue_before, to_iso
from leadtui.domain.filters import ME, LeadFilter
from leadtui.domain.kpis import Health, LostReason, Money, Outcomes, Velocity, Window
from leadtui.domain.models import Source, Stage
from leadtui.domain.pipeline import OPEN_STAGES, ROTTING_DAYS
from leadtui.repository.engine import dialect_of
from leadtui.repository.kpi_queries import EPOCH, money_of, tally_created, until_iso
from leadtui.repository.schema_kpi import CLOSED, RANK
from leadtui.repository.team_zone import in_team_zone

_OPEN_SQL = ", ".join(f"'{stage.value}'" for stage in OPEN_STAGES)
_ALL_SQL = ", ".join(f"'{stage.value}'" for stage in Stage)
# A closed lead's row: (outcome, source, stage left or '', reason or '',
# leads, value, cycle days summed).
ClosedRow = tuple[str, str, str, str, int, int, float]
# A journal line's lead is one owner's (a lookup: for the partial days only).
_LINE_OWNER = " AND (SELECT owner FROM leads WHERE id = {0}.lead_id) = :owner"


@dataclass(frozen=True)
class Days:
    """A span as whole days [first, end) ("YYYY-MM-DD", from the rollups;
    or whole hours, "YYYY-MM-DDTHH") and the partial days (hours) at its
    ends (ISO [from, to), from the rows)."""

    since: str
    until: str
    first: str
    end: str
    edges: tuple[tuple[str, str], ...]


def days_of(window: Window) -> Days:
    return span_days(to_iso(window.since) if window.since else None, until_iso(window.until))


def span_days(since: str | None, until: str, *, hours: bool = False) -> Days:
    """The ISO span [since, until) (since None: from the beginning) as Days,
    or as whole hours."""
    step = timedelta(hours=1) if hours else timedelta(days=1)

    def floor(moment: datetime) -> datetime:
        if hours:
            return moment.replace(minute=0, second=0, microsecond=0)
        return datetime.combine(moment.date(), time(), UTC)

    def key(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H") if hours else moment.date().isoformat()

    last = floor(from_iso(until))
    if since is None:
        since, first = EPOCH, None
    else:
        start = from_iso(since)
        first = floor(start)
        if first < start:
            first += step
        if first >= last:  # no whole day (hour) inside: all rows
            return Days(since, until, "", "", ((since, until),))
    edges = []
    if first is not None and since < to_iso(first):
        edges.append((since, to_iso(first)))
    if to_iso(last) < until:
        edges.append((to_iso(last), until))
    return Days(since, until, key(first) if first else "0000", key(last), tuple(edges))


def _rollup(name: str, owner: str | None) -> str:
    """The rollup `name` (created, closed, ...) of the team or of one owner,
    and the condition choosing its rows of whole days: `FROM {this} AND ...`."""
    if owner is None:
        return f"kpi_{name} WHERE day >= :first AND day < :end"
    return f"kpi_owner_{name} WHERE owner = :owner AND day >= :first AND day < :end"


def _whole(days: Days, owner: str | None) -> dict[str, Any]:
    return {"first": days.first, "end": days.end, "owner": owner}


def _only(owner: str | None, alias: str = "") -> str:
    """A condition on a lead row (`alias`.owner) for one owner, or none.
    (A partial day's rows are read through their time's index, named: left
    to itself SQLite took the owner's index and read all the owner's
    leads, measured at 1-2 s a partial day at 1M leads.)"""
    return f" AND {alias}owner = :owner" if owner is not None else ""


# ------------------------------------------------------------ created cohort


def created_by_source(
    db: sqlite_utils.Database, window: Window, owner: str | None = None
) -> tuple[dict[Stage, int], dict[Source, tuple[int, int]]]:
    days, by = days_of(window), dialect_of(db).indexed_by
    counts: Counter[tuple[str, int]] = Counter()
    for source, top, n in db.execute(
        f"SELECT source, top, sum(n) FROM {_rollup('created', owner)} GROUP BY source, top",
        _whole(days, owner),
    ):
        counts[source, top] += n
    for start, end in days.edges:
        for source, top, n in db.execute(
            f"SELECT source, top_rank, count(*) FROM leads{by('leads_created')}"
            f" WHERE created_at >= :start AND created_at < :end{_only(owner)} GROUP BY 1, 2",
            {"start": start, "end": end, "owner": owner},
        ):
            counts[source, top] += n
    # Changed after the window: the step reached by its end, not since.
    for source, top_now, top_then in db.execute(
        f"""
        SELECT l.source, l.top_rank,
               coalesce((SELECT max({RANK.format("sc.new")}) FROM journal sc
                          WHERE sc.field = 'stage' AND sc.lead_id = l.id
                            AND sc.cancelled_with IS NULL AND sc.at < :until), 0)
          FROM leads l{by("leads_last_stage_at")}
         WHERE l.last_stage_at >= :until AND l.created_at >= :since AND l.created_at < :until
               {_only(owner, "l.")}
        """,
        {"since": days.since, "until": days.until, "owner": owner},
    ):
        counts[source, top_now] -= 1
        counts[source, top_then] += 1
    return tally_created((source, top, n) for (source, top), n in counts.items())


def count_created(db: sqlite_utils.Database, window: Window, owner: str | None = None) -> int:
    return _count_created(db, days_of(window), owner)


def _count_created(db: sqlite_utils.Database, days: Days, owner: str | None) -> int:
    (total,) = db.execute(
        f"SELECT coalesce(sum(n), 0) FROM {_rollup('created', owner)}", _whole(days, owner)
    ).fetchone()
    for start, end in days.edges:
        (edge,) = db.execute(
            f"SELECT count(*) FROM leads{dialect_of(db).indexed_by('leads_created')}"
            f" WHERE created_at >= :start AND created_at < :end{_only(owner)}",
            {"start": start, "end": end, "owner": owner},
        ).fetchone()
        total += edge
    return int(total)


# ------------------------------------------------------------- closed cohort

_CLOSED_ROWS = f"""
    SELECT last_stage_to, source, coalesce(last_stage_from, ''),
           coalesce(last_stage_reason, ''), count(*), sum(value_cents),
           sum(julianday(last_stage_at) - julianday(created_at))
      FROM leads{{by}}
     WHERE last_stage_at >= :start AND last_stage_at < :end AND last_stage_to IN {CLOSED}{{only}}
     GROUP BY 1, 2, 3, 4
"""
# Closings in the window followed after it by a change that stands: each
# standing change after the window whose standing change before it
# (prev_new) was a closing, and that closing, if it is inside the window.
# One lead has at most one such pair.
_CLOSED_THEN_CHANGED = f"""
    SELECT c.new, l.source, coalesce(c.old, ''), coalesce(c.note, ''), 1, l.value_cents,
           julianday(c.at) - julianday(l.created_at)
      FROM journal n{{by}}
      JOIN journal c ON c.id = (
           SELECT p.id FROM journal p
            WHERE p.field = 'stage' AND p.lead_id = n.lead_id AND p.cancelled_with IS NULL
              AND (p.at < n.at OR (p.at = n.at AND p.id < n.id))
            ORDER BY p.at DESC, p.id DESC LIMIT 1)
      JOIN leads l ON l.id = n.lead_id
     WHERE n.field = 'stage' AND n.prev_new IN {CLOSED} AND n.at >= :until
       AND c.at >= :since AND c.at < :until AND c.new IN {CLOSED}{{only}}
"""


def outcomes_by_source(
    db: sqlite_utils.Database, window: Window, owner: str | None = None, *, median: bool = True
) -> tuple[Outcomes, dict[Source, tuple[int, int, int]]]:
    """As kpi_queries.outcomes_by_source; `median` False leaves the median
    cycle out (the previous window's headline has no use for it)."""
    days, by = days_of(window), dialect_of(db).indexed_by
    rows: list[ClosedRow] = list(
        db.execute(
            "SELECT stage, source, from_stage, reason, sum(n), sum(value), sum(cycle)"
            f" FROM {_rollup('closed', owner)} GROUP BY 1, 2, 3, 4",
            _whole(days, owner),
        )
    )
    for start, end in days.edges:
        rows += db.execute(
            _CLOSED_ROWS.format(by=by("leads_last_stage_at"), only=_only(owner)),
            {"start": start, "end": end, "owner": owner},
        ).fetchall()
    later: list[ClosedRow] = db.execute(
        _CLOSED_THEN_CHANGED.format(by=by("journal_leave_closed"), only=_only(owner, "l.")),
        {"since": days.since, "until": days.until, "owner": owner},
    ).fetchall()
    rows += later
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
        median_cycle_days=_median_cycle(db, days, won, later, owner) if median else None,
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
    db: sqlite_utils.Database, days: Days, won: int, later: list[ClosedRow], owner: str | None
) -> float | None:
    """The median days from creation to Won. With no closing followed by a
    later change to mix in, read from the middle of the (cycle) index: no
    cycle but the middle one or two is fetched, whatever the window."""
    if not won:
        return None
    also = [row[6] for row in later if row[0] == Stage.WON.value]
    by = dialect_of(db).indexed_by
    cycle = "julianday(last_stage_at) - julianday(created_at)"
    where = "last_stage_to = 'won' AND last_stage_at >= :since AND last_stage_at < :until" + _only(
        owner
    )
    args: dict[str, Any] = {"since": days.since, "until": days.until, "owner": owner}
    if also:
        values = [
            row[0]
            for row in db.execute(
                f"SELECT {cycle} FROM leads{by('leads_last_stage_at')} WHERE {where}", args
            )
        ]
        return float(statistics.median(values + also))
    index = "leads_won_cycle" if owner is None else "leads_owner_won_cycle"
    middle = [
        row[0]
        for row in db.execute(
            f"SELECT {cycle} FROM leads{by(index)} WHERE {where}"
            f" ORDER BY {cycle} LIMIT :count OFFSET :skip",
            args | {"count": 2 - won % 2, "skip": (won - 1) // 2},
        )
    ]
    return statistics.fmean(middle) if middle else None


# --------------------------------------------------------------- the others


def time_in_stage(
    db: sqlite_utils.Database, window: Window, owner: str | None = None
) -> dict[Stage, float | None]:
    days = days_of(window)
    rows = db.execute(
        f"SELECT stage, sum(n), sum(days) FROM {_rollup('stays', owner)}"
        f" AND stage IN ({_OPEN_SQL}) GROUP BY stage",
        _whole(days, owner),
    ).fetchall()
    lines_owner = _LINE_OWNER.format("journal") if owner is not None else ""
    by = dialect_of(db).indexed_by
    for start, end in days.edges:
        rows += db.execute(
            f"SELECT old, count(*), sum(stay) FROM journal{by('journal_stage_at')}"
            f" WHERE field = 'stage' AND new IN ({_ALL_SQL}) AND at >= :start AND at < :end"
            f" AND stay IS NOT NULL AND old IN ({_OPEN_SQL}){lines_owner} GROUP BY old",
            {"start": start, "end": end, "owner": owner},
        ).fetchall()
    stays: Counter[str] = Counter()
    spent: Counter[str] = Counter()
    for stage, n, total in rows:
        stays[stage] += n
        spent[stage] += total
    return {stage: kpis.ratio(spent[stage.value], stays[stage.value]) for stage in OPEN_STAGES}


def velocity(db: sqlite_utils.Database, until: datetime, owner: str | None = None) -> Velocity:
    """As kpi_queries.velocity, a count per week: week w holds what happened
    in (end - 7(w+1) days, end - 7w days], the latest week stopping just
    before the window's end. Stored times have whole seconds, so each week
    is the half-open [start + 1 s, end + 1 s) (the latest, [start + 1 s,
    end)). Exact text comparisons, where the reference divides julianday
    differences (a change exactly on a week's edge can land a week off
    there)."""
    end = until_iso(until)
    moment = from_iso(end)
    second = timedelta(seconds=1)
    edges = [
        to_iso(moment - timedelta(days=7 * week) + second)
        for week in range(1, kpis.VELOCITY_WEEKS + 1)
    ]
    weeks = list(zip(edges, [end, *edges[:-1]], strict=True))
    new = [_created_in(db, low, high, owner) for low, high in weeks]
    qualified = [_qualified(db, low, high, owner) for low, high in weeks]
    mid, start = to_iso(until - timedelta(days=30)), to_iso(until - timedelta(days=60))
    return Velocity(
        new_per_week=tuple(reversed(new)),
        qualified_per_week=tuple(reversed(qualified)),
        qualified_last_30=_qualified(db, mid, end, owner),
        qualified_previous_30=_qualified(db, start, mid, owner),
    )


def _created_in(db: sqlite_utils.Database, low: str, high: str, owner: str | None) -> int:
    """Leads created in [low, high): an index range count."""
    index = "leads_created" if owner is None else "leads_owner_created"
    return int(
        db.execute(
            f"SELECT count(*) FROM leads{dialect_of(db).indexed_by(index)}"
            f" WHERE created_at >= :low AND created_at < :high{_only(owner)}",
            {"low": low, "high": high, "owner": owner},
        ).fetchone()[0]
    )


def _qualified(db: sqlite_utils.Database, low: str, high: str, owner: str | None) -> int:
    """Leads that entered Qualified in [low, high) by a standing change,
    each once: the entries, less those whose lead had entered it before
    within the span (range counts over the journal's indexes for the team;
    for one owner, the owner's rollup hours and partial hours, and the few
    entries again read with their leads)."""
    span = {"low": low, "high": high, "owner": owner}
    by = dialect_of(db).indexed_by
    if owner is None:
        entries = db.execute(
            f"SELECT (SELECT count(*) FROM journal{by('journal_stage_at')}"
            "         WHERE field = 'stage' AND new = 'qualified' AND at >= :low AND at < :high)"
            f"     - (SELECT count(*) FROM journal{by('journal_cancelled')}"
            "         WHERE field = 'stage' AND cancelled_with IS NOT NULL"
            "           AND new = 'qualified' AND at >= :low AND at < :high)",
            span,
        ).fetchone()[0]
    else:
        hours = span_days(low, high, hours=True)
        entries = db.execute(
            "SELECT coalesce(sum(n), 0) FROM kpi_owner_qualified"
            " WHERE owner = :owner AND hour >= :first AND hour < :end",
            _whole(hours, owner),
        ).fetchone()[0]
        for start, end in hours.edges:
            entries += db.execute(
                f"SELECT count(*) FROM journal{by('journal_stage_at')}"
                " WHERE field = 'stage' AND new = 'qualified' AND at >= :start AND at < :end"
                f" AND cancelled_with IS NULL{_LINE_OWNER.format('journal')}",
                {"start": start, "end": end, "owner": owner},
            ).fetchone()[0]
    lines_owner = _LINE_OWNER.format("journal") if owner is not None else ""
    again = db.execute(
        f"SELECT count(*) FROM journal{by('journal_reentry')}"
        " WHERE field = 'stage' AND prev_same_at IS NOT NULL AND new = 'qualified'"
        f" AND at >= :low AND at < :high AND prev_same_at >= :low AND prev_same_at < :high"
        f"{lines_owner}",
        span,
    ).fetchone()[0]
    return int(entries - again)


def money(db: sqlite_utils.Database, owner: str | None = None) -> Money:
    table = "kpi_stage_totals" if owner is None else "kpi_owner_stage_totals"
    only = _only(owner)
    return money_of(
        db.execute(
            f"SELECT stage, n, value FROM {table} WHERE stage IN ({_OPEN_SQL}){only}",
            {"owner": owner},
        ).fetchall()
    )


def health(
    db: sqlite_utils.Database, now: datetime, open_leads: int, owner: str | None = None
) -> Health:
    """Rotting and overdue open leads now: two index range counts per stage."""
    activity, follow_up = (
        ("leads_stage_activity", "leads_stage_follow_up")
        if owner is None
        else ("leads_owner_activity", "leads_owner_follow_up")
    )
    dialect = dialect_of(db)
    rotting = overdue = 0
    team_now = in_team_zone(db, now)  # overdue is by the team's day
    for stage in OPEN_STAGES:
        args = {
            "stage": stage.value,
            "owner": owner,
            "threshold": to_iso(now - timedelta(days=ROTTING_DAYS[stage])),
            "overdue_before": to_iso(overdue_before(team_now)),
        }
        rotting += db.execute(
            f"SELECT count(*) FROM leads{dialect.indexed_by(activity)}"
            f" WHERE stage = :stage{_only(owner)} AND {dialect.last_activity} < :threshold",
            args,
        ).fetchone()[0]
        overdue += db.execute(
            f"SELECT count(*) FROM leads{dialect.indexed_by(follow_up)}"
            f" WHERE stage = :stage{_only(owner)} AND "
            + (
                dialect.earlier("follow_up_at", ":overdue_before")
                if owner is None
                else "follow_up_at < :overdue_before"
            ),
            args,
        ).fetchone()[0]
    return Health(open_leads, rotting, overdue)


def owner_filter(only: LeadFilter, actor: str) -> tuple[str | None, str | None] | None:
    """(owner, None) for a filter that is `owner:NAME` alone (`owner:me`:
    the actor), (None, actor) for `mine` alone: the filters whose board
    totals the rollups hold. None for any other."""
    if only.owner and only == LeadFilter(owner=only.owner):
        return (actor if only.owner.lower() == ME else only.owner), None
    if only == LeadFilter(mine=True):
        return None, actor
    return None


def owner_stage_totals(
    db: sqlite_utils.Database, owner: str | None, mine: str | None = None
) -> dict[Stage, tuple[int, int]]:
    """{stage: (leads, value in cents)} of one owner's leads (the board's
    column totals under `owner:NAME`, matched as the filter matches it,
    whatever the case), or with `mine` of the leads of that user or of
    nobody (`mine`): the team's totals less every owner's but theirs and
    the empty one's. From the rollups, not a scan of the leads (~7 s at 1M)."""
    if mine is None:
        rows = db.execute(
            "SELECT stage, sum(n), sum(value) FROM kpi_owner_stage_totals"
            " WHERE lower(owner) = lower(:owner) GROUP BY stage",
            {"owner": owner},
        ).fetchall()
    else:
        rows = db.execute(
            "SELECT stage, sum(n), sum(value) FROM ("
            " SELECT stage, n, value FROM kpi_stage_totals UNION ALL"
            " SELECT stage, -n, -value FROM kpi_owner_stage_totals"
            "  WHERE owner != '' AND lower(owner) != lower(:me)) AS totals"
            " GROUP BY stage",
            {"me": mine},
        ).fetchall()
    return {Stage(stage): (n, value) for stage, n, value in rows if n}
