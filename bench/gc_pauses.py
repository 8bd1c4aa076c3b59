"""The cyclic collector's pauses in a console at work, with and without the
heap frozen once the main screen is up (what `leadtui` does in a process of
its own: LeadApp.main_screen_up).

    python -m bench.gc_pauses --db COPY [--presses 300] [--runs 2]

In-process (`App.run_test`, 80x24, no pty): the board, then `j` presses, an
`l` every tenth and an `a` (advance: it writes, so use a copy) every
fifteenth. Each run is a fresh process, frozen and not in turns. Printed:
each generation's collections, their longest and their total pause, in the
CPU time of the thread that collected (a wall clock would count the time
the machine gave to other processes meanwhile); the unfrozen run is the
floor the frozen one is compared with.
"""

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path

from leadtui.repository import open_repository
from leadtui.tui.app import LeadApp

SIZE = (80, 24)


async def _work(db: str, presses: int, frozen: bool) -> dict[int, list[float]]:
    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    began = [0.0]

    def timed(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            began[0] = time.thread_time()
        else:
            pauses[info["generation"]].append(time.thread_time() - began[0])

    app = LeadApp(open_repository(Path(db), actor="bench"))
    app.whole_process = frozen  # as run() sets it
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        gc.callbacks.append(timed)
        for index in range(presses):
            await pilot.press("l" if index % 10 == 9 else "j")
            if index % 15 == 14:
                await pilot.press("a")
            await pilot.pause()
        await app.workers.wait_for_complete()
        gc.callbacks.remove(timed)
    return pauses


def _one(db: str, presses: int, frozen: bool) -> dict[str, list[float]]:
    """One run in a fresh process: a collector's pauses depend on the heap."""
    code = (
        "import asyncio, json, sys; from bench.gc_pauses import _work; "
        "print(json.dumps(asyncio.run(_work(sys.argv[1], int(sys.argv[2]), sys.argv[3] == '1'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, db, str(presses), "1" if frozen else "0"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    result: dict[str, list[float]] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a copy: each `a` advances a lead")
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    for run in range(1, args.runs + 1):
        for frozen in (False, True):
            pauses = _one(args.db, args.presses, frozen)
            label = "frozen  " if frozen else "unfrozen"
            figures = "  ".join(
                f"gen {gen}: {len(times)} x, longest {max(times, default=0) * 1000:.1f} ms,"
                f" total {sum(times) * 1000:.0f} ms"
                for gen, times in pauses.items()
            )
            print(f"run {run} {label}  {figures}", flush=True)


if __name__ == "__main__":
    main()
