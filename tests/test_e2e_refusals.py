"""A file the CLI refuses, the TUI refuses too: in a real pseudo-terminal,
`leadtui --db FILE` on a damaged, foreign or newer file ends with the very
line `leadtui list` prints for it, exit code 1, and no traceback; never an
empty inbox after a notification that flashes by. Both ways in are covered:
the quick start (launch.py paints the first page, then the file opens in a
thread: tui/start.py) and the long way through the CLI, which quick start
takes for any file it cannot read at once."""

import sqlite3
import sys
from pathlib import Path

import pytest
from bench.ptyterm import program_in_pty
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.models import build_draft
from leadtui.repository import SCHEMA_VERSION, open_repository
from leadtui.repository.schema import APPLICATION_ID

PAGE = 4096


def leads_file(path: Path, count: int = 300) -> None:
    """Leads over many pages, checkpointed into the file itself."""
    repo = open_repository(path)
    for index in range(count):
        repo.add_lead(build_draft(name=f"Lead {index}", company="Acme " * 10, notes="x" * 300))
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def pages_of(path: Path, name: str) -> list[int]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY pageno", [name])
        return [pageno for (pageno,) in rows]


def overwrite(path: Path, pages: list[int]) -> None:
    """Noise over these pages (numbered from 1, as SQLite does)."""
    data = bytearray(path.read_bytes())
    for page in pages:
        for offset in range((page - 1) * PAGE, page * PAGE):
            data[offset] = (offset * 7) % 256
    path.write_bytes(bytes(data))


def damaged_table(path: Path) -> None:
    """The leads table's root and first pages: nothing can be listed."""
    leads_file(path)
    overwrite(path, pages_of(path, "leads")[:2])


def damaged_rollup(path: Path) -> None:
    """The stage rollup the inbox's count reads, but not its first page:
    leadtui paints that page, then finds the damage opening the file."""
    leads_file(path)
    overwrite(path, pages_of(path, "kpi_stage_totals")[:1])


def foreign(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")


def newer(path: Path) -> None:
    leads_file(path, count=3)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def cli_error(name: str, *command: str) -> str:
    """The one line `leadtui COMMAND --db NAME` prints, in the same directory."""
    result = CliRunner().invoke(main, [*command, "--db", name])
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    return line


@pytest.mark.slow
@pytest.mark.parametrize(
    ("make", "command"),
    [
        pytest.param(damaged_table, ("list",), id="damaged-table"),
        pytest.param(damaged_rollup, ("kpi",), id="damaged-rollup"),
        pytest.param(foreign, ("list",), id="foreign"),
        pytest.param(newer, ("list",), id="newer"),
    ],
)
def test_the_tui_refuses_what_the_cli_refuses(
    make: object, command: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert callable(make)
    make(tmp_path / "team.db")
    monkeypatch.chdir(tmp_path)
    said = cli_error("team.db", *command)
    assert said.startswith("Error: team.db ")
    with program_in_pty([sys.executable, "-m", "leadtui", "--db", "team.db"], tmp_path) as term:
        assert term.wait_for_exit() == 1
    output = term.raw.decode(errors="replace")
    # Printed after the terminal is restored, as one line of its own.
    assert f"{said}\r\n" in output
    assert "Traceback" not in output and "No leads yet" not in output
