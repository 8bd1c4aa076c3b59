"""`leadtui db copy SRC DST`: a whole database from one engine to the other
(a SQLite file into PostgreSQL, or back), with the same ids: leads, their
journal and undo history, touches, custom fields, tags, BANT, contacts,
settings (the learned model among them), spend and sign-ins.

The target must be new or empty: a copy never merges into a database in
use. Both ends are migrated first, so a copy is always between the same
schema. Rows go across table by table in id order, in one transaction on
the target (a failed copy leaves it empty, and removes a file it made), and
each table's id counter is moved past the copied ids so the next lead gets
the next id. The KPI columns (a lead's top_rank and last_stage_*, a
change's stay, prev_* and cancelled_with) go across with their rows. Into PostgreSQL the KPI rollup
tables are copied too, with the KPI triggers off meanwhile (else each
copied row would be counted again on top of the copied sums): the copy's
report is the file's, to the last bit of each day's sums. Into a file, the
search index and every KPI column and rollup are rebuilt from the copied
journal at the end (schema_kpi.REBUILD), with their triggers off meanwhile,
as a bulk load does. Reading a PostgreSQL table holds it in memory (a
server-side cursor is a later step).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadtui.domain.errors import DatabaseBusy, DatabaseUnavailable
from leadtui.paths import is_url
from leadtui.repository import schema, schema_kpi, sqlite_pool
from leadtui.repository.engine import POSTGRES, Engine, refuse
from leadtui.repository.opening import open_repository
from leadtui.repository.pg.kpi_triggers import TRIGGER_NAMES
from leadtui.repository.pg.watch import say_replaced

# Parents before children (foreign keys), and every table a team's work is in.
TABLES = (
    "settings", "spend", "users", "web_sessions", "leads", "custom_fields", "tags", "bant",
    "activities", "undone_activities", "contacts", "actions", "journal",
)  # fmt: skip
# The KPI rollups, copied into PostgreSQL (a file rebuilds its own).
ROLLUPS = (
    "kpi_created", "kpi_closed", "kpi_stays", "kpi_stage_totals", "kpi_score_bands",
    "kpi_owner_created", "kpi_owner_closed", "kpi_owner_stays", "kpi_owner_qualified",
    "kpi_owner_stage_totals",
)  # fmt: skip
BATCH = 5000
# How long a copy into PostgreSQL waits for a lock another session holds on
# a table it writes (a psql session's LOCK TABLE, a transaction left open on
# leads): without a limit it waited until Ctrl-C. leadtui's own writers
# hold the write lock the copy takes first, so only another program's lock
# can keep it waiting here.
LOCK_TIMEOUT = "5s"


@dataclass(frozen=True)
class CopyReport:
    rows: dict[str, int]  # table: rows copied

    @property
    def leads(self) -> int:
        return self.rows.get("leads", 0)


def copy_database(
    source: Path | str,
    target: Path | str,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> CopyReport:
    """Copy everything in `source` into the empty `target`; `progress(done,
    total)` is called as rows go across. Raises DatabaseUnavailable, with
    one line, for a target that holds data or a direction not yet done."""
    if is_url(target) == is_url(source):
        if is_url(source):
            raise refuse("db copy between two databases of one engine (use pg_dump)", POSTGRES)
        # Two files: nothing about PostgreSQL is missing; a file's copy is a backup.
        raise DatabaseUnavailable(
            "db copy goes between a file and a postgresql:// URL; copy a file with db backup"
        )
    if not is_url(source) and not Path(source).expanduser().exists():
        # Opening it would make an empty database: a mistyped name would
        # "copy 0 leads" and leave that file behind.
        raise DatabaseUnavailable(f"no database at {source}")
    new_file = None if is_url(target) else Path(target).expanduser()
    if new_file is not None and new_file.exists():
        new_file = None
    try:
        return _copy(source, target, progress)
    except BaseException:
        # A failed copy into a file it made (the server went away, a
        # privilege was missing) leaves no empty database behind.
        if new_file is not None:
            sqlite_pool.release(new_file)
            for end in ("", "-wal", "-shm", "-journal"):
                new_file.with_name(new_file.name + end).unlink(missing_ok=True)
        raise


def _copy(
    source: Path | str, target: Path | str, progress: Callable[[int, int], None] | None
) -> CopyReport:
    source_repo = open_repository(source)
    target_repo = open_repository(target)
    src, dst = source_repo.engine, target_repo.engine
    into_file = dst.dialect is not POSTGRES
    tables = TABLES if into_file else TABLES + ROLLUPS
    with src.connect() as reading:
        totals = {table: _count(reading, table) for table in tables}
        total = sum(totals.values())
        done = 0
        with _locked_out_said(dst), dst.transaction() as writing:
            if not into_file:
                writing.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
            _require_empty(writing, dst)
            if into_file:
                for name, _ in (*schema.FTS_TRIGGERS, *schema_kpi.TRIGGERS):
                    writing.execute(f'DROP TRIGGER "{name}"')
            else:
                _kpi_triggers(writing, "DISABLE")
                for table in ROLLUPS:
                    writing.execute(f"DELETE FROM {table}")
            _give_way_to_the_sources_settings(reading, writing)
            for table in tables:
                columns = [c for c in _columns(reading, src, table) if c in
                           set(_columns(writing, dst, table))]  # fmt: skip
                for batch in _batches(reading, table, columns):
                    _write(writing, dst, table, columns, batch)
                    done += len(batch)
                    if progress:
                        progress(done, total)
            floor = reading.execute("SELECT id FROM lead_id_floor").fetchone()[0]
            writing.execute("UPDATE lead_id_floor SET id = ?", [floor])
            if into_file:
                _rebuild_derived(writing)
            else:
                _kpi_triggers(writing, "ENABLE")
                _move_id_counters(writing)
                # A console open on the empty database re-reads whole on
                # commit (settings, users: more than the journal names).
                say_replaced(writing)
                # The planner's statistics for the new rows now, not when
                # autovacuum next looks: the first reports use them.
                writing.execute("ANALYZE")
    return CopyReport(totals)


@contextmanager
def _locked_out_said(target: Engine) -> Iterator[None]:
    """A lock the copy waited for past LOCK_TIMEOUT as one line: on
    PostgreSQL, only another session's lock on a table it writes."""
    try:
        yield
    except DatabaseBusy:
        if target.dialect is not POSTGRES:
            raise
        raise DatabaseUnavailable(
            f"{target.shown} is locked by another session; nothing was copied"
        ) from None


def _give_way_to_the_sources_settings(reading: Any, writing: Any) -> None:
    """A console opened on the empty target has recorded a setting or two
    (the scoring rules' version, at its first rescore): the source's value of
    the same setting replaces it, where the copy failed on the duplicate key
    with a traceback. A setting only the target has is kept."""
    for (key,) in reading.execute("SELECT key FROM settings").fetchall():
        writing.execute("DELETE FROM settings WHERE key = ?", [key])


def _rebuild_derived(db: Any) -> None:
    """What SQLite's triggers would have kept, from the copied rows: the
    search index, the KPI columns and rollups; then the triggers again."""
    db.execute(schema.FTS_REBUILD)
    for sql in schema_kpi.REBUILD:
        db.execute(sql)
    for _, sql in (*schema.FTS_TRIGGERS, *schema_kpi.TRIGGERS):
        db.execute(sql)


def _kpi_triggers(db: Any, what: str) -> None:
    """PostgreSQL's KPI triggers off (DISABLE) or on again (ENABLE), in the
    copy's transaction: its rows come with their KPI columns and rollups."""
    for table, name in TRIGGER_NAMES:
        db.execute(f"ALTER TABLE {table} {what} TRIGGER {name}")


def _move_id_counters(db: Any) -> None:
    """PostgreSQL's identity columns go on after the copied ids."""
    for table in ("leads", "activities", "actions", "journal", "contacts"):
        db.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
            f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


def _count(db: Any, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _require_empty(db: Any, engine: Engine) -> None:
    for table in ("leads", "journal", "users", "spend"):
        if _count(db, table):
            raise DatabaseUnavailable(
                f"{engine.shown} already holds {table}: copy into a new, empty database"
            )


def _columns(db: Any, engine: Engine, table: str) -> list[str]:
    """The table's stored columns (a generated search column is the target's own)."""
    if engine.dialect is POSTGRES:
        rows = db.execute(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = ?"
            " AND is_generated = 'NEVER' ORDER BY ordinal_position",
            [table],
        ).fetchall()
        return [str(row[0]) for row in rows]
    return [str(row[1]) for row in db.execute(f"PRAGMA table_info({table})").fetchall()]


def _batches(db: Any, table: str, columns: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    """The table's rows in its key order, a batch at a time."""
    cursor = db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2")
    while batch := cursor.fetchmany(BATCH):
        yield [tuple(row) for row in batch]


def _write(
    db: Any, engine: Engine, table: str, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """Rows into PostgreSQL through COPY (the fast path for many rows), into
    SQLite a statement run for every row."""
    if engine.dialect is not POSTGRES:
        marks = ", ".join("?" * len(columns))
        db.conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        return
    with (
        db.raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
