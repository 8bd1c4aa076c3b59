"""The `leadtui` command: no subcommand opens the TUI; subcommands script it.

The CLI and the TUI call the same repository API and never reach into each
other; textual is imported only when the TUI is opened.
"""

import csv
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from leadtui import __version__, paths, resources
from leadtui.clock import parse_past, utc_now
from leadtui.errors import LeadtuiError
from leadtui.kpi_export import kpi_csv_rows, kpi_lines, kpi_record
from leadtui.kpis import WINDOW_CHOICES, Window, parse_day
from leadtui.models import (
    EXPORT_FIELDS,
    ActivityKind,
    Lead,
    Source,
    Stage,
    Temperature,
    build_draft,
    format_money,
)
from leadtui.repository import (
    Repository,
    backup_database,
    check_database,
    open_repository,
    restore_database,
)
from leadtui.schema import SCHEMA_VERSION
from leadtui.score_text import score_lines, score_record

F = TypeVar("F", bound=Callable[..., Any])


class LeadtuiGroup(click.Group):
    """Turns every LeadtuiError into one line on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LeadtuiError as error:
            raise click.ClickException(str(error)) from None


def db_option(command: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help=f"Database file (default: ${paths.ENV_DB}, else leads.db in the user data dir).",
    )(command)


def _database_path(db_path: Path | None) -> Path:
    """--db given to the subcommand wins over --db given before it."""
    group_path = click.get_current_context().find_root().params.get("db_path")
    return Path(db_path or group_path or paths.default_db_path())


def _repository(db_path: Path | None) -> Repository:
    return open_repository(_database_path(db_path))


def _demo_repository() -> Repository:
    """The demo database, built from sample_data/ the first time."""
    from leadtui.demo import build_sample_database

    path = paths.demo_db_path()
    if not path.exists():
        build_sample_database(path, resources.sample_data_dir(), utc_now())
    return open_repository(path)


@click.group(
    cls=LeadtuiGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="leadtui")
@db_option
@click.option(
    "--demo", is_flag=True, help="Open the demo database (made from sample_data on first use)."
)
@click.pass_context
def main(ctx: click.Context, db_path: Path | None, demo: bool) -> None:
    """A keyboard-first console for a sales team's leads.

    With no command, opens the TUI on the database.
    """
    if ctx.invoked_subcommand is not None:
        return
    if demo and db_path:
        raise click.UsageError("--demo and --db name different databases; pick one")
    repo = _demo_repository() if demo else _repository(None)
    from leadtui.tui.app import LeadApp  # only the TUI needs textual

    LeadApp(repo).run()


@main.command()
@click.argument("name")
@click.option("--email")
@click.option("--phone")
@click.option("--company")
@click.option("--title")
@click.option("--source", type=click.Choice([s.value for s in Source]), default="other")
@click.option("--owner")
@click.option("--value", default="0", help="Expected deal value, e.g. 5000, 5k, 1.2m.")
@db_option
def add(db_path: Path | None, value: str, **fields: str | None) -> None:
    """Add a lead; prints its id."""
    draft = build_draft(value_cents=value, **fields)
    click.echo(_repository(db_path).add_lead(draft))


@main.command("list")
@click.option("--stage", type=click.Choice([s.value for s in Stage]))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@db_option
def list_leads(db_path: Path | None, stage: str | None, as_json: bool) -> None:
    """List leads in id order (optionally one stage)."""
    leads = _repository(db_path).all_leads(stage=Stage(stage) if stage else None)
    if as_json:
        _write_json_array(sys.stdout, (lead.export_dict() for lead in leads))
        return
    for lead in leads:
        click.echo(
            f"{lead.id:>7}  {lead.stage.value:<11} {lead.score:>3}  "
            f"{format_money(lead.value_cents):>12}  {lead.name}"
            + (f" ({lead.company})" if lead.company else "")
        )


@main.command()
@click.argument("lead_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the lead and its history as JSON.")
@db_option
def show(db_path: Path | None, lead_id: int, as_json: bool) -> None:
    """Show one lead and its history (stage changes and touches, newest first)."""
    lead, history = _repository(db_path).lead_with_history(lead_id)
    if as_json:
        record = lead.export_dict() | {"history": [entry.export_dict() for entry in history]}
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    _echo_lead(lead)
    click.echo("\nHistory:")
    for entry in history:
        click.echo(f"  {entry.at:%Y-%m-%d %H:%M}  {entry.actor:<10} {entry.summary()}")


def _echo_lead(lead: Lead) -> None:
    rows = {
        "Lead": f"#{lead.id} {lead.name}",
        "Company": lead.company,
        "Title": lead.title,
        "Email": lead.email,
        "Phone": lead.phone,
        "Source": lead.source.value,
        "Owner": lead.owner,
        "Stage": lead.stage.label,
        "Temperature": lead.temperature.value,
        "Score": str(lead.score),
        "Value": format_money(lead.value_cents),
        "Lost reason": lead.lost_reason,
        "Notes": lead.notes,
    }
    for label, value in rows.items():
        if value:
            click.echo(f"{label + ':':<13}{value}")


def _move_command(name: str, help_text: str, move: Callable[[Repository, int], Lead]) -> None:
    @main.command(name, help=help_text)
    @click.argument("lead_id", type=int)
    @db_option
    def command(db_path: Path | None, lead_id: int) -> None:
        lead = move(_repository(db_path), lead_id)
        click.echo(f"#{lead.id} {lead.name}: {lead.stage.label}")


_move_command("advance", "Move a lead to the next stage.", Repository.advance)
_move_command("win", "Mark a lead won.", Repository.win)
_move_command("reopen", "Reopen a won or lost lead at the stage it closed from.", Repository.reopen)


@main.command()
@click.argument("lead_id", type=int)
@click.option("--reason", required=True, help="Why it was lost (required).")
@db_option
def lose(db_path: Path | None, lead_id: int, reason: str) -> None:
    """Mark a lead lost, with a reason."""
    lead = _repository(db_path).lose(lead_id, reason)
    click.echo(f"#{lead.id} {lead.name}: {lead.stage.label} ({lead.lost_reason})")


@main.command("log")
@click.argument("lead_id", type=int)
@click.option(
    "--kind", type=click.Choice([k.value for k in ActivityKind]), required=True, help="What it was."
)
@click.option("--direction", type=click.Choice(["inbound", "outbound"]), help="Who reached out.")
@click.option("--note", default="", help="What happened.")
@click.option("--at", "when", default="", help="When: 2h, 3d, yesterday, 2026-11-20 (default now).")
@db_option
def log_touch(
    db_path: Path | None, lead_id: int, kind: str, direction: str | None, note: str, when: str
) -> None:
    """Log a touch (email, call, meeting, content, social, note) on a lead."""
    repo = _repository(db_path)
    lead = repo.log_touch(
        lead_id, ActivityKind(kind), note, direction, at=parse_past(when, repo.clock())
    )
    click.echo(f"#{lead.id} {lead.name}: logged {kind}; score {lead.score} ({lead.temperature})")


@main.command()
@click.option(
    "--window",
    type=click.Choice(WINDOW_CHOICES),
    default="30d",
    show_default=True,
    help="A window ending now (ignored if --since or --until is given).",
)
@click.option("--since", help="First day of the window, e.g. 2026-10-01.")
@click.option("--until", help="Last day of the window, included (default: today).")
@click.option("--owner", help="Only this rep's leads.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys documented in README).")
@click.option("--csv", "as_csv", is_flag=True, help="Print figure,key,value rows.")
@db_option
def kpi(
    db_path: Path | None,
    window: str,
    since: str | None,
    until: str | None,
    owner: str | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """The numbers a sales manager steers by, over a time window."""
    if as_json and as_csv:
        raise click.UsageError("--json and --csv: pick one")
    repo = _repository(db_path)
    now = repo.clock()
    if since or until:
        last = parse_day(until, "until") if until else now.date()
        first = parse_day(since, "since") if since else last - timedelta(days=29)
        chosen = Window.between(first, last)
    else:
        chosen = Window.last(window, now)
    report = repo.kpi_report(chosen, owner)
    record = kpi_record(report) | {
        "score_calibration": [
            {"band": row.band, "closed": row.closed, "won": row.won, "win_rate": row.win_rate}
            for row in repo.calibration()
        ]
    }
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    elif as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(("figure", "key", "value"))
        writer.writerows(kpi_csv_rows(record))
    else:
        for line in kpi_lines(report):
            click.echo(line)


@main.command()
@click.argument("source", required=False)
@click.argument("amount", required=False)
@click.option("--month", help="The month the money was spent, e.g. 2026-11.")
@click.option(
    "--import",
    "import_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A CSV with columns source, month, amount (all rows or none).",
)
@db_option
def spend(
    db_path: Path | None,
    source: str | None,
    amount: str | None,
    month: str | None,
    import_path: Path | None,
) -> None:
    """Record marketing spend per source and month (for cost per lead and
    ROI); with no arguments, list what is recorded."""
    repo = _repository(db_path)
    if import_path is not None:
        if source or amount or month:
            raise click.UsageError("--import takes no SOURCE, AMOUNT or --month")
        click.echo(f"recorded {repo.import_spend(import_path):,} spend rows from {import_path}")
    elif source is not None:
        if amount is None or month is None:
            raise click.UsageError("give SOURCE AMOUNT --month YYYY-MM")
        before = repo.set_spend(source, month, amount)
        replaced = f" (was {format_money(before)})" if before is not None else ""
        click.echo(f"{source.strip().lower()} {month}: {amount}{replaced}")
    else:
        for entry in repo.spend_entries():
            click.echo(
                f"{entry.month}  {entry.source.value:<10}{format_money(entry.amount_cents):>14}"
            )


@main.command()
@click.argument("name", type=click.Choice(["lifetime-years"]))
@click.argument("value", required=False)
@db_option
def setting(db_path: Path | None, name: str, value: str | None) -> None:
    """Show or set a team-wide setting stored in the database.

    lifetime-years: expected customer lifetime, for lifetime value (default 3).
    """
    repo = _repository(db_path)
    if value is not None:
        try:
            years = float(value)
        except ValueError:
            raise LeadtuiError(f"lifetime-years: {value[:20]!r} is not a number") from None
        repo.set_lifetime_years(years)
    click.echo(f"{name} = {repo.lifetime_years():g}")


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of stdout (replaced only when complete).",
)
@db_option
def export(db_path: Path | None, fmt: str, output: Path | None) -> None:
    """Export every lead as JSON (an array) or CSV."""
    records = (lead.export_dict() for lead in _repository(db_path).all_leads())
    with _output(output) as handle:
        if fmt == "json":
            _write_json_array(handle, records)
        else:
            writer = csv.DictWriter(handle, fieldnames=EXPORT_FIELDS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(records)


@contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    """stdout, or a temp file renamed over `path` only once fully written."""
    if path is None:
        yield sys.stdout
        return
    if not path.parent.is_dir():
        raise LeadtuiError(f"cannot write {path}: directory {path.parent} does not exist")
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as error:
        raise LeadtuiError(f"cannot write {path}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        Path(temp).replace(path)
    finally:
        Path(temp).unlink(missing_ok=True)


def _write_json_array(handle: IO[str], records: Iterator[dict[str, Any]]) -> None:
    """Stream a JSON array, one record per line, without holding it in memory."""
    handle.write("[")
    for index, record in enumerate(records):
        handle.write(",\n" if index else "\n")
        handle.write(json.dumps(record, ensure_ascii=False))
    handle.write("\n]\n")


@main.command()
@click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="New database file to write (must not exist).",
)
@click.option(
    "--leads", "count", type=click.IntRange(1, 10_000_000), default=1000, show_default=True
)
@click.option("--seed", type=int, default=1, show_default=True)
def demo(db_path: Path, count: int, seed: int) -> None:
    """Write a deterministic synthetic data set (leads, stage history, touches)."""
    from rich.progress import Progress

    from leadtui.demo import build_synthetic_database

    with Progress(transient=True, console=_stderr_console()) as progress:
        task = progress.add_task("Generating leads", total=count)
        written = build_synthetic_database(
            db_path,
            count,
            seed,
            utc_now(),
            progress=lambda done: progress.advance(task, done),
        )
    click.echo(f"wrote {written} leads to {db_path}")


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


@main.group()
def db() -> None:
    """Check, back up and restore the database file."""


@db.command()
@db_option
def check(db_path: Path | None) -> None:
    """Integrity check, schema version, file sizes, sharing permissions.
    Exits 1 if the file is damaged."""
    report = check_database(_database_path(db_path))
    click.echo(f"database:       {report.path}")
    click.echo(f"schema version: {report.schema_version} (this leadtui: {SCHEMA_VERSION})")
    click.echo(f"journal mode:   {report.journal_mode}")
    click.echo(f"size:           {report.database_bytes:,} bytes, WAL {report.wal_bytes:,} bytes")
    click.echo(f"leads:          {report.leads:,}")
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
    if not report.healthy:
        raise LeadtuiError(f"integrity check failed: {report.problems[0]}")
    click.echo("integrity:      ok")


@db.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def backup(db_path: Path | None, target: Path) -> None:
    """Write a consistent copy to TARGET while others keep working."""
    size = backup_database(_database_path(db_path), target)
    click.echo(f"backed up to {target} ({size:,} bytes)")


@db.command()
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
def restore(db_path: Path | None, source: Path, yes: bool) -> None:
    """Replace the database's contents with the backup SOURCE."""
    path = _database_path(db_path)
    if not yes:
        click.confirm(f"Replace everything in {path} with {source}?", abort=True, err=True)
    leads = restore_database(path, source)
    click.echo(f"restored {leads:,} leads from {source} into {path}")


@main.group()
def score() -> None:
    """The rule score and the learned win chance: rules, reasons, training."""


@score.command("rules")
def score_rules() -> None:
    """Print the scoring rules in effect and the file they come from."""
    from leadtui.scoring_rules import load_rules, user_rules_path

    loaded = load_rules()
    click.echo(f"# rules in effect: {loaded.origin}")
    click.echo(f"# to override, edit {user_rules_path()} (or set $LEADTUI_RULES)")
    click.echo(loaded.text.rstrip())


@score.command("show")
@click.argument("lead_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@db_option
def score_show(db_path: Path | None, lead_id: int, as_json: bool) -> None:
    """Both scores of a lead, with the reasons behind them."""
    details = _repository(db_path).score_details(lead_id)
    if as_json:
        click.echo(json.dumps(score_record(details), ensure_ascii=False, indent=2))
        return
    for line in score_lines(details):
        click.echo(line)


@score.command("train")
@db_option
def score_train(db_path: Path | None) -> None:
    """Learn the win chance from the closed leads and apply it to the open ones."""
    report = _repository(db_path).train_model()
    if report.model is None:
        raise LeadtuiError(f"not trained: {report.reason}")
    model = report.model
    click.echo(
        f"trained on {model.n_won + model.n_lost:,} closed leads ({model.n_won:,} won,"
        f" {model.n_lost:,} lost) in {report.seconds:.1f} s; {len(model.specs)} features;"
        f" win chance changed for {report.changed:,} open leads"
    )
    click.echo("strongest factors (× odds of winning):")
    for factor in model.strongest():
        click.echo(f"  {factor.label}")


@score.command("evaluate")
@click.option(
    "--label-field",
    help="Evaluate on every lead whose FIELD (a column or custom field) holds 0/1 or yes/no.",
)
@click.option(
    "--test-fraction", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.3
)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@db_option
def score_evaluate(
    db_path: Path | None, label_field: str | None, test_fraction: float, seed: int, as_json: bool
) -> None:
    """Train on part of the closed leads, score the rest, and report how well
    the learned score ranked them (ROC AUC, log loss, win rate per decile)."""
    result = _repository(db_path).evaluate_model(
        label_field=label_field, test_fraction=test_fraction, seed=seed
    )
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    click.echo(
        f"trained on {result.n_train:,} leads, tested on {result.n_test:,} held out (seed {seed})"
    )
    click.echo(f"ROC AUC   {_fixed(result.auc)}  (0.5 is a coin toss, 1.0 a perfect ranking)")
    click.echo(
        f"log loss  {_fixed(result.log_loss)}  (guessing the base rate for everyone:"
        f" {_fixed(result.baseline_log_loss)})"
    )
    click.echo("win rate per decile of predicted chance (1 = lowest):")
    click.echo("  decile  leads  predicted      actual")
    for d in result.deciles:
        click.echo(
            f"  {d.number:>6}  {d.count:>5}  {d.low:>4.0%} to {d.high:>4.0%}  {d.win_rate:>6.0%}"
        )
    click.echo("strongest factors (× odds of winning):")
    for factor in result.strongest:
        click.echo(f"  {factor.label}")


def _fixed(number: float | None) -> str:
    return "n/a" if number is None else f"{number:.3f}"


@score.command("pin")
@click.argument("lead_id", type=int)
@click.argument("temperature", type=click.Choice([*(t.value for t in Temperature), "auto"]))
@db_option
def score_pin(db_path: Path | None, lead_id: int, temperature: str) -> None:
    """Pin a lead's temperature by hand, or `auto` to let the score set it."""
    chosen = None if temperature == "auto" else Temperature(temperature)
    lead = _repository(db_path).pin_temperature(lead_id, chosen)
    state = "pinned" if lead.temperature_pinned else f"from score {lead.score}"
    click.echo(f"#{lead.id} {lead.name}: {lead.temperature.value} ({state})")


@score.command("refresh")
@click.option("--all", "everything", is_flag=True, help="Rescore every open lead.")
@db_option
def score_refresh(db_path: Path | None, everything: bool) -> None:
    """Rescore the leads whose score is due (time-window rules) or, after a
    rules change, every open lead. The TUI does this by itself."""
    repo = _repository(db_path)
    count = repo.rescore_open_leads() if everything else repo.refresh_scores()
    click.echo(f"rescored {count:,} leads")
