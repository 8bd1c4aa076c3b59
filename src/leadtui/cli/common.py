"""What every `leadtui` subcommand shares: the --db option, and opening the
repository it names (one function, so tests can stand a frozen clock in)."""

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from leadtui import paths
from leadtui.domain.models import Lead
from leadtui.repository import Repository, open_repository

F = TypeVar("F", bound=Callable[..., Any])


def db_option(command: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"Database file (default: ${paths.ENV_DB}, else leads.db in the user data dir).",
    )(command)


def database_path(db_path: Path | None) -> Path:
    """--db given to the subcommand wins over --db given before it."""
    group_path = click.get_current_context().find_root().params.get("db_path")
    return Path(db_path or group_path or paths.default_db_path())


def repository(db_path: Path | None) -> Repository:
    return open_repository(database_path(db_path))


def lead_records(repo: Repository, leads: Iterable[Lead]) -> Iterator[dict[str, Any]]:
    """Leads as every --json array prints them (see lead_record)."""
    known = repo.learned_model() is not None
    return (lead_record(lead, known) for lead in leads)


def lead_record(lead: Lead, chance_known: bool) -> dict[str, Any]:
    """Until a model is trained the stored win chance is a placeholder 0:
    printed as null, not as a chance."""
    record = lead.export_dict()
    if not chance_known:
        record["win_chance"] = None
    return record


def echo_json(data: object) -> None:
    """One JSON document on stdout, as every --json prints it."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)
