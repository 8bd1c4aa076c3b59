"""`leadtui import` and `leadtui export`: leads in from other systems' files,
and out to CSV, JSON or JSON Lines; in from Excel workbooks too."""

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import IO, Any

import click

from leadtui.cli import common
from leadtui.cli.import_json import echo_ascii_json, import_record
from leadtui.cli.params import FILE, owner_name, shown_path
from leadtui.domain.errors import LeadtuiError
from leadtui.domain.models import EXPORT_FIELDS, TAG_SEPARATOR, Lead, Source, Stage
from leadtui.domain.results import DUPLICATE_POLICIES, ImportOutcome
from leadtui.importing.placeholders import DEFAULT_PLACEHOLDERS
from leadtui.importing.plan import Overrides, Plan
from leadtui.importing.report import (
    problem_lines,
    sample_line,
    summary,
)
from leadtui.repository import Repository
from leadtui.safe_files import check_target, private_file
from leadtui.usecases.importing import (
    ImportPreview,
    effective_mapping,
    plan_import,
    preview_import,
    run_import,
)

_SHOWN_PROBLEMS = 50
# OWASP: a cell starting with one of these is a formula to a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A value that already starts with the guard is guarded too, so that an
# import of leadtui's own export can undo exactly one: "'=x" → "''=x" → "'=x".
GUARDED = (*FORMULA_START, "'")
HISTORY_COLUMNS = (
    "type", "at", "actor", "from", "to", "reason", "kind", "direction", "note", "body", "field",
    "old", "new",
)  # fmt: skip


@click.command("import")
@click.argument("file", type=FILE)
@click.option(
    "--map", "maps", multiple=True, help='"Column=field", "Column=ignore", "Column=custom".'
)
@click.option(
    "--value-map",
    "value_maps",
    multiple=True,
    help='stage:"Nurturing=engaged" (also source:, temperature:, fit:, lifecycle:,'
    " bant_budget: …).",
)
@click.option(
    "--placeholder",
    "placeholders",
    multiple=True,
    metavar="WORD",
    help="A word that means an empty cell (repeatable; added to the defaults).",
)
@click.option(
    "--no-default-placeholders",
    is_flag=True,
    help="Only the --placeholder words (and the mapping's) mean an empty cell.",
)
@click.option("--encoding", help="The file's encoding, e.g. cp1250 (default: detected).")
@click.option(
    "--mapping",
    type=FILE,
    help="A saved mapping (JSON) to apply.",
)
@click.option(
    "--save-mapping",
    type=FILE,
    help="Save the mapping used, for next time (a new file, or the --mapping file itself).",
)
@click.option(
    "--day-first/--month-first",
    default=None,
    help="Read 03/04/2025 as 3 April (default: detected).",
)
@click.option(
    "--decimal-comma/--decimal-point",
    default=None,
    help="Read amounts as 1.234,56 (default: detected from the amount column).",
)
@click.option(
    "--on-duplicate",
    type=click.Choice(DUPLICATE_POLICIES),
    default="skip",
    show_default=True,
    help="A row with the email or phone of an existing lead.",
)
@click.option("--strict", is_flag=True, help="Any bad row rejects the whole file.")
@click.option(
    "--dry-run", is_flag=True, help="Show the mapping, samples and problems; write nothing."
)
@click.option(
    "--rejects",
    type=FILE,
    help="Where to write the rejected rows (default: FILE.rejects.csv beside FILE; if that"
    " exists, FILE.rejects-2.csv and so on: an earlier report is never replaced).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the outcome as JSON (counts, reasons, mapping, reports); no progress bar.",
)
@common.db_option
def import_file(
    db_path: Path | None,
    file: Path,
    maps: tuple[str, ...],
    value_maps: tuple[str, ...],
    placeholders: tuple[str, ...],
    no_default_placeholders: bool,
    encoding: str | None,
    mapping: Path | None,
    save_mapping: Path | None,
    day_first: bool | None,
    decimal_comma: bool | None,
    on_duplicate: str,
    strict: bool,
    dry_run: bool,
    rejects: Path | None,
    as_json: bool,
) -> None:
    """Import leads from a CSV, JSON, JSON Lines or .xlsx file (one transaction).

    Columns are mapped from their headers (Salesforce, HubSpot, SuiteCRM,
    EspoCRM and Pipedrive spellings) and checked against their values: a
    column whose values mostly are not what its header promises (dates,
    emails, phones, amounts, stage or fit names) is kept as a custom field,
    as are columns that name no field. Nothing is dropped: a value a field
    does not know (a stage, fit, temperature, lifecycle or BANT word) leaves
    the field at its default, is kept as a custom field and is reported once
    with the --value-map line that maps it; so is a date that cannot be read
    or lies outside 1900-2200. A lead with no name is named after its email,
    company, phone, the file's id column or its first cell.

    Placeholder cells mean "empty" and are counted: by default {placeholders}
    (compared without case, spaces or punctuation). Add words with
    --placeholder WORD; --no-default-placeholders drops these. A saved mapping
    (--save-mapping) keeps the list in effect.

    The encoding is read from a byte-order mark, else UTF-8, else detected
    (--encoding to choose); bytes it does not define reject their row, by
    line. Bad rows are reported with their line and written to
    FILE.rejects.csv; the exit code is 1 if any row was rejected.
    """
    said = Overrides(day_first=day_first, encoding=encoding, decimal_comma=decimal_comma)
    for spec in maps:
        said.add_column(spec)
    for spec in value_maps:
        said.add_value(spec)
    overrides = Overrides.load(mapping).merged(said) if mapping else said
    overrides = overrides.with_placeholders(placeholders, defaults=not no_default_placeholders)
    repo = common.repository(db_path)
    plan = plan_import(file, overrides)
    if save_mapping:  # before the import: a refusal leaves nothing half-done
        # --mapping m.json --save-mapping m.json: the mapping read, updated.
        updating = mapping is not None and common.same_file(mapping, save_mapping)
        effective_mapping(plan, overrides).save(save_mapping, replace=updating)
    if dry_run:
        shown = preview_import(repo, plan, on_duplicate)
        if as_json:
            echo_ascii_json(
                import_record(plan, overrides, shown.outcome, shown.found, dry_run=True)
                | {"notes": shown.notes}
            )
            sys.exit(1 if shown.outcome.rejected else 0)
        _print_preview(shown)
        _print_problems(shown.outcome)
        for line in shown.notes:
            common.echo(line)
        common.echo(summary(shown.outcome, dry_run=True))
        if shown.outcome.rejected:
            sys.exit(1)
        return
    if as_json:
        _import_as_json(repo, plan, overrides, on_duplicate, strict, rejects)
        return
    with _progress(plan.table.approx_rows) as advance:
        result = run_import(
            repo, plan, on_duplicate=on_duplicate, strict=strict, progress=advance, rejects=rejects
        )
    outcome = result.outcome
    _print_problems(outcome)
    for line in result.notes:
        common.echo(line)
    common.echo(result.summary())
    if result.rejects is not None:
        rows = "row" if result.rejects_written == 1 else "rows"
        verb = "is" if result.rejects_written == 1 else "are"
        common.echo(
            f"{result.rejects_written:,} {rows} not imported, with the reasons,"
            f" {verb} in {shown_path(result.rejects)}"
        )
    if strict and outcome.rejected:
        raise click.ClickException(
            f"nothing imported: --strict and {len(outcome.rejected):,} bad rows"
        )
    if outcome.rejected:
        sys.exit(1)


def _import_as_json(
    repo: Repository,
    plan: Plan,
    overrides: Overrides,
    on_duplicate: str,
    strict: bool,
    rejects: Path | None,
) -> None:
    """The import, its outcome as one JSON document on stdout; the exit
    code is the text mode's."""
    before = set(repo.custom_field_names())
    result = run_import(repo, plan, on_duplicate=on_duplicate, strict=strict, rejects=rejects)
    outcome = result.outcome
    created = [n for n in repo.custom_field_names() if n not in before] if outcome.committed else []
    record = import_record(
        plan,
        overrides,
        outcome,
        result.found,
        dry_run=False,
        rejects=result.rejects,
        rejects_written=result.rejects_written,
        custom_fields_created=created,
    )
    echo_ascii_json(record | {"notes": result.notes})
    if strict and outcome.rejected:
        raise click.ClickException(
            f"nothing imported: --strict and {len(outcome.rejected):,} bad rows"
        )
    if outcome.rejected:
        sys.exit(1)


# The help lists the default placeholder words from the one list the import uses.
import_file.help = (import_file.help or "").replace(
    "{placeholders}", ", ".join(f'"{word}"' for word in DEFAULT_PLACEHOLDERS)
)


def _print_preview(dry_run: ImportPreview) -> None:
    shown, plan = dry_run.shown, dry_run.plan
    common.echo(f"{shown_path(plan.table.path)}: {shown.description}")
    common.echo("\nColumns:")
    width = min(max((len(h) for h, _ in shown.mapping), default=0), 40)
    for header, target in shown.mapping:
        common.echo(f"  {header:<{width}}  → {target}")
    if shown.day_order:
        common.echo(f"\nDates read as {shown.day_order}")
    if shown.amount_order:
        common.echo(f"\nAmounts read as {shown.amount_order}")
    common.echo(f"\nThe first rows as they would be stored ({len(shown.samples)}):")
    for lead in shown.samples:
        common.echo(f"  {sample_line(lead)}")
    common.echo("")


def _print_problems(outcome: ImportOutcome) -> None:
    for line in problem_lines(outcome.rejected, _SHOWN_PROBLEMS):
        common.echo(line, err=True)
    for duplicate in outcome.skipped[:10]:
        common.echo(
            f"line {duplicate.line}: duplicate of lead #{duplicate.lead_id} ({duplicate.why});"
            " skipped",
            err=True,
        )
    if len(outcome.skipped) > 10:
        common.echo(f"… and {len(outcome.skipped) - 10:,} more duplicates skipped", err=True)


@contextmanager
def _progress(total: int) -> Iterator[Any]:
    """A Rich progress bar (rows, rows per second) on a terminal; silence
    when stdout is piped or redirected."""
    if not sys.stdout.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("import", total=max(total - 1, 1), rate="")

        def advance(rows: int) -> None:
            bar.advance(task, rows)
            speed = bar.tasks[0].speed
            bar.update(task, rate=f"{speed:,.0f} rows/s" if speed else "")

        yield advance


# -------------------------------------------------------------------- export


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "csv"]),
    default="json",
    show_default=True,
)
@click.option(
    "--output",
    type=FILE,
    help="Write to this file (created 0600) instead of stdout (- is stdout too).",
)
@click.option(
    "--force", is_flag=True, help="Replace an existing --output file (never a link or a FIFO)."
)
@click.option("--stage", type=click.Choice([s.value for s in Stage]))
@click.option("--source", type=click.Choice([s.value for s in Source]))
@click.option("--owner", callback=owner_name, help="Only this owner's leads (case aside).")
@click.option(
    "--with-history",
    is_flag=True,
    help="Add stage changes and touches (JSON: nested; CSV: FILE.history.csv, whose name"
    " is printed).",
)
@click.option("--raw", is_flag=True, help="CSV: leave cells starting with = + - @ as they are.")
@click.option(
    "--no-bom",
    is_flag=True,
    help="CSV: start the --output files without UTF-8's byte-order mark (stdout never has one).",
)
@common.db_option
def export(
    db_path: Path | None,
    fmt: str,
    output: Path | None,
    force: bool,
    stage: str | None,
    source: str | None,
    owner: str | None,
    with_history: bool,
    raw: bool,
    no_bom: bool,
) -> None:
    """Export leads (all, or one stage, source or owner) with their custom fields.

    CSV cells that a spreadsheet would run as a formula are prefixed with '
    (OWASP's advice) unless --raw; `leadtui import` removes the prefix again.
    A CSV file starts with UTF-8's byte-order mark unless --no-bom, so Excel
    shows names in every script.
    An existing file is replaced only with --force; a symlink, FIFO or device
    never. Every file written is private (0600).
    """
    if output is not None and str(output) == "-":
        output = None  # the usual name for stdout, not a file called "-"
    repo = common.repository(db_path, reading=True)
    if fmt == "csv" and with_history and output is None:
        raise click.UsageError("--with-history with CSV writes a second file: give --output")
    history_path = (
        output.with_name(f"{output.stem}.history.csv")
        if output and with_history and fmt == "csv"
        else None
    )
    # Both targets are judged before either is written: a refusal leaves nothing.
    # Not even --force replaces the database being read with its export.
    for target in (output, history_path):
        if target is not None:
            if common.same_file(target, repo.target):
                raise LeadtuiError(f"{target} is the database itself: export to another file")
            check_target(target, replace=force)
    common.warn_unknown_owner(repo, owner)
    leads = repo.all_leads(
        stage=Stage(stage) if stage else None, source=source, owner=owner, custom=True
    )
    batches = _batches(leads, 1000)
    chance_known = repo.learned_model() is not None
    if fmt != "csv":
        records = _json_records(repo, batches, with_history, chance_known)
        with _output(output, force) as handle:
            if fmt == "json":
                common.write_json_array(handle, records)
            else:
                for record in records:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    names = repo.custom_field_names()
    columns = [*EXPORT_FIELDS, *(f"custom.{name}" for name in names)]
    bom = not no_bom
    second = _output(history_path, force, bom=bom) if history_path else nullcontext()
    with _output(output, force, bom=bom) as handle, second as history:
        writer = csv.writer(handle)
        writer.writerow(columns)
        history_writer = csv.writer(history) if history else None
        if history_writer:
            history_writer.writerow(["lead_id", *HISTORY_COLUMNS])
        for batch in batches:
            for lead in batch:
                record = common.lead_record(lead, chance_known)
                record["tags"] = TAG_SEPARATOR.join(lead.tags)
                cells = [record[c] if c in record else lead.field_text(c) for c in EXPORT_FIELDS]
                cells += [lead.custom.get(n) for n in names]
                writer.writerow([_cell(cell, raw) for cell in cells])
            if history_writer:
                for lead_id, entries in repo.histories(batch[0].id, batch[-1].id).items():
                    for entry in entries:
                        row = entry.export_dict()
                        cells = [lead_id, *(row.get(column) for column in HISTORY_COLUMNS)]
                        history_writer.writerow([_cell(cell, raw) for cell in cells])
    if history_path is not None:
        common.echo(f"history written to {shown_path(history_path)}", err=True)


def _batches(leads: Iterable[Lead], size: int) -> Iterator[list[Lead]]:
    batch: list[Lead] = []
    for lead in leads:
        batch.append(lead)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _json_records(
    repo: Any, batches: Iterator[list[Lead]], with_history: bool, chance_known: bool
) -> Iterator[dict[str, Any]]:
    for batch in batches:
        histories = repo.histories(batch[0].id, batch[-1].id) if with_history else {}
        for lead in batch:
            record = common.lead_record(lead, chance_known)
            if with_history:
                record["history"] = [e.export_dict() for e in histories.get(lead.id, [])]
            yield record


def neutralise(text: str) -> str:
    """'=HYPERLINK(…)' → "'=HYPERLINK(…)": shown as text, never run."""
    return f"'{text}" if text.startswith(GUARDED) else text


def _cell(value: Any, raw: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and not raw:
        return neutralise(value)
    return value


class _NamedSink:
    """A file being written that names itself when a write fails: with two
    files open (CSV and its history) the error must say which one."""

    def __init__(self, stream: IO[str], path: Path) -> None:
        self._stream, self._path = stream, path

    def write(self, text: str, /) -> int:
        try:
            return self._stream.write(text)
        except OSError as error:
            raise _cannot_write(self._path, error) from None


def _cannot_write(path: Path, error: OSError) -> LeadtuiError:
    return LeadtuiError(f"cannot write {path}: {error.strerror or error}")


@contextmanager
def _output(path: Path | None, replace: bool, *, bom: bool = False) -> Iterator[common.Sink]:
    """stdout, or a private file (safe_files) put in place only once fully
    written. A failed write (a full disk, a read-only place) is one line
    naming the file, and leaves neither a temp file nor a half-written
    `path`. `bom` marks a file, never stdout: a pipe's reader is a program."""
    if path is None:
        # On a terminal, what another program stored (an escape sequence, a
        # bell, a bidi override) is shown as its \u escape and never run, as
        # every other command prints; into a pipe the bytes are data, as stored.
        yield common.SafeStdout() if sys.stdout.isatty() else sys.stdout
        return
    try:
        with private_file(path, replace=replace, bom=bom) as stream:
            yield _NamedSink(stream, path)
    except OSError as error:  # the last flush on closing, or the rename
        raise _cannot_write(path, error) from None
