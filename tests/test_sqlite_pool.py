"""SQLite connections kept open between operations (repository/sqlite_pool.py).
Specification: the next operation on the same file takes the connection
the last one left, from any thread; nothing of one use reaches the next
(a failed use, a temp trigger or table, an open transaction: closed, not
kept); and a process that exits leaves the database in its one file, as
before."""

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from leadtui.domain.errors import NotAllowed
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, open_repository, sqlite_pool
from leadtui.repository.connection import connect


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[sqlite3.Connection]:
    """Every SQLite connection opened from here on."""
    made: list[sqlite3.Connection] = []
    original = sqlite3.connect

    def counted(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn: sqlite3.Connection = original(*args, **kwargs)
        made.append(conn)
        return conn

    monkeypatch.setattr(sqlite3, "connect", counted)
    sqlite_pool.close_idle()
    return made


def test_operations_in_a_row_take_one_connection_whatever_the_thread(
    repo: Repository, opened: list[sqlite3.Connection]
) -> None:
    lead = repo.add_lead(build_draft(name="Ada"))
    repo.advance(lead)
    repo.stage_totals()
    other = threading.Thread(target=lambda: repo.get_lead(lead))
    other.start()
    other.join()
    assert repo.get_lead(lead).stage is Stage.CONTACTED
    assert len(opened) == 1


def test_a_connection_whose_use_failed_is_closed(
    repo: Repository, opened: list[sqlite3.Connection]
) -> None:
    with pytest.raises(RuntimeError), connect(repo.path) as db:
        db.execute("SELECT 1")
        raise RuntimeError("the caller's own error, midway")
    repo.count_leads()
    assert len(opened) == 2
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        opened[0].execute("SELECT 1")


def test_temp_tables_and_an_open_transaction_are_never_handed_on(
    repo: Repository, opened: list[sqlite3.Connection]
) -> None:
    with connect(repo.path) as db:
        db.execute("CREATE TEMP TABLE left_over (x)")
    with connect(repo.path) as db:
        assert db.execute("SELECT count(*) FROM temp.sqlite_master").fetchone()[0] == 0
        db.execute("BEGIN")
    with connect(repo.path) as db:
        assert not db.conn.in_transaction
    assert len(opened) == 3


def test_a_reps_guard_triggers_do_not_outlive_their_transaction(repo: Repository) -> None:
    """Own-leads writes add TEMP triggers: a connection that held them must
    not guard the next writer, who may be allowed everything."""
    theirs = repo.add_lead(build_draft(name="Maria's", owner="maria"))
    anna = open_repository(repo.target, actor="anna", own_leads_only=True)
    with pytest.raises(NotAllowed):
        anna.advance(theirs)
    assert anna.add_lead(build_draft(name="Anna's", owner="anna"))  # a guarded write that passed
    assert repo.advance(theirs).stage is Stage.CONTACTED  # the team lead, unguarded


def test_a_cli_command_leaves_the_database_in_its_one_file(tmp_path: Path) -> None:
    path = tmp_path / "leads.db"
    command = [sys.executable, "-m", "leadtui", "add", "Ada", "--db", str(path)]
    subprocess.run(command, check=True, capture_output=True, timeout=60)
    assert path.exists() and not Path(f"{path}-wal").exists()
