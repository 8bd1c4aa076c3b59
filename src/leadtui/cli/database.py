"""`leadtui db`: check, back up and restore the database, and copy it to
or from PostgreSQL (copy_db.py)."""

from pathlib import Path

import click

from leadtui import paths
from leadtui.cli import common
from leadtui.cli.copy_db import copy_db
from leadtui.cli.formats import file_format
from leadtui.cli.params import FILE, confirm, shown_path
from leadtui.domain.errors import LeadtuiError
from leadtui.repository import (
    HealthReport,
    backup_database,
    check_database,
    restore_database,
    shown,
)


@click.group()
def db() -> None:
    """Check, back up and restore the database file; copy it to PostgreSQL."""


@db.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@common.db_option
def check(db_path: Path | None, as_json: bool) -> None:
    """Integrity check, schema version, file sizes, sharing permissions (on
    PostgreSQL: schema version, and the kept totals, search words and id
    counters against the rows). Exits 1 if the database is damaged, or if a
    newer leadtui wrote it: that file is reported, read-only (integrity, sizes,
    leads counted, not their values), and this leadtui will not write it."""
    report = check_database(common.database_target(db_path))
    verdict = _verdict(report)
    if as_json:
        common.echo_json(
            {
                "path": str(report.path),
                "engine": report.engine,
                "schema_version": report.schema_version,
                "leadtui_schema_version": report.expected_version,
                "newer": report.newer,
                "journal_mode": report.journal_mode,
                "database_bytes": report.database_bytes,
                "wal_bytes": report.wal_bytes,
                "leads": report.leads,
                "warnings": list(report.warnings),
                "healthy": report.healthy,
                "problems": list(report.problems),
            }
        )
        if verdict:
            raise LeadtuiError(verdict)
        return
    common.echo(f"database:       {shown_path(report.path)}")
    common.echo(
        f"schema version: {report.schema_version} (this leadtui: {report.expected_version})"
    )
    if report.engine == "SQLite":
        common.echo(f"journal mode:   {report.journal_mode}")
        common.echo(
            f"size:           {report.database_bytes:,} bytes, WAL {report.wal_bytes:,} bytes"
        )
    else:
        common.echo(f"server:         {report.journal_mode}")
        common.echo(f"size:           {report.database_bytes:,} bytes")
    common.echo(
        f"leads:          {'(not counted)' if report.leads is None else f'{report.leads:,}'}"
    )
    newer_server = report.newer and report.engine != "SQLite"
    if newer_server:
        common.echo("kept totals:    not checked: a newer leadtui's schema may keep them otherwise")
    elif report.newer:
        common.echo(
            "lead values:    not checked: a newer leadtui's (a stage added) would read as damaged"
        )
    for warning in report.warnings:
        common.echo(f"warning: {warning}")
    for problem in report.problems:
        common.echo(f"problem: {problem}")
    if report.healthy and not newer_server:  # on a server, nothing else was checked
        common.echo("integrity:      ok")
    if verdict:
        raise LeadtuiError(verdict)


def _verdict(report: HealthReport) -> str | None:
    """The error line a check ends with, if any: the file is damaged, or
    this leadtui cannot use it (or both, in one line)."""
    damaged = None if report.healthy else f"integrity check failed: {report.problems[0]}"
    if not report.newer:
        return damaged
    return (
        f"{shown_path(report.path)} was written by a newer leadtui (schema"
        f" {report.schema_version}, this one knows {report.expected_version})"
        + (f" and its {damaged}" if damaged else "")
        + ": checked read-only, and this leadtui will not write it; upgrade leadtui"
    )


@db.command()
@click.argument("target", type=FILE)
@common.db_option
def backup(db_path: Path | None, target: Path) -> None:
    """Write a consistent copy to TARGET while others keep working. A
    TARGET named as another format (backup.csv, backup.json) is refused."""
    if str(target) == "-":  # the usual name for stdout, which a backup is not written to
        raise LeadtuiError("db backup writes a file: name it, e.g. leads-backup.db")
    # Any name that says no format is fine (.db, .sqlite, .bak, none).
    writes = "pg_dump" if paths.is_url(common.database_target(db_path)) else "sqlite"
    file_format(target, None, (writes,), "db backup")
    size = backup_database(common.database_target(db_path), target)
    common.echo(f"backed up to {shown_path(target)} ({size:,} bytes)")


@db.command()
@click.argument("source", type=FILE)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@common.db_option
def restore(db_path: Path | None, source: Path, yes: bool) -> None:
    """Replace the database's contents with the backup SOURCE."""
    path = common.database_target(db_path)
    if not paths.is_url(path) and common.same_file(path, source):
        raise LeadtuiError(f"{shown_path(source)} is the database itself: restore another file")
    if not yes:
        into = shown_path(shown(path))
        confirm(
            f"Replace everything in {into} with {shown_path(source)}?",
            f"restoring replaces everything in {into}: pass --yes to confirm",
        )
    leads = restore_database(path, source)
    common.echo(
        f"restored {leads:,} lead{'s' * (leads != 1)} from {shown_path(source)}"
        f" into {shown_path(shown(path))}"
    )


db.add_command(copy_db)
