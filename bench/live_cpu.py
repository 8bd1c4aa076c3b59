"""CPU per remote write of one console, in-process: the app in
`App.run_test` (headless, 80x24) showing the inbox or the board, while a
writer process renames the lead both show first (the inbox's first row, the
first card of the board's New column).

    python -m bench.live_cpu --db COPY [--writes 20] [--writes-per-s 2] [--write advance]

It writes (names of the top lead, or with `--write advance` moves the top
lead of New on to Contacted, a new one each time): use a copy. The figure is this process's
CPU (user + system) over the writes, less what the same app uses idle over
as long, divided by the writes: the live refresh's reading and drawing,
without a pty or a terminal emulator (bench.team measures those too).
"""

import argparse
import asyncio
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.team import MARKER, WRITER
from leadtui.domain.models import Stage
from leadtui.repository import open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.main_screen import MainScreen
from leadtui.tui.panes.board import BoardPane
from leadtui.tui.panes.inbox import InboxPane

SIZE = (80, 24)


def shows(app: LeadApp, name: str) -> bool:
    """Whether the inbox or the board holds a lead of that name now."""
    screen = app.screen
    assert isinstance(screen, MainScreen)
    leads = screen.query_one(InboxPane).loaded()
    leads += [lead for column in screen.query_one(BoardPane).columns for lead in column.leads]
    return any(lead.name == name for lead in leads)


async def until(condition: Callable[[], bool], limit: float = 30.0) -> None:
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("never happened")
        await asyncio.sleep(0.1)


# A writer advancing the top lead of New (whichever it is now), `count` times.
ADVANCER = """
import sys, time
from leadtui.domain.models import Stage
from leadtui.repository import open_repository
path, count, gap, start = sys.argv[1:5]
repo = open_repository(path, actor="writer")
for index in range(int(count)):
    time.sleep(max(0.0, float(start) + index * float(gap) - time.time()))
    [top] = repo.leads_in_stage(Stage.NEW, limit=1)
    repo.advance(top.id)
"""


async def measure(db: Path, tab: str, writes: int, rate: float, write: str) -> float:
    repo = open_repository(db)
    [top] = repo.leads_in_stage(Stage.NEW, limit=1)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await asyncio.sleep(2.0)
        if tab == "board":
            await pilot.press("2")
            await asyncio.sleep(2.0)
        await asyncio.sleep(1.0)  # first pages, totals and background work done
        span = writes / rate
        was = time.process_time()
        await asyncio.sleep(span)
        idle = (time.process_time() - was) / span
        run = f"{tab[:1]}{int(time.time()) % 1000}"
        last = f"{MARKER} {run}-0-{writes - 1:04d}"
        start = time.time() + 0.5
        began, was = time.monotonic(), time.process_time()
        if write == "advance":
            args = [ADVANCER, str(db), str(writes), str(1 / rate), str(start)]
        else:
            args = [WRITER, str(db), str(top.id), "0", str(writes), str(1 / rate), str(start), run]
        writer = subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.PIPE, text=True)
        await until(lambda: writer.poll() is not None)
        if write == "advance":
            await asyncio.sleep(1.5)  # the watcher sees the last move (it polls each 0.5 s)
        else:
            await until(lambda: shows(app, last))
        await asyncio.sleep(0.5)  # the last draw done
        spent = time.process_time() - was
        elapsed = time.monotonic() - began
        writer.communicate()
    return (spent - idle * elapsed) / writes * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="a copy: the writer renames")
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--writes-per-s", type=float, default=2.0)
    parser.add_argument("--tabs", default="inbox,board")
    parser.add_argument("--write", choices=("rename", "advance"), default="rename")
    args = parser.parse_args()
    for tab in args.tabs.split(","):
        per_write = asyncio.run(measure(args.db, tab, args.writes, args.writes_per_s, args.write))
        print(f"{tab}: {per_write:.1f} ms of CPU per remote {args.write} (idle subtracted)")


if __name__ == "__main__":
    main()
