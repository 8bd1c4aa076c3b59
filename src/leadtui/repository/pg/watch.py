"""Live refresh on PostgreSQL: LISTEN on one long-lived connection for the
NOTIFY every write transaction sends (pg/engine.py) on commit."""

import threading
from datetime import datetime

from leadtui.domain.filters import LeadFilter
from leadtui.repository.pg.connection import open_connection, readable_errors
from leadtui.repository.watch import Changes, ChangeWatcher

CHANNEL = "leadtui_changes"


class NotifyWatcher(ChangeWatcher):
    """What ChangeWatcher is on SQLite (and a ChangeWatcher, the type the
    front ends hold, with its every method replaced): `changed()` is True
    once for each batch of commits since the last call, and never waits (it
    reads what the server has already sent). The watcher's own connection
    never writes, so every notification is someone else's commit, or this
    process's own through another connection, as on SQLite."""

    def __init__(self, url: str, shown: str) -> None:  # no SQLite file: no super()
        self._shown = shown
        self._lock = threading.Lock()
        self._listener = open_connection(url, shown)
        with readable_errors(shown):
            self._listener.execute(f"LISTEN {CHANNEL}")

    def changed(self) -> bool:
        if not self._lock.acquire(blocking=False):
            return False
        try:
            with readable_errors(self._shown):
                # timeout=0: take what has arrived (all of it: one batch),
                # wait for nothing.
                return sum(1 for _ in self._listener.notifies(timeout=0)) > 0
        finally:
            self._lock.release()

    def changes(self, only: LeadFilter, me: str, now: datetime) -> Changes | None:
        """Not yet incremental on PostgreSQL: any batch of commits has the
        console re-read what it shows, as every console did before the
        journal-driven refresh (ARCHITECTURE.md, "Storage engines")."""
        return Changes(whole=True) if self.changed() else None

    def close(self) -> None:
        with self._lock:
            self._listener.close()
