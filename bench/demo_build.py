"""Demo data generation: `leadtui demo --leads N` against a floor measured in
the same run: `sqlite3 .import` of the very same rows from CSV files into
tables with no indexes (the cheapest way SQLite itself can load them).

    python -m bench.demo_build [--leads 1000000]
"""

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = ("leads", "stage_changes", "activities")


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=1_000_000)
    args = parser.parse_args()
    sqlite3_cli = shutil.which("sqlite3")
    if sqlite3_cli is None:
        sys.exit("the floor needs the sqlite3 command-line shell")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        demo_db = work / "demo.db"
        demo_seconds = timed(
            [
                sys.executable,
                "-m",
                "leadtui",
                "demo",
                "--db",
                str(demo_db),
                "--leads",
                str(args.leads),
            ]
        )
        with sqlite3.connect(demo_db) as conn:
            rows = sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES)
        for table in TABLES:
            subprocess.run(
                [sqlite3_cli, "-csv", "-header", str(demo_db), f"SELECT * FROM {table}"],
                check=True,
                stdout=(work / f"{table}.csv").open("w"),
            )
        imports = [f".import --csv {work / table}.csv {table}" for table in TABLES]
        floor_seconds = timed([sqlite3_cli, str(work / "floor.db"), *imports])
    print(f"demo data: {args.leads:,} leads, {rows:,} rows in all")
    print(f"  floor (sqlite3 .import of the same rows, no indexes): {floor_seconds:6.1f} s")
    print(f"  leadtui demo (generate + insert + index):             {demo_seconds:6.1f} s")
    print(f"  ratio: {demo_seconds / floor_seconds:.2f}x the floor")


if __name__ == "__main__":
    main()
