"""`leadtui import` of N rows against, in the same run on the same file:
- the peer: `sqlite-utils insert --csv` (every value stored as text, no
  validation, no mapping, no indexes);
- the floor: `sqlite3 .import --csv` into a table with no indexes;
- the storage floor: exactly the rows leadtui stored, as Python tuples,
  written by the import's own executemany path into leadtui's schema
  (indexes, search index and KPI rollups rebuilt once, as a big import
  does): what leadtui's storage costs with no work per row.
- with --baseline DIR, leadtui again from another source tree (a checkout's
  src/, e.g. `git archive main | tar -x -C /tmp/base`), to compare a change
  with what it changes in one run.

Two shapes of file:
- wide: Salesforce-shaped, 13 columns with a status, rating, amount and date;
- narrow: `First Name,Last Name,Email,Company,Lead Source,Phone`, the
  shortest real export (a form or a list), where leadtui's fixed costs per
  lead weigh most against the peer's.

    python -m bench.import_speed [--rows 1000000] [--shape wide|narrow|both]
        [--skip-peer] [--baseline /tmp/base/src]
    python -m bench.import_speed --db postgresql:///postgres?host=/tmp/pgb/c
        [--rows 100000] [--shape ...]

With --db (a PostgreSQL server, as a superuser's URL: the bench creates and
drops a scratch database for each shape there), the same file goes into
both engines in the same run: leadtui into a new SQLite file and into a
new PostgreSQL database, beside each engine's floor (`sqlite3 .import`;
PostgreSQL's `COPY` of the file into a bare table). On PostgreSQL the
server does part of the work in its own processes: its CPU is counted
from the server's process tree (bench.pg_server.server_cpu) and shown
beside the client's.

leadtui's modules are compiled to bytecode before anything is timed (in
the installed tree and in --baseline's), as `pip install` leaves them: on
a machine that sets PYTHONDONTWRITEBYTECODE nothing else writes them, and
each run compiled every module it imported again (about 0.1 s of CPU, the
same whatever the file's size).

Each figure is wall time, and CPU time (user + system) beside it: on a
shared machine the wall time moves with the load, the CPU time much less,
so the ratios are of CPU time. leadtui does more than either: it maps
columns, validates every field, detects duplicates, scores every lead and
keeps its indexes, search index and rollups, all in one transaction. The
goals (issue 16): at least as fast as the peer where the storage floor
allows it; where the floor alone costs more than the peer, as close to the
floor as the work per row allows.
"""

import argparse
import csv
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import cast

import leadtui
from bench import pg_server
from bench.import_files import COMPANIES, FIRST, LAST, SF_SOURCES, _email, big
from leadtui.domain import dedupe
from leadtui.domain.imported import ImportedLead
from leadtui.domain.models import LeadDraft
from leadtui.importing.convert import Converter
from leadtui.importing.reading import RawRow
from leadtui.repository import open_repository
from leadtui.repository.connection import write_transaction
from leadtui.repository.import_store import (
    BATCH_ROWS,
    CACHE_KIB,
    LEAD_INSERT_COLUMNS,
    StoredRows,
    defer_upkeep,
    write_rows,
)
from leadtui.usecases.importing import plan_import

NARROW_HEADERS = ["First Name", "Last Name", "Email", "Company", "Lead Source", "Phone"]


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float  # user + system of the command

    def __str__(self) -> str:
        return f"{self.wall:7.1f} s  (cpu {self.cpu:6.1f} s)"


def timed(command: list[str], env: dict[str, str] | None = None) -> Timing:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
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


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _storage_floor(ours: Path, work: Path) -> Timing:
    """What storing the rows leadtui stored costs with no Python work per
    row: the same tuples (read back from leadtui's file beforehand, untimed)
    written into a fresh database of leadtui's schema by the import's own
    write path (import_store.write_rows, batch by batch, indexes, search
    index and rollups dropped and rebuilt once, defer_upkeep), in one
    transaction, commit included. Measured in this process: no interpreter
    start or imports, which leadtui's figure includes (about 0.5 s)."""
    source = sqlite3.connect(ours)
    columns = ", ".join(LEAD_INSERT_COLUMNS)
    rows = StoredRows(
        leads=source.execute(f"SELECT {columns} FROM leads ORDER BY id").fetchall(),
        changes=source.execute(
            "SELECT lead_id, old, new, note, at, actor FROM journal"
            " WHERE field = 'stage' ORDER BY id"
        ).fetchall(),
        custom=source.execute("SELECT lead_id, name, value FROM custom_fields").fetchall(),
        tags=source.execute("SELECT lead_id, tag FROM tags").fetchall(),
        bant=source.execute("SELECT lead_id, criterion, answer, note FROM bant").fetchall(),
    )
    source.close()
    target = work / "storage-floor.db"
    target.unlink(missing_ok=True)
    open_repository(target)  # the schema, migrated
    batches = _batches(rows)
    before, start = _cpu(), time.perf_counter()
    with write_transaction(target) as db:
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        rebuild = defer_upkeep(db)
        for batch in batches:
            write_rows(db.conn, batch)
        for sql in rebuild:
            db.execute(sql)
    return Timing(time.perf_counter() - start, _cpu() - before)


def _batches(rows: StoredRows) -> list[StoredRows]:
    """The rows as the import wrote them: BATCH_ROWS leads a batch, each
    with its own stage changes, custom fields, tags and BANT answers."""
    batches: dict[int, StoredRows] = {}
    for table in ("leads", "changes", "custom", "tags", "bant"):
        for row in getattr(rows, table):
            batch = batches.setdefault((cast(int, row[0]) - 1) // BATCH_ROWS, StoredRows())
            getattr(batch, table).append(row)
    return [batches[number] for number in sorted(batches)]


def _required_work(source: Path) -> tuple[Timing, Timing]:
    """Two things leadtui must do for every row whatever else it saves, each
    timed alone over the file's converted rows (converted beforehand,
    untimed): reading each phone number with libphonenumber (the duplicate
    key, parser cache emptied first), and validating each lead through its
    pydantic model, as quick-add does."""
    converter = Converter(plan_import(source))
    drafts = [
        lead.draft.model_dump()
        for row in converter.plan.table.rows()
        if isinstance(row, RawRow) and isinstance(lead := converter.convert(row), ImportedLead)
    ]
    phones = [draft["phone"] for draft in drafts]
    dedupe._phone_key.cache_clear()
    before, start = _cpu(), time.perf_counter()
    for phone in phones:
        dedupe.phone_key(phone, None)
    parsing = Timing(time.perf_counter() - start, _cpu() - before)
    before, start = _cpu(), time.perf_counter()
    for draft in drafts:
        LeadDraft.model_validate(draft)
    return parsing, Timing(time.perf_counter() - start, _cpu() - before)


def _compiled(src: Path | None) -> None:
    """Bytecode for every module of the leadtui the run imports (see the
    module's docstring), untimed."""
    tree = src / "leadtui" if src is not None else Path(leadtui.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree)], check=True)


def _leadtui(work: Path, name: str, source: Path, src: Path | None = None) -> Timing:
    env = None
    if src is not None:  # ahead of the installed leadtui on the path
        env = {**os.environ, "PYTHONPATH": str(src.resolve())}
    _compiled(src)
    target = work / f"{name}.db"
    target.unlink(missing_ok=True)
    command = [sys.executable, "-m", "leadtui", "--db", str(target), "import", str(source)]
    return timed(command, env)


def measure(
    shape: str, rows: int, work: Path, sqlite3_cli: str, skip_peer: bool, baseline: Path | None
) -> None:
    source = work / f"{shape}.csv"
    (big if shape == "wide" else narrow)(source, rows)
    size = source.stat().st_size / 1e6
    floor = timed([sqlite3_cli, str(work / f"{shape}-floor.db"), f".import --csv {source} leads"])
    ours = _leadtui(work, f"{shape}-ours", source)
    before = _leadtui(work, f"{shape}-baseline", source, baseline) if baseline else None
    store_floor = _storage_floor(work / f"{shape}-ours.db", work)
    parsing, validating = _required_work(source)
    peer = None
    if not skip_peer:
        sqlite_utils_cli = Path(sys.executable).with_name("sqlite-utils")
        peer = timed([str(sqlite_utils_cli), "insert", str(work / f"{shape}-peer.db"), "leads",
                      str(source), "--csv"])  # fmt: skip
    columns = "13 columns, Salesforce-shaped" if shape == "wide" else ", ".join(NARROW_HEADERS)
    print(f"import, {shape}: {rows:,} rows, {size:,.0f} MB CSV ({columns})")
    print(f"  floor          sqlite3 .import --csv:      {floor}")
    if peer is not None:
        print(f"  peer           sqlite-utils insert --csv:  {peer}")
    print(f"  storage floor  leadtui's rows, executemany: {store_floor}")
    print(f"  phone numbers read (libphonenumber):       {parsing}")
    print(f"  leads validated (pydantic LeadDraft):      {validating}")
    print(f"  leadtui import:                            {ours}")
    if before is not None:
        print(f"  leadtui import, baseline {baseline}: {before}")
    for label, timing in (("leadtui", ours), ("baseline", before)):
        if timing is None:
            continue
        line = f"  {label + ':':9} / storage floor {timing.cpu / store_floor.cpu:.2f}x cpu"
        if peer is not None:
            line += (
                f", / peer {timing.cpu / peer.cpu:.2f}x cpu ({timing.wall / peer.wall:.2f}x wall)"
            )
        print(line)
    least = store_floor.cpu + parsing.cpu + validating.cpu
    print(f"  storage floor + phones + validation: {least:.1f} s cpu (a lower bound for leadtui)")
    if peer is not None:
        print(f"  storage floor / peer {store_floor.cpu / peer.cpu:.2f}x cpu")
        print(f"  storage floor + phones + validation / peer {least / peer.cpu:.2f}x cpu")


def _pg_scratch(server: str, name: str) -> str:
    pg_server.admin(server, f'DROP DATABASE IF EXISTS "{name}"')
    pg_server.admin(server, f'CREATE DATABASE "{name}"')
    return pg_server.database_url(server, name)


def _pg_timed(postmaster: int, run: Callable[[], Timing]) -> tuple[Timing, float]:
    """`run`'s timing and the server's CPU seconds meanwhile (after a pause
    for the server to end the connections the client closed)."""
    before = pg_server.server_cpu(postmaster)
    timing = run()
    time.sleep(0.5)
    return timing, pg_server.server_cpu(postmaster) - before


def _pg_copy_floor(url: str, source: Path) -> Timing:
    """PostgreSQL's floor, as `sqlite3 .import` is SQLite's: COPY of the
    CSV, as it is, into one table of text columns with no index."""
    import psycopg

    with source.open(encoding="utf-8") as stream:
        header = next(csv.reader(stream))
    columns = ", ".join(f"c{i} text" for i in range(len(header)))
    before, start = _cpu(), time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute(f"CREATE TABLE leads ({columns})")
        with (
            conn.cursor().copy("COPY leads FROM STDIN (FORMAT csv, HEADER true)") as copy,
            source.open("rb") as stream,
        ):
            while chunk := stream.read(1 << 20):
                copy.write(chunk)
    return Timing(time.perf_counter() - start, _cpu() - before)


def measure_engines(shape: str, rows: int, work: Path, sqlite3_cli: str, server: str) -> None:
    """One file into SQLite and into PostgreSQL, leadtui and each floor."""
    source = work / f"{shape}.csv"
    (big if shape == "wide" else narrow)(source, rows)
    postmaster = pg_server.postmaster_pid(server)
    floor = timed([sqlite3_cli, str(work / f"{shape}-floor.db"), f".import --csv {source} leads"])
    ours = _leadtui(work, f"{shape}-ours", source)
    floor_url = _pg_scratch(server, f"bench_import_{shape}_floor")
    pg_floor, pg_floor_server = _pg_timed(postmaster, partial(_pg_copy_floor, floor_url, source))
    url = _pg_scratch(server, f"bench_import_{shape}")
    command = [sys.executable, "-m", "leadtui", "--db", url, "import", str(source)]
    pg_ours, pg_ours_server = _pg_timed(postmaster, partial(timed, command))
    for name in (f"bench_import_{shape}_floor", f"bench_import_{shape}"):
        pg_server.admin(server, f'DROP DATABASE "{name}"')
    print(f"import, {shape}: {rows:,} rows into each engine")
    print(f"  SQLite floor      sqlite3 .import --csv:  {floor}")
    print(f"  SQLite            leadtui import:         {ours}")
    print(
        f"  PostgreSQL floor  COPY into a bare table: {pg_floor}"
        f"  server cpu {pg_floor_server:.1f} s"
    )
    print(
        f"  PostgreSQL        leadtui import:         {pg_ours}  server cpu {pg_ours_server:.1f} s"
    )
    print(
        f"  PostgreSQL / SQLite: {pg_ours.wall / ours.wall:.2f}x wall,"
        f" {(pg_ours.cpu + pg_ours_server) / ours.cpu:.2f}x cpu (client + server)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--shape", choices=("wide", "narrow", "both"), default="both")
    parser.add_argument("--skip-peer", action="store_true", help="the peer takes minutes")
    parser.add_argument(
        "--baseline", type=Path, help="another source tree's src/ to import with as well"
    )
    parser.add_argument("--db", help="a PostgreSQL server's URL: import into both engines")
    args = parser.parse_args()
    sqlite3_cli = shutil.which("sqlite3")
    if sqlite3_cli is None:
        sys.exit("the floor needs the sqlite3 command-line shell")
    shapes = ("wide", "narrow") if args.shape == "both" else (args.shape,)
    with tempfile.TemporaryDirectory() as scratch:
        for shape in shapes:
            if args.db:
                measure_engines(shape, args.rows, Path(scratch), sqlite3_cli, args.db)
                continue
            measure(shape, args.rows, Path(scratch), sqlite3_cli, args.skip_peer, args.baseline)


if __name__ == "__main__":
    main()
