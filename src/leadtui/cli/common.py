"""What every `leadtui` subcommand shares: the --db option, and opening the
repository it names (one function, so tests can stand a frozen clock in)."""

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import click

from leadtui import paths
from leadtui.cli.params import FILE
from leadtui.domain.errors import DatabaseBusy, DatabaseUnavailable, LeadtuiError, NotYetSupported
from leadtui.domain.filters import ME, unknown_owner
from leadtui.domain.models import Lead
from leadtui.domain.pipeline import is_open
from leadtui.domain.sanitize import escape_unsafe
from leadtui.domain.scoring_rules import RulesUnusable
from leadtui.repository import Repository, open_repository

F = TypeVar("F", bound=Callable[..., Any])


# click.ParamType is generic from click 8.2 on (and not before, at run time).
if TYPE_CHECKING:
    _ParamType = click.ParamType[object, Path | str]
else:
    _ParamType = click.ParamType


class DatabaseParam(_ParamType):
    """A database file, or a PostgreSQL URL (postgresql://…), kept as text
    (click.Path would fold its `//`)."""

    name = "file or URL"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> Path | str:
        if isinstance(value, Path):
            return value
        text = str(value)
        if paths.is_url(text):
            return text
        # A file is judged as every file parameter is (an empty name, a
        # directory), after ~ is expanded; "" stays "" (Path("") is '.').
        expanded = str(Path(text).expanduser()) if text else text
        return Path(os.fsdecode(FILE.convert(expanded, param, ctx)))


def db_option(command: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=DatabaseParam(),
        help=f"Database file or postgresql:// URL (default: ${paths.ENV_DB},"
        " else leads.db in the user data dir).",
    )(command)


def database_target(db_path: Path | str | None) -> Path | str:
    """--db given to the subcommand wins over --db given before it."""
    group_path = click.get_current_context().find_root().params.get("db_path")
    return db_path or group_path or paths.default_db_target()


def database_path(db_path: Path | str | None) -> Path:
    """The database file, for what works on files only (db check, backup, restore)."""
    target = database_target(db_path)
    if paths.is_url(target):
        raise NotYetSupported("this needs a database file, not a URL")
    return Path(target)


def same_file(first: Path | str, second: Path | str) -> bool:
    """Whether two names lead to one file: the same path, another spelling
    of it, a symlink or a hard link to it. A missing file is no other's."""
    try:
        return Path(first).expanduser().samefile(Path(second).expanduser())
    except OSError:
        return False


def repository(
    db_path: Path | str | None, *, reading: bool = False, existing: bool = False
) -> Repository:
    """The database a command works on; one this user may only read is
    read (list, show, kpi, export work) and refuses each write.

    A command that only reads (`reading`) never creates the file: a
    mistyped --db or $LEADTUI_DB answered "no leads" from a new empty
    database, and left it behind. Nor does one that changes what must
    already be there (`existing`: a lead by id, undo, a user, the model):
    `set 7 …` on a typo made an empty file, then said "no lead with id 7".
    Only a command that adds something (add, quick, import, spend, a
    setting's value, user add) and the TUI create it."""
    target = database_target(db_path)
    # A missing directory is left to open_repository, which names it.
    missing = not paths.is_url(target) and not Path(target).exists()
    if (reading or existing) and missing and Path(target).parent.is_dir():
        raise DatabaseUnavailable(missing_database(Path(target), named=bool(db_path)))
    return open_repository(target, reading_allowed=True)


def current_scores(repo: Repository) -> Repository:
    """REPO with the scores its time-window rules have changed since they
    were stored brought up to date, for a command that prints scores: the
    TUI does this every minute, but a team's script may run with no
    console open (`show` said 50 warm where `score show` said 30). Busy
    (a teammate's long write), not writable (a read-only file, a
    PostgreSQL replica or a role that may only read) or with a rules file
    that cannot be used (a typing mistake in it): shown as stored, and
    said; the command asked for still runs."""
    if repo.cannot_write():
        return repo
    try:
        repo.refresh_scores(due_only=True)
    except DatabaseBusy:
        echo("warning: scores shown as stored: someone else is writing, so none was brought up"
             " to date", err=True)  # fmt: skip
    except (DatabaseUnavailable, RulesUnusable) as error:
        echo(f"warning: scores shown as stored, not brought up to date: {error}", err=True)
    return repo


def missing_database(path: Path, *, named: bool) -> str:
    """What a read command says of a database file that is not there. The
    default one (neither --db nor $LEADTUI_DB) is a new user's first try:
    told "no leads yet", and still an error, so a script reading a mount
    that is gone never takes it for an empty list."""
    named = named or bool(click.get_current_context().find_root().params.get("db_path"))
    if named or os.environ.get(paths.ENV_DB):
        return f"no database at {path} (`leadtui add` or the TUI creates one)"
    return f"no leads yet: `leadtui add` or the TUI creates your database ({path})"


def owner_meant(repo: Repository, owner: str | None) -> str | None:
    """--owner as the TUI's `owner:` filter reads it: `me` (case aside) is
    whoever runs the command, the account the journal records."""
    return repo.actor if owner is not None and owner.lower() == ME else owner


def warn_unknown_owner(repo: Repository, owner: str | None) -> None:
    """One stderr line when --owner names nobody (no lead's owner, no user):
    a mistyped rep's empty list or report of zeros would read as theirs.
    Only a warning: the answer (and --json's document) stays as it was, and
    the exit 0, since a script may ask about a rep before their first lead.
    Nobody means no name the database's lower() matches, as the filter
    (the TUI's too) matches owners: `ANNA` finds anna's leads, unwarned."""
    if owner is None or repo.owners(with_users=True, spelling=owner):
        return
    warning = unknown_owner(owner, repo.owners(with_users=True), fold_case=False)
    if warning is not None:
        echo(f"warning: {warning}", err=True)


def kpi_owner(repo: Repository, owner: str | None) -> str | None:
    """The owner the KPIs count, as the leads spell it: --owner ANNA is
    anna's report, as `list --owner ANNA` is anna's leads (the KPIs'
    rollups are kept per stored spelling). Two spellings apart only in
    case ("Anna", "anna") are two owners to the KPIs: the one named
    exactly is counted, with a warning; otherwise the user is asked to
    name one."""
    if owner is None:
        return None
    spellings = repo.owners(spelling=owner)
    if len(spellings) < 2:
        return spellings[0] if spellings else owner
    others = ", ".join(repr(name) for name in spellings if name != owner)
    if owner not in spellings:
        raise LeadtuiError(
            f"owner {owner!r} is spelled {others} on leads, which the KPIs count apart:"
            " name one exactly (`leadtui assign NAME --from OTHER` makes them one)"
        )
    echo(f"warning: counting owner {owner!r} only; {others} is counted apart", err=True)
    return owner


def lead_records(repo: Repository, leads: Iterable[Lead]) -> Iterator[dict[str, Any]]:
    """Leads as every --json array prints them (see lead_record)."""
    known = repo.learned_model() is not None
    return (lead_record(lead, known) for lead in leads)


def lead_record(lead: Lead, chance_known: bool) -> dict[str, Any]:
    """Until a model is trained the stored win chance is a placeholder 0:
    printed as null, not as a chance. So is a closed lead's 0: it closed
    before a model scored it, and keeps the chance it closed with (none;
    `score show` says "—")."""
    record = lead.export_dict()
    if not (lead.win_chance if not is_open(lead.stage) else chance_known):
        record["win_chance"] = None
    return record


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """click.echo for everything a command prints: a lead's text may hold
    what another program stored behind leadtui's back (an escape sequence,
    a bidi override), which is shown as its \\u escape and never run."""
    click.echo(escape_unsafe(str(message)), err=err, nl=nl)


class SafeStdout:
    """stdout for what is written piecewise (a JSON array, CSV rows), with
    echo's escapes; inside a JSON string an escape is the same character.
    A CSV row's own ending (CR LF) is kept; a CR inside a value is not."""

    def write(self, text: str, /) -> int:
        return sys.stdout.write("\r\n".join(escape_unsafe(part) for part in text.split("\r\n")))


class Sink(Protocol):
    def write(self, text: str, /) -> int: ...


def write_json_array(handle: Sink, records: Iterable[dict[str, Any]]) -> None:
    """Stream a JSON array, one record per line, without holding it in memory."""
    handle.write("[")
    for index, record in enumerate(records):
        handle.write(",\n" if index else "\n")
        handle.write(json.dumps(record, ensure_ascii=False))
    handle.write("\n]\n")


def say_cut(what: str, hint: str) -> None:
    """The line a list cut at its limit ends with: how many more ("and
    3,762 more", or "more than 50 found" when counting them would cost
    another search) and how to see them. On stderr, so stdout (and --json)
    stays the list alone."""
    echo(f"… {what} ({hint})", err=True)


def echo_json(data: object) -> None:
    """One JSON document on stdout, as every --json prints it."""
    echo(json.dumps(data, ensure_ascii=False, indent=2))


def stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def stderr_progress() -> Any:
    """A transient progress bar on stderr, shown on a terminal only: elsewhere
    Rich's live display still ends with a newline, which would put a blank
    line before an error and break the one-line rule."""
    from rich.progress import Progress

    console = stderr_console()
    return Progress(transient=True, console=console, disable=not console.is_terminal)
