"""Connections, transactions and SQLite's errors as one readable line.

Every module of this package opens SQLite through here: a connection per
operation, taken from the ones kept open (sqlite_pool.py) or opened anew,
busy timeout set, FULL sync (NORMAL can lose the last commits on power
loss).
"""

import os
import shutil
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from leadtui.domain import dedupe
from leadtui.domain.errors import DatabaseBusy, DatabaseUnavailable, Interrupted
from leadtui.repository import schema, sqlite_pool
from leadtui.repository.read_only import ReadOnly, sqlite_connection

Tracer = Callable[[str, Any], None]
BUSY_TIMEOUT_SECONDS = 10.0
ENV_SYNCHRONOUS = "LEADTUI_SYNCHRONOUS"

# Python 3.11's sqlite3 looks for an adapter for every None it binds, and
# its failed lookup of `__adapt__` on the protocol type builds and drops an
# AttributeError each time: a NULL cost twice what a text does to bind. An
# import binds 7-9 NULLs a lead (bench/README.md, "Import speed, sixth
# pass"). A registered pass-through ends the search at once; a C callable
# ({}.get(None) is None), as a Python one would cost a call. 3.12 drops the
# error unformatted and gains nothing from it: left alone there.
_NO_ADAPTERS: dict[None, None] = {}
if sys.version_info < (3, 12):
    sqlite3.register_adapter(type(None), _NO_ADAPTERS.get)


def synchronous_mode() -> str:
    """FULL by default: a CRM must keep the last sale, and in WAL mode only
    FULL survives a power loss. NORMAL (faster commits, may lose the last
    ones on power loss, never corrupts) through $LEADTUI_SYNCHRONOUS."""
    mode = os.environ.get(ENV_SYNCHRONOUS, "FULL").strip().upper()
    if mode not in ("FULL", "NORMAL"):
        raise DatabaseUnavailable(f"${ENV_SYNCHRONOUS} must be FULL or NORMAL, not {mode!r}")
    return mode


# Every open connection, so a quitting TUI can stop long reads (a KPI query
# at a million leads runs for seconds) instead of waiting for them.
_open_connections: set[sqlite3.Connection] = set()
_open_lock = threading.Lock()


@contextmanager
def connect(
    path: Path, tracer: Tracer | None = None, read_only: ReadOnly | None = None
) -> Iterator[sqlite_utils.Database]:
    # A read-only connection is never kept: the pool's are for writing too.
    kept = sqlite_pool.take(path) if read_only is None else None
    identity: sqlite_pool.FileIdentity | None
    if kept is not None:
        conn, identity = kept
    else:
        # Not bound to this thread: the pool hands it to whichever thread
        # asks next, one at a time.
        conn = sqlite_connection(path, read_only, timeout=BUSY_TIMEOUT_SECONDS)
    with _open_lock:
        _open_connections.add(conn)
    reusable = False
    try:
        with readable_errors(path):
            if kept is None:
                conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute(f"PRAGMA synchronous = {synchronous_mode()}")
                identity = sqlite_pool.identity_of(path)  # the file exists now
            yield sqlite_utils.Database(conn, tracer=tracer, execute_plugins=False)
        reusable = True
    finally:
        with _open_lock:
            _open_connections.discard(conn)
        if reusable and read_only is None:
            sqlite_pool.give_back(path, identity, conn)
        else:
            conn.close()  # whatever failed may have left it in any state


def interrupt_reads() -> int:
    """Stop every query running outside a write transaction (in any thread):
    each raises Interrupted. Writes are left to finish, so nothing is lost.
    Returns how many connections were interrupted."""
    with _open_lock:
        readers = [conn for conn in _open_connections if not conn.in_transaction]
    for conn in readers:
        conn.interrupt()
    return len(readers)


@contextmanager
def write_transaction(path: Path, tracer: Tracer | None = None) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE: the write lock is taken before the read, so a
    read-modify-write can never interleave with another writer: a deferred
    BEGIN that reads and then writes gets SQLITE_BUSY without the busy handler
    being asked, and plain read-then-update lost updates under four writers."""
    with connect(path, tracer) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")


@contextmanager
def readable_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's errors about the file itself into one readable line."""
    try:
        yield
    except sqlite3.OperationalError as error:
        message = str(error)
        if message == "interrupted":
            raise Interrupted(f"reading {path} was stopped") from None
        if "locked" in message or "busy" in message:
            raise DatabaseBusy(
                f"{path} is busy: someone else is writing to it; try again"
            ) from None
        if "readonly" in message or "read-only" in message:
            raise DatabaseUnavailable(f"cannot write {path}: it is read-only") from None
        if "disk is full" in message:
            # The transaction was rolled back as a whole; say so plainly.
            raise DatabaseUnavailable(
                f"the disk holding {path} is full: the change was not saved"
            ) from None
        if message == "disk I/O error" and _no_room_beside(path):
            # Opening in WAL mode creates the -wal and -shm files: on a full
            # disk that fails as an I/O error, which names no cause.
            raise DatabaseUnavailable(
                f"the disk holding {path} is full: there is no room for SQLite's -wal and"
                " -shm files beside it; free some space (nothing was changed)"
            ) from None
        raise DatabaseUnavailable(f"cannot use {path}: {message}") from None
    except sqlite3.DatabaseError as error:
        if "not a database" in str(error):
            raise DatabaseUnavailable(f"{path} is not a SQLite database") from None
        raise DatabaseUnavailable(
            f"{path} is damaged ({error}); restore a backup with leadtui db restore"
        ) from None


# Less free space than this beside the file, after an I/O error, is taken
# for its cause: a new -shm file alone takes 32 KiB.
_ROOM_BYTES = 1 << 20


def _no_room_beside(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < _ROOM_BYTES
    except OSError:
        return False


def read_user_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def check_version(db: sqlite_utils.Database, path: Path, version: int) -> None:
    if version > schema.SCHEMA_VERSION:
        raise DatabaseUnavailable(
            f"{path} was written by a newer leadtui (schema {version}, this one knows "
            f"{schema.SCHEMA_VERSION}); upgrade leadtui. The file was not changed."
        )
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    foreign = version == 0 and db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if foreign or (version > 0 and application_id != schema.APPLICATION_ID):
        raise DatabaseUnavailable(f"{path} is a SQLite database, but not a leadtui one")


def enable_wal(db: sqlite_utils.Database) -> None:
    """WAL is persistent, so only the first process to open a file switches it.
    Several doing that at once can see "locked": retry briefly."""
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            db.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def register_key_functions(db: sqlite_utils.Database) -> None:
    """leadtui.domain.dedupe's keys as SQL functions on this connection, for the
    statements that fill the stored keys of many leads at once."""
    db.conn.create_function("leadtui_phone_key", 1, dedupe.phone_key, deterministic=True)
    db.conn.create_function("leadtui_person_key", 2, dedupe.person_key, deterministic=True)
