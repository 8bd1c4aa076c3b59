"""PostgreSQL connections as the Repository's pieces use SQLite's: one per
operation, `execute(sql, params)` with `?` or `:name` placeholders, times
read back as the ISO text SQLite stores, and psycopg's errors as one line.
"""

import functools
import os
import select
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import AdaptersMap, Buffer, Loader
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.pq import TransactionStatus

from leadtui.domain.clock import to_iso
from leadtui.domain.errors import DatabaseBusy, DatabaseUnavailable
from leadtui.repository.engine import POSTGRES

Tracer = Callable[[str, Any], None]


@functools.lru_cache(maxsize=1024)
def to_pyformat(sql: str) -> str:
    """`?` → `%s`, `:name` → `%(name)s`, `%` → `%%`, leaving string
    literals, quoted names, `--` comments and `::` casts alone: the one SQL
    text both engines run, in psycopg's placeholder style."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        char = sql[i]
        if sql.startswith("--", i):  # a comment, to the end of its line
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
            continue
        if char in "'\"":  # a literal or a quoted name, to its closing quote
            end = i + 1
            while end < n and not (sql[end] == char and sql[end + 1 : end + 2] != char):
                end += 2 if sql[end] == char else 1
            out.append(sql[i : end + 1].replace("%", "%%"))
            i = end + 1
            continue
        if char == ":" and sql[i + 1 : i + 2] == ":":
            out.append("::")
            i += 2
            continue
        if char == ":" and (sql[i + 1 : i + 2].isalpha() or sql[i + 1 : i + 2] == "_"):
            end = i + 1
            while end < n and (sql[end].isalnum() or sql[end] == "_"):
                end += 1
            out.append(f"%({sql[i + 1 : end]})s")
            i = end
            continue
        out.append({"?": "%s", "%": "%%"}.get(char, char))
        i += 1
    return "".join(out)


class IsoTimeLoader(Loader):
    """timestamptz as SQLite stores times: ISO text, seconds, +00:00. The
    pieces parse and compare that text; this keeps them engine-blind."""

    def load(self, data: Buffer) -> str:
        return to_iso(datetime.fromisoformat(bytes(data).decode()))


class IsoDayLoader(Loader):
    """date as SQLite stores days: YYYY-MM-DD text."""

    def load(self, data: Buffer) -> str:
        return bytes(data).decode()


class SqliteNumberLoader(Loader):
    """numeric (what sum() of bigint and avg() give) as SQLite gives those:
    an int for a whole sum, a float for an average. The pieces add and
    compare them with ints and floats, and print them in JSON."""

    def load(self, data: Buffer) -> int | float:
        text = bytes(data).decode()
        return float(text) if "." in text or "N" in text else int(text)


ADAPTERS = AdaptersMap(psycopg.adapters)
ADAPTERS.register_loader("timestamptz", IsoTimeLoader)
ADAPTERS.register_loader("date", IsoDayLoader)
ADAPTERS.register_loader("numeric", SqliteNumberLoader)


class PgDatabase:
    """A psycopg connection with the face the pieces expect of
    sqlite_utils.Database: execute, executemany, and `conn` (itself); and
    its `dialect` (engine.dialect_of)."""

    dialect = POSTGRES

    dialect = POSTGRES

    def __init__(self, raw: psycopg.Connection[Any], tracer: Tracer | None) -> None:
        self.raw = raw
        self.tracer = tracer

    @property
    def conn(self) -> "PgDatabase":
        return self

    def execute(
        self,
        sql: str,
        params: Sequence[Any] | dict[str, Any] | None = None,
        *,
        prepare: bool | None = None,
    ) -> Any:
        """`prepare=False` for a statement whose best plan depends on its
        values: psycopg prepares a statement run five times, and the server
        may then plan it once for any values (a generic plan)."""
        if self.tracer is not None:
            self.tracer(sql, params)
        cursor = self.raw.cursor()
        if params is None:
            cursor.execute(sql, prepare=prepare)
        else:
            cursor.execute(to_pyformat(sql), params, prepare=prepare)
        return cursor

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if self.tracer is not None:
            self.tracer(sql, rows)
        if rows:
            with self.raw.cursor() as cursor:
                cursor.executemany(to_pyformat(sql), rows)


def open_connection(url: str, shown: str) -> psycopg.Connection[Any]:
    with readable_errors(shown):
        return psycopg.connect(with_jit_off(url), autocommit=True, context=ADAPTERS)


def with_jit_off(url: str) -> str:
    """`url` with JIT off for the whole session (a startup option, so a
    RESET keeps it off). leadtui's statements that pass jit_above_cost
    read many rows through cheap expressions: at 1M leads JIT compiled
    for 6-150 ms and saved nothing measurable (bench/README.md, "Both
    engines"), and over the scoring features it cost 10 s. The URL's own
    options (else $PGOPTIONS, which an `options` given here would hide)
    come after, so a team that wants JIT can still ask for it."""
    own = conninfo_to_dict(url).get("options") or os.environ.get("PGOPTIONS", "")
    return make_conninfo(url, options=f"-c jit=off {own}".strip())


# Connections kept open between operations: a new one costs a server
# process (measured at about 8 ms of a 10 ms page read), so an operation
# borrows an idle one. Few are kept, across every database this process
# uses: an idle connection holds one of the server's connection slots.
MAX_IDLE = 4
_idle: list[tuple[str, psycopg.Connection[Any]]] = []
_idle_lock = threading.Lock()


def borrow(url: str, shown: str) -> psycopg.Connection[Any]:
    """An idle connection to `url` that is still alive, or a new one."""
    while True:
        with _idle_lock:
            found = next((i for i in range(len(_idle) - 1, -1, -1) if _idle[i][0] == url), None)
            conn = _idle.pop(found)[1] if found is not None else None
        if conn is None:
            return open_connection(url, shown)
        if _alive(conn):
            return conn
        conn.close()


def _alive(conn: psycopg.Connection[Any]) -> bool:
    """Whether a kept connection can still be used. An idle connection has
    nothing to say (these never LISTEN): if its socket is readable, the
    server has closed it or is closing it (a restart, a failover, an idle
    timeout), and the next operation on it would fail with an error a rep
    did nothing to cause."""
    return not conn.closed and not has_input(conn)


def has_input(conn: psycopg.Connection[Any]) -> bool:
    """Whether the server has sent something not read yet (or closed)."""
    readable, _, _ = select.select([conn.fileno()], [], [], 0)
    return bool(readable)


def give_back(url: str, conn: psycopg.Connection[Any]) -> None:
    """Keep a connection for the next operation, if it is healthy and idle
    (no transaction left open, not broken); close the oldest beyond MAX_IDLE."""
    if conn.closed or conn.info.transaction_status != TransactionStatus.IDLE:
        conn.close()
        return
    with _idle_lock:
        _idle.append((url, conn))
        extra = _idle[:-MAX_IDLE]
        del _idle[:-MAX_IDLE]
    for _, old in extra:
        old.close()


def close_idle() -> None:
    """Close every kept connection (before a database is dropped or copied)."""
    with _idle_lock:
        kept = [conn for _, conn in _idle]
        _idle.clear()
    for conn in kept:
        conn.close()


@contextmanager
def readable_errors(shown: str) -> Iterator[None]:
    """psycopg's errors about the server or the database as one line; errors
    in leadtui's own SQL (a bug) go on as they are."""
    try:
        yield
    except pg_errors.QueryCanceled as error:
        # leadtui never cancels a PostgreSQL statement itself (Ctrl-C comes
        # as KeyboardInterrupt): the server did, past its statement_timeout
        # or at an administrator's word. Not Interrupted, which the TUI
        # takes for its own quitting and says nothing about.
        raise DatabaseUnavailable(f"{shown} stopped the work: {_cause(error)}") from None
    except (pg_errors.LockNotAvailable, pg_errors.DeadlockDetected):
        raise DatabaseBusy(f"{shown} is busy: someone else is writing to it; try again") from None
    except pg_errors.ReadOnlySqlTransaction:
        raise DatabaseUnavailable(f"cannot write {shown}: it is read-only (a replica?)") from None
    except pg_errors.DiskFull:
        raise DatabaseUnavailable(
            f"the disk holding {shown} is full: the change was not saved"
        ) from None
    except pg_errors.InvalidSchemaName as error:
        # A role without USAGE on any schema in its search_path: no table
        # can be found or made there (not a bug in leadtui's SQL).
        raise DatabaseUnavailable(
            f"cannot use {shown}: {_cause(error)} (the role needs USAGE and CREATE"
            " on a schema in its search_path)"
        ) from None
    except pg_errors.InsufficientPrivilege as error:
        raise DatabaseUnavailable(f"cannot use {shown}: {_cause(error)}") from None
    except psycopg.OperationalError as error:
        # Cannot connect: no server, no such database, refused sign-in.
        raise DatabaseUnavailable(f"cannot use {shown}: {_cause(error)}") from None


def _cause(error: psycopg.Error) -> str:
    """The server's own message, without the lines around it: its CONTEXT
    (which quotes the row a COPY was writing: a customer's data), and the
    statement with a caret under the place it failed."""
    primary = error.diag.message_primary
    if primary:
        return primary.strip()
    # No message from a server (one never reached, or refusing the sign-in):
    # libpq's text, "connection failed: connection to server at ... failed:
    # FATAL:  <cause>", with a hint on the next line; the URL is said already.
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    cause = lines[0].rpartition(" failed: ")[2].removeprefix("FATAL:").strip()
    hint = lines[1] if len(lines) > 1 else ""
    return f"{cause}; {hint[:1].lower()}{hint[1:]}" if hint else cause
