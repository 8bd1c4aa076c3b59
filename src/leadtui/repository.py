"""The only module that touches SQLite (through sqlite-utils).

Design choices, each answering a measured hazard in ARCHITECTURE.md:
- A connection per operation, opened on the calling thread, so thread workers
  never share a connection (hazard 5) and nothing leaks when an error is raised.
- Every read-modify-write runs in BEGIN IMMEDIATE with a busy timeout, so two
  processes cannot interleave a read and a write (hazard 3); each lead row
  carries a `version` that every write bumps.
- Migrations run under BEGIN IMMEDIATE guided by PRAGMA user_version, so ten
  processes starting on a fresh file apply each step once (hazard 4).
- Lists are keyset-paged: a page costs the same at row 10 and row 1,000,000.
"""

import getpass
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from leadtui import pipeline, schema, scoring
from leadtui.clock import Clock, to_iso, utc_now
from leadtui.errors import DatabaseUnavailable, LeadNotFound
from leadtui.kpis import KpiSummary, summarize
from leadtui.models import ActivityKind, HistoryEntry, Lead, LeadDraft, Source, Stage

# (score, id) of the last row of a page; the next page starts after it.
PageCursor = tuple[int, int]
Tracer = Callable[[str, Any], None]


@dataclass
class RowBatch:
    """Rows for bulk_load, as tuples in schema.*_COLUMNS order."""

    leads: list[tuple[Any, ...]] = field(default_factory=list)
    stage_changes: list[tuple[Any, ...]] = field(default_factory=list)
    activities: list[tuple[Any, ...]] = field(default_factory=list)


BUSY_TIMEOUT_SECONDS = 10.0
_LEAD_SELECT = f"SELECT {', '.join(schema.LEAD_COLUMNS)} FROM leads"


def current_actor() -> str:
    """The OS user name: who made a change, as recorded on every write."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in some containers
        return "unknown"


class Repository:
    """Every read and write of one leadtui database file."""

    def __init__(
        self,
        path: Path,
        *,
        actor: str | None = None,
        clock: Clock = utc_now,
        tracer: Tracer | None = None,
    ) -> None:
        self.path = path
        self.actor = actor or current_actor()
        self.clock = clock
        self.tracer = tracer

    # ----------------------------------------------------------- connections

    @contextmanager
    def _connection(self) -> Iterator[sqlite_utils.Database]:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            with _readable_errors(self.path):
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
                conn.execute("PRAGMA foreign_keys = ON")
                # A CRM must keep the last sale: FULL survives power loss in WAL.
                conn.execute("PRAGMA synchronous = FULL")
                yield sqlite_utils.Database(conn, tracer=self.tracer, execute_plugins=False)
        finally:
            conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction that takes the write lock up front (see module doc)."""
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
                raise
            db.conn.execute("COMMIT")

    # ------------------------------------------------------------- start-up

    def migrate(self) -> None:
        """Bring the file to SCHEMA_VERSION, or refuse (untouched) if it is newer
        or is some other program's database."""
        with self._connection() as db:
            _check_version(db, self.path, _read_user_version(db))
            _enable_wal(db)
            db.execute("BEGIN IMMEDIATE")
            try:
                version = _read_user_version(db)  # re-read: another process may have won
                _check_version(db, self.path, version)
                for step in schema.MIGRATIONS[version:]:
                    db.executescript(step)
                if version < schema.SCHEMA_VERSION:
                    db.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
                    db.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
            except BaseException:
                db.conn.execute("ROLLBACK")
                raise
            db.conn.execute("COMMIT")

    # ---------------------------------------------------------------- reads

    def get_lead(self, lead_id: int) -> Lead:
        with self._connection() as db:
            return _fetch_lead(db, lead_id)

    def leads_in_stage(
        self, stage: Stage, *, after: PageCursor | None = None, limit: int = 50
    ) -> list[Lead]:
        """One page of a stage, hottest first (score desc, newest first on ties)."""
        sql = f"{_LEAD_SELECT} WHERE stage = ?"
        params: list[Any] = [stage.value]
        if after is not None:
            sql += " AND (score, id) < (?, ?)"
            params += list(after)
        sql += " ORDER BY score DESC, id DESC LIMIT ?"
        params.append(limit)
        with self._connection() as db:
            return [_lead_from_row(row) for row in db.execute(sql, params).fetchall()]

    def all_leads(self, *, stage: Stage | None = None, batch: int = 1000) -> Iterator[Lead]:
        """Every lead (optionally of one stage) in id order, fetched in batches
        so an export of a million leads runs in bounded memory."""
        last_id = 0
        while True:
            sql = f"{_LEAD_SELECT} WHERE id > ?"
            params: list[Any] = [last_id]
            if stage is not None:
                sql += " AND stage = ?"
                params.append(stage.value)
            with self._connection() as db:
                rows = db.execute(f"{sql} ORDER BY id LIMIT ?", [*params, batch]).fetchall()
            yield from (_lead_from_row(row) for row in rows)
            if len(rows) < batch:
                return
            last_id = rows[-1][0]

    def stage_totals(self) -> dict[Stage, tuple[int, int]]:
        """{stage: (count, total value in cents)} over every lead, read from an index."""
        with self._connection() as db:
            rows = db.execute(
                "SELECT stage, count(*), coalesce(sum(value_cents), 0) FROM leads GROUP BY stage"
            ).fetchall()
        return {Stage(stage): (count, value) for stage, count, value in rows}

    def kpi_summary(self) -> KpiSummary:
        with self._connection() as db:
            source_rows = db.execute(
                "SELECT source, count(*) FROM leads GROUP BY source"
            ).fetchall()
        return summarize(self.stage_totals(), {Source(s): n for s, n in source_rows})

    def history(self, lead_id: int, *, limit: int = 200) -> list[HistoryEntry]:
        """Stage changes and touches of one lead, newest first."""
        with self._connection() as db:
            _fetch_lead(db, lead_id)  # unknown ids are an error, not an empty history
            rows = db.execute(
                """
                SELECT 'stage_change', at, actor, from_stage, to_stage, reason, NULL, NULL, id
                  FROM stage_changes WHERE lead_id = :lead
                UNION ALL
                SELECT 'touch', at, actor, NULL, NULL, NULL, kind, note, id
                  FROM activities WHERE lead_id = :lead
                ORDER BY 2 DESC, 9 DESC LIMIT :limit
                """,
                {"lead": lead_id, "limit": limit},
            ).fetchall()
        fields = ("type", "at", "actor", "from_stage", "to_stage", "reason", "kind", "note")
        return [HistoryEntry.model_validate(dict(zip(fields, row, strict=False))) for row in rows]

    def watcher(self) -> "ChangeWatcher":
        return ChangeWatcher(self.path)

    def has_leads(self) -> bool:
        with self._connection() as db:
            return bool(db.execute("SELECT EXISTS (SELECT 1 FROM leads)").fetchone()[0])

    def count_leads(self) -> int:
        with self._connection() as db:
            return int(db.execute("SELECT count(*) FROM leads").fetchone()[0])

    # --------------------------------------------------------------- writes

    def add_lead(self, draft: LeadDraft) -> int:
        now = to_iso(self.clock())
        rated = scoring.score(_score_input(draft.model_dump()))
        row = {
            **draft.model_dump(),
            "stage": Stage.NEW.value,
            "temperature": rated.temperature.value,
            "score": rated.points,
            "created_at": now,
            "updated_at": now,
            "stage_entered_at": now,
        }
        columns = ", ".join(row)
        with self._transaction() as db:
            cursor = db.execute(
                f"INSERT INTO leads ({columns}) VALUES ({', '.join(':' + c for c in row)})", row
            )
            lead_id = int(cursor.lastrowid or 0)
            # The first history entry: entering New from nowhere.
            _record_stage_change(db, lead_id, None, Stage.NEW, None, now, self.actor)
        return lead_id

    def advance(self, lead_id: int) -> Lead:
        return self._move(lead_id, lambda lead, _: pipeline.advance(lead.stage))

    def win(self, lead_id: int) -> Lead:
        return self._move(lead_id, lambda lead, _: pipeline.win(lead.stage))

    def lose(self, lead_id: int, reason: str) -> Lead:
        return self._move(lead_id, lambda lead, _: pipeline.lose(lead.stage, reason))

    def reopen(self, lead_id: int) -> Lead:
        return self._move(lead_id, lambda lead, before: pipeline.reopen(lead.stage, before))

    def log_touch(
        self, lead_id: int, kind: ActivityKind, note: str, direction: str | None = None
    ) -> None:
        now = to_iso(self.clock())
        with self._transaction() as db:
            lead = _fetch_lead(db, lead_id)
            db.execute(
                "INSERT INTO activities (lead_id, kind, direction, note, at, actor)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [lead_id, kind.value, direction, note, now, self.actor],
            )
            touches = db.execute(
                "SELECT count(*) FROM activities WHERE lead_id = ?", [lead_id]
            ).fetchone()[0]
            rated = scoring.score(_score_input(lead.model_dump(), touches=touches))
            db.execute(
                "UPDATE leads SET score = ?, temperature = ?, last_touch_at = ?, updated_at = ?,"
                " version = version + 1 WHERE id = ?",
                [rated.points, rated.temperature.value, now, now, lead_id],
            )

    def _move(self, lead_id: int, rule: Callable[[Lead, Stage | None], pipeline.Move]) -> Lead:
        """Read, decide and write in one IMMEDIATE transaction: no lost update."""
        now = to_iso(self.clock())
        with self._transaction() as db:
            lead = _fetch_lead(db, lead_id)
            move = rule(lead, _stage_before_closing(db, lead))
            lost_reason = move.reason if move.to_stage is Stage.LOST else None
            db.execute(
                "UPDATE leads SET stage = ?, lost_reason = ?, stage_entered_at = ?,"
                " updated_at = ?, version = version + 1 WHERE id = ?",
                [move.to_stage.value, lost_reason, now, now, lead_id],
            )
            _record_stage_change(
                db, lead_id, move.from_stage, move.to_stage, move.reason, now, self.actor
            )
            return _fetch_lead(db, lead_id)


class ChangeWatcher:
    """Notices commits made by any other connection (another rep's leadtui,
    a CLI command, cron), through PRAGMA data_version on one long-lived
    connection. Cheap: it reads the WAL index, never the tables, and with no
    busy timeout it never waits for a lock. Safe to call from short-lived
    worker threads: one call at a time, and a call that finds another under
    way returns False at once instead of waiting."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._version = self._read()

    def _read(self) -> int:
        with _readable_errors(self._path):
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        """True once for each batch of outside commits since the last call."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            version = self._read()
            if version == self._version:
                return False
            self._version = version
            return True
        finally:
            self._lock.release()

    def close(self) -> None:
        with self._lock:
            self._conn.close()


# ------------------------------------------------------------------ opening


def open_repository(
    path: Path,
    *,
    actor: str | None = None,
    clock: Clock = utc_now,
    tracer: Tracer | None = None,
) -> Repository:
    """Check the file can be used, create it (mode 0600) if missing, migrate it.

    Raises DatabaseUnavailable with one readable line for a missing directory,
    a read-only file or directory, a file that is not a leadtui database, or
    one written by a newer leadtui (which is left untouched).
    """
    path = Path(path).expanduser()
    directory = path.parent
    if not directory.is_dir():
        raise DatabaseUnavailable(f"cannot open {path}: directory {directory} does not exist")
    if path.is_dir():
        raise DatabaseUnavailable(f"cannot open {path}: it is a directory")
    # WAL needs to create -wal and -shm files beside the database.
    if not os.access(directory, os.W_OK):
        raise DatabaseUnavailable(f"cannot open {path}: directory {directory} is read-only")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseUnavailable(f"cannot open {path}: the file is read-only")
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass  # another process created it first; it will have migrated it
        except OSError as error:
            raise DatabaseUnavailable(f"cannot create {path}: {error.strerror}") from None
    repo = Repository(path, actor=actor, clock=clock, tracer=tracer)
    repo.migrate()
    return repo


def build_database(
    path: Path, batches: Iterable[RowBatch], progress: Callable[[int], None] | None = None
) -> int:
    """Write a new database at `path` from row batches (demo data); returns the
    lead count. `path` must not exist: real data is never overwritten.

    The file is built privately beside `path` with journaling off and the
    secondary indexes rebuilt once at the end (several times faster than
    maintaining them row by row), then linked into place in one step, so
    an interrupted build leaves nothing behind and nobody sees half a file.
    """
    path = Path(path).expanduser()
    if path.exists():
        raise DatabaseUnavailable(f"{path} already exists; demo data goes into a new file")
    if not path.parent.is_dir():
        raise DatabaseUnavailable(f"cannot create {path}: directory {path.parent} does not exist")
    handle, building_name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".building", dir=path.parent
    )
    os.close(handle)  # mkstemp made it 0600, which the final file keeps
    building = Path(building_name)
    try:
        open_repository(building)
        written = _bulk_insert(building, batches, progress)
        try:
            os.link(building, path)  # fails rather than replace a file made meanwhile
        except FileExistsError:
            raise DatabaseUnavailable(f"{path} appeared while building; left it alone") from None
    finally:
        building.unlink(missing_ok=True)
    return written


def _bulk_insert(
    path: Path, batches: Iterable[RowBatch], progress: Callable[[int], None] | None
) -> int:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        with _readable_errors(path):
            # Private file nobody else has open: no journal and no fsync until the end.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            indexes = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            ).fetchall()
            conn.execute("BEGIN")
            for name, _ in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            written = 0
            for batch in batches:
                for table, columns, rows in (
                    ("leads", schema.LEAD_COLUMNS, batch.leads),
                    ("stage_changes", schema.STAGE_CHANGE_COLUMNS, batch.stage_changes),
                    ("activities", schema.ACTIVITY_COLUMNS, batch.activities),
                ):
                    marks = ", ".join("?" * len(columns))
                    conn.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
                    )
                written += len(batch.leads)
                if progress:
                    progress(len(batch.leads))
            for _, sql in indexes:
                conn.execute(sql)
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
    finally:
        conn.close()
    return written


@contextmanager
def _readable_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's errors about the file itself into one readable line."""
    try:
        yield
    except sqlite3.OperationalError as error:
        message = str(error)
        if "locked" in message or "busy" in message:
            raise DatabaseUnavailable(
                f"{path} is busy: another leadtui is writing; try again"
            ) from None
        if "readonly" in message or "read-only" in message:
            raise DatabaseUnavailable(f"cannot write {path}: it is read-only") from None
        raise DatabaseUnavailable(f"cannot use {path}: {message}") from None
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error):
            raise DatabaseUnavailable(f"{path} is not a SQLite database") from None
        raise DatabaseUnavailable(f"{path} is damaged: {error}") from None


def _read_user_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _check_version(db: sqlite_utils.Database, path: Path, version: int) -> None:
    if version > schema.SCHEMA_VERSION:
        raise DatabaseUnavailable(
            f"{path} was written by a newer leadtui (schema {version}, this one knows "
            f"{schema.SCHEMA_VERSION}); upgrade leadtui. The file was not changed."
        )
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    foreign = version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if foreign or (version > 0 and application_id != schema.APPLICATION_ID):
        raise DatabaseUnavailable(f"{path} is a SQLite database, but not a leadtui one")


def _enable_wal(db: sqlite_utils.Database) -> None:
    """WAL is persistent, so only the first process to open a file switches it.
    Several doing that at once can see "locked" (hazard 4): retry briefly."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


# -------------------------------------------------------------- row helpers


def _lead_from_row(row: tuple[Any, ...]) -> Lead:
    return Lead.model_validate(dict(zip(schema.LEAD_COLUMNS, row, strict=True)))


def _fetch_lead(db: sqlite_utils.Database, lead_id: int) -> Lead:
    row = db.execute(f"{_LEAD_SELECT} WHERE id = ?", [lead_id]).fetchone()
    if row is None:
        raise LeadNotFound(lead_id)
    return _lead_from_row(row)


def _stage_before_closing(db: sqlite_utils.Database, lead: Lead) -> Stage | None:
    """The stage a closed lead was in before its last move into Won/Lost."""
    if pipeline.is_open(lead.stage):
        return None
    row = db.execute(
        "SELECT from_stage FROM stage_changes WHERE lead_id = ? AND to_stage = ?"
        " ORDER BY at DESC, id DESC LIMIT 1",
        [lead.id, lead.stage.value],
    ).fetchone()
    return Stage(row[0]) if row and row[0] else None


def _record_stage_change(
    db: sqlite_utils.Database,
    lead_id: int,
    from_stage: Stage | None,
    to_stage: Stage,
    reason: str | None,
    at: str,
    actor: str,
) -> None:
    db.execute(
        "INSERT INTO stage_changes (lead_id, from_stage, to_stage, reason, at, actor)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [lead_id, from_stage.value if from_stage else None, to_stage.value, reason, at, actor],
    )


def _score_input(fields: dict[str, Any], touches: int = 0) -> scoring.ScoreInput:
    return scoring.ScoreInput(
        source=Source(fields["source"]),
        title=fields.get("title"),
        has_email=bool(fields.get("email")),
        has_phone=bool(fields.get("phone")),
        has_company=bool(fields.get("company")),
        value_cents=int(fields.get("value_cents") or 0),
        touches=touches,
    )
