"""`leadtui db copy SRC DST`: a whole database into another engine."""

from pathlib import Path

import click

from leadtui.cli import common
from leadtui.repository import copy_database, shown


@click.command("copy")
@click.argument("source", type=common.DatabaseParam())
@click.argument("target", type=common.DatabaseParam())
def copy_db(source: Path | str, target: Path | str) -> None:
    """Copy the database SOURCE into the new, empty TARGET (a SQLite file
    into a postgresql:// URL, or back), with the same ids, journal, custom
    fields, settings, spend and learned model."""
    with common.stderr_progress() as progress:
        task = progress.add_task("Copying", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = copy_database(source, target, progress=advance)
    rows = sum(report.rows.values())
    common.echo(f"copied {report.leads:,} leads ({rows:,} rows) into {shown(target)}")
