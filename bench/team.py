"""A team on one host: N consoles open on one database while writer
processes change it, each console in its own 80x24 pty.

    python -m bench.team --db COPY --consoles 1,4,8,16 --writes-per-s 2 [--writers 2]

COPY is a file or a PostgreSQL URL (`python -m bench.pg_server create ROOT
NAME --template SOURCE` makes a copy there).

It writes (names of the top lead): use a copy. For each N it reports:
- each console's CPU per remote write (ms of user+system time, less what the
  same console spends idle over the same time), mean and worst;
- an idle console's CPU, as a share of one core;
- how long a change takes to show: from the writer's commit until the new
  name is on each console's screen (every console shows the top lead: the
  inbox's first row, and the first card of the board's New column), p50, p99
  and worst, and the share shown within 1 s;
- the key latency of the one console in use (`a` on the board, a key every
  ~0.3 s), p50 and p99, alone (no writers) and while the others follow the
  writes: `--presses` of each (100 by default; a p99 of 20 presses was the
  worst press, and its ratio swung 0.3x-5x between runs), with the count
  of presses it was taken over. The writers write for as long as the
  presses take (`--seconds`, at least 0.4 s a press).
The floor is the same console alone: the ratio of its `a` p99 with writers to
its p99 alone is the figure the goal is about.
The other consoles follow the active console's moves as well as the
writers' renames: their CPU is given per remote write of either kind, and
per rename (all of it laid on the renames, as the first runs reported).
"""

import argparse
import math
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.keys import snapshot
from bench.ptyterm import Terminal, program_in_pty
from leadtui.domain.models import Stage
from leadtui.paths import database_target
from leadtui.repository import open_repository

TICKS = 100  # clock ticks per second for /proc/PID/stat (os.sysconf("SC_CLK_TCK"))
SHOWN_WITHIN = 1.0
MARKER = "Team"
# "Team 16-1-0042", short enough for the inbox's name column: the team
# size of the run (a name an earlier run left on screen must never count as
# this run's), the writer, the write.
SHOWN_NAME = re.compile(rf"{MARKER} \d+-\d+-\d{{4}}")

# A writer process: renames the top lead at its share of the write rate and
# prints when each commit returned (wall clock, shared with the harness).
WRITER = """
import sys, time
from leadtui.domain.errors import LeadtuiError
from leadtui.repository import open_repository
path, lead_id, writer, count, gap, start, run = sys.argv[1:8]
repo = open_repository(path, actor=f"writer{writer}")
for index in range(int(count)):
    due = float(start) + index * float(gap)
    time.sleep(max(0.0, due - time.time()))
    name = f"{MARKER} {run}-{writer}-{index:04d}"
    try:
        repo.update_fields(int(lead_id), {"name": name})
    except LeadtuiError as error:  # busy past the timeout: counted, not fatal
        print("refused", error, file=sys.stderr, flush=True)
        continue
    print(name, time.time(), flush=True)
""".replace("{MARKER}", MARKER)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


class Drained:
    """A console whose pty is read continuously in a thread, so that no
    console ever blocks on a full pty while another is being measured."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while not self._stop.is_set():
            with self.lock:
                self.terminal._read(0.0)
            time.sleep(0.005)

    def text(self) -> str:
        with self.lock:
            return self.terminal.text()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def wait_text(console: Drained, text: str, deadline: float = 60.0) -> None:
    end = time.monotonic() + deadline
    while text not in console.text():
        if time.monotonic() > end:
            raise AssertionError(f"{text!r} never shown:\n{console.text()}")
        time.sleep(0.02)


def key_latency(console: Drained, key: str, settle: float = 0.3) -> float:
    with console.lock:
        before = snapshot(console.terminal)
    start = time.perf_counter()
    console.terminal.type(key)
    while True:
        with console.lock:
            changed = snapshot(console.terminal) != before
        if changed:
            break
        if time.perf_counter() - start > 30:
            raise AssertionError(f"{key!r} changed nothing on screen:\n{console.text()}")
        time.sleep(0.001)
    seconds = time.perf_counter() - start
    time.sleep(settle)
    return seconds


def calm(pids: list[int], limit: float = 60.0) -> None:
    """Until the consoles together use under a tenth of a core for a second
    (start-up work done), or `limit` seconds."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        was = sum(cpu_seconds(pid) for pid in pids)
        time.sleep(1.0)
        if sum(cpu_seconds(pid) for pid in pids) - was < 0.1:
            return


def percentile(samples: list[float], share: float) -> float:
    """Nearest rank: the p99 of 100 samples is the 99th, not the worst (of
    20 or fewer it can only be the worst)."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


@contextmanager
def consoles(db: Path | str, count: int, cwd: Path) -> Iterator[list[Drained]]:
    """`count` consoles on `db`; the first and every other one on the board."""
    with ExitStack() as stack:
        drained = []
        for index in range(count):
            command = [sys.executable, "-m", "leadtui", "--db", str(db)]
            console = Drained(stack.enter_context(program_in_pty(command, cwd)))
            stack.callback(console.close)
            wait_text(console, "Inbox")
            if index % 2 == 0:
                console.terminal.type("2")
                wait_text(console, "Pipeline")
            drained.append(console)
        yield drained


def run(
    db: Path | str, count: int, rate: float, writers: int, seconds: float, presses: int
) -> None:
    repo = open_repository(db)
    [top] = repo.leads_in_stage(Stage.NEW, limit=1)
    with tempfile.TemporaryDirectory() as scratch, consoles(db, count, Path(scratch)) as team:
        active = team[0]
        for console in team:
            wait_text(console, top.name[:12])
        pids = [console.terminal.process.pid for console in team]
        calm(pids)  # first pages, totals and background rescoring done
        idle_start, idle_cpu = time.monotonic(), [cpu_seconds(pid) for pid in pids]
        time.sleep(5.0)
        idle_span = time.monotonic() - idle_start
        idle_rate = [
            (cpu_seconds(pid) - was) / idle_span for pid, was in zip(pids, idle_cpu, strict=True)
        ]
        # The active console works further down New: its `a` must not move
        # the top lead, which the writers rename for the others to show.
        active.terminal.type("jjj")
        time.sleep(0.5)
        alone = [key_latency(active, "a") for _ in range(presses)]
        total = int(rate * seconds)
        per_writer = total // writers
        start = time.time() + 1.0
        gap = writers / rate
        before_cpu, began = [cpu_seconds(pid) for pid in pids], time.monotonic()
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    WRITER,
                    str(db),
                    str(top.id),
                    str(w),
                    str(per_writer),
                    str(gap),
                    str(start + w * gap / writers),
                    str(count),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for w in range(writers)
        ]
        committed: dict[str, float] = {}
        shown: dict[tuple[str, int], float] = {}

        def watch() -> None:
            while any(p.poll() is None for p in procs) or len(shown) < len(committed) * count:
                now = time.time()
                for index, console in enumerate(team):
                    for name in SHOWN_NAME.findall(console.text()):
                        shown.setdefault((name, index), now)
                if time.monotonic() - began > seconds + 30:
                    return
                time.sleep(0.01)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        busy: list[float] = []
        while any(p.poll() is None for p in procs) and len(busy) < presses:
            busy.append(key_latency(active, "a"))
        for proc in procs:
            out, _ = proc.communicate()
            for line in out.splitlines():
                name, _, at = line.rpartition(" ")
                committed[name] = float(at)
        span = time.monotonic() - began
        after_cpu = [cpu_seconds(pid) for pid in pids]
        watcher.join(timeout=10)
    writes = len(committed)
    spent = [
        max(0.0, (after - was) - idle * span) * 1000
        for after, was, idle in zip(after_cpu[1:], before_cpu[1:], idle_rate[1:], strict=True)
    ] or [0.0]
    moves = len(busy)  # each `a` of the active console moved a lead the others follow
    per_write = [ms / (writes + moves) for ms in spent]
    per_rename = [ms / writes for ms in spent]
    # A name overwritten before a console drew it was never meant to be
    # seen; count the delay of the last one each console drew.
    delays = [
        shown[name, index] - at
        for name, at in committed.items()
        for index in range(count)
        if (name, index) in shown
    ]
    missed = writes * count - len(delays)
    print(
        f"N={count} consoles, {rate:g} writes/s from {writers} writers, {writes} renames"
        f" and {moves} moves by the active console"
    )
    print(
        f"  CPU per remote write per console: mean {statistics.mean(per_write):.1f} ms,"
        f" worst {max(per_write):.1f} ms (idle share subtracted; per rename, all of it laid"
        f" on the renames: mean {statistics.mean(per_rename):.1f} ms)"
    )
    print(f"  idle console: {statistics.mean(idle_rate) * 100:.2f}% of a core")
    if delays:
        within = sum(d <= SHOWN_WITHIN for d in delays) / len(delays)
        print(
            f"  change shown on a console: p50 {statistics.median(delays) * 1000:.0f} ms,"
            f" p99 {percentile(delays, 0.99) * 1000:.0f} ms, worst {max(delays) * 1000:.0f} ms,"
            f" {within:.0%} within {SHOWN_WITHIN:g} s ({missed} overwritten before drawn)"
        )
    p99_alone, p99_busy = percentile(alone, 0.99), percentile(busy or alone, 0.99)
    print(
        f"  active console a: alone p50 {statistics.median(alone) * 1000:.1f} ms"
        f" p99 {p99_alone * 1000:.1f} ms ({len(alone)} presses); with the team p50"
        f" {statistics.median(busy or alone) * 1000:.1f} ms p99 {p99_busy * 1000:.1f} ms"
        f" ({len(busy)} presses): {p99_busy / p99_alone:.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", type=database_target, required=True, help="a copy (file or URL): writers rename"
    )
    parser.add_argument("--consoles", default="1,4,8", help="comma-separated team sizes")
    parser.add_argument("--writes-per-s", type=float, default=2.0)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--presses", type=int, default=100)
    args = parser.parse_args()
    # The writers outlast the presses: each takes ~0.3 s and its latency.
    seconds = max(args.seconds, args.presses * 0.4)
    for count in (int(n) for n in args.consoles.split(",")):
        run(args.db, count, args.writes_per_s, args.writers, seconds, args.presses)


if __name__ == "__main__":
    main()
