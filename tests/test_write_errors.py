"""A full disk, a forbidden or read-only place: one line naming what could
not be written, exit 1, and nothing half-written left behind."""

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.repository import sqlite_pool
from tests.test_cli_edges import one_line_error


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def filled(db: str) -> str:
    for name in ("Ann Lee", "Bob Roe", "=HYPERLINK(1)"):
        assert run("add", name, "--company", "Acme", "--db", db).exit_code == 0
    run("log", "1", "--kind", "call", "--note", "hello", "--db", db)
    return db


def full_disk_for(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, which: str = "") -> None:
    """Export's temp files (those whose prefix has `which`) write into
    /dev/full: every write that reaches the disk fails with ENOSPC."""
    real = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if which not in kwargs.get("prefix", ""):
            return real(*args, **kwargs)
        # A name of our own that does not exist: export removes it after.
        return os.open("/dev/full", os.O_WRONLY), str(tmp_path / ".stand-in.tmp")

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_export_to_a_full_disk(
    fmt: str, filled: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / f"out.{fmt}"
    full_disk_for(monkeypatch, tmp_path)
    line = one_line_error(run("export", "--format", fmt, "--output", str(out), "--db", filled))
    assert line == f"Error: cannot write {out}: No space left on device"
    assert not out.exists()


def test_the_error_names_the_file_that_failed(
    filled: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.csv"
    full_disk_for(monkeypatch, tmp_path, which="history")
    args = ("export", "--format", "csv", "--with-history", "--output", str(out), "--db", filled)
    line = one_line_error(run(*args))
    assert line == f"Error: cannot write {tmp_path / 'out.history.csv'}: No space left on device"
    assert not out.exists() and not (tmp_path / "out.history.csv").exists()


@pytest.mark.parametrize(
    ("code", "said"),
    [(errno.EACCES, "Permission denied"), (errno.EROFS, "Read-only file system")],
)
def test_export_to_a_forbidden_or_read_only_place(
    code: int, said: str, filled: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As root every place is writable, so the OS's answer is stood in.
    def refuse(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    out = tmp_path / "out.json"
    line = one_line_error(run("export", "--output", str(out), "--db", filled))
    assert line == f"Error: cannot write {out}: {said}"


@pytest.mark.parametrize(
    ("code", "said"),
    [(errno.EACCES, "Permission denied"), (errno.EROFS, "Read-only file system")],
)
def test_demo_into_a_forbidden_or_read_only_place_names_the_file_asked_for(
    code: int, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> tuple[int, str]:
        raise OSError(code, os.strerror(code), str(tmp_path / ".new.db.x1y2.building"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    target = tmp_path / "new.db"
    line = one_line_error(run("demo", "--db", str(target), "--leads", "5"))
    assert line == f"Error: cannot create {target}: {said}"  # not the hidden file beside it
    assert list(tmp_path.iterdir()) == []


def test_a_rename_refused_at_the_end_leaves_no_temp_file(
    filled: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Path, target: Any) -> Path:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(Path, "replace", refuse)
    out = tmp_path / "out.json"
    line = one_line_error(run("export", "--output", str(out), "--db", filled))
    assert line == f"Error: cannot write {out}: Read-only file system"
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("cli.db")] == []


@pytest.mark.parametrize("args", [["export"], ["list"], ["kpi", "--json"], ["show", "1"]])
def test_stdout_on_a_full_disk(args: list[str], filled: str) -> None:
    """`leadtui export > file` on a full disk: the real process, whose stdout
    is a real file (/dev/full), so Python's own flush at exit is covered too."""
    with Path("/dev/full").open("w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "leadtui", *args, "--db", filled],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert done.stderr == "Error: cannot write the output: No space left on device\n"


def test_the_database_on_a_full_disk(filled: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's own SQLITE_FULL, raised by capping the file at its size."""
    real = sqlite3.connect

    def capped(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn: sqlite3.Connection = real(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(sqlite3, "connect", capped)
    sqlite_pool.close_idle()  # every connection from here on is capped
    body = "minutes " * 20_000  # more than the free pages of the file hold
    line = one_line_error(run("log", "1", "--kind", "meeting", "--body", body, "--db", filled))
    assert line == f"Error: the disk holding {filled} is full: the change was not saved"
    monkeypatch.undo()
    sqlite_pool.close_idle()  # and none of them afterwards
    shown = run("show", "1", "--json", "--db", filled).output
    assert "minutes minutes" not in shown and "meeting" not in shown  # nothing half-written


@pytest.mark.parametrize(("free", "said"), [(0, "is full"), (10 << 30, "disk I/O error")])
def test_opening_on_a_full_disk_names_the_cause(
    filled: str, monkeypatch: pytest.MonkeyPatch, free: int, said: str
) -> None:
    """Opening in WAL mode creates the -wal and -shm files; on a full disk
    SQLite says only "disk I/O error" (seen on a full 2 MB tmpfs). With room
    to spare the error is something else, and is passed on as it is."""

    class NoRoomForWal(sqlite3.Connection):
        def execute(self, *args: Any, **kwargs: Any) -> sqlite3.Cursor:
            raise sqlite3.OperationalError("disk I/O error")

    real = sqlite3.connect

    def failing(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return real(*args, factory=NoRoomForWal, **kwargs)

    usage = shutil.disk_usage(Path(filled).parent)
    monkeypatch.setattr(sqlite3, "connect", failing)
    monkeypatch.setattr(shutil, "disk_usage", lambda _: usage._replace(free=free))
    sqlite_pool.close_idle()
    line = one_line_error(run("list", "--db", filled))
    assert said in line and line.startswith("Error: ")
    if free == 0:
        assert line == (
            f"Error: the disk holding {filled} is full: there is no room for SQLite's -wal"
            " and -shm files beside it; free some space (nothing was changed)"
        )
