"""The only package that talks to a database (SQLite, through sqlite-utils).
Its public API is what this module exports; the front ends import nothing
else from the package (an import-linter contract in pyproject.toml holds
this), with one named exception: the start screen's first page
(repository/first_page.py), read with plain sqlite3 before anything heavy is
imported.

The names below load on first use (PEP 562), so `import
leadtui.repository.first_page` does not import sqlite-utils.

The Repository (store.py) composes one piece per area of its work
(scoring_store.py, moves_store.py, kpi_store.py, ...); repository/core.py
says what each piece may use of it.

Design choices, each answering a measured hazard (ARCHITECTURE.md,
"Decisions and why"):
- A connection per operation, never two operations on one at once; a clean
  one is kept open for the next operation (sqlite_pool.py: a new one parses
  the schema, about 1 ms), and one whose use raised is closed, so nothing
  leaks from an error.
- Every read-modify-write runs in BEGIN IMMEDIATE with a busy timeout: a
  deferred transaction that reads and then writes gets SQLITE_BUSY without
  the busy handler being asked, and plain read-then-update lost about a
  fifth of the updates with four writers. Each lead row also carries a
  `version` that every write bumps.
- Migrations run under BEGIN IMMEDIATE guided by PRAGMA user_version, so ten
  processes starting on a fresh file apply each step once.
- Lists are keyset-paged: a page costs the same at row 10 and row 1,000,000.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers
    from leadtui.domain.orders import ORDERS as ORDERS
    from leadtui.domain.orders import page_key as page_key
    from leadtui.repository.actor import current_actor as current_actor
    from leadtui.repository.assign_set import Assigned as Assigned
    from leadtui.repository.bulk import RowBatch as RowBatch
    from leadtui.repository.bulk import build_database as build_database
    from leadtui.repository.connection import Tracer as Tracer
    from leadtui.repository.connection import interrupt_reads as interrupt_reads
    from leadtui.repository.copying import CopyReport as CopyReport
    from leadtui.repository.copying import copy_database as copy_database
    from leadtui.repository.engine import shown as shown
    from leadtui.repository.journal import CutShort as CutShort
    from leadtui.repository.journal import cut_short as cut_short
    from leadtui.repository.maintenance import HealthReport as HealthReport
    from leadtui.repository.maintenance import backup_database as backup_database
    from leadtui.repository.maintenance import check_database as check_database
    from leadtui.repository.maintenance import restore_database as restore_database
    from leadtui.repository.maintenance import sharing_warnings as sharing_warnings
    from leadtui.repository.moves_set import MOVE_CHUNK as MOVE_CHUNK
    from leadtui.repository.opening import open_repository as open_repository
    from leadtui.repository.schema import LEAD_COLUMNS as LEAD_COLUMNS
    from leadtui.repository.schema import SCHEMA_VERSION as SCHEMA_VERSION
    from leadtui.repository.store import PageCursor as PageCursor
    from leadtui.repository.store import Repository as Repository
    from leadtui.repository.watch import Changes as Changes
    from leadtui.repository.watch import ChangeWatcher as ChangeWatcher

# Each public name and the module that defines it.
_EXPORTS = {
    "Assigned": "leadtui.repository.assign_set",
    "ORDERS": "leadtui.domain.orders",
    "page_key": "leadtui.domain.orders",
    "RowBatch": "leadtui.repository.bulk",
    "build_database": "leadtui.repository.bulk",
    "Tracer": "leadtui.repository.connection",
    "interrupt_reads": "leadtui.repository.connection",
    "HealthReport": "leadtui.repository.maintenance",
    "backup_database": "leadtui.repository.maintenance",
    "check_database": "leadtui.repository.maintenance",
    "restore_database": "leadtui.repository.maintenance",
    "sharing_warnings": "leadtui.repository.maintenance",
    "MOVE_CHUNK": "leadtui.repository.moves_set",
    "open_repository": "leadtui.repository.opening",
    "LEAD_COLUMNS": "leadtui.repository.schema",
    "SCHEMA_VERSION": "leadtui.repository.schema",
    "PageCursor": "leadtui.repository.store",
    "Repository": "leadtui.repository.store",
    "current_actor": "leadtui.repository.actor",
    "CopyReport": "leadtui.repository.copying",
    "copy_database": "leadtui.repository.copying",
    "shown": "leadtui.repository.engine",
    "CutShort": "leadtui.repository.journal",
    "cut_short": "leadtui.repository.journal",
    "ChangeWatcher": "leadtui.repository.watch",
    "Changes": "leadtui.repository.watch",
}

__all__ = [
    "LEAD_COLUMNS",
    "MOVE_CHUNK",
    "ORDERS",
    "SCHEMA_VERSION",
    "Assigned",
    "ChangeWatcher",
    "Changes",
    "CopyReport",
    "CutShort",
    "HealthReport",
    "PageCursor",
    "Repository",
    "RowBatch",
    "Tracer",
    "backup_database",
    "build_database",
    "check_database",
    "copy_database",
    "current_actor",
    "cut_short",
    "interrupt_reads",
    "open_repository",
    "page_key",
    "restore_database",
    "sharing_warnings",
    "shown",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # the next look-up is a plain attribute
    return value
