"""Noticing other processes' commits, for live refresh."""

import sqlite3
import threading
from pathlib import Path

from leadtui.repository.connection import readable_errors


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
        with readable_errors(self._path):
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
