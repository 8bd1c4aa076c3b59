"""`leadtui db check | backup | restore`."""

import json
import os
import shutil
import sqlite3
import stat
import subprocess
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.domain.models import build_draft
from leadtui.repository import open_repository, sharing_warnings, sqlite_pool
from leadtui.repository.pg.schema import SCHEMA_VERSION as PG_SCHEMA_VERSION
from leadtui.repository.schema import SCHEMA_VERSION


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "team.db"
    repo = open_repository(path)
    for name in ("Ada", "Bob", "Cy"):
        repo.add_lead(build_draft(name=name))
    return path


def test_check_reports_a_healthy_file(db: Path) -> None:
    result = run("db", "check", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert f"schema version: {SCHEMA_VERSION} (this leadtui: {SCHEMA_VERSION})" in result.output
    assert "journal mode:   wal" in result.output
    assert "leads:          3" in result.output
    assert "integrity:      ok" in result.output


def test_check_fails_on_a_damaged_file_with_one_line(db: Path) -> None:
    with sqlite3.connect(db, isolation_level=None) as conn:  # rows over many pages
        conn.execute("CREATE TABLE filler (x TEXT)")
        conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,)] * 400)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    page = 4096
    for offset in range(5 * page, 9 * page):  # overwrite pages 6-9 with noise
        data[offset] = (offset * 7) % 256
    db.write_bytes(bytes(data))
    result = run("db", "check", "--db", str(db))
    assert result.exit_code == 1
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: ") and "Traceback" not in result.output


def test_backup_then_restore_brings_the_old_state_back(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    assert run("db", "backup", str(copy), "--db", str(db)).exit_code == 0
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    open_repository(db).add_lead(build_draft(name="After the backup"))
    declined = run("db", "restore", str(copy), "--db", str(db))  # asking: tests/test_cli_confirm.py
    assert declined.exit_code == 1 and "pass --yes" in declined.output
    assert open_repository(db).count_leads() == 4
    restored = run("db", "restore", str(copy), "--yes", "--db", str(db))
    assert restored.exit_code == 0, restored.output
    assert "restored 3 leads" in restored.output
    assert [lead.name for lead in open_repository(db).all_leads()] == ["Ada", "Bob", "Cy"]


def test_a_restore_of_one_lead_says_lead(tmp_path: Path) -> None:
    one, copy = tmp_path / "one.db", tmp_path / "one-copy.db"
    open_repository(one).add_lead(build_draft(name="Ada"))
    assert run("db", "backup", str(copy), "--db", str(one)).exit_code == 0
    restored = run("db", "restore", str(copy), "--yes", "--db", str(one))
    assert restored.output.startswith("restored 1 lead from ")


def test_backup_never_overwrites(db: Path, tmp_path: Path) -> None:
    existing = tmp_path / "existing.db"
    existing.write_text("precious")
    result = run("db", "backup", str(existing), "--db", str(db))
    assert result.exit_code == 1 and "already exists" in result.output
    assert existing.read_text() == "precious"


def test_restore_refuses_what_is_not_a_leadtui_backup(db: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    junk = tmp_path / "junk.db"
    junk.write_text("junk" * 1000)
    for source, message in (
        (other, "not a leadtui backup"),
        (junk, "not a SQLite database"),
        (tmp_path / "missing.db", "no backup at"),
    ):
        result = run("db", "restore", str(source), "--yes", "--db", str(db))
        assert result.exit_code == 1 and message in result.output, result.output
    assert open_repository(db).count_leads() == 3


def test_sharing_warnings_name_the_fix(tmp_path: Path) -> None:
    team = tmp_path / "team"
    team.mkdir()
    team.chmod(0o2770)  # setgid team directory, as the README sets it up
    path = team / "leads.db"
    open_repository(path)  # created 0600
    sqlite_pool.close_idle()  # as the creating process's exit would
    [warning] = sharing_warnings(path)
    assert "cannot write it" in warning and f"chmod g+rw {path}" in warning
    path.chmod(0o660)
    assert sharing_warnings(path) == []


def test_no_sharing_warning_in_a_private_or_world_writable_directory(tmp_path: Path) -> None:
    for mode in (0o700, 0o1777):
        directory = tmp_path / f"d{mode:o}"
        directory.mkdir()
        directory.chmod(mode)
        open_repository(directory / "leads.db")
        assert sharing_warnings(directory / "leads.db") == []


# ------------------------------------------------------------- PostgreSQL


def test_check_on_sqlite_compares_the_boards_totals_with_the_leads(db: Path) -> None:
    """As on PostgreSQL: the board's headers and the pipeline value read only
    the totals, so a total a program changed behind leadtui's back is a
    problem the check names (it said "integrity: ok")."""
    assert run("db", "check", "--db", str(db)).exit_code == 0
    with closing(sqlite3.connect(db)) as file, file:
        file.execute("UPDATE kpi_stage_totals SET n = n + 1 WHERE stage = 'new'")
    result = run("db", "check", "--db", str(db))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: integrity check failed: kpi_stage_totals: new says (4, 0) (leads, cents),"
        " the leads (3, 0)"
    )


def _three_leads(url: str) -> None:
    repo = open_repository(url)
    for name in ("Ada", "Bob", "Cy"):
        repo.add_lead(build_draft(name=name))


@pytest.mark.slow  # commands against PostgreSQL, some running pg_dump and pg_restore
def test_check_on_postgresql_compares_what_is_kept_with_the_rows(pg_url: str) -> None:
    _three_leads(pg_url)
    result = run("db", "check", "--db", pg_url)
    assert result.exit_code == 0, result.output
    assert f"schema version: {PG_SCHEMA_VERSION} (this leadtui: {PG_SCHEMA_VERSION})" in (
        result.output
    )
    assert "server:         PostgreSQL " in result.output
    assert "leads:          3" in result.output and "integrity:      ok" in result.output
    # Behind leadtui's back: a total off by one, a counter set back, and
    # search words read with another dictionary than the rows were.
    with open_repository(pg_url).engine.connect() as db:
        db.execute("UPDATE kpi_stage_totals SET n = n + 1 WHERE stage = 'new'")
        db.execute("SELECT setval(pg_get_serial_sequence('journal', 'id'), 1)")
        db.execute("ALTER TEXT SEARCH CONFIGURATION leadtui_search DROP MAPPING FOR asciiword")
    result = run("db", "check", "--json", "--db", pg_url)
    assert result.exit_code == 1
    record = json.loads(result.output[: result.output.rindex("}") + 1])
    assert record["engine"] == "PostgreSQL" and not record["healthy"]
    assert record["problems"] == [
        "kpi_stage_totals: new says (4, 0) (leads, cents), the leads (3, 0)",
        "leads: 3 rows whose search words are out of date",
        "journal: the id counter gives 2, but ids reach 3",
    ]
    assert result.output.strip().splitlines()[-1] == (
        "Error: integrity check failed: kpi_stage_totals: new says (4, 0) (leads, cents),"
        " the leads (3, 0)"
    )


@pytest.mark.slow  # commands against PostgreSQL, some running pg_dump and pg_restore
def test_backup_then_restore_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    _three_leads(pg_url)
    dump = tmp_path / "team.dump"
    assert run("db", "backup", str(dump), "--db", pg_url).exit_code == 0
    open_repository(pg_url).add_lead(build_draft(name="After the backup"))
    restored = run("db", "restore", str(dump), "--yes", "--db", pg_url)
    assert restored.exit_code == 0, restored.output
    assert restored.output.strip() == f"restored 3 leads from {dump} into {pg_url}"
    repo = open_repository(pg_url)
    assert [lead.name for lead in repo.all_leads()] == ["Ada", "Bob", "Cy"]
    assert repo.add_lead(build_draft(name="Dee")) == 4  # the counters came back too
    assert run("db", "check", "--db", pg_url).exit_code == 0


@pytest.mark.slow  # commands against PostgreSQL, some running pg_dump and pg_restore
@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgresql_tools_get_the_password_in_their_environment_not_their_command_line(
    command: str, pg_url: str, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ps` shows every user of the server a process's command line: the
    URL's password reaches pg_dump and pg_restore as PGPASSWORD instead."""
    _three_leads(pg_url)
    dump = tmp_path / "team.dump"
    assert run("db", "backup", str(dump), "--db", pg_url).exit_code == 0
    tools = tmp_path / "tools"
    tools.mkdir()
    seen = tmp_path / "seen"
    for tool in ("pg_dump", "pg_restore"):
        real = shutil.which(tool)
        script = tools / tool
        script.write_text(
            f'#!/bin/sh\necho "argv: $*" >> {seen}\necho "env: $PGPASSWORD" >> {seen}\n'
            f'exec {real} "$@"\n'
        )
        script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}:{os.environ['PATH']}")
    # The test server trusts its socket: the password is carried, not checked.
    secret = f"{pg_url}&password=s3cret"
    if command == "backup":
        result = run("db", "backup", str(tmp_path / "again.dump"), "--db", secret)
    else:
        result = run("db", "restore", str(dump), "--yes", "--db", secret)
    assert result.exit_code == 0, result.output
    lines = seen.read_text().splitlines()
    arguments = [line for line in lines if line.startswith("argv: ")]
    assert arguments and not any("s3cret" in line for line in arguments)
    assert "env: s3cret" in lines


def test_restore_on_postgresql_refuses_a_file_or_says_what_to_run(
    pg_url: str, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three_leads(pg_url)
    result = run("db", "restore", str(db), "--yes", "--db", pg_url)
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {db} is a SQLite file: copy it into {pg_url} with"
        f" `leadtui db copy {db} URL` (into an empty database)"
    )
    dump = tmp_path / "team.dump"
    assert run("db", "backup", str(dump), "--db", pg_url).exit_code == 0
    monkeypatch.setattr(shutil, "which", lambda _: None)  # no client tools here
    result = run("db", "restore", str(dump), "--yes", "--db", pg_url)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip().splitlines() == [
        "Error: restoring PostgreSQL needs pg_restore (apt-get install postgresql-client);"
        " then run: pg_restore --clean --if-exists --single-transaction --no-owner"
        f" --exit-on-error --dbname={pg_url} {dump}"
    ]


@pytest.mark.slow  # commands against PostgreSQL, running pg_dump and pg_restore
def test_restore_on_postgresql_refuses_a_newer_backup_and_changes_nothing(
    pg_url: str, tmp_path: Path
) -> None:
    _three_leads(pg_url)
    newer = tmp_path / "newer.dump"
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("UPDATE leadtui_schema SET version = version + 1")
        try:
            # pg_dump itself: `db backup` opens the database, which a newer
            # schema refuses, as a newer leadtui's own backup would have.
            dumped = subprocess.run(
                ["pg_dump", "--format=custom", f"--file={newer}", f"--dbname={pg_url}"],
                capture_output=True, check=False,
            )  # fmt: skip
        finally:
            db.execute("UPDATE leadtui_schema SET version = version - 1")
    assert dumped.returncode == 0, dumped.stderr
    open_repository(pg_url).add_lead(build_draft(name="After the backup"))
    result = run("db", "restore", str(newer), "--yes", "--db", pg_url)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.strip() == (
        f"Error: {newer} comes from a newer leadtui (schema {PG_SCHEMA_VERSION + 1},"
        f" this one knows {PG_SCHEMA_VERSION}); upgrade leadtui to restore it"
    )
    names = [lead.name for lead in open_repository(pg_url).all_leads()]
    assert names == ["Ada", "Bob", "Cy", "After the backup"]


def test_check_reports_a_page_the_integrity_check_cannot_read(db: Path) -> None:
    """A page of noise makes PRAGMA integrity_check itself fail part-way
    (as `sqlite3 FILE 'PRAGMA integrity_check'` shows): db check must still
    report, with the problems found and healthy false, for what it is for."""
    with sqlite3.connect(db, isolation_level=None) as conn:  # rows over many pages
        conn.execute("CREATE TABLE filler (x TEXT)")
        conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,)] * 400)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db.read_bytes())
    data[20 * 4096 : 21 * 4096] = b"\xff" * 4096  # one page of the filler, unreadable
    db.write_bytes(bytes(data))
    result = run("db", "check", "--json", "--db", str(db))
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["healthy"] is False and report["leads"] == 3
    assert report["problems"][-1] == "the check stopped: database disk image is malformed"
    assert result.stderr.startswith("Error: integrity check failed: ")
    assert len(result.stderr.splitlines()) == 1
    text = run("db", "check", "--db", str(db))
    assert text.exit_code == 1 and "leads:          3" in text.stdout
