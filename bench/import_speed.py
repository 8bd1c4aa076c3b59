"""`leadtui import` of N rows against, in the same run on the same file:
- the peer: `sqlite-utils insert --csv` (every value stored as text, no
  validation, no mapping, no indexes);
- the floor: `sqlite3 .import --csv` into a table with no indexes;
- the storage floor: `sqlite3 .import` of exactly the rows leadtui stored,
  into the same schema and indexes (the cost of the storage, no Python).

Two shapes of file:
- wide: Salesforce-shaped, 13 columns with a status, rating, amount and date;
- narrow: `First Name,Last Name,Email,Company,Lead Source,Phone`, the
  shortest real export (a form or a list), where leadtui's fixed costs per
  lead weigh most against the peer's.

    python -m bench.import_speed [--rows 1000000] [--shape wide|narrow|both] [--skip-peer]

Each figure is wall time, and CPU time (user + system) beside it: on a
shared machine the wall time moves with the load, the CPU time much less.
leadtui does more than either: it maps columns, validates every field,
detects duplicates, scores every lead and keeps its indexes, all in one
transaction. The goals (issue 8): at least as fast as the peer, and at most
3x the floor.
"""

import argparse
import csv
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.import_files import COMPANIES, FIRST, LAST, SF_SOURCES, _email, big
from leadtui.repository.schema import FTS_REBUILD, FTS_TRIGGERS

NARROW_HEADERS = ["First Name", "Last Name", "Email", "Company", "Lead Source", "Phone"]


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system of the command

    def __str__(self) -> str:
        return f"{self.wall:7.1f} s  (cpu {self.cpu:6.1f} s)"


def timed(command: list[str]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def narrow(path: Path, rows: int, seed: int = 5) -> None:
    """A form's or a list's leads: six columns, every row good."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(NARROW_HEADERS)
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            writer.writerow([
                first, last, _email(first, last, i), f"{rng.choice(COMPANIES)} {i % 97}",
                rng.choice(SF_SOURCES), f"+1 555 {i:07d}",
            ])  # fmt: skip


def _storage_floor(sqlite3_cli: str, work: Path, ours: Path) -> Timing:
    """What SQLite alone takes to load the rows leadtui wrote (1 lead row,
    1-2 stage changes, a few custom fields each) into the same schema with
    its indexes and search index: the cost of the storage, with no Python
    in the loop."""
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
    target.unlink(missing_ok=True)
    # The search index as leadtui's big imports build it: triggers off during
    # the load, one rebuild at the end (inside the timing).
    drop = "".join(f'DROP TRIGGER "{name}";' for name, _ in FTS_TRIGGERS)
    subprocess.run([sqlite3_cli, str(target)], input=schema + drop, text=True, check=True)
    imports = [f".import --csv {work / table}.csv {table}" for table in tables]
    rebuild = [FTS_REBUILD, *(sql for _, sql in FTS_TRIGGERS)]
    return timed([sqlite3_cli, str(target), *imports, *rebuild])


def measure(shape: str, rows: int, work: Path, sqlite3_cli: str, skip_peer: bool) -> None:
    source = work / f"{shape}.csv"
    (big if shape == "wide" else narrow)(source, rows)
    size = source.stat().st_size / 1e6
    ours_db = work / f"{shape}-ours.db"
    floor = timed([sqlite3_cli, str(work / f"{shape}-floor.db"), f".import --csv {source} leads"])
    ours = timed([sys.executable, "-m", "leadtui", "--db", str(ours_db), "import", str(source)])
    store_floor = _storage_floor(sqlite3_cli, work, ours_db)
    peer = None
    if not skip_peer:
        sqlite_utils_cli = Path(sys.executable).with_name("sqlite-utils")
        peer = timed([str(sqlite_utils_cli), "insert", str(work / f"{shape}-peer.db"), "leads",
                      str(source), "--csv"])  # fmt: skip
    columns = "13 columns, Salesforce-shaped" if shape == "wide" else ", ".join(NARROW_HEADERS)
    print(f"import, {shape}: {rows:,} rows, {size:,.0f} MB CSV ({columns})")
    print(f"  floor  sqlite3 .import --csv:      {floor}")
    if peer is not None:
        print(f"  peer   sqlite-utils insert --csv:  {peer}")
    print(f"  leadtui import:                    {ours}")
    print(f"  storage floor (what leadtui stored, same schema and indexes): {store_floor}")
    print(f"  leadtui / floor: {ours.wall / floor.wall:.2f}x (goal <= 3x)")
    print(f"  storage floor / floor: {store_floor.wall / floor.wall:.2f}x")
    if peer is not None:
        print(
            f"  leadtui / peer:  {ours.wall / peer.wall:.2f}x wall,"
            f" {ours.cpu / peer.cpu:.2f}x cpu (goal <= 1x)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--shape", choices=("wide", "narrow", "both"), default="both")
    parser.add_argument("--skip-peer", action="store_true", help="the peer takes minutes")
    args = parser.parse_args()
    sqlite3_cli = shutil.which("sqlite3")
    if sqlite3_cli is None:
        sys.exit("the floor needs the sqlite3 command-line shell")
    shapes = ("wide", "narrow") if args.shape == "both" else (args.shape,)
    with tempfile.TemporaryDirectory() as scratch:
        for shape in shapes:
            measure(shape, args.rows, Path(scratch), sqlite3_cli, args.skip_peer)


if __name__ == "__main__":
    main()
