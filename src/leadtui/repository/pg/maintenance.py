"""`leadtui db check` and `db restore` for a PostgreSQL database (backup is
pg/backup.py).

A check is what makes sense on a server, where the file-level integrity
check, the journal mode and the WAL size are the server's own business:
the schema version, and whether what leadtui keeps beside the rows still
agrees with them: the board's per-stage totals (kpi_stage_totals, kept by
triggers), the search columns (generated, but computed through the
unaccent dictionary, which a server upgrade may change), and every id
counter past the largest id in its table (a counter behind would make the
next insert fail). A restore runs pg_restore into the database, in one
transaction, or says in one line what to run; a backup a newer leadtui
made is refused before anything is replaced, as on SQLite, since this
leadtui could not open what it restored.
"""

import shutil
from pathlib import Path
from typing import Any

from leadtui.domain.errors import DatabaseUnavailable
from leadtui.repository.pg import schema
from leadtui.repository.pg.client_tools import database_argument, run_tool
from leadtui.repository.stage_totals import stage_total_problems

# The tables whose ids come from an identity column's counter. (A lead's id
# never does: it is chosen above every id ever used, schema.NEXT_LEAD_ID.)
COUNTED = ("activities", "actions", "journal", "contacts")
# What a backup file starts with: a pg_dump custom archive, or a SQLite file.
DUMP_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


def problems(db: Any) -> list[str]:
    """Each disagreement between the rows and what is kept beside them, one
    line each; none when healthy."""
    found = stage_total_problems(db)
    for table, vector in schema.SEARCH_VECTORS.items():
        stale = db.execute(
            f"SELECT count(*) FROM {table} WHERE search IS DISTINCT FROM {vector}"
        ).fetchone()[0]
        if stale:
            found.append(f"{table}: {stale:,} rows whose search words are out of date")
    for table in COUNTED:
        next_id, largest = db.execute(
            f"SELECT (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END"
            f" FROM {_counter(db, table)}), (SELECT coalesce(max(id), 0) FROM {table})"
        ).fetchone()
        if next_id <= largest:
            found.append(f"{table}: the id counter gives {next_id}, but ids reach {largest}")
    return found


def _counter(db: Any, table: str) -> str:
    name: str = db.execute("SELECT pg_get_serial_sequence(?, 'id')", [table]).fetchone()[0]
    return name


def facts(db: Any) -> tuple[int, str, int, int]:
    """(schema version, server, database bytes, leads)."""
    version, server, size, leads = db.execute(
        "SELECT (SELECT version FROM leadtui_schema), current_setting('server_version'),"
        " pg_database_size(current_database()), (SELECT count(*) FROM leads)"
    ).fetchone()
    return int(version), f"PostgreSQL {server}", int(size), int(leads)


def newer_facts(db: Any, known: int) -> tuple[int, str, int, int | None] | None:
    """facts() of a leadtui database whose schema is newer than `known`,
    reading only what every version has (its leads table may be gone:
    leads None); None for any other database."""
    if not db.execute("SELECT to_regclass('leadtui_schema') IS NOT NULL").fetchone()[0]:
        return None
    row = db.execute("SELECT version FROM leadtui_schema").fetchone()
    if row is None or int(row[0]) <= known:
        return None
    version = int(row[0])
    server, size, has_leads = db.execute(
        "SELECT current_setting('server_version'), pg_database_size(current_database()),"
        " to_regclass('leads') IS NOT NULL"
    ).fetchone()
    leads = int(db.execute("SELECT count(*) FROM leads").fetchone()[0]) if has_leads else None
    return version, f"PostgreSQL {server}", int(size), leads


def restore(url: str, shown: str, source: Path) -> None:
    """Replace the database's contents with the pg_dump archive `source`
    (`leadtui db backup`'s), in one transaction: other sessions see the old
    data or the new. Without pg_restore, one line saying what to run."""
    with source.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        raise DatabaseUnavailable(
            f"{source} is a SQLite file: copy it into {shown} with"
            f" `leadtui db copy {source} URL` (into an empty database)"
        )
    if not head.startswith(DUMP_MAGIC):
        raise DatabaseUnavailable(f"{source} is not a leadtui backup of a PostgreSQL database")
    arguments = ["--clean", "--if-exists", "--single-transaction", "--no-owner", "--exit-on-error"]
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise DatabaseUnavailable(
            "restoring PostgreSQL needs pg_restore (apt-get install postgresql-client);"
            f" then run: pg_restore {' '.join(arguments)} --dbname={shown} {source}"
        )
    _refuse_a_newer_schema(pg_restore, source)
    dbname, env = database_argument(url)
    run_tool(
        [pg_restore, *arguments, dbname, str(source)],
        f"pg_restore into {shown}",
        "; nothing was changed",
        env=env,
    )


def _refuse_a_newer_schema(pg_restore: str, source: Path) -> None:
    """Read the schema version the archive holds (pg_restore prints the one
    table's COPY data without touching any database) and refuse a backup
    that is not leadtui's or that a newer leadtui wrote."""
    script = run_tool(
        [pg_restore, "--data-only", "--table=leadtui_schema", "--file=-", str(source)],
        f"reading {source}",
        "; nothing was changed",
    )
    version = _copied_version(script)
    if version is None:
        raise DatabaseUnavailable(f"{source} is not a leadtui backup of a PostgreSQL database")
    if version > schema.SCHEMA_VERSION:
        raise DatabaseUnavailable(
            f"{source} comes from a newer leadtui (schema {version}, this one knows"
            f" {schema.SCHEMA_VERSION}); upgrade leadtui to restore it"
        )


def _copied_version(script: str) -> int | None:
    """The version in leadtui_schema's COPY block of a pg_restore script:
    `COPY public.leadtui_schema (only_row, version) FROM stdin;` and then
    one tab-separated row."""
    lines = iter(script.splitlines())
    for line in lines:
        if line.startswith("COPY ") and ".leadtui_schema (" in line:
            columns = line[line.index("(") + 1 : line.index(")")].split(", ")
            values = next(lines, "").split("\t")
            if "version" not in columns or len(values) != len(columns):
                return None
            value = values[columns.index("version")]
            return int(value) if value.isdigit() else None
    return None
