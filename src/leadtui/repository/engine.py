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

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from leadtui.domain.errors import NotYetSupported
from leadtui.paths import is_url
from leadtui.repository.schema import COMPANY_FOLD

if TYPE_CHECKING:  # the watcher reads leads (rows.py), which need the engine
    from leadtui.repository.watch import ChangeWatcher

Tracer = Callable[[str, Any], None]


def shown(target: Path | str) -> str:
    """A database as messages name it: a URL without its password."""
    if not is_url(target):
        return str(target)
    parts = urlsplit(str(target))
    if parts.password is None:
        return str(target)
    host = parts.netloc.rpartition("@")[2]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


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

    def for_update(self) -> str:
        """A read whose values the transaction writes back (a move decided
        from the stage read): PostgreSQL locks the rows read until commit.
        SQLite's write transaction is the whole file's already."""
        return "" if self is SQLITE else " FOR UPDATE"

    def indexed_by(self, index: str) -> str:
        """SQLite's index hint (its planner guesses wrong on these scans);
        PostgreSQL takes no hints."""
        return f" INDEXED BY {index}" if self is SQLITE else ""


SQLITE = Dialect("SQLite", "max", "min", COMPANY_FOLD)
POSTGRES = Dialect(
    "PostgreSQL", "greatest", "least", "substr(person_key, strpos(person_key, chr(31)) + 1)"
)


class Engine(Protocol):
    """One database, as the Repository uses it. `connect` and `transaction`
    yield a connection whose `execute(sql, params)` takes `?` or `:name`
    placeholders and returns a cursor (fetchone, fetchall, iteration,
    rowcount); `transaction` is a write transaction that no other writer
    interleaves with."""

    dialect: Dialect
    shown: str  # the database as messages name it

    def connect(self) -> AbstractContextManager[Any]: ...

    def transaction(self) -> AbstractContextManager[Any]: ...

    def migrate(self) -> None: ...

    def watcher(self) -> "ChangeWatcher": ...

    def require(self, what: str) -> None:
        """Raise NotYetSupported unless `what` (a Repository piece or feature)
        works on this engine."""


def engine_for(target: Path | str, tracer: Tracer | None = None) -> Engine:
    if is_url(target):
        from leadtui.repository.pg.engine import PostgresEngine

        return PostgresEngine(str(target), tracer)
    from leadtui.repository.sqlite_engine import SqliteEngine

    return SqliteEngine(Path(target), tracer)


def refuse(what: str, dialect: Dialect) -> NotYetSupported:
    return NotYetSupported(what, dialect.name)
