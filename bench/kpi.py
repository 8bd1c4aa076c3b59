"""The whole KPI computation (what `leadtui kpi` and the KPI tab compute,
the score calibration included)
against a floor measured in the same run: the plain SQL aggregates the
computation needs, each a single GROUP BY over the same rows with none of
the per-lead logic (furthest stage reached, last change in the window, the
stage each stay began in).

    python -m bench.kpi --db /tmp/1m.db [--runs 5]

Figures are medians of the runs, per window (30d and all). A second floor
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
    " GROUP BY source",
    # Stage changes in the window by stage.
    "SELECT to_stage, count(*) FROM stage_changes WHERE to_stage IN ('new', 'contacted',"
    " 'engaged', 'qualified', 'opportunity', 'won', 'lost') AND at >= :since AND at < :until"
    " GROUP BY to_stage",
    # Open leads: count and value by stage.
    "SELECT stage, count(*), sum(value_cents) FROM leads GROUP BY stage",
    # Spend.
    "SELECT source, sum(amount_cents) FROM spend GROUP BY source",
)


def median_seconds(job: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def statements_of_a_report(db: Path, window: Window) -> list[tuple[str, Any]]:
    """Every statement one report runs, with its parameters."""
    statements: list[tuple[str, Any]] = []
    traced = open_repository(db, tracer=lambda sql, params: statements.append((sql, params)))
    traced.kpi_report(window)
    traced.calibration()
    return statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    repo = open_repository(args.db)
    leads = repo.count_leads()
    now = repo.clock()
    print(f"KPIs at {leads:,} leads, median of {args.runs} runs")
    for name in ("30d", "all"):
        window = Window.last(name, now)
        bounds = {"since": to_iso(window.since) if window.since else "0000", "until": to_iso(now)}

        def floor(bounds: dict[str, str] = bounds) -> None:
            with sqlite3.connect(args.db) as conn:
                for sql in FLOOR_SQL:
                    conn.execute(sql, bounds).fetchall()

        def report(window: Window = window) -> None:
            repo.kpi_report(window)
            repo.calibration()  # `leadtui kpi` prints it too

        # The second floor: the very statements the report runs (rollup
        # reads and index range counts), replayed as plain SQL with none of
        # the Python around them.
        statements = statements_of_a_report(args.db, window)

        def replay(statements: list[tuple[str, Any]] = statements) -> None:
            with sqlite3.connect(args.db) as conn:
                for sql, params in statements:
                    if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                        conn.execute(sql, params or []).fetchall()

        floor_seconds = median_seconds(floor, args.runs)
        replay_seconds = median_seconds(replay, args.runs)
        report_seconds = median_seconds(report, args.runs)
        print(f"  window {name}:")
        print(f"    floor (plain GROUP BYs):        {floor_seconds * 1000:8.0f} ms")
        print(f"    its own SQL alone (replayed):   {replay_seconds * 1000:8.0f} ms")
        print(
            f"    leadtui kpi (every figure):     {report_seconds * 1000:8.0f} ms"
            f"  ({report_seconds / floor_seconds:.2f}x the floor,"
            f" {report_seconds / replay_seconds:.2f}x its own SQL)"
        )


if __name__ == "__main__":
    main()
