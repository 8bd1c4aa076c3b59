"""Keypress latency, search per keystroke and peak memory, in a real pty at
80x24, against a floor measured in the same run: a bare Textual app showing
a 50-row DataTable, started the same way.

    python -m bench.keys --db /tmp/1m-copy.db [--presses 30]
    python -m bench.keys --db 'postgresql:///copy?host=/tmp/pgb/c' [--presses 30]

It writes (each `a` advances a lead): use a copy. Latency is the time from
writing a key to the pty until the emulated screen first differs (text or
colour), which is what the eye sees; the median and the 90th percentile of
`--presses` presses are printed.
- `j` (↓) in the floor's DataTable, and on the leadtui board (New column),
  each press sorted by what it did: moved the highlight in view (a colour
  change) or scrolled the list (the text moved). The two kinds cost
  different amounts in both apps, and a board column shows about 9 cards at
  80x24 where the floor's table shows 21 rows, so most of the board's
  presses scroll and most of the floor's don't: the ratio that compares
  like with like is the one per kind;
- `a` on the board: the card leaves its column (the write follows);
- `/` search: each keystroke of a lead's email until the results change,
  and, beside it, the search query alone in-process for each prefix typed
  (FTS5; on PostgreSQL the tsvector query);
- peak RSS (VmHWM) of the leadtui process with the board open and scrolled.
"""

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench.first_paint import FLOOR_TEMPLATE
from bench.ptyterm import Terminal, program_in_pty
from leadtui.domain.models import Stage
from leadtui.paths import database_target
from leadtui.repository import open_repository

# ↓: the same key for both (the floor's DataTable has no j; on the board j
# and ↓ are one action).
DOWN = "\x1b[B"
Snapshot = tuple[tuple[tuple[str, str, str], ...], ...]
# A press: its latency, and whether the list scrolled (the text changed).
Press = tuple[float, bool]
# Rows enough that the floor's presses scroll past its 21 rows on screen.
FLOOR_ROWS = 200
# A board column at 80x24 shows this many cards; from the top, the presses
# before the last card move the highlight in view.
CARDS_IN_VIEW = 9
CURSOR_ROUNDS = 3


def snapshot(terminal: Terminal) -> Snapshot:
    """Every cell's character and colours: a cursor move changes colours only."""
    buffer = terminal.screen.buffer
    return tuple(
        tuple((cell.data, cell.fg, cell.bg) for cell in (buffer[y][x] for x in range(80)))
        for y in range(24)
    )


def latency(terminal: Terminal, key: str, *, settle: float = 0.15) -> float:
    """Seconds from writing `key` until the screen first changes; then let the
    app finish drawing (reading on for `settle` seconds of quiet)."""
    before = snapshot(terminal)
    start = time.perf_counter()
    terminal.type(key)
    deadline = start + 30
    while snapshot(terminal) == before:
        if time.perf_counter() > deadline:
            raise AssertionError(f"{key!r} changed nothing on screen:\n{terminal.text()}")
        terminal._read(0.005)
    seconds = time.perf_counter() - start
    quiet_until = time.perf_counter() + settle
    while time.perf_counter() < quiet_until:
        terminal._read(0.01)
    return seconds


def text_of(shot: Snapshot) -> list[str]:
    return ["".join(cell[0] for cell in row) for row in shot]


def moves(terminal: Terminal, key: str, count: int, gap: float = 0.15) -> list[Press]:
    """`count` presses of a moving key, each with whether it scrolled."""
    done = []
    for _ in range(count):
        before = text_of(snapshot(terminal))
        seconds = latency(terminal, key, settle=gap)
        done.append((seconds, text_of(snapshot(terminal)) != before))
    return done


def by_kind(done: list[Press]) -> dict[str, list[float]]:
    return {
        "all": [seconds for seconds, _ in done],
        "cursor": [seconds for seconds, scrolled in done if not scrolled],
        "scroll": [seconds for seconds, scrolled in done if scrolled],
    }


def ratio(board: list[float], floor: list[float]) -> str:
    if not board or not floor:
        return "n/a (no press of that kind)"
    return f"{statistics.median(board) / statistics.median(floor):.2f}x"


def peak_rss_mib(terminal: Terminal) -> float:
    for line in Path(f"/proc/{terminal.process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def figures(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"median {statistics.median(samples) * 1000:6.1f} ms, p90 {p90 * 1000:6.1f} ms"


def presses(terminal: Terminal, key: str, count: int, gap: float = 0.15) -> list[float]:
    """`count` presses, each `gap` seconds after the screen last changed."""
    return [latency(terminal, key, settle=gap) for _ in range(count)]


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", type=database_target, required=True, help="a copy (file or URL): `a` writes"
    )
    parser.add_argument("--presses", type=int, default=30)
    args = parser.parse_args()
    repo = open_repository(args.db)
    top = repo.leads_in_stage(Stage.NEW, limit=args.presses + 5)
    leads = repo.count_leads()
    target = next(lead for lead in reversed(top) if lead.email)
    assert target.email
    with tempfile.TemporaryDirectory() as scratch:
        cwd = Path(scratch)
        (cwd / "floor.py").write_text(FLOOR_TEMPLATE.replace("ROWS", str(FLOOR_ROWS)))
        with program_in_pty([sys.executable, str(cwd / "floor.py")], cwd) as floor:
            floor.wait_for("floor row 0")
            latency(floor, DOWN, settle=0.3)  # the first press pays for warm-up
            floor_j = by_kind(moves(floor, DOWN, 2 * args.presses))
        command = [sys.executable, "-m", "leadtui", "--db", str(args.db)]
        with program_in_pty(command, cwd) as app:
            app.wait_for(top[0].name[:19])
            app.type("2")
            app.wait_for("Pipeline")
            time.sleep(1.0)  # the board's first pages and totals land
            latency(app, DOWN, settle=0.3)
            done = moves(app, DOWN, args.presses)
            # Back to the top, then down the cards in view: presses that
            # don't scroll, as many as the floor's (its view is taller).
            for _ in range(CURSOR_ROUNDS):
                app.type("g")
                time.sleep(0.3)
                done += moves(app, DOWN, CARDS_IN_VIEW - 1)
            board_j = by_kind(done)
            app.type("g")
            time.sleep(0.3)
            board_a = presses(app, "a", args.presses)
            # The same with time for each save and re-read to land first.
            board_a_paced = presses(app, "a", args.presses, gap=0.6)
            for _ in range(3):  # scroll a few pages: more cards in memory
                app.type("\x1b[6~")
                time.sleep(0.2)
            memory = peak_rss_mib(app)
            app.type("/")
            app.wait_for("Find:")
            typed = target.email[:12]
            search_keys = [latency(app, char, settle=0.05) for char in typed]
    in_process = [timed(partial(repo.search, typed[:n])) for n in range(1, len(typed) + 1)]
    print(f"keys at {leads:,} leads, {args.presses} presses each, 80x24 pty")
    for name, kinds in (
        ("floor j (bare Textual DataTable)", floor_j),
        ("leadtui j on the board", board_j),
    ):
        print(f"  {name + ':':<35}{figures(kinds['all'])}")
        for kind in ("cursor", "scroll"):
            count = len(kinds[kind])
            shown = figures(kinds[kind]) if count else "none"
            print(f"    {kind} moves ({count:2d}):{'':<17}{shown}")
    print(f"  leadtui a on the board (advance):  {figures(board_a)}")
    print(f"    the same, 0.6 s between presses: {figures(board_a_paced)}")
    print(f"  search, per keystroke on screen:   {figures(search_keys)}  ({typed!r})")
    print(f"  search, the query alone:           {figures(in_process)}")
    print(f"  peak RSS, board open and scrolled: {memory:.0f} MiB")
    print(
        f"  j ratio: {ratio(board_j['cursor'], floor_j['cursor'])} the floor's cursor moves, "
        f"{ratio(board_j['scroll'], floor_j['scroll'])} its scrolling moves "
        f"(all presses: {ratio(board_j['all'], floor_j['all'])}, a different mix)"
    )
    # Against the floor's cheaper kind, its cursor moves, as before the split.
    cursor = floor_j["cursor"]
    p90 = sorted(board_a)[min(len(board_a) - 1, int(len(board_a) * 0.9))]
    print(
        f"  a ratio: median {ratio(board_a, cursor)}, p90 {ratio([p90], cursor)}; "
        f"search keystroke {ratio(search_keys, cursor)} (the floor's cursor moves)"
    )


if __name__ == "__main__":
    main()
