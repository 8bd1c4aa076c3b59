"""`leadtui import` of N rows against, in the same run on the same file:
- the peer: `sqlite-utils insert --csv` (every value stored as text, no
  validation, no mapping, no indexes);
- the floor: `sqlite3 .import --csv` into a table with no indexes.

    python -m bench.import_speed [--rows 1000000] [--skip-peer]

leadtui does more than either: it maps columns, validates every field,
detects duplicates, scores every lead and keeps its indexes, all in one
transaction. The goals (issue 8): at least as fast as the peer, and at most
3x the floor.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.import_files import big
from leadtui.repository.schema import FTS_REBUILD, FTS_TRIGGERS


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _storage_floor(sqlite3_cli: str, work: Path) -> float:
    """What SQLite alone takes to load the rows leadtui wrote (1 lead row,
    1-2 stage changes, a few custom fields each) into the same schema with
    its indexes and search index: the cost of the storage, with no Python
    in the loop."""
    ours = work / "ours.db"
    tables = ("leads", "stage_changes", "custom_fields", "tags")
    for table in tables:
        with (work / f"{table}.csv").open("w") as out:
            subprocess.run(
                [sqlite3_cli, "-csv", str(ours), f"SELECT * FROM {table}"], check=True, stdout=out
            )
    schema = subprocess.run(
        [sqlite3_cli, str(ours), ".schema"], check=True, capture_output=True, text=True
    ).stdout
    target = work / "storage-floor.db"
    # The search index as leadtui's big imports build it: triggers off during
    # the load, one rebuild at the end (inside the timing).
    drop = "".join(f'DROP TRIGGER "{name}";' for name, _ in FTS_TRIGGERS)
    subprocess.run([sqlite3_cli, str(target)], input=schema + drop, text=True, check=True)
    imports = [f".import --csv {work / table}.csv {table}" for table in tables]
    rebuild = [FTS_REBUILD, *(sql for _, sql in FTS_TRIGGERS)]
    return timed([sqlite3_cli, str(target), *imports, *rebuild])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-peer", action="store_true", help="the peer takes minutes")
    args = parser.parse_args()
    sqlite3_cli = shutil.which("sqlite3")
    sqlite_utils_cli = Path(sys.executable).with_name("sqlite-utils")
    if sqlite3_cli is None:
        sys.exit("the floor needs the sqlite3 command-line shell")
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        source = work / "leads.csv"
        big(source, args.rows)
        size = source.stat().st_size / 1e6
        floor = timed([sqlite3_cli, str(work / "floor.db"), f".import --csv {source} leads"])
        ours = timed(
            [sys.executable, "-m", "leadtui", "--db", str(work / "ours.db"), "import", str(source)]
        )
        store_floor = _storage_floor(sqlite3_cli, work)
        peer = None
        if not args.skip_peer:
            peer = timed([str(sqlite_utils_cli), "insert", str(work / "peer.db"), "leads",
                          str(source), "--csv"])  # fmt: skip
    print(f"import: {args.rows:,} rows, {size:,.0f} MB CSV (13 columns, Salesforce-shaped)")
    print(f"  floor  sqlite3 .import --csv:       {floor:7.1f} s")
    if peer is not None:
        print(f"  peer   sqlite-utils insert --csv:   {peer:7.1f} s")
    print(f"  leadtui import:                     {ours:7.1f} s")
    print("  storage floor: sqlite3 .import of what leadtui stored, same schema and")
    print(f"  indexes (leads, stage_changes, custom_fields, tags): {store_floor:7.1f} s")
    print(f"  leadtui / floor: {ours / floor:.2f}x (goal <= 3x)")
    print(f"  storage floor / floor: {store_floor / floor:.2f}x")
    if peer is not None:
        print(f"  leadtui / peer:  {ours / peer:.2f}x (goal <= 1x)")


if __name__ == "__main__":
    main()
