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
"""

import argparse
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from leadtui.domain.models import Stage
from leadtui.domain.pipeline import OPEN_STAGES
from leadtui.repository import open_repository
from leadtui.repository.moves_set import CACHE_KIB, CHUNK


class LockProbe:
    """Takes the write lock every 10 ms from its own connection; the
    longest wait for it is what a teammate's save would have waited."""

    def __init__(self, path: Path) -> None:
        self.longest = 0.0
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA busy_timeout = 60000")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._probe, daemon=True)
        self._thread.start()

    def _probe(self) -> None:
        while not self._stop.is_set():
            start = time.perf_counter()
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                self._conn.execute("ROLLBACK")
            except sqlite3.OperationalError:  # still busy after 60 s: the figure reads
                pass  # 60 s, meaning at least that (the next try counts afresh)
            self.longest = max(self.longest, time.perf_counter() - start)
            time.sleep(0.01)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        self._conn.close()
        return self.longest


def timed(
    path: Path, label: str, job: Callable[[], object], floor: tuple[float, float] | None = None
) -> None:
    probe = LockProbe(path)
    wall, cpu = time.perf_counter(), time.process_time()
    result = job()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    ratio = f" ({wall / floor[0]:.1f}x, {cpu / floor[1]:.1f}x the floor)" if floor else ""
    print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU{ratio}; longest lock wait"
          f" {probe.stop():.2f} s ({result})")  # fmt: skip


def floor(path: Path, ids: list[int]) -> tuple[float, float]:
    """(wall, CPU) seconds of the floor's writes for `ids` (see above)."""
    ids = sorted(ids)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        db.execute("BEGIN IMMEDIATE")
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            db.execute(f'DROP TRIGGER "{name}"')
        db.execute("CREATE TEMP TABLE floor_ids (id INTEGER PRIMARY KEY)")
        now = "2026-12-03T12:00:00+00:00"
        wall, cpu = time.perf_counter(), time.process_time()
        for start in range(0, len(ids), CHUNK):
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
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        db.execute("ROLLBACK")
    finally:
        db.close()
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="a copy: leads are moved")
    parser.add_argument("--undo", type=int, default=5000, help="leads in the move undone")
    args = parser.parse_args()
    repo = open_repository(args.db, actor="bench")
    open_ids = [
        (lead.id, lead.stage)
        for stage in OPEN_STAGES
        for lead in repo.all_leads(stage=stage, batch=20_000)
    ]
    small, rest = open_ids[: args.undo], open_ids[args.undo :]
    floor_wall, floor_cpu = floor(args.db, [lead_id for lead_id, _ in rest])
    print(f"floor for {len(rest):,} leads: {floor_wall:.1f} s wall, {floor_cpu:.1f} s CPU")
    timed(args.db, f"lose {len(small):,} leads", lambda: repo.move_count("lose", small, reason="x"))
    timed(args.db, f"undo of those {len(small):,}", lambda: repo.undo().message())
    timed(
        args.db,
        f"lose {len(rest):,} leads",
        lambda: repo.move_count("lose", rest, reason="x"),
        (floor_wall, floor_cpu),
    )
    lost = sum(1 for _ in repo.all_leads(stage=Stage.LOST, batch=20_000))
    print(f"lost now: {lost:,}")
    timed(
        args.db,
        f"undo of those {len(rest):,}",
        lambda: repo.undo().message(),
        (floor_wall, floor_cpu),
    )


if __name__ == "__main__":
    main()
