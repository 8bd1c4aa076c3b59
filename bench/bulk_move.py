"""A bulk move of a whole list, as `V` then `x` does it: every open lead
lost in one action (repository/moves_set.py), and the longest time a
teammate's write waited for the lock meanwhile; the undo of a smaller move
before it, and the undo of the whole move after it (repository/undo_set.py),
timed the same way.

    python -m bench.bulk_move --db COPY [--undo 5000]

It writes: use a copy. The probe is another process's connection taking
the write lock (BEGIN IMMEDIATE, ROLLBACK) every 10 ms, as a teammate's
save would: its longest wait is the longest the move held the lock.
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


def timed(path: Path, label: str, job: Callable[[], object]) -> None:
    probe = LockProbe(path)
    wall, cpu = time.perf_counter(), time.process_time()
    result = job()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU; longest lock wait {probe.stop():.2f} s"
          f" ({result})")  # fmt: skip


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
    timed(args.db, f"lose {len(small):,} leads", lambda: repo.move_count("lose", small, reason="x"))
    timed(args.db, f"undo of those {len(small):,}", lambda: repo.undo().message())
    timed(args.db, f"lose {len(rest):,} leads", lambda: repo.move_count("lose", rest, reason="x"))
    lost = sum(1 for _ in repo.all_leads(stage=Stage.LOST, batch=20_000))
    print(f"lost now: {lost:,}")
    timed(args.db, f"undo of those {len(rest):,}", lambda: repo.undo().message())


if __name__ == "__main__":
    main()
