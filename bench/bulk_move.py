"""A bulk move of a whole list, as `V` then `x` does it: every open lead
lost in one action (repository/moves_set.py), and the longest time a
teammate's write waited for the lock meanwhile; the undo of a smaller move
before it, and the undo of the whole move after it (repository/undo_set.py),
timed the same way.

    python -m bench.bulk_move --db COPY [--undo 5000]

It writes: use a copy. The probe is another process's connection taking
the write lock (BEGIN IMMEDIATE, ROLLBACK) every 10 ms, as a teammate's
save would: its longest wait is the longest the move held the lock.

The floor, measured first in the same run: the least any bulk loss of the
same leads can write, given the schema the screens read. Each lead's row
gets what a loss changes (stage, lost reason, entry time, updated, version)
through every index of `leads`, and one journal line (the stage line: an
audit trail is part of the job), in chunks of moves_set.CHUNK taken in the
order of the leads' ids (as the move takes them), with every trigger
dropped (no KPI rollups, board totals or search upkeep) and the same page
cache as the move. It runs in one transaction that is rolled
back, so the copy is left as it was (and no commit is paid).

The floor with commits: the same writes on a copy of the file (made
first, not timed, then deleted), a transaction and a commit per chunk as
the move commits them, with the synchronous mode leadtui's connections
use: the least a chunked bulk loss can cost, the WAL writes and syncs
included.
"""

import argparse
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from leadtui.domain.models import Stage
from leadtui.domain.pipeline import OPEN_STAGES
from leadtui.paths import is_url
from leadtui.repository import Repository, open_repository
from leadtui.repository.connection import synchronous_mode
from leadtui.repository.moves_set import CACHE_KIB, CHUNK


class LockProbe:
    """Takes the write lock every 10 ms from its own connection; the
    longest wait for it is what a teammate's save would have waited. On a
    PostgreSQL URL the lock is the one every write transaction takes first
    (pg/engine.py's advisory lock)."""

    def __init__(self, path: Path | str) -> None:
        self.longest = 0.0
        self._take: Callable[[], None]
        if is_url(path):
            import psycopg

            from leadtui.repository.pg.schema import WRITE_LOCK

            pg = psycopg.connect(str(path), autocommit=True)
            self._take = lambda: _take_pg_lock(pg, WRITE_LOCK)
            self._close: Callable[[], None] = pg.close
        else:
            lite = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            lite.execute("PRAGMA busy_timeout = 60000")
            self._take = lambda: _take_sqlite_lock(lite)
            self._close = lite.close
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._probe, daemon=True)
        self._thread.start()

    def _probe(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            self._take()
            self.longest = max(self.longest, time.perf_counter() - start)
            time.sleep(0.01)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self._close()
        return self.longest


def _take_sqlite_lock(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError:  # still busy after 60 s: the figure reads
        pass  # 60 s, meaning at least that (the next try counts afresh)


def _take_pg_lock(conn: Any, lock: int) -> None:
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [lock])


# The floors a figure is set against: (label, (wall, CPU)).
Floors = Sequence[tuple[str, tuple[float, float]]]


def timed(path: Path | str, label: str, job: Callable[[], object], floors: Floors = ()) -> None:
    probe = LockProbe(path)
    wall, cpu = time.perf_counter(), time.process_time()
    result = job()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    ratios = "; ".join(f"{wall / w:.1f}x, {cpu / c:.1f}x {name}" for name, (w, c) in floors)
    ratio = f" ({ratios})" if floors else ""
    print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU{ratio}; longest lock wait"
          f" {probe.stop():.2f} s ({result})")  # fmt: skip


def floor(path: Path, ids: list[int]) -> tuple[float, float]:
    """(wall, CPU) seconds of the floor's writes for `ids` (see above)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        db.execute("BEGIN IMMEDIATE")
        _drop_triggers(db)
        wall, cpu = time.perf_counter(), time.process_time()
        _floor_writes(db, sorted(ids), commit=False)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        db.execute("ROLLBACK")
    finally:
        db.close()
    return wall, cpu


def floor_committed(path: Path, ids: list[int]) -> tuple[float, float]:
    """(wall, CPU) seconds of the floor's writes for `ids` on a copy of the
    file, each chunk committed (see above)."""
    copy = path.with_name(f"{path.name}.floor")
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    db = sqlite3.connect(copy, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(f"PRAGMA synchronous = {synchronous_mode()}")
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        db.execute("BEGIN IMMEDIATE")
        _drop_triggers(db)
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        wall, cpu = time.perf_counter(), time.process_time()
        _floor_writes(db, sorted(ids), commit=True)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    return wall, cpu


def _drop_triggers(db: sqlite3.Connection) -> None:
    for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        db.execute(f'DROP TRIGGER "{name}"')


def _floor_writes(db: sqlite3.Connection, ids: list[int], *, commit: bool) -> None:
    """A loss's least writes for `ids` (in id order), CHUNK leads at a time;
    with `commit`, each chunk in a transaction of its own."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS floor_ids (id INTEGER PRIMARY KEY)")
    now = "2026-12-03T12:00:00+00:00"
    for start in range(0, len(ids), CHUNK):
        if commit:
            db.execute("BEGIN IMMEDIATE")
        db.execute("DELETE FROM temp.floor_ids")
        db.executemany(
            "INSERT INTO temp.floor_ids VALUES (?)", [(i,) for i in ids[start : start + CHUNK]]
        )
        db.execute(
            "INSERT INTO journal (lead_id, field, old, new, at, actor)"
            " SELECT id, 'stage', stage, 'lost', ?, 'bench' FROM leads"
            " WHERE id IN (SELECT id FROM temp.floor_ids)",
            [now],
        )
        db.execute(
            "UPDATE leads SET stage = 'lost', lost_reason = 'x', stage_entered_at = ?,"
            " updated_at = ?, version = version + 1"
            " WHERE id IN (SELECT id FROM temp.floor_ids)",
            [now, now],
        )
        if commit:
            db.execute("COMMIT")


def open_leads(repo: Repository) -> list[tuple[int, Stage]]:
    """Every open lead's id and stage, stage by stage: the list `V` marks."""
    return [
        (lead.id, lead.stage)
        for stage in OPEN_STAGES
        for lead in repo.all_leads(stage=stage, batch=20_000)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="a copy: leads are moved")
    parser.add_argument("--undo", type=int, default=5000, help="leads in the move undone")
    args = parser.parse_args()
    repo = open_repository(args.db, actor="bench")
    open_ids = open_leads(repo)
    small, rest = open_ids[: args.undo], open_ids[args.undo :]
    floors: Floors = [
        ("the floor", floor(args.db, [lead_id for lead_id, _ in rest])),
        ("the floor with commits", floor_committed(args.db, [lead_id for lead_id, _ in rest])),
    ]
    for name, (wall, cpu) in floors:
        print(f"{name} for {len(rest):,} leads: {wall:.1f} s wall, {cpu:.1f} s CPU")
    timed(args.db, f"lose {len(small):,} leads", lambda: repo.move_count("lose", small, reason="x"))
    timed(args.db, f"undo of those {len(small):,}", lambda: repo.undo().message())
    timed(
        args.db,
        f"lose {len(rest):,} leads",
        lambda: repo.move_count("lose", rest, reason="x"),
        floors,
    )
    lost = sum(1 for _ in repo.all_leads(stage=Stage.LOST, batch=20_000))
    print(f"lost now: {lost:,}")
    timed(
        args.db,
        f"undo of those {len(rest):,}",
        lambda: repo.undo().message(),
        floors,
    )


if __name__ == "__main__":
    main()
