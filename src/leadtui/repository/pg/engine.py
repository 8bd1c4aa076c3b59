"""PostgreSQL below the storage seam (repository/engine.py).

- A connection per operation, as on SQLite, borrowed from the few kept
  idle (pg/connection.py: opening one costs a server process).
- Writes: every write transaction first takes one transaction-level
  advisory lock, the counterpart of SQLite's BEGIN IMMEDIATE. The pieces
  rely on what that gives them: a read-modify-write sees no other writer,
  and the journal lines after its last one are the action's own
  (journal.action), in commit order (the live refresh's spans). A write
  decided from what it read of a lead reads it FOR UPDATE too
  (Dialect.for_update). Row locks alone, without this lock, were measured
  slower while every move updates the shared per-stage totals rows
  (bench/pg_row_locks.py; ARCHITECTURE.md, "Storage engines").
- Every write transaction sends NOTIFY, delivered on commit, naming the
  journal lines it wrote: the change watcher (pg/watch.py) listens instead
  of polling, and reads just the leads those lines name.
- Migrations run under a session advisory lock, guided by leadtui_schema,
  so many processes starting on an empty database apply each step once.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from psycopg import errors as pg_errors

from leadtui.domain.errors import DatabaseBusy, DatabaseUnavailable
from leadtui.repository import connection
from leadtui.repository.engine import POSTGRES, Dialect, Tracer, refuse, shown
from leadtui.repository.pg import schema
from leadtui.repository.pg.connection import PgDatabase, borrow, give_back, readable_errors
from leadtui.repository.pg.watch import CHANNEL, NotifyWatcher
from leadtui.repository.read_only import ReadOnly
from leadtui.repository.watch import last_line

# The Repository's pieces (core.PIECE_FEATURES) and single methods of
# pieces ("team settings (team_currency)") that run on PostgreSQL; everything else
# is refused by name (Engine.require) until it is ported.
PORTED = frozenset(
    {
        "moves",
        "KPIs",
        "history",
        "undo",
        "import",
        "lead edits and follow-ups",
        "scoring",
        "duplicates and merging",
        "team settings",
        "sign-ins",
        "counts",
    }
)


class PostgresEngine:
    dialect: Dialect = POSTGRES
    # A role without write rights is refused by the server, write by write.
    read_only: ReadOnly | None = None

    def __init__(self, url: str, tracer: Tracer | None = None) -> None:
        self.url = url
        self.tracer = tracer
        self.shown = shown(url)

    @contextmanager
    def connect(self) -> Iterator[PgDatabase]:
        raw = borrow(self.url, self.shown)
        try:
            with readable_errors(self.shown):
                yield PgDatabase(raw, self.tracer)
        finally:
            give_back(self.url, raw)

    @contextmanager
    def transaction(self) -> Iterator[PgDatabase]:
        with self.connect() as db, db.raw.transaction():
            # As long as SQLite's busy timeout, then DatabaseBusy ("is busy:
            # someone else is writing to it"): without it a write waited for
            # as long as another session held the lock, a cron job's too.
            wait = int(connection.BUSY_TIMEOUT_SECONDS * 1000)
            db.execute(f"SET LOCAL lock_timeout = {wait}")
            db.execute("SELECT pg_advisory_xact_lock(?)", [schema.WRITE_LOCK])
            start = last_line(db)  # after the lock: no other writer's lines follow it
            yield db
            # Delivered on commit, with the span of journal lines this
            # transaction wrote (pg/watch.py reads just those); only if it
            # wrote anything, as SQLite's data_version moves only then: every
            # console's periodic rescore is a write transaction that mostly
            # finds nothing due, and each would have every other console
            # re-read its screen.
            db.execute(
                "SELECT pg_notify(?, ?::text || ' ' || (SELECT coalesce(max(id), 0) FROM journal))"
                " WHERE pg_current_xact_id_if_assigned() IS NOT NULL",
                [CHANNEL, str(start)],
            )

    def watcher(self) -> NotifyWatcher:
        return NotifyWatcher(self.url, self.shown, self.connect)

    def require(self, what: str) -> None:
        if what not in PORTED and what.partition(" (")[0] not in PORTED:
            raise refuse(what, self.dialect)

    def migrate(self) -> None:
        with self.connect() as db:
            # A database at this schema is opened without the lock, as a
            # SQLite file is: every command opens through here, and each
            # waited behind a teammate's schema step, or forever behind a
            # session that held the lock and hung.
            if self._current(db):
                return
            self._take_migration_lock(db)
            try:
                with db.raw.transaction():
                    self._migrate(db)
            finally:
                db.execute("SELECT pg_advisory_unlock(?)", [schema.MIGRATION_LOCK])

    def _current(self, db: PgDatabase) -> bool:
        """Whether the database is a UTF8 one at this schema; anything else
        goes the slow way, under the lock, where _migrate refuses it or
        makes the steps (another process may be making them)."""
        known, encoding = db.execute(
            "SELECT to_regclass('leadtui_schema') IS NOT NULL, current_setting('server_encoding')"
        ).fetchone()
        if not known or encoding != "UTF8":
            return False
        version = db.execute("SELECT version FROM leadtui_schema").fetchone()[0]
        return int(version) == schema.SCHEMA_VERSION

    def _take_migration_lock(self, db: PgDatabase) -> None:
        """Wait for another process's schema steps as long as a write waits
        for the write lock, then say so in one line (DatabaseBusy)."""
        wait = int(connection.BUSY_TIMEOUT_SECONDS * 1000)
        db.execute(f"SET lock_timeout = {wait}")
        try:
            db.execute("SELECT pg_advisory_lock(?)", [schema.MIGRATION_LOCK])
        except pg_errors.LockNotAvailable:
            raise DatabaseBusy(
                f"{self.shown} is being brought to this leadtui's schema by another process;"
                " try again when it is done"
            ) from None
        finally:
            db.execute("RESET lock_timeout")

    def _migrate(self, db: PgDatabase) -> None:
        known, encoding = db.execute(
            "SELECT to_regclass('leadtui_schema') IS NOT NULL, current_setting('server_encoding')"
        ).fetchone()
        if not known:
            tables = db.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
            ).fetchone()[0]
            if tables:
                raise DatabaseUnavailable(f"{self.shown} has tables, but is not a leadtui database")
        # Names and notes in any script: in a LATIN1 (or SQL_ASCII) database
        # the first Chinese name failed in psycopg's encoder with a
        # traceback, half-way through a copy or on a rep's save. Refused at
        # every open, not only before the schema is made: a database made
        # before this check, or restored into one made without UTF8, opened.
        if encoding != "UTF8":
            make = "createdb --encoding=UTF8 --template=template0"
            raise DatabaseUnavailable(
                f"{self.shown} stores text as {encoding}: leadtui needs a UTF8 database"
                + (
                    f"; make one ({make} NAME) and move this one's data into it"
                    " with pg_dump and pg_restore"
                    if known
                    else f" ({make})"
                )
            )
        if not known:
            db.execute(schema.VERSION_TABLE)
            db.execute("INSERT INTO leadtui_schema (version) VALUES (0)")
        version = int(db.execute("SELECT version FROM leadtui_schema").fetchone()[0])
        if version > schema.SCHEMA_VERSION:
            raise DatabaseUnavailable(
                f"{self.shown} was written by a newer leadtui (schema {version}, this one knows"
                f" {schema.SCHEMA_VERSION}); upgrade leadtui. The database was not changed."
            )
        try:
            for step in schema.MIGRATIONS[version:]:
                db.execute(step)
        except pg_errors.InsufficientPrivilege as error:
            # A rep's own role (README, "Each rep as their own role") reads
            # and writes rows, but a schema step is the owner's to make.
            raise DatabaseUnavailable(
                f"{self.shown} needs this leadtui's schema step {version + 1}, which only the"
                f" database's owner may make: open it once as them (leadtui db check);"
                f" {error.diag.message_primary or 'permission denied'}"
            ) from None
        db.execute("UPDATE leadtui_schema SET version = ?", [schema.SCHEMA_VERSION])
