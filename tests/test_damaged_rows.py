"""A lead row another program wrote with a value leadtui cannot read (a
date that is not one, a stage that is not a stage: sqlite3 by hand, a sync
script): every way that reads it says which lead, field and value in one
line, `db check` lists them all, and nothing ends in a traceback. Before,
`leadtui list`, `show`, `export` and the TUI printed pydantic's traceback,
and the board's totals crashed on a stage or an overflowed sum."""

import json
import sqlite3
import sys
from pathlib import Path

import pytest
from bench.ptyterm import program_in_pty
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.models import Stage
from leadtui.repository import Repository, open_repository

ESCAPE = "\x1b[31m"
TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title, if it reached it
DAMAGES = {
    # id: (column, value another program wrote)
    "date": ("last_touch_at", "garbage"),
    "required-date": ("created_at", f"{ESCAPE}not a date"),
    "stage": ("stage", "weird"),
    "source": ("source", "??"),
    "temperature": ("temperature", "boiling"),
}


def write_behind_leadtui(path: Path, lead_id: int, column: str, value: object) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(f"UPDATE leads SET {column} = ? WHERE id = ?", (value, lead_id))


def one_line_error(result: object) -> str:
    from click.testing import Result

    assert isinstance(result, Result)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    # On stderr (`list` has printed the leads before it, as it read them).
    [line] = result.stderr.strip().splitlines()
    assert "Traceback" not in result.output and "\x1b" not in result.output
    return line


@pytest.mark.parametrize("damage", list(DAMAGES), ids=list(DAMAGES))
def test_every_command_that_reads_the_lead_names_the_value(
    damage: str, sample_repo: Repository, tmp_path: Path
) -> None:
    column, value = DAMAGES[damage]
    write_behind_leadtui(sample_repo.path, 7, column, value)
    db = str(sample_repo.path)
    runner = CliRunner()
    for command in (
        ["list"],
        ["show", "7"],
        ["export", "--format", "csv", "--output", str(tmp_path / "out.csv")],
    ):
        line = one_line_error(runner.invoke(main, [*command, "--db", db]))
        assert line.startswith(f"Error: lead #7 holds {column} = "), line
        assert "leadtui db check" in line
    assert not (tmp_path / "out.csv").exists()  # no partial export
    assert runner.invoke(main, ["show", "8", "--db", db]).exit_code == 0  # the others read


def test_db_check_lists_every_damaged_lead(sample_repo: Repository) -> None:
    db = str(sample_repo.path)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "check", "--db", db]).exit_code == 0
    write_behind_leadtui(sample_repo.path, 3, "created_at", "not a date")
    write_behind_leadtui(sample_repo.path, 9, "stage", "weird")
    result = runner.invoke(main, ["db", "check", "--db", db])
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if line.startswith("problem: ")]
    assert problems == [
        "problem: lead #3 holds created_at = 'not a date' (must be a time like"
        " 2026-11-20T09:30:00+00:00)",
        "problem: lead #9 holds stage = 'weird' (must be one of new, contacted, engaged,"
        " qualified, opportunity, won or lost)",
    ]
    report = json.loads(runner.invoke(main, ["db", "check", "--json", "--db", db]).stdout)
    assert report["healthy"] is False and len(report["problems"]) == 2


def test_the_board_totals_leave_out_what_they_cannot_read(sample_repo: Repository) -> None:
    """An unknown stage is not a column; two huge amounts in one stage sum
    past SQLite's integers (it makes the total a float): still a count."""
    write_behind_leadtui(sample_repo.path, 9, "stage", "weird")
    new = [lead.id for lead in sample_repo.leads_in_stage(Stage.NEW, limit=2)]
    for lead_id in new:
        write_behind_leadtui(sample_repo.path, lead_id, "value_cents", 2**62)
    totals = open_repository(sample_repo.path).stage_totals()
    assert set(totals) <= set(Stage)
    assert all(isinstance(value, int) for _, value in totals.values())
    assert totals[Stage.NEW][1] >= 2**63 - 1


TUI_DAMAGES = {
    # id: (SQL another program ran, what the app must say, if anything)
    "first-page-date": (
        f"UPDATE leads SET created_at = '{TITLE}not a date' WHERE id = 2",
        "lead #2 holds created_at",  # (the toast wraps the rest)
    ),
    "stage": ("UPDATE leads SET stage = 'weird' WHERE id = 9", None),
    "touch-date": (
        "UPDATE activities SET at = 'nope' WHERE id = (SELECT min(id) FROM activities)",
        None,
    ),
    "journal-date": (
        "UPDATE journal SET at = 'bad' WHERE id = (SELECT max(id) FROM journal)",
        None,
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("damage", list(TUI_DAMAGES), ids=list(TUI_DAMAGES))
def test_the_tui_works_around_a_damaged_row_and_names_it(
    damage: str, sample_repo: Repository
) -> None:
    """In a real pty: the inbox shows the leads it can read and a warning
    naming the one it cannot (lead #2 is on the first page, and its score
    falls due at once); the board, the KPIs and a lead's page open; the app
    quits cleanly; no traceback, and none of the value's escape sequence
    reaches the terminal. Before, each of these ended in a traceback."""
    sql, said = TUI_DAMAGES[damage]
    with sqlite3.connect(sample_repo.path) as conn:
        conn.execute(sql)
    command = [sys.executable, "-m", "leadtui", "--db", str(sample_repo.path)]
    with program_in_pty(command, sample_repo.path.parent) as term:
        term.wait_for("Inbox")
        if said:
            term.wait_for(said)
        for key, shown in (("2", "Contacted"), ("4", "Funnel"), ("1", "Score"), ("\r", "Created")):
            term.type(key)
            term.wait_for(shown)
        term.type("q")
        assert term.wait_for_exit() == 0
    output = term.raw.decode(errors="replace")
    assert "Traceback" not in output and "\x1b]0;" not in output


def test_a_damaged_history_line_is_named_in_one_line(sample_repo: Repository) -> None:
    """A journal line with a time that is not one: `show` and `journal` name
    the line and its lead instead of printing pydantic's traceback."""
    with sqlite3.connect(sample_repo.path) as conn:
        line_id, lead_id = conn.execute(
            "SELECT id, lead_id FROM journal WHERE field = 'stage' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        conn.execute("UPDATE journal SET at = 'bad' WHERE id = ?", (line_id,))
    runner = CliRunner()
    for command in (["show", str(lead_id)], ["journal"]):
        line = one_line_error(runner.invoke(main, [*command, "--db", str(sample_repo.path)]))
        assert line.startswith(
            f"Error: history line #{line_id} of lead #{lead_id} holds at = 'bad' (must be a time"
        ), line
