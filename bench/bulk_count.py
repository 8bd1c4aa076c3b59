"""One step of bench.bulk_move, alone, to be counted in instructions under
valgrind: CPU time on a loaded 2-core machine varies by 15-20% from run to
run, more than most changes to a bulk move; an instruction count does not
(two runs of the same code differ by about 0.5%).

    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \\
        .venv/bin/python -m bench.bulk_count --db COPY --leads 10000 --step lose

Each step opens the file and lists its open leads first, then: `none`
nothing more (subtract its count from the others'), `floor` the floor's
writes (bench.bulk_move.floor, rolled back), `lose` a bulk loss of the
first LEADS open leads after the first 5,000 (the leads bench.bulk_move
loses in its big move), `undo` that loss and its undo. The loss and the
undo write: a fresh copy for each run.

`--timers` (without valgrind) prints, for the loss and its undo, each
statement's CPU time, the triggers it fired included, the costliest first:
where a step's time goes, by statement (the shares hold under load; the
seconds do not).
"""

import argparse
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from sqlite3 import Cursor
from typing import Any

import sqlite_utils

from bench.bulk_move import floor, open_leads
from leadtui.repository import open_repository

STEPS = ("none", "floor", "lose", "undo")
Parameters = Sequence[Any] | dict[str, Any] | None
# Statements whose text begins alike are summed together (a chunk's own).
_KEY_CHARS = 100


@contextmanager
def statement_timers(phase: Callable[[], str]) -> Iterator[dict[str, list[float]]]:
    """Each statement run through sqlite_utils meanwhile: its CPU seconds
    and how many times it ran, by `phase()` and the start of its text."""
    spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    execute = sqlite_utils.Database.execute

    def timed(self: sqlite_utils.Database, sql: str, parameters: Parameters = None) -> Cursor:
        start = time.process_time()
        try:
            return execute(self, sql) if parameters is None else execute(self, sql, parameters)
        finally:
            figures = spent[f"{phase()}: {' '.join(sql.split())[:_KEY_CHARS]}"]
            figures[0] += time.process_time() - start
            figures[1] += 1

    sqlite_utils.Database.execute = timed  # type: ignore[method-assign]
    try:
        yield spent
    finally:
        sqlite_utils.Database.execute = execute  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="a copy: leads are moved")
    parser.add_argument("--leads", type=int, default=10_000, help="leads moved")
    parser.add_argument("--step", choices=STEPS, required=True)
    parser.add_argument("--timers", action="store_true", help="each statement's CPU time")
    args = parser.parse_args()
    repo = open_repository(args.db, actor="bench")
    leads = open_leads(repo)[5_000 : 5_000 + args.leads]
    phase = ["lose"]
    with statement_timers(lambda: phase[0]) if args.timers else _nothing() as spent:
        if args.step == "floor":
            floor(args.db, [lead_id for lead_id, _ in leads])
        elif args.step in ("lose", "undo"):
            repo.move_count("lose", leads, reason="x")
            if args.step == "undo":
                phase[0] = "undo"
                repo.undo()
    print(f"{args.step}: {len(leads):,} leads")
    for key, (seconds, runs) in sorted(spent.items(), key=lambda item: -item[1][0])[:20]:
        print(f"{seconds:7.3f} s {runs:3d}x  {key}")


@contextmanager
def _nothing() -> Iterator[dict[str, list[float]]]:
    yield {}


if __name__ == "__main__":
    main()
