"""SQLite connections kept open between operations, in this process.

Opening a connection and its first statement cost about 1 ms at leadtui's
schema (SQLite parses every table, index and trigger on each new
connection), more than most reads and a fifth of a move: a key that saves
and re-reads opened three or four. So a connection goes back here after
use and the next operation on the same file takes it, whatever its thread
(one thread at a time: it is never in two operations at once).

It goes back only when nothing of its last use can leak into the next:
not in a transaction, no temp table or trigger left (the guard triggers of
own-leads transactions are TEMP), and its use raised nothing. And it is
used again only on the same file (device and inode): a kept connection
never writes into a file deleted or replaced since. Replacing a database
by hand while a leadtui has it open was never safe (the -wal and -shm
beside it belong to the old file, and a console's change watcher keeps
them); `db restore` writes into the file in place.
"""

import atexit
import sqlite3
import threading
from pathlib import Path

# Idle connections kept, over every file this process uses (tests open
# hundreds of files; a TUI one, plus the CLI's or the server's few).
IDLE_LIMIT = 6

FileIdentity = tuple[int, int]  # st_dev, st_ino

_idle: list[tuple[Path, FileIdentity, sqlite3.Connection]] = []
_lock = threading.Lock()


def identity_of(path: Path) -> FileIdentity | None:
    try:
        status = Path(path).stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def take(path: Path) -> tuple[sqlite3.Connection, FileIdentity] | None:
    """An idle connection to this very file, if one is kept."""
    identity = identity_of(path)
    stale = []
    found = None
    with _lock:
        for index in range(len(_idle) - 1, -1, -1):
            kept_path, kept_identity, conn = _idle[index]
            if kept_path != path:
                continue
            del _idle[index]
            if kept_identity == identity:
                found = conn, kept_identity
                break
            stale.append(conn)
    for conn in stale:
        conn.close()
    return found


def give_back(path: Path, identity: FileIdentity | None, conn: sqlite3.Connection) -> None:
    """Keep `conn` for the next operation if it is clean, else close it."""
    if identity is None or not _clean(conn):
        conn.close()
        return
    with _lock:
        _idle.append((path, identity, conn))
        evicted = _idle[:-IDLE_LIMIT]
        del _idle[:-IDLE_LIMIT]
    for _, _, old in evicted:
        old.close()


def _clean(conn: sqlite3.Connection) -> bool:
    if conn.in_transaction:
        return False
    try:
        return conn.execute("SELECT 1 FROM temp.sqlite_master LIMIT 1").fetchone() is None
    except sqlite3.Error:
        return False


def release(path: Path) -> None:
    """Close the kept connections to `path`: the caller needs to be its only
    connection (leaving WAL mode, say)."""
    with _lock:
        closing = [conn for kept, _, conn in _idle if kept == path]
        _idle[:] = [entry for entry in _idle if entry[0] != path]
    for conn in closing:
        conn.close()


@atexit.register
def close_idle() -> None:
    """Close every kept connection (at exit, the last one to close a file
    checkpoints its WAL and removes the -wal and -shm files, as before)."""
    with _lock:
        closing = [conn for _, _, conn in _idle]
        _idle.clear()
    for conn in closing:
        conn.close()
