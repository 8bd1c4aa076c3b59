"""Commands that ask before they act (db restore, merge, advance into
Qualified on thin BANT): off a terminal nobody can answer, so they refuse in
one line naming --yes and change nothing; at a terminal a no changes nothing
either, and says so in one line. A restore onto the database itself is
refused before anything is asked or touched."""

import os
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from bench.ptyterm import program_in_pty
from click.testing import CliRunner, Result

from leadtui.cli import params
from leadtui.cli.root import main
from leadtui.domain.models import build_draft
from leadtui.repository import open_repository
from tests.test_cli_edges import one_line_error

SRC = Path(__file__).parent.parent / "src" / "leadtui"


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    repo = open_repository(path)
    for name in ("Ada", "Bob"):
        repo.add_lead(build_draft(name=name))
    for _ in range(2):  # Ada to Engaged: the next advance qualifies her on no BANT
        repo.move_many("advance", [(1, None)])
    return path


@pytest.fixture
def backup(db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.db"
    assert run("db", "backup", str(copy), "--db", str(db)).exit_code == 0
    open_repository(db).add_lead(build_draft(name="After the backup"))
    return copy


def state(db: Path) -> list[tuple[int, str, str]]:
    return [(lead.id, lead.name, lead.stage.value) for lead in open_repository(db).all_leads()]


def asking(backup: Path, db: Path) -> dict[str, list[str]]:
    """Each command that asks, as a new user types it (no --yes)."""
    return {
        "db restore": ["db", "restore", str(backup), "--db", str(db)],
        "merge": ["merge", "1", "2", "--db", str(db)],
        "advance": ["advance", "1", "--db", str(db)],
    }


def test_off_a_terminal_each_refuses_in_one_line_naming_yes(db: Path, backup: Path) -> None:
    before = state(db)
    for name, args in asking(backup, db).items():
        line = one_line_error(run(*args, stdin="y\n"))  # piped input is not an answer
        assert re.search(r"pass --yes", line, re.IGNORECASE), (name, line)
        assert "Aborted" not in line
        assert state(db) == before, name


def test_at_a_terminal_a_no_changes_nothing_and_says_so(
    db: Path, backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(params, "at_terminal", lambda: True)
    before = state(db)
    for name, args in asking(backup, db).items():
        for answer in ("n\n", ""):  # no, and ctrl+d (the end of input)
            result = run(*args, stdin=answer)
            assert result.exit_code == 1, (name, result.output)
            assert result.stderr.splitlines()[-1] == "Error: nothing changed: not confirmed"
            assert "Aborted" not in result.output
            assert state(db) == before, name


def test_at_a_terminal_a_yes_goes_ahead(
    db: Path, backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(params, "at_terminal", lambda: True)
    commands = asking(backup, db)
    assert run(*commands["advance"], stdin="y\n").exit_code == 0
    assert state(db)[0] == (1, "Ada", "qualified")
    assert run(*commands["merge"], stdin="y\n").exit_code == 0
    assert [lead_id for lead_id, _, _ in state(db)] == [1, 3]
    restored = run(*commands["db restore"], stdin="y\n")
    assert restored.exit_code == 0, restored.output
    assert [name for _, name, _ in state(db)] == ["Ada", "Bob"]


def test_no_command_asks_but_through_the_one_helper() -> None:
    """A new confirmation elsewhere would bring back click's bare prompt off
    a terminal."""
    asked = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "click.confirm(" in path.read_text(encoding="utf-8")
    ]
    assert asked == ["cli/params.py"]


@pytest.mark.parametrize("spelling", ["same", "relative", "symlink", "hard link"])
def test_restoring_the_database_onto_itself_is_refused_first(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    monkeypatch.chdir(tmp_path)
    source = {
        "same": db,
        "relative": Path("..") / tmp_path.name / db.name,
        "symlink": tmp_path / "link.db",
        "hard link": tmp_path / "hard.db",
    }[spelling]
    if spelling == "symlink":
        source.symlink_to(db)
    elif spelling == "hard link":
        os.link(db, source)
    before, data = state(db), db.read_bytes()
    for yes in ([], ["--yes"]):
        line = one_line_error(run("db", "restore", str(source), *yes, "--db", str(db)))
        assert line == f"Error: {source} is the database itself: restore another file"
    assert state(db) == before and db.read_bytes() == data


@pytest.mark.slow
def test_the_real_prompt_at_a_terminal(db: Path, backup: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "leadtui", "db", "restore", backup.name, "--db", db.name]
    with program_in_pty(command, tmp_path) as term:
        term.wait_for("with copy.db? [y/N]:")
        term.type("n\r")
        assert term.wait_for_exit() == 1
        term.wait_for("Error: nothing changed: not confirmed")
    assert "Aborted" not in term.text()
    assert len(state(db)) == 3


def test_the_question_shows_a_stored_escape_without_running_it(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sqlite3.connect(db) as conn:  # as another program would
        conn.execute("UPDATE leads SET name = 'Ada\x1b]0;pwned\x07' WHERE id = 1")
    monkeypatch.setattr(params, "at_terminal", lambda: True)
    result = run("advance", "1", "--db", str(db), stdin="n\n")
    assert "#1 Ada\\u001b]0;pwned\\u0007: only 0 of 4 BANT answers" in result.stderr
    assert "\x1b" not in result.output and "\x07" not in result.output
