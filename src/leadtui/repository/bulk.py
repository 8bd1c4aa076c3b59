"""Building a whole new database from row batches (demo data)."""

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leadtui.domain.dedupe import person_key, phone_key
from leadtui.domain.errors import DatabaseUnavailable
from leadtui.repository import schema, schema_kpi, sqlite_pool
from leadtui.repository.connection import readable_errors
from leadtui.repository.opening import open_repository


@dataclass
class RowBatch:
    """Rows for bulk_load, as tuples in schema.*_COLUMNS order, each with
    what the KPI triggers would have kept (schema_kpi): leads end with
    schema_kpi.LEAD_COLUMNS, stage changes with (stay, prev_new,
    prev_same_at)."""

    leads: list[tuple[Any, ...]] = field(default_factory=list)
    stage_changes: list[tuple[Any, ...]] = field(default_factory=list)
    activities: list[tuple[Any, ...]] = field(default_factory=list)
    custom_fields: list[tuple[Any, ...]] = field(default_factory=list)


def build_database(
    path: Path, batches: Iterable[RowBatch], progress: Callable[[int], None] | None = None
) -> int:
    """Write a new database at `path` from row batches (demo data); returns the
    lead count. `path` must not exist: real data is never overwritten.

    The file is built privately beside `path` with journaling off and the
    secondary indexes rebuilt once at the end (several times faster than
    maintaining them row by row), then linked into place in one step, so
    an interrupted build leaves nothing behind and nobody sees half a file.
    """
    path = Path(path).expanduser()
    if path.exists():
        raise DatabaseUnavailable(f"{path} already exists; demo data goes into a new file")
    if not path.parent.is_dir():
        raise DatabaseUnavailable(f"cannot create {path}: directory {path.parent} does not exist")
    try:
        handle, building_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".building", dir=path.parent
        )
    except OSError as error:  # named as the file asked for, not the hidden one beside it
        raise DatabaseUnavailable(f"cannot create {path}: {error.strerror}") from None
    os.close(handle)  # mkstemp made it 0600, which the final file keeps
    building = Path(building_name)
    try:
        open_repository(building)
        sqlite_pool.release(building)  # leaving WAL mode takes the only connection
        written = _bulk_insert(building, batches, progress)
        try:
            os.link(building, path)  # fails rather than replace a file made meanwhile
        except FileExistsError:
            raise DatabaseUnavailable(f"{path} appeared while building; left it alone") from None
    finally:
        building.unlink(missing_ok=True)
    return written


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _bulk_insert(
    path: Path, batches: Iterable[RowBatch], progress: Callable[[int], None] | None
) -> int:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        with readable_errors(path):
            # Private file nobody else has open: no journal and no fsync until the end.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            indexes = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            ).fetchall()
            conn.execute("BEGIN")
            for name, _ in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            # The search index and the KPI rollups: rebuilt once at the end.
            for name, _ in (*schema.FTS_TRIGGERS, *schema_kpi.TRIGGERS):
                conn.execute(f'DROP TRIGGER "{name}"')
            written = 0
            for batch in batches:
                for sql, rows in (
                    (_insert("leads", schema.LEAD_COLUMNS + schema_kpi.LEAD_COLUMNS), batch.leads),
                    (schema_kpi.JOURNAL_STAGE_INSERT, batch.stage_changes),
                    (_insert("activities", schema.ACTIVITY_COLUMNS), batch.activities),
                    (_insert("custom_fields", schema.CUSTOM_FIELD_COLUMNS), batch.custom_fields),
                ):
                    conn.executemany(sql, rows)
                written += len(batch.leads)
                if progress:
                    progress(len(batch.leads))
            # The duplicate keys, computed once for every lead (demo rows
            # come without them).
            conn.create_function("leadtui_phone_key", 1, phone_key, deterministic=True)
            conn.create_function("leadtui_person_key", 2, person_key, deterministic=True)
            conn.execute(
                "UPDATE leads SET phone_key = leadtui_phone_key(phone),"
                " person_key = leadtui_person_key(name, company)"
            )
            conn.execute(schema.JOURNAL_TOUCH_ROWS, [0])  # every touch's journal line
            for _, sql in indexes:
                conn.execute(sql)
            conn.execute(schema.FTS_REBUILD)
            for sql in schema_kpi.REBUILD_ROLLUPS:  # the rows came with their KPI columns
                conn.execute(sql)
            for _, sql in (*schema.FTS_TRIGGERS, *schema_kpi.TRIGGERS):
                conn.execute(sql)
            conn.execute("COMMIT")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
    finally:
        conn.close()
    return written
