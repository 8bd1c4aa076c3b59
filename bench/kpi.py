"""The whole KPI computation (what `leadtui kpi` and the KPI tab compute,
the score calibration included)
against a floor measured in the same run: the plain SQL aggregates the
computation needs, each a single GROUP BY over the same rows with none of
the per-lead logic (furthest stage reached, last change in the window, the
stage each stay began in).

    python -m bench.kpi --db /tmp/1m.db [--db postgresql://...] [--runs 5] [--owner anna]

Figures are medians of the runs, per window (30d and all); with --owner,
for one rep's report (`leadtui kpi --owner anna`, the KPI tab's `f`) and
a floor filtered to that rep's leads. A second floor
replays the statements the report itself runs (the rollup reads and index
range counts), as plain SQL: what the report costs over its own queries.
Each --db (a file or a postgresql:// URL) is measured in turn, window by
window, in the same run: the engines side by side on the same data (a
URL filled by `leadtui db copy FILE URL`).

The CPU time is this process's (SQLite's work), and for a PostgreSQL on
this machine its backends' too (read from /proc): the work itself, apart
from the waits of a shared machine.
"""

import argparse
import contextlib
import os
import sqlite3
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadtui.domain.clock import to_iso
from leadtui.domain.kpis import Window
from leadtui.paths import is_url
from leadtui.repository import open_repository
from leadtui.repository.engine import shown
from leadtui.repository.kpi_queries import EPOCH

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


def median_seconds(
    job: Callable[[], object], runs: int, server: Callable[[], float] = lambda: 0.0
) -> tuple[float, float]:
    """(wall, CPU) seconds, each the median of the runs. The CPU time is
    this process's (SQLite runs in it), plus `server`'s (PostgreSQL's
    backends): on a shared machine the wall time also counts waiting for a
    core."""
    walls, cpus = [], []
    for _ in range(runs):
        start_server = server()  # read outside the times measured
        start, start_cpu = time.perf_counter(), time.process_time()
        job()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
        cpus[-1] += server() - start_server
    return statistics.median(walls), statistics.median(cpus)


def server_cpu(db: str) -> Callable[[], float]:
    """For a PostgreSQL URL on this machine, the CPU seconds its backends
    for the database have used (from /proc); 0 where that cannot be read
    (a server elsewhere). Parallel workers, short-lived, are not counted."""
    if not is_url(db):
        return lambda: 0.0
    import psycopg

    def used() -> float:
        with psycopg.connect(db, autocommit=True) as conn:
            pids = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid != pg_backend_pid()"
            ).fetchall()
        ticks = 0
        for (pid,) in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    return used


def statements_of_a_report(db: str, window: Window, owner: str | None) -> list[tuple[str, Any]]:
    """Every statement one report runs, with its parameters."""
    statements: list[tuple[str, Any]] = []
    traced = open_repository(db, tracer=lambda sql, params: statements.append((sql, params)))
    traced.kpi_report(window, owner)
    traced.calibration()
    return statements


def connection(db: str) -> Any:
    """A plain connection (no leadtui around it) to a file or a PostgreSQL
    URL, whose execute takes the report's own SQL text and parameters."""
    if not is_url(db):
        return contextlib.closing(sqlite3.connect(db))
    import psycopg

    from leadtui.repository.pg.connection import ADAPTERS, to_pyformat

    class Replayed:
        def __init__(self) -> None:
            self.conn = psycopg.connect(db, autocommit=True, context=ADAPTERS)

        def execute(self, sql: str, params: Any = None) -> Any:
            return self.conn.execute(to_pyformat(sql), params) if params else self.conn.execute(sql)

        def close(self) -> None:
            self.conn.close()

    return contextlib.closing(Replayed())


def measure(db: str, window: Window, owner: str | None, runs: int) -> tuple[float, ...]:
    """(floor, its own SQL replayed, the report): wall and CPU seconds each."""
    repo = open_repository(db)
    bounds = {
        "since": to_iso(window.since) if window.since else EPOCH,
        "until": to_iso(repo.clock()),
        "owner": owner,
    }

    def floor() -> None:
        with connection(db) as conn:
            for sql in floor_sql(owner):
                conn.execute(sql, bounds).fetchall()

    def report() -> None:
        repo.kpi_report(window, owner)
        repo.calibration()  # `leadtui kpi` prints it too

    # The second floor: the very statements the report runs (rollup reads
    # and index range counts), replayed as plain SQL with none of the
    # Python around them.
    statements = statements_of_a_report(db, window, owner)

    def replay() -> None:
        with connection(db) as conn:
            for sql, params in statements:
                # Reads, and the temp tables a reference query builds.
                if sql.lstrip().upper().startswith(_REPLAYED):
                    conn.execute(sql, params or []).fetchall()

    server = server_cpu(db)
    return (
        *median_seconds(floor, runs, server),
        *median_seconds(replay, runs, server),
        *median_seconds(report, runs, server),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db",
        action="append",
        required=True,
        help="a file or a postgresql:// URL; again for another, measured in the same run",
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--owner", help="one rep's report (default: the team's)")
    args = parser.parse_args()
    owner: str | None = args.owner
    now = datetime.now(UTC)
    whose = f"{owner}'s" if owner else "the team's"
    for db in args.db:
        leads = open_repository(db).count_leads()
        print(f"{shown(db)}: {leads:,} leads")
    print(f"KPIs ({whose} report), median of {args.runs} runs")
    for name in ("30d", "all"):
        window = Window.last(name, now)
        print(f"  window {name}:                    wall         CPU")
        for db in args.db:
            floor, floor_cpu, replay, replay_cpu, report, report_cpu = measure(
                db, window, owner, args.runs
            )
            print(f"   {'PostgreSQL' if is_url(db) else 'SQLite'}")
            print(f"    floor (plain GROUP BYs):      {ms(floor)} {ms(floor_cpu)}")
            print(f"    its own SQL alone (replayed): {ms(replay)} {ms(replay_cpu)}")
            print(
                f"    leadtui kpi (every figure):   {ms(report)} {ms(report_cpu)}"
                f"  ({report / floor:.2f}x the floor, {report / replay:.2f}x its own SQL)"
            )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.0f} ms"


if __name__ == "__main__":
    main()
