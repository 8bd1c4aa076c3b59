"""Live refresh on PostgreSQL: LISTEN on one long-lived connection for the
NOTIFY every write transaction sends (pg/engine.py) on commit, then read
what changed as on SQLite: the leads named by the journal lines after the
last one read (watch.journal_changes). Only the wake-up differs: a
notification instead of polling data_version.

Each notification's payload is "START END": the journal's last line when
the transaction began writing and when it committed (writers take one lock,
so the lines between are that transaction's). START = END is a commit no
journal line names (a rescore, a setting): the screen is re-read whole.
END at or below the last line read is a commit already read with an
earlier batch: nothing to do, unless the journal now ends below that line
(a restore or a copy replaced the database, its journal ids started over).
A whole-database replacement (`db restore`, `db copy` into the database)
sends REPLACED, which is no span: the screen is re-read whole.
"""

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

import psycopg

from leadtui.domain.errors import DatabaseUnavailable
from leadtui.domain.filters import LeadFilter
from leadtui.repository.pg.connection import (
    PgDatabase,
    has_input,
    open_connection,
    readable_errors,
)
from leadtui.repository.watch import Changes, ChangeWatcher, journal_changes, last_line

CHANNEL = "leadtui_changes"
# The payload after the whole database was replaced (not a span: re-read whole).
REPLACED = "replaced"


def say_replaced(db: PgDatabase) -> None:
    """Tell every console the database was replaced whole (pg_restore's own
    transaction sends no NOTIFY): delivered on commit, or at once outside a
    transaction."""
    db.execute("SELECT pg_notify(?, ?)", [CHANNEL, REPLACED])


def span(text: str) -> tuple[int, int] | None:
    """A payload's (START, END), or None for one this leadtui did not send
    (another version's, a hand-typed NOTIFY): read as "re-read whole"."""
    try:
        start, end = map(int, text.split())
    except ValueError:
        return None
    return start, end


class NotifyWatcher(ChangeWatcher):
    """What ChangeWatcher is on SQLite (and a ChangeWatcher, the type the
    front ends hold, with its every method replaced): `changed()` is True
    once for each batch of commits since the last call, and never waits (it
    reads what the server has already sent). The watcher's own connection
    never writes, so every notification is someone else's commit, or this
    process's own through another connection, as on SQLite. The journal is
    read through `connect` (the engine's connections), never the listener,
    so no notification can arrive while a read has the listener busy."""

    def __init__(  # no SQLite file: no super()
        self,
        url: str,
        shown: str,
        connect: Callable[[], AbstractContextManager[PgDatabase]],
    ) -> None:
        self._shown = shown
        self._connect = connect
        self._url = url
        self._lock = threading.Lock()
        self._listener: psycopg.Connection[Any] | None = self._listen()
        self._said_unreachable = False
        self._line = self._last_line()

    def _listen(self) -> psycopg.Connection[Any]:
        listener = open_connection(self._url, self._shown)
        with readable_errors(self._shown):
            listener.execute(f"LISTEN {CHANNEL}")
        return listener

    def _last_line(self) -> int:
        with self._connect() as db:
            return last_line(db)

    def _heard(self) -> list[tuple[int, int] | None]:
        """The spans of the commits notified since the last call."""
        if self._listener is None:
            return self._listen_again()
        try:
            with readable_errors(self._shown):
                # timeout=0: take what has arrived (all of it: one batch),
                # wait for nothing.
                heard = [span(note.payload) for note in self._listener.notifies(timeout=0)]
                # A server ending the connection sends its reason, then
                # closes: the read above takes the reason quietly, and only
                # a second read meets the end. Read again if more is
                # waiting, so the loss is found at this look.
                if has_input(self._listener):
                    heard += [span(note.payload) for note in self._listener.notifies(timeout=0)]
                return heard
        except DatabaseUnavailable:
            self._listener.close()
            self._listener = None
            return self._listen_again()

    def _listen_again(self) -> list[tuple[int, int] | None]:
        """A new listener after the server dropped the last one (a restart,
        a failover): a console that stopped hearing would go on showing an
        old board without a word. Commits made in between were not heard,
        so the screen is re-read whole. While the server cannot be reached,
        that is said once (raised: one notification), then tried again
        quietly at each look."""
        try:
            self._listener = self._listen()
        except DatabaseUnavailable:
            if self._said_unreachable:
                return []
            self._said_unreachable = True
            raise
        self._said_unreachable = False
        return [None]

    def changed(self) -> bool:
        if not self._lock.acquire(blocking=False):
            return False
        try:
            if not self._heard():
                return False
            self._line = self._last_line()
            return True
        finally:
            self._lock.release()

    def changes(self, only: LeadFilter, me: str, now: datetime) -> Changes | None:
        if not self._lock.acquire(blocking=False):
            return None
        try:
            spans = self._heard()
            if not spans:
                return None
            if any(found is None or found[0] == found[1] for found in spans):
                self._line = self._last_line()
                return Changes(whole=True)
            with self._connect() as db:
                if max(end for _, end in filter(None, spans)) <= self._line:
                    # Read with an earlier batch; or the journal ends below
                    # the last line read: the database was replaced (a
                    # pg_restore run by hand) and its ids started over.
                    line = last_line(db)
                    if line >= self._line:
                        return None
                    self._line = line
                    return Changes(whole=True)
                found, self._line = journal_changes(db, self._line, only, me, now)
            return found
        finally:
            self._lock.release()

    def close(self) -> None:
        with self._lock:
            if self._listener is not None:
                self._listener.close()
