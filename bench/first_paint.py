"""First paint: from launch until the first inbox row is visible, in a real
pty at 80x24, against a floor measured in the same run: a bare Textual app
that shows a 50-row DataTable, started the same way. Also: the time until
every key works (the main screen is up, after the heavy imports).

    python -m bench.first_paint --db /tmp/1m.db [--runs 11]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.ptyterm import program_in_pty
from leadtui.domain.models import Stage
from leadtui.repository import open_repository

FLOOR_TEMPLATE = """
from textual.app import App, ComposeResult
from textual.widgets import DataTable

class Floor(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("n", "name")
        table.add_rows([(i, f"floor row {i}") for i in range(ROWS)])

Floor().run()
"""
FLOOR_APP = FLOOR_TEMPLATE.replace("ROWS", "50")


# Shown in the footer once the main screen is up (every key works).
READY_MARKER = "Advance"


def seconds_until(command: list[str], marker: str, cwd: Path) -> float:
    return seconds_until_each(command, [marker], cwd)[0]


def seconds_until_each(command: list[str], markers: list[str], cwd: Path) -> list[float]:
    """Seconds from launch until each marker (in turn) is on screen."""
    start = time.perf_counter()
    times = []
    with program_in_pty(command, cwd) as terminal:
        for marker in markers:
            terminal.wait_for(marker)
            times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="made with leadtui demo")
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    repo = open_repository(args.db)
    [top] = repo.leads_in_stage(Stage.NEW, limit=1)
    marker = top.name[:19]  # the Name column is 20 cells wide
    with tempfile.TemporaryDirectory() as scratch:
        cwd = Path(scratch)
        floor_script = cwd / "floor.py"
        floor_script.write_text(FLOOR_APP)
        floor_command = [sys.executable, str(floor_script)]
        leadtui_command = [sys.executable, "-m", "leadtui", "--db", str(args.db)]
        # One start of each first, not counted: it writes the bytecode an
        # install would have, and warms the page cache for both alike.
        seconds_until(floor_command, "floor row 0", cwd)
        seconds_until(leadtui_command, marker, cwd)
        # Interleaved, so that a shared machine's slow spell weighs on both.
        floor, runs = [], []
        for _ in range(args.runs):
            floor.append(seconds_until(floor_command, "floor row 0", cwd))
            runs.append(seconds_until_each(leadtui_command, [marker, READY_MARKER], cwd))
    leads = repo.count_leads()
    leadtui, ready = [run[0] for run in runs], [run[1] for run in runs]
    floor_median, leadtui_median = statistics.median(floor), statistics.median(leadtui)
    print(f"first paint at {leads:,} leads, median of {args.runs} runs in an 80x24 pty")
    print(f"  floor (bare Textual, 50-row DataTable): {floor_median * 1000:7.0f} ms")
    print(f"  leadtui inbox:                          {leadtui_median * 1000:7.0f} ms")
    print(f"  ratio: {leadtui_median / floor_median:.2f}x the floor")
    print(f"  every key working (main screen up):     {statistics.median(ready) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
