"""The storage seam: what the Repository asks of a database engine, and
which engine a `--db` value names.

The Repository and its pieces write one SQL text wherever SQLite and
PostgreSQL both accept it (`?` placeholders, `ON CONFLICT`, `RETURNING`,
`CASE`); an engine hands them a connection whose `execute` takes that text.
The few fragments the engines spell differently come from the engine's
Dialect. Below the seam: SQLite through sqlite-utils (sqlite_engine.py),
PostgreSQL through psycopg 3 (repository/pg/), imported only when a URL
asks for it, so a SQLite user never needs psycopg.

A piece of the Repository not yet ported to an engine is refused by
`Engine.require` with one line naming it (NotYetSupported), before any SQL
runs; ARCHITECTURE.md ("Storage engines") lists what is ported.
"""

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from leadtui.domain.errors import NotYetSupported
from leadtui.domain.orders import ALWAYS, NEVER, Order
from leadtui.paths import is_url
from leadtui.repository.read_only import ReadOnly
from leadtui.repository.schema import COMPANY_FOLD

if TYPE_CHECKING:  # the watcher reads leads (rows.py), which need the engine
    from leadtui.repository.watch import ChangeWatcher

Tracer = Callable[[str, Any], None]


# libpq takes a password in the query too (`?password=…`), and a client
# key's passphrase as `sslpassword`: both are hidden wherever they sit.
_SECRET_PARAMETER = re.compile(r"(?i)(^|&)((?:ssl)?password)=[^&]*")


def shown(target: Path | str) -> str:
    """A database as messages name it: a URL without its password, before
    the host or in the query."""
    if not is_url(target):
        return str(target)
    text, parts = str(target), urlsplit(str(target))
    if parts.password is not None:  # (urlunsplit keeps the // of a netloc it has)
        host = parts.netloc.rpartition("@")[2]
        text = urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))
    address, mark, query = text.partition("?")
    return address + mark + _SECRET_PARAMETER.sub(r"\1\2=***", query)


@dataclass(frozen=True)
class Dialect:
    """The SQL fragments the engines spell differently; everything else is
    one text for both."""

    name: str
    # Two-argument max/min: SQLite's scalar max(a, b), PostgreSQL's greatest.
    larger: str
    smaller: str
    # The company half of person_key (after char 31), spelled as its index is.
    company_fold: str

    def greatest(self, first: str, second: str) -> str:
        return f"{self.larger}({first}, {second})"

    def least(self, first: str, second: str) -> str:
        return f"{self.smaller}({first}, {second})"

    def later(self, column: str, value: str) -> str:
        """The later of a time column that may be NULL and a value: SQLite's
        max() of ISO texts would be NULL with a NULL, PostgreSQL's greatest()
        skips it (and has no '' timestamptz to stand in)."""
        if self is SQLITE:
            return f"max(coalesce({column}, ''), {value})"
        return f"greatest({column}, {value})"

    def order_sql(self, order: Order) -> str:
        """An order's sort expression, as its index holds it."""
        if order.no_time is None or self is SQLITE:
            return order.sql
        return f"coalesce({order.column}, '{_PG_NO_TIME[order.no_time]}')"

    def order_cursor(self, order: Order, cursor: tuple[Any, int]) -> tuple[Any, int]:
        """A page cursor (orders.page_key) as order_sql compares it."""
        value, lead_id = cursor
        if order.no_time is None or self is SQLITE or value != order.no_time:
            return cursor
        return _PG_NO_TIME[order.no_time], lead_id

    def real(self, text: str) -> str:
        """A text as a number, as SQLite's CAST(text AS REAL) reads it: its
        leading number, 0 when it has none, NULL for NULL. PostgreSQL's cast
        would refuse a value that is not all number (a custom field's
        "n/a"), and its REAL is single precision."""
        if self is SQLITE:
            return f"CAST({text} AS REAL)"
        return (
            f"CASE WHEN {text} IS NULL THEN NULL ELSE coalesce(CAST(substring({text} from"
            f" '{_LEADING_NUMBER}') AS double precision), 0) END"
        )

    def looks_numeric(self, text: str) -> str:
        """Whether a text has a digit and nothing but digits, '.' and '-'."""
        if self is SQLITE:
            return f"({text} GLOB '*[0-9]*' AND NOT {text} GLOB '*[^0-9.-]*')"
        return f"({text} ~ '[0-9]' AND {text} !~ '[^0-9.-]')"

    def double(self, value: float) -> str:
        """A float literal that computes as a double: PostgreSQL reads 0.25
        as numeric (exact decimals), whose sums round differently."""
        return repr(value) if self is SQLITE else f"{value!r}::float8"

    def whole(self, number: str) -> str:
        """A non-negative number truncated to an integer, as SQLite's CAST
        does (PostgreSQL's cast rounds)."""
        return (
            f"CAST({number} AS INTEGER)" if self is SQLITE else f"CAST(trunc({number}) AS integer)"
        )

    def id_list(self, column: str) -> str:
        """A group's ids as one comma-separated text."""
        if self is SQLITE:
            return f"group_concat({column})"
        return f"string_agg({column}::text, ',')"

    @property
    def last_activity(self) -> str:
        """A lead's last activity (its stage entered or its last touch,
        which may be NULL), spelled as the activity indexes are."""
        if self is SQLITE:
            return "max(stage_entered_at, coalesce(last_touch_at, ''))"
        return "greatest(stage_entered_at, last_touch_at)"

    def earlier(self, column: str, value: str) -> str:
        """A time column that may be NULL ("never": after every time) is
        before a value: SQLite spells never '9999', as its index does;
        PostgreSQL has no such text time, and a NULL is before nothing."""
        if self is SQLITE:
            return f"coalesce({column}, '9999') < {value}"
        return f"{column} < {value}"

    @property
    def begin_snapshot(self) -> str:
        """A read transaction whose statements all see one moment: SQLite's
        does; PostgreSQL's default (read committed) takes a moment per
        statement."""
        if self is SQLITE:
            return "BEGIN"
        return "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"

    def for_update(self) -> str:
        """A read whose values the transaction writes back (a move decided
        from the stage read): PostgreSQL locks the rows read until commit.
        SQLite's write transaction is the whole file's already."""
        return "" if self is SQLITE else " FOR UPDATE"

    def indexed_by(self, index: str) -> str:
        """SQLite's index hint (its planner guesses wrong on these scans);
        PostgreSQL takes no hints."""
        return f" INDEXED BY {index}" if self is SQLITE else ""


# A text's leading number, as SQLite reads one (spaces first; 12abc is 12).
_LEADING_NUMBER = r"^\s*([-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)"

# "No time" in an order, on timestamptz: SQLite's ISO texts sort '9999'
# after every time and '' before; PostgreSQL has infinity for each.
_PG_NO_TIME = {NEVER: "infinity", ALWAYS: "-infinity"}

SQLITE = Dialect("SQLite", "max", "min", COMPANY_FOLD)
POSTGRES = Dialect(
    "PostgreSQL", "greatest", "least", "substr(person_key, strpos(person_key, chr(31)) + 1)"
)


def dialect_of(db: Any) -> Dialect:
    """The dialect of a connection an engine handed out (pg/connection.py's
    say so; sqlite-utils' are SQLite's): for the SQL built deep inside the
    pieces (the learned model's features) from a connection alone."""
    dialect: Dialect = getattr(db, "dialect", SQLITE)
    return dialect


class Engine(Protocol):
    """One database, as the Repository uses it. `connect` and `transaction`
    yield a connection whose `execute(sql, params)` takes `?` or `:name`
    placeholders and returns a cursor (fetchone, fetchall, iteration,
    rowcount); `transaction` is a write transaction that no other writer
    interleaves with."""

    dialect: Dialect
    shown: str  # the database as messages name it
    read_only: ReadOnly | None  # a file this process may read, not write

    def connect(self) -> AbstractContextManager[Any]: ...

    def transaction(self) -> AbstractContextManager[Any]: ...

    def migrate(self) -> None: ...

    def watcher(self) -> "ChangeWatcher": ...

    def require(self, what: str) -> None:
        """Raise NotYetSupported unless `what` (a Repository piece or feature)
        works on this engine."""


def engine_for(
    target: Path | str, tracer: Tracer | None = None, read_only: ReadOnly | None = None
) -> Engine:
    """The engine for a file or URL; `read_only` (a file only): how to read
    a file this process may not write (read_only.py)."""
    if is_url(target):
        from leadtui.repository.pg.engine import PostgresEngine

        return PostgresEngine(str(target), tracer)
    from leadtui.repository.sqlite_engine import SqliteEngine

    return SqliteEngine(Path(target), tracer, read_only)


def refuse(what: str, dialect: Dialect) -> NotYetSupported:
    return NotYetSupported(what, dialect.name)
