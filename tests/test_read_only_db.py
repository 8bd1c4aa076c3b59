"""A database this user may read but not write (a read-only share, a
backup on a read-only mount, a manager given read access) answers every
reading command and opens in the TUI marked read-only; each write is
refused in one line, before anything is begun, and the file is untouched.

A read-only directory is made for real: a bind mount remounted read-only
as root (root may write anything chmod forbids), else chmod."""

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from bench.ptyterm import program_in_pty
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.domain.errors import DatabaseUnavailable
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import open_repository, sqlite_pool
from leadtui.repository.read_only import read_only_reason


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def shelf(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(a writable directory, the same directory seen read-only)."""
    writable, seen = tmp_path / "files", tmp_path / "shelf"
    writable.mkdir()
    seen.mkdir()
    if os.geteuid() != 0:
        yield writable, writable
        return
    mounted = subprocess.run(["mount", "--bind", str(writable), str(seen)], check=False)
    if mounted.returncode != 0:
        pytest.skip("root here cannot mount: no read-only directory to test in")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(seen)], check=True)
        yield writable, seen
    finally:
        # Lazily: a connection a failed test left open must not keep the mount.
        subprocess.run(["umount", "--lazy", str(seen)], check=True)


def read_only(shelf: tuple[Path, Path]) -> None:
    """Make the shelf read-only (chmod, when not root: the mount already is)."""
    writable, seen = shelf
    if writable == seen:
        writable.chmod(0o555)


def team_file(path: Path) -> None:
    repo = open_repository(path, actor="ann")
    for name in ("Ann Lee", "Дмитрий Иванов", "王芳"):
        repo.add_lead(build_draft(name=name, value_cents="5k"))
    repo.advance(1)
    sqlite_pool.close_idle()  # the last connection out removes -wal and -shm


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_reading_commands_answer_and_writes_are_refused_untouched(
    shelf: tuple[Path, Path],
) -> None:
    team_file(shelf[0] / "team.db")
    read_only(shelf)
    db = str(shelf[1] / "team.db")
    before = digest(shelf[1] / "team.db")
    assert run("list", "--db", db).output.count("\n") == 3
    assert "Дмитрий Иванов" in run("show", "2", "--db", db).output
    assert run("kpi", "--json", "--db", db).exit_code == 0
    export = shelf[0].parent / "out.csv"
    assert run("export", "--format", "csv", "--output", str(export), "--db", db).exit_code == 0
    assert "王芳" in export.read_text(encoding="utf-8")
    for write in (["add", "Bo"], ["advance", "2"], ["lose", "3", "--reason", "No budget"]):
        result = run(*write, "--db", db)
        assert result.exit_code == 1
        [line] = result.output.splitlines()
        assert line.startswith(f"Error: cannot write {db}: ") and "nothing was changed" in line
    assert "integrity:      ok" in run("db", "check", "--db", db).output
    copy = shelf[0].parent / "copy.db"
    assert run("db", "backup", str(copy), "--db", db).exit_code == 0
    assert len(list(open_repository(copy).all_leads())) == 3
    serve = run("serve", "--db", db)
    assert serve.exit_code == 1
    assert serve.output.startswith(f"Error: cannot serve {db}: ") and "sign-ins" in serve.output
    assert digest(shelf[1] / "team.db") == before
    # No -wal or -shm was made beside it.
    assert sorted(entry.name for entry in shelf[1].iterdir()) == ["team.db"]


def test_changes_waiting_in_the_wal_are_not_read_past(shelf: tuple[Path, Path]) -> None:
    # A -wal with commits not yet merged, and no -shm to read it through:
    # reading the file alone would show the team's data as it was.
    source = shelf[0].parent / "live.db"
    team_file(source)
    holder = sqlite3.connect(source, isolation_level=None)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("UPDATE leads SET name = 'Ann Lee-Park' WHERE id = 1")
    for suffix in ("", "-wal"):
        shutil.copyfile(f"{source}{suffix}", shelf[0] / f"team.db{suffix}")
    holder.close()
    read_only(shelf)
    result = run("list", "--db", str(shelf[1] / "team.db"))
    assert result.exit_code == 1
    assert "team.db-wal beside it holds changes not yet merged into it" in result.output


def test_a_file_needing_a_migration_is_not_read_as_if_current(shelf: tuple[Path, Path]) -> None:
    team_file(shelf[0] / "team.db")
    with closing(sqlite3.connect(shelf[0] / "team.db")) as conn:
        conn.execute("PRAGMA user_version = 3")
    read_only(shelf)
    with pytest.raises(DatabaseUnavailable, match=r"needs upgrading .* open it once"):
        open_repository(shelf[1] / "team.db", reading_allowed=True)


def test_a_writable_file_is_opened_for_writing(tmp_path: Path) -> None:
    team_file(tmp_path / "team.db")
    assert read_only_reason(tmp_path / "team.db") is None
    repo = open_repository(tmp_path / "team.db", reading_allowed=True)
    assert repo.cannot_write() is None
    assert repo.advance(2).stage is Stage.CONTACTED


def test_the_tui_opens_it_marked_read_only_and_a_move_says_why(
    shelf: tuple[Path, Path],
) -> None:
    team_file(shelf[0] / "team.db")
    read_only(shelf)
    command = [sys.executable, "-m", "leadtui", "--db", "team.db"]
    with program_in_pty(command, shelf[1]) as term:
        term.wait_for("team.db (read-only)")
        term.wait_for("王芳")
        term.type("a")
        term.wait_for("cannot write team.db:")
        term.type("q")
        assert term.wait_for_exit() == 0
    assert "Traceback" not in term.raw.decode(errors="replace")
    assert sorted(entry.name for entry in shelf[1].iterdir()) == ["team.db"]
