"""`leadtui db`: health check, online backup and restore.

Backups go through VACUUM INTO and restores through SQLite's backup API,
never plain file copies: a live WAL database copied byte for byte can be torn
(the WAL's last commits live in another file until a checkpoint).
"""

import grp
import os
import sqlite3
import stat
from dataclasses import dataclass, field
from pathlib import Path

from leadtui.domain.errors import DamagedRow, DatabaseUnavailable
from leadtui.paths import is_url
from leadtui.repository import schema
from leadtui.repository.connection import BUSY_TIMEOUT_SECONDS, readable_errors
from leadtui.repository.engine import POSTGRES
from leadtui.repository.opening import open_repository
from leadtui.repository.rows import LEAD_SELECT, lead_from_row
from leadtui.repository.stage_totals import stage_total_problems
from leadtui.repository.store import Repository

SHOWN_UNREADABLE = 20  # damaged leads db check names one by one


@dataclass(frozen=True)
class HealthReport:
    path: Path | str  # the file, or the PostgreSQL URL as messages show it
    # From PRAGMA integrity_check, then the leads holding values leadtui
    # cannot read; empty when healthy.
    problems: tuple[str, ...]
    schema_version: int
    journal_mode: str  # SQLite's; on PostgreSQL, the server and its version
    database_bytes: int
    wal_bytes: int
    leads: int | None  # None: a newer schema's leads table could not be counted
    warnings: tuple[str, ...] = field(default=())
    expected_version: int = schema.SCHEMA_VERSION  # this leadtui's, for the engine
    engine: str = "SQLite"

    @property
    def healthy(self) -> bool:
        return not self.problems

    @property
    def newer(self) -> bool:
        """Written by a newer leadtui: checked read-only, never written."""
        return self.schema_version > self.expected_version


def check_database(path: Path | str) -> HealthReport:
    """Integrity, schema version, file sizes and sharing permissions; of a
    PostgreSQL database, the schema version and the kept totals, search
    columns and id counters against the rows (pg/maintenance.py). Opening
    migrates an older database, like any other leadtui command; a file a
    newer leadtui wrote is checked read-only (_check_newer)."""
    _must_exist(path)
    newer = (
        _check_newer_postgres(str(path)) if is_url(path) else _check_newer(Path(path).expanduser())
    )
    if newer is not None:
        return newer
    repo = open_repository(path, reading_allowed=True)  # a read-only file is checked too
    if repo.engine.dialect is POSTGRES:
        return _check_postgres(repo)
    with repo.engine.connect() as db:
        problems = [line for line in _integrity_problems(db.conn) if line != "ok"]
        journal_mode = db.execute("PRAGMA journal_mode").fetchone()[0]
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        leads = int(db.execute("SELECT count(*) FROM leads").fetchone()[0])
        # Rows are read only from a file whose pages are whole.
        unreadable = [] if problems else unreadable_leads(db.conn)
        totals = [] if problems else stage_total_problems(db.conn)
    wal = Path(f"{repo.path}-wal")
    return HealthReport(
        path=repo.path,
        problems=(*problems, *unreadable, *totals),
        schema_version=version,
        journal_mode=journal_mode,
        database_bytes=repo.path.stat().st_size,
        wal_bytes=wal.stat().st_size if wal.exists() else 0,
        leads=leads,
        warnings=tuple(sharing_warnings(repo.path)),
    )


def _check_newer(path: Path) -> HealthReport | None:
    """The report on a leadtui file of a newer schema, which open_repository
    refuses (it would not write it): what is safe without knowing that
    schema, read-only. SQLite's integrity check reads pages and indexes
    alone; counting the leads needs only the table. Not the leads' values:
    a newer leadtui's (a stage added) would read as damaged here. None for
    any other file, left to open_repository to open or name what is wrong.

    Nothing is created beside the file either: with no -wal there (no one
    has it open, nothing is left uncommitted) the file alone is the
    database, read as immutable, which makes no -wal or -shm; otherwise it
    is read through the WAL that is there, as any reader does."""
    wal_path = Path(f"{path}-wal")
    immutable = not wal_path.exists()
    uri = f"{path.resolve().as_uri()}?mode=ro{'&immutable=1' if immutable else ''}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.Error:
        return None
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if version <= schema.SCHEMA_VERSION:
            return None
        if conn.execute("PRAGMA application_id").fetchone()[0] != schema.APPLICATION_ID:
            return None
        problems = [line for line in _integrity_problems(conn) if line != "ok"]
        journal_mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0])
        try:
            leads: int | None = int(conn.execute("SELECT count(*) FROM leads").fetchone()[0])
        except sqlite3.Error:
            leads = None
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    if immutable:  # read so, SQLite says "delete": the header says what it is
        with path.open("rb") as header:
            journal_mode = "wal" if header.read(20)[18:19] == b"\x02" else "delete"
    return HealthReport(
        path=path,
        problems=tuple(problems),
        schema_version=version,
        journal_mode=journal_mode,
        database_bytes=path.stat().st_size,
        wal_bytes=wal_path.stat().st_size if not immutable else 0,
        leads=leads,
        warnings=tuple(sharing_warnings(path)),
    )


def unreadable_leads(conn: sqlite3.Connection, shown: int = SHOWN_UNREADABLE) -> list[str]:
    """Every lead whose row holds a value another program wrote that leadtui
    cannot read (the model's own validation, so exactly what would fail when
    the lead is read): the first `shown`, then how many more."""
    found: list[str] = []
    more = 0
    rows = conn.execute(LEAD_SELECT)
    while chunk := rows.fetchmany(5000):
        for row in chunk:
            try:
                lead_from_row(row)
            except DamagedRow as damaged:
                if len(found) < shown:
                    found.append(damaged.found)
                else:
                    more += 1
    return found + ([f"and {more:,} more leads like these"] if more else [])


def _check_postgres(repo: Repository) -> HealthReport:
    from leadtui.repository.pg import maintenance
    from leadtui.repository.pg import schema as pg_schema

    with repo.engine.connect() as db:
        version, server, size, leads = maintenance.facts(db)
        problems = maintenance.problems(db)
    return HealthReport(
        path=repo.shown,
        problems=tuple(problems),
        schema_version=version,
        journal_mode=server,
        database_bytes=size,
        wal_bytes=0,
        leads=leads,
        expected_version=pg_schema.SCHEMA_VERSION,
        engine=POSTGRES.name,
    )


def _check_newer_postgres(url: str) -> HealthReport | None:
    """The report on a database a newer leadtui wrote, which migrating
    refuses: its version, the server, its size and the leads counted, in a
    read-only transaction. Not what is kept beside the rows (totals, search
    words, counters): a newer schema may keep them otherwise. None for any
    other database, left to open_repository to open or refuse."""
    from leadtui.repository.pg import maintenance
    from leadtui.repository.pg import schema as pg_schema
    from leadtui.repository.pg.engine import PostgresEngine

    engine = PostgresEngine(url)
    with engine.connect() as db, db.raw.transaction():
        db.execute("SET TRANSACTION READ ONLY")
        found = maintenance.newer_facts(db, pg_schema.SCHEMA_VERSION)
    if found is None:
        return None
    version, server, size, leads = found
    return HealthReport(
        path=engine.shown,
        problems=(),
        schema_version=version,
        journal_mode=server,
        database_bytes=size,
        wal_bytes=0,
        leads=leads,
        expected_version=pg_schema.SCHEMA_VERSION,
        engine=POSTGRES.name,
    )


def sharing_warnings(path: Path) -> list[str]:
    """Permissions that would lock a teammate out of a shared database: the
    directory is shared with a group, but the file (or its -wal/-shm, which
    every user must be able to write) is not group-writable."""
    directory = path.parent.stat()
    # A team directory is setgid, or group-writable; a world-writable one
    # (like /tmp) is not a sign of sharing with a group.
    group_only = directory.st_mode & stat.S_IWGRP and not directory.st_mode & stat.S_IWOTH
    shared = bool(directory.st_mode & stat.S_ISGID or group_only)
    if not shared:
        return []
    group = _group_name(directory.st_gid)
    warnings = []
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if not file.exists():
            continue
        info = file.stat()
        if info.st_mode & stat.S_IWGRP == 0 or info.st_mode & stat.S_IRGRP == 0:
            warnings.append(
                f"{file.name} is mode {stat.S_IMODE(info.st_mode):04o}: group "
                f"{group} cannot write it; run chmod g+rw {file}"
            )
        elif info.st_gid != directory.st_gid:
            warnings.append(
                f"{file.name} belongs to group {_group_name(info.st_gid)}, not "
                f"{group}; run chgrp {group} {file}"
            )
    return warnings


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def backup_database(path: Path | str, target: Path) -> int:
    """A consistent online copy (VACUUM INTO; of a PostgreSQL database,
    pg_dump's), private (0600); returns its size. Other users keep working
    meanwhile; the target must not exist yet."""
    _must_exist(path)
    repo = open_repository(path, reading_allowed=True)  # a read-only file is copied too
    target = target.expanduser()
    if target.exists():
        raise DatabaseUnavailable(f"{target} already exists; back up to a new file")
    if not target.parent.is_dir():
        raise DatabaseUnavailable(
            f"cannot write {target}: directory {target.parent} does not exist"
        )
    if repo.engine.dialect is POSTGRES:
        from leadtui.repository.pg.backup import dump

        return dump(str(repo.target), repo.shown, target)
    try:
        # VACUUM INTO accepts an empty file: creating it first makes it 0600.
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        with repo.engine.connect() as db:
            db.execute("VACUUM INTO ?", [str(target)])
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def restore_database(path: Path | str, source: Path) -> int:
    """Replace the contents of the database at `path` with the backup at
    `source`, through the backup API (one transaction: readers see the old
    data or the new, never a mix); of a PostgreSQL database, through
    pg_restore (pg/maintenance.py). Returns the restored lead count."""
    source = source.expanduser()
    if not source.is_file():
        raise DatabaseUnavailable(f"no backup at {source}")
    repo = open_repository(path)
    if repo.engine.dialect is POSTGRES:
        from leadtui.repository.pg import maintenance
        from leadtui.repository.pg.connection import close_idle
        from leadtui.repository.pg.watch import say_replaced

        close_idle()  # no kept connection holds a lock pg_restore's DROPs wait for
        maintenance.restore(str(repo.target), repo.shown, source)
        restored = open_repository(path)  # migrates an older backup
        with restored.engine.connect() as db:
            # Open consoles re-read whole: pg_restore's transaction notifies
            # no one, and the journal ids they last read may be above every
            # restored one.
            say_replaced(db)
        return restored.count_leads()
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        with readable_errors(source):
            version = int(backup.execute("PRAGMA user_version").fetchone()[0])
            application_id = backup.execute("PRAGMA application_id").fetchone()[0]
            if application_id != schema.APPLICATION_ID:
                raise DatabaseUnavailable(f"{source} is not a leadtui backup")
            if version > schema.SCHEMA_VERSION:
                raise DatabaseUnavailable(
                    f"{source} comes from a newer leadtui (schema "
                    f"{version}); upgrade leadtui to restore it"
                )
            problems = [r[0] for r in backup.execute("PRAGMA integrity_check").fetchall()]
            if problems != ["ok"]:
                raise DatabaseUnavailable(f"{source} is damaged: {problems[0]}")
            live = sqlite3.connect(repo.path, timeout=BUSY_TIMEOUT_SECONDS)
            try:
                with readable_errors(repo.path):
                    backup.backup(live)
            finally:
                live.close()
    finally:
        backup.close()
    return open_repository(path).count_leads()  # migrates an older backup


def _integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """PRAGMA integrity_check's lines. A page it cannot even read stops it
    part-way with an error: the lines found so far and that error are the
    report, not a refusal to check the very file a check is run on."""
    problems: list[str] = []
    try:
        cursor = conn.execute("PRAGMA integrity_check")
        while (row := cursor.fetchone()) is not None:
            problems.append(str(row[0]))
    except sqlite3.DatabaseError as error:
        problems.append(f"the check stopped: {error}")
    return problems


def _must_exist(path: Path | str) -> None:
    """Opening a missing file would create an empty database: for a check or
    a backup, a mistyped path would then look like a healthy, empty one."""
    if not is_url(path) and not Path(path).expanduser().exists():
        raise DatabaseUnavailable(f"no database at {path}")
