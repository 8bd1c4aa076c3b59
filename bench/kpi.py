"""The whole KPI computation (what `leadtui kpi` and the KPI tab compute,
the score calibration included)
against a floor measured in the same run: the plain SQL aggregates the
computation needs, each a single GROUP BY over the same rows with none of
the per-lead logic (furthest stage reached, last change in the window, the
stage each stay began in).

    python -m bench.kpi --db /tmp/1m.db [--runs 5] [--owner anna]

Figures are medians of the runs, per window (30d and all); with --owner,
for one rep's report (`leadtui kpi --owner anna`, the KPI tab's `f`) and
a floor filtered to that rep's leads. A second floor
replays the statements the report itself runs (the rollup reads and index
range counts), as plain SQL: what the report costs over its own queries.
"""

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from leadtui.domain.clock import to_iso
from leadtui.domain.kpis import Window
from leadtui.repository import open_repository

FLOOR_SQL = (
    # New leads by source.
    "SELECT source, count(*) FROM leads WHERE created_at >= :since AND created_at < :until"
    "{owner} GROUP BY source",
    # Stage changes in the window by stage.
    "SELECT to_stage, count(*) FROM stage_changes WHERE to_stage IN ('new', 'contacted',"
    " 'engaged', 'qualified', 'opportunity', 'won', 'lost') AND at >= :since AND at < :until"
    "{owner_of_lead} GROUP BY to_stage",
    # Open leads: count and value by stage.
    "SELECT stage, count(*), sum(value_cents) FROM leads WHERE true{owner} GROUP BY stage",
    # Spend.
    "SELECT source, sum(amount_cents) FROM spend GROUP BY source",
)


def floor_sql(owner: str | None) -> list[str]:
    """The floor's statements, for one rep's leads or (as they were first
    measured, with no filter at all) for everyone's."""
    only = " AND owner = :owner" if owner else ""
    of_lead = " AND lead_id IN (SELECT id FROM leads WHERE owner = :owner)" if owner else ""
    return [sql.format(owner=only, owner_of_lead=of_lead) for sql in FLOOR_SQL]


_REPLAYED = ("SELECT", "WITH", "CREATE TEMP", "DROP TABLE")


def median_seconds(job: Callable[[], object], runs: int) -> tuple[float, float]:
    """(wall, CPU) seconds, each the median of the runs. The CPU time is
    this process's (SQLite runs in it): on a shared machine the wall time
    also counts waiting for a core."""
    walls, cpus = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        job()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus)


def statements_of_a_report(db: Path, window: Window, owner: str | None) -> list[tuple[str, Any]]:
    """Every statement one report runs, with its parameters."""
    statements: list[tuple[str, Any]] = []
    traced = open_repository(db, tracer=lambda sql, params: statements.append((sql, params)))
    traced.kpi_report(window, owner)
    traced.calibration()
    return statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--owner", help="one rep's report (default: the team's)")
    args = parser.parse_args()
    owner: str | None = args.owner
    repo = open_repository(args.db)
    leads = repo.count_leads()
    now = repo.clock()
    whose = f"{owner}'s" if owner else "the team's"
    print(f"KPIs ({whose} report) at {leads:,} leads, median of {args.runs} runs")
    for name in ("30d", "all"):
        window = Window.last(name, now)
        bounds = {
            "since": to_iso(window.since) if window.since else "0000",
            "until": to_iso(now),
            "owner": owner,
        }

        def floor(bounds: dict[str, str | None] = bounds) -> None:
            with sqlite3.connect(args.db) as conn:
                for sql in floor_sql(owner):
                    conn.execute(sql, bounds).fetchall()

        def report(window: Window = window) -> None:
            repo.kpi_report(window, owner)
            repo.calibration()  # `leadtui kpi` prints it too

        # The second floor: the very statements the report runs (rollup
        # reads and index range counts), replayed as plain SQL with none of
        # the Python around them.
        statements = statements_of_a_report(args.db, window, owner)

        def replay(statements: list[tuple[str, Any]] = statements) -> None:
            with sqlite3.connect(args.db) as conn:
                for sql, params in statements:
                    # Reads, and the temp tables a reference query builds.
                    if sql.lstrip().upper().startswith(_REPLAYED):
                        conn.execute(sql, params or []).fetchall()

        floor_seconds, floor_cpu = median_seconds(floor, args.runs)
        replay_seconds, replay_cpu = median_seconds(replay, args.runs)
        report_seconds, report_cpu = median_seconds(report, args.runs)
        print(f"  window {name}:               wall         CPU")
        print(f"    floor (plain GROUP BYs):      {ms(floor_seconds)} {ms(floor_cpu)}")
        print(f"    its own SQL alone (replayed): {ms(replay_seconds)} {ms(replay_cpu)}")
        print(
            f"    leadtui kpi (every figure):   {ms(report_seconds)} {ms(report_cpu)}"
            f"  ({report_seconds / floor_seconds:.2f}x the floor,"
            f" {report_seconds / replay_seconds:.2f}x its own SQL)"
        )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f} ms"


if __name__ == "__main__":
    main()
