"""The only package that touches SQLite (through sqlite-utils).

Design choices, each answering a measured hazard in ARCHITECTURE.md:
- A connection per operation, opened on the calling thread, so thread workers
  never share a connection (hazard 5) and nothing leaks when an error is raised.
- Every read-modify-write runs in BEGIN IMMEDIATE with a busy timeout, so two
  processes cannot interleave a read and a write (hazard 3); each lead row
  carries a `version` that every write bumps.
- Migrations run under BEGIN IMMEDIATE guided by PRAGMA user_version, so ten
  processes starting on a fresh file apply each step once (hazard 4).
- Lists are keyset-paged: a page costs the same at row 10 and row 1,000,000.
"""

from leadtui.orders import ORDERS, page_key
from leadtui.repository.bulk import RowBatch, build_database
from leadtui.repository.connection import Tracer, interrupt_reads
from leadtui.repository.maintenance import (
    HealthReport,
    backup_database,
    check_database,
    restore_database,
    sharing_warnings,
)
from leadtui.repository.opening import open_repository
from leadtui.repository.store import PageCursor, Repository, current_actor
from leadtui.repository.watch import ChangeWatcher

__all__ = [
    "ORDERS",
    "ChangeWatcher",
    "HealthReport",
    "PageCursor",
    "Repository",
    "RowBatch",
    "Tracer",
    "backup_database",
    "build_database",
    "check_database",
    "current_actor",
    "interrupt_reads",
    "open_repository",
    "page_key",
    "restore_database",
    "sharing_warnings",
]
