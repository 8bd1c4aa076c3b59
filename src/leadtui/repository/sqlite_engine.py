"""SQLite below the storage seam (engine.py): the one-file engine every
team starts on, through sqlite-utils, exactly as before the seam."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from leadtui.domain.errors import DatabaseUnavailable
from leadtui.repository import schema
from leadtui.repository.connection import (
    Tracer,
    check_version,
    connect,
    enable_wal,
    read_user_version,
    register_key_functions,
    write_transaction,
)
from leadtui.repository.engine import SQLITE, Dialect
from leadtui.repository.fair_turns import FairTurns
from leadtui.repository.read_only import ReadOnly
from leadtui.repository.watch import ChangeWatcher


class SqliteEngine:
    dialect: Dialect = SQLITE

    def __init__(
        self, path: Path, tracer: Tracer | None = None, read_only: ReadOnly | None = None
    ) -> None:
        self.path = path
        self.tracer = tracer
        self.shown = str(path)
        self.read_only = read_only  # set: this process may read the file, not write it
        self.turns = FairTurns()  # its threads' turns at the write lock, with teammates

    @contextmanager
    def connect(self) -> Iterator[sqlite_utils.Database]:
        with connect(self.path, self.tracer, self.read_only) as db:
            yield db

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        if self.read_only is not None:
            raise self.read_only.refusal(self.path)  # before anything is begun
        with self.turns.turn(), write_transaction(self.path, self.tracer) as db:
            yield db

    def watcher(self) -> ChangeWatcher:
        return ChangeWatcher(self.path, self.read_only)

    def require(self, what: str) -> None:
        """Everything works on SQLite."""

    def migrate(self) -> None:
        """Bring the file to SCHEMA_VERSION, or refuse (untouched) if it is newer
        or is some other program's database. BEGIN IMMEDIATE guided by
        PRAGMA user_version: ten processes starting on a fresh file apply
        each step once. A file already current takes no lock at all: every
        command opens the file through here, and a write lock taken to find
        nothing to do made `list`, `show`, `kpi` and the TUI's start wait for
        a teammate's long import, then fail, where WAL lets them read."""
        with self.connect() as db:
            version = read_user_version(db)
            check_version(db, self.path, version)
            if self.read_only is not None:
                self._check_current(db)
                return
            enable_wal(db)
            if version == schema.SCHEMA_VERSION:
                return
            db.execute("BEGIN IMMEDIATE")
            try:
                version = read_user_version(db)  # re-read: another process may have won
                check_version(db, self.path, version)
                register_key_functions(db)
                for step in schema.MIGRATIONS[version:]:
                    if self.tracer is not None:  # as executescript did: the step at once
                        self.tracer(step, None)
                    for statement in script_statements(step):
                        db.conn.execute(statement)
                if version < schema.SCHEMA_VERSION:
                    db.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
                    db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
            except BaseException:
                db.conn.execute("ROLLBACK")
                raise
            db.conn.execute("COMMIT")

    def _check_current(self, db: sqlite_utils.Database) -> None:
        """A file read only must already be this leadtui's: migrating it
        would be a write."""
        version = read_user_version(db)
        if version < schema.SCHEMA_VERSION:
            assert self.read_only is not None
            raise DatabaseUnavailable(
                f"cannot read {self.path}: it needs upgrading to this leadtui's schema"
                f" ({version} → {schema.SCHEMA_VERSION}), and {self.read_only.why};"
                " someone who can write it should open it once"
            )


def script_statements(script: str) -> Iterator[str]:
    """A script's statements, each whole and stripped, to run one by one
    inside a transaction (sqlite3's executescript would commit it first).
    A trigger's body holds semicolons, so the text is cut at a ";" only
    where SQLite says the statement so far is complete. sqlite_utils'
    executescript does the same inside a transaction but asks after every
    character, joining the text so far each time: the new file's schema
    took 0.14 s of CPU to split, every `leadtui` run on a new file (an
    import's included) and every test that makes one."""
    statement = ""
    *ended, rest = script.split(";")
    for piece in ended:
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            yield statement.strip()
            statement = ""
    if tail := (statement + rest).strip():
        yield tail
