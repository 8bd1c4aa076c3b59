"""`db check` on a file a newer leadtui wrote reports on it instead of
refusing it: the file's schema version and this leadtui's, the integrity
check, sizes and the leads counted, all read-only, then one line saying this
leadtui will not write it (exit 1). It refused with that line alone, so a
user asking "is my file damaged?" got no answer. Nothing is written, and
nothing is created beside the file."""

import json
import sqlite3
from pathlib import Path

import psycopg
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.domain.models import build_draft
from leadtui.repository import SCHEMA_VERSION, open_repository
from leadtui.repository.pg.schema import SCHEMA_VERSION as PG_SCHEMA_VERSION
from leadtui.repository.schema import APPLICATION_ID
from leadtui.repository.sqlite_pool import close_idle

NEWER = SCHEMA_VERSION + 1
REFUSAL = f"was written by a newer leadtui (schema {NEWER}, this one knows {SCHEMA_VERSION})"


def newer_file(path: Path, leads: int = 3) -> None:
    """A leadtui file, as a newer leadtui leaves it: its version above ours."""
    repo = open_repository(path)
    for index in range(leads):
        repo.add_lead(build_draft(name=f"Lead {index}", notes="x" * 300))
    close_idle()  # as at a process's exit: the WAL folded in, -wal and -shm gone
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {NEWER}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
        leftover.unlink(missing_ok=True)


def check(path: Path | str, *args: str) -> Result:
    return CliRunner().invoke(main, ["db", "check", *args, "--db", str(path)])


def test_a_newer_file_is_reported_read_only(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    newer_file(path)
    before = path.read_bytes()
    text = check(path)
    assert text.exit_code == 1
    assert text.stderr == (
        f"Error: {path} {REFUSAL}: checked read-only, and this leadtui will not write it;"
        " upgrade leadtui\n"
    )
    lines = text.stdout.splitlines()
    assert f"schema version: {NEWER} (this leadtui: {SCHEMA_VERSION})" in lines
    assert "journal mode:   wal" in lines and "leads:          3" in lines
    assert lines[-1] == "integrity:      ok"
    assert any(line.startswith("lead values:    not checked") for line in lines)
    as_json = check(path, "--json")
    assert as_json.exit_code == 1 and as_json.stderr == text.stderr
    report = json.loads(as_json.stdout)
    assert (report["schema_version"], report["leadtui_schema_version"]) == (NEWER, SCHEMA_VERSION)
    assert (report["newer"], report["healthy"], report["leads"]) == (True, True, 3)
    assert report["problems"] == [] and "Traceback" not in as_json.output
    assert path.read_bytes() == before
    assert [child.name for child in tmp_path.iterdir()] == ["newer.db"]


def test_a_newer_file_in_use_is_read_through_its_wal(tmp_path: Path) -> None:
    """The newer leadtui still has it open, a lead in its WAL only: that
    lead is counted, and the file and its WAL are left as they were."""
    path = tmp_path / "newer.db"
    newer_file(path)
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute(
            "INSERT INTO leads (name, created_at, updated_at, stage_entered_at)"
            " SELECT 'In the WAL', created_at, updated_at, stage_entered_at FROM leads LIMIT 1"
        )
        before = path.read_bytes(), Path(f"{path}-wal").read_bytes()
        result = check(path, "--json")
        assert result.exit_code == 1, result.output
        report = json.loads(result.stdout)
        assert (report["leads"], report["healthy"]) == (4, True)
        assert report["wal_bytes"] > 0
        assert (path.read_bytes(), Path(f"{path}-wal").read_bytes()) == before
    finally:
        writer.close()


def test_a_damaged_newer_file_says_both_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    newer_file(path, leads=200)
    with sqlite3.connect(path) as conn:
        pages = [row[0] for row in conn.execute("SELECT pageno FROM dbstat WHERE name = 'leads'")]
    data = bytearray(path.read_bytes())
    page = 4096
    data[(pages[-1] - 1) * page : pages[-1] * page] = b"\xff" * page
    path.write_bytes(bytes(data))
    result = check(path)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path} {REFUSAL} and its integrity check failed: ")
    assert result.stderr.endswith(": checked read-only, and this leadtui will not write it;"
                                  " upgrade leadtui\n")  # fmt: skip
    assert len(result.stderr.splitlines()) == 1
    assert any(line.startswith("problem: ") for line in result.stdout.splitlines())


def test_an_older_or_current_file_is_checked_as_before(tmp_path: Path) -> None:
    path = tmp_path / "leads.db"
    open_repository(path).add_lead(build_draft(name="Ann"))
    result = check(path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["newer"] is False


# ------------------------------------------------------------- PostgreSQL

PG_NEWER = PG_SCHEMA_VERSION + 1
PG_REFUSAL = (
    f"was written by a newer leadtui (schema {PG_NEWER}, this one knows {PG_SCHEMA_VERSION})"
)


def newer_database(url: str, leads: int = 3) -> None:
    """A leadtui database as a newer leadtui leaves it: its version above ours."""
    repo = open_repository(url, actor="tester")
    for index in range(leads):
        repo.add_lead(build_draft(name=f"Lead {index}"))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE leadtui_schema SET version = %s", [PG_NEWER])


def written(url: str) -> tuple[int, int]:
    """The database's schema version, and how many of its rows were ever
    inserted, updated or deleted (the server's counts)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT pg_stat_clear_snapshot()")
        found = conn.execute(
            "SELECT (SELECT version FROM leadtui_schema),"
            " (SELECT sum(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_user_tables)"
        ).fetchone()
    assert found is not None
    return int(found[0]), int(found[1])


def test_a_newer_postgresql_database_is_reported_read_only(pg_url: str) -> None:
    """It was refused in the one line that it is newer, with no report."""
    newer_database(pg_url)
    before = written(pg_url)
    text = check(pg_url)
    assert text.exit_code == 1, text.output
    assert text.stderr == (
        f"Error: {pg_url} {PG_REFUSAL}: checked read-only, and this leadtui will not write it;"
        " upgrade leadtui\n"
    )
    lines = text.stdout.splitlines()
    assert f"schema version: {PG_NEWER} (this leadtui: {PG_SCHEMA_VERSION})" in lines
    assert "leads:          3" in lines and any(line.startswith("server:") for line in lines)
    assert lines[-1].startswith("kept totals:    not checked")
    as_json = check(pg_url, "--json")
    assert as_json.exit_code == 1 and as_json.stderr == text.stderr
    report = json.loads(as_json.stdout)
    assert (report["engine"], report["newer"], report["leads"]) == ("PostgreSQL", True, 3)
    assert (report["schema_version"], report["problems"]) == (PG_NEWER, [])
    assert written(pg_url) == before


def test_a_newer_postgresql_database_without_a_leads_table_is_reported(pg_url: str) -> None:
    newer_database(pg_url, leads=0)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE leads RENAME TO people")
    result = check(pg_url, "--json")
    assert result.exit_code == 1, result.output
    assert json.loads(result.stdout)["leads"] is None
    assert "Traceback" not in result.output
