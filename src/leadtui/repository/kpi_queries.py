"""The KPIs straight from the leads and the journal, one function per figure
group: the reference the rollups (kpi_rollups.py) are held equal to, and
the helpers both share.

Which stage changes stand is decided by the definition itself,
kpis.standing, over each lead's changes in order (temp.standing: the
changes that stand, each with the time of its lead's standing change
before it); the figures are grouped counts and sums over that and the
leads. Windows are half-open [since, until) over ISO-8601 text, which
sorts as time does; `owner` None means every owner.

The reference functions run on SQLite only (temp tables, boolean sums);
PostgreSQL's rollups are held to SQLite's for the same history instead
(tests/test_kpi_rollups.py). The helpers the rollups share run on both.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any

import sqlite_utils

from leadtui.domain import kpis
from leadtui.domain.clock import overdue_before, to_iso
from leadtui.domain.kpis import (
    LADDER,
    Health,
    LostReason,
    Money,
    Outcomes,
    SourceRow,
    Velocity,
    Window,
)
from leadtui.domain.models import Source, Stage
from leadtui.domain.pipeline import OPEN_STAGES, ROTTING_DAYS, WIN_PROBABILITY
from leadtui.repository.team_zone import in_team_zone

# Before any stored time: "since the beginning" (a time both engines read:
# PostgreSQL's timestamptz has no year 0).
EPOCH = "0001-01-01T00:00:00+00:00"
_MONTH_ZERO = "0000"
_OWNER = "(:owner IS NULL OR l.owner = :owner)"
_OPEN_SQL = ", ".join(f"'{stage.value}'" for stage in OPEN_STAGES)
_ALL_STAGES_SQL = ", ".join(f"'{stage.value}'" for stage in Stage)
_RANK = (
    "CASE sc.to_stage "
    + " ".join(f"WHEN '{stage.value}' THEN {rank}" for rank, stage in enumerate(LADDER))
    + " END"
)


@contextmanager
def _standing(db: sqlite_utils.Database, owner: str | None) -> Iterator[None]:
    """temp.standing for the block: the stage changes that stand, of every
    lead or of one owner's leads, each with `before_at`, the time of its
    lead's standing change before it (None for the first)."""
    db.execute("DROP TABLE IF EXISTS temp.standing")
    db.execute(
        "CREATE TEMP TABLE standing (id INTEGER PRIMARY KEY, lead_id INTEGER, from_stage TEXT,"
        " to_stage TEXT, reason TEXT, at TEXT, before_at TEXT)"
    )
    rows = db.execute(
        "SELECT id, lead_id, from_stage, to_stage, reason, at FROM stage_changes"
        " WHERE :owner IS NULL OR lead_id IN (SELECT id FROM leads WHERE owner = :owner)"
        " ORDER BY lead_id, at, id",
        {"owner": owner},
    ).fetchall()
    kept: list[tuple[Any, ...]] = []
    for _, lead_rows in groupby(rows, key=lambda row: row[1]):
        changes = list(lead_rows)
        before = None
        for change, stands in zip(
            changes, kpis.standing([(row[2], row[3]) for row in changes]), strict=True
        ):
            if stands:
                kept.append((*change, before))
                before = change[5]
    db.conn.executemany("INSERT INTO temp.standing VALUES (?, ?, ?, ?, ?, ?, ?)", kept)
    db.execute("CREATE INDEX temp.standing_lead ON standing (lead_id, at)")
    try:
        yield
    finally:
        db.execute("DROP TABLE temp.standing")


def params(window: Window, owner: str | None) -> dict[str, Any]:
    return {
        "since": to_iso(window.since) if window.since else EPOCH,
        "until": until_iso(window.until),
        "owner": owner,
    }


def until_iso(until: datetime) -> str:
    """Stored times have whole seconds: a window ending "now" at 12:00:05.3
    must include a lead created at 12:00:05, so the end rounds up."""
    return to_iso(until + timedelta(microseconds=999_999))


def created_by_source(
    db: sqlite_utils.Database, window: Window, owner: str | None
) -> tuple[dict[Stage, int], dict[Source, tuple[int, int]]]:
    """The created cohort: (leads that reached each ladder step, {source:
    (leads, reached Won)}), from one pass over the cohort, each lead's
    highest step read from its standing changes up to the window's end."""
    with _standing(db, owner):
        rows = db.execute(
            f"""
            SELECT l.source, coalesce((SELECT max({_RANK}) FROM temp.standing sc
                                       WHERE sc.lead_id = l.id AND sc.at < :until), 0) AS top,
                   count(*)
              FROM leads l
             WHERE l.created_at >= :since AND l.created_at < :until AND {_OWNER}
             GROUP BY l.source, top
            """,
            params(window, owner),
        ).fetchall()
    return tally_created(rows)


def tally_created(
    rows: Iterable[tuple[str, int, int]],
) -> tuple[dict[Stage, int], dict[Source, tuple[int, int]]]:
    """(source, furthest step, leads) rows as the funnel's counts and each
    source's (leads, reached Won)."""
    reached: dict[Stage, int] = defaultdict(int)
    by_source: dict[Source, list[int]] = defaultdict(lambda: [0, 0])
    won_rank = LADDER.index(Stage.WON)
    for source, top, count in rows:
        if not count:
            continue
        for rank in range(top + 1):
            reached[LADDER[rank]] += count
        by_source[Source(source)][0] += count
        if top == won_rank:
            by_source[Source(source)][1] += count
    return dict(reached), {source: (n, won) for source, (n, won) in by_source.items()}


def count_created(db: sqlite_utils.Database, window: Window, owner: str | None) -> int:
    return int(
        db.execute(
            f"SELECT count(*) FROM leads l"
            f" WHERE l.created_at >= :since AND l.created_at < :until AND {_OWNER}",
            params(window, owner),
        ).fetchone()[0]
    )


# The closed cohort: a standing change to Won or Lost inside the window
# that no later standing change of the same lead inside the window follows.
_CLOSED = f"""
    CREATE TEMP TABLE closed AS
    SELECT sc.lead_id, sc.to_stage, sc.from_stage, sc.reason, sc.at,
           l.source, l.value_cents, l.created_at
      FROM temp.standing sc JOIN leads l ON l.id = sc.lead_id
     WHERE sc.to_stage IN ('won', 'lost') AND sc.at >= :since AND sc.at < :until
       AND {_OWNER}
       AND NOT EXISTS (
           SELECT 1 FROM temp.standing later
            WHERE later.lead_id = sc.lead_id AND later.at < :until
              AND (later.at > sc.at OR (later.at = sc.at AND later.id > sc.id)))
"""


def outcomes_by_source(
    db: sqlite_utils.Database, window: Window, owner: str | None
) -> tuple[Outcomes, dict[Source, tuple[int, int, int]]]:
    """The closed cohort: each lead's last stage change inside the window, if
    it is to Won or Lost. Returns the outcomes and {source: (won, lost,
    revenue)}. The cohort is built once into a temp table."""
    db.execute("DROP TABLE IF EXISTS temp.closed")
    with _standing(db, owner):
        db.execute(_CLOSED, params(window, owner))
    try:
        by_source: dict[Source, tuple[int, int, int]] = {}
        for source, won, lost, revenue in db.execute(
            "SELECT source, sum(to_stage = 'won'), sum(to_stage = 'lost'),"
            " sum(CASE WHEN to_stage = 'won' THEN value_cents ELSE 0 END)"
            " FROM temp.closed GROUP BY source"
        ):
            by_source[Source(source)] = (won, lost, revenue)
        reasons = tuple(
            LostReason(reason or "(none)", count, value)
            for reason, count, value in db.execute(
                "SELECT reason, count(*), sum(value_cents) FROM temp.closed"
                " WHERE to_stage = 'lost' GROUP BY reason ORDER BY count(*) DESC, reason"
            )
        )
        lost_by_stage = {
            Stage(stage): count
            for stage, count in db.execute(
                "SELECT from_stage, count(*) FROM temp.closed WHERE to_stage = 'lost'"
                " AND from_stage IS NOT NULL GROUP BY from_stage"
            )
        }
        cycles = [
            row[0]
            for row in db.execute(
                "SELECT julianday(at) - julianday(created_at) FROM temp.closed"
                " WHERE to_stage = 'won' ORDER BY 1"
            )
        ]
    finally:
        db.execute("DROP TABLE temp.closed")
    outcomes = Outcomes(
        won=sum(won for won, _, _ in by_source.values()),
        lost=sum(lost for _, lost, _ in by_source.values()),
        revenue_cents=sum(revenue for _, _, revenue in by_source.values()),
        cycle_total_days=sum(cycles),
        median_cycle_days=statistics.median(cycles) if cycles else None,
        lost_reasons=reasons,
        lost_by_stage=lost_by_stage,
    )
    return outcomes, by_source


def spend_by_source(db: sqlite_utils.Database, window: Window) -> dict[Source, int]:
    """Spend of each month overlapping the window, prorated by the share of
    the month's time inside it (a 30-day window over two months takes part
    of each)."""
    first = window.since.strftime("%Y-%m") if window.since else _MONTH_ZERO
    totals: dict[Source, float] = defaultdict(float)
    for source, month, cents in db.execute(
        "SELECT source, month, amount_cents FROM spend WHERE month >= ? AND month <= ?",
        [first, window.until.strftime("%Y-%m")],
    ):
        start = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)
        end = (start + timedelta(days=32)).replace(day=1)
        overlap_from = max(start, window.since) if window.since else start
        overlap = (min(end, window.until) - overlap_from).total_seconds()
        if overlap > 0:
            totals[Source(source)] += cents * overlap / (end - start).total_seconds()
    return {source: round(cents) for source, cents in totals.items()}


def source_rows(
    created: dict[Source, tuple[int, int]],
    closed: dict[Source, tuple[int, int, int]],
    spend: dict[Source, int],
) -> list[SourceRow]:
    rows = []
    for source in Source:
        leads, converted = created.get(source, (0, 0))
        won, lost, revenue = closed.get(source, (0, 0, 0))
        row = SourceRow(source, leads, converted, won, lost, revenue, spend.get(source, 0))
        if row != SourceRow(source):
            rows.append(row)
    return rows


def money(db: sqlite_utils.Database, owner: str | None) -> Money:
    # Without an owner filter the (stage, value_cents) index answers alone.
    where = f"l.stage IN ({_OPEN_SQL})" + (" AND l.owner = :owner" if owner else "")
    rows = db.execute(
        f"SELECT l.stage, count(*), sum(l.value_cents) FROM leads l WHERE {where} GROUP BY l.stage",
        {"owner": owner},
    ).fetchall()
    return money_of(rows)


def money_of(rows: list[tuple[str, int, int]]) -> Money:
    """(open stage, leads, value) rows as the pipeline and its weighted value."""
    return Money(
        open_leads=sum(count for _, count, _ in rows),
        pipeline_cents=sum(value for _, _, value in rows),
        weighted_cents=round(
            sum(value * WIN_PROBABILITY[Stage(stage)] for stage, _, value in rows)
        ),
    )


def time_in_stage(
    db: sqlite_utils.Database, window: Window, owner: str | None
) -> dict[Stage, float | None]:
    """Average days per open stage, over stays that ended inside the window:
    each standing change out of a stage, against the lead's standing change
    before it (which is the one that entered that stage)."""
    with _standing(db, owner):
        rows = dict(
            db.execute(
                f"""
                SELECT sc.from_stage, avg(julianday(sc.at) - julianday(sc.before_at))
                  FROM temp.standing sc
                 WHERE sc.to_stage IN ({_ALL_STAGES_SQL}) AND sc.at >= :since
                   AND sc.at < :until AND sc.from_stage IN ({_OPEN_SQL})
                 GROUP BY sc.from_stage
                """,
                params(window, owner),
            ).fetchall()
        )
    return {stage: rows.get(stage.value) for stage in OPEN_STAGES}


def velocity(db: sqlite_utils.Database, until: datetime, owner: str | None) -> Velocity:
    weeks = kpis.VELOCITY_WEEKS
    since = until - timedelta(days=7 * weeks)
    args = {"since": to_iso(since), "until": until_iso(until), "owner": owner}
    week = "CAST((julianday(:until) - julianday({column})) / 7 AS INTEGER)"
    new = dict(
        db.execute(
            f"SELECT {week.format(column='l.created_at')} AS w, count(*) FROM leads l"
            f" WHERE l.created_at >= :since AND l.created_at < :until AND {_OWNER} GROUP BY w",
            args,
        ).fetchall()
    )
    month = {
        "until": until_iso(until),
        "mid": to_iso(until - timedelta(days=30)),
        "start": to_iso(until - timedelta(days=60)),
    }
    with _standing(db, owner):
        qualified = dict(
            db.execute(
                f"SELECT {week.format(column='sc.at')} AS w, count(DISTINCT sc.lead_id)"
                " FROM temp.standing sc"
                " WHERE sc.to_stage = 'qualified' AND sc.at >= :since AND sc.at < :until"
                " GROUP BY w",
                args,
            ).fetchall()
        )
        last_30, previous_30 = db.execute(
            "SELECT count(DISTINCT CASE WHEN sc.at >= :mid THEN sc.lead_id END),"
            " count(DISTINCT CASE WHEN sc.at < :mid THEN sc.lead_id END)"
            " FROM temp.standing sc"
            " WHERE sc.to_stage = 'qualified' AND sc.at >= :start AND sc.at < :until",
            month,
        ).fetchone()
    # Week 0 is the latest; the sparkline reads oldest first.
    return Velocity(
        new_per_week=tuple(new.get(w, 0) for w in reversed(range(weeks))),
        qualified_per_week=tuple(qualified.get(w, 0) for w in reversed(range(weeks))),
        qualified_last_30=last_30,
        qualified_previous_30=previous_30,
    )


def health(db: sqlite_utils.Database, now: datetime, owner: str | None) -> Health:
    """Open leads now: rotting per its stage's threshold, and overdue."""
    thresholds = " ".join(
        f"WHEN '{stage.value}' THEN '{to_iso(now - timedelta(days=days))}'"
        for stage, days in ROTTING_DAYS.items()
    )
    count, rotting, overdue = db.execute(
        f"SELECT count(*),"
        f" coalesce(sum(max(l.stage_entered_at, coalesce(l.last_touch_at, ''))"
        f"   < CASE l.stage {thresholds} END), 0),"
        f" coalesce(sum(l.follow_up_at < :overdue_before), 0)"
        f" FROM leads l WHERE l.stage IN ({_OPEN_SQL}) AND {_OWNER}",
        {"overdue_before": to_iso(overdue_before(in_team_zone(db, now))), "owner": owner},
    ).fetchone()
    return Health(count, rotting, overdue)
