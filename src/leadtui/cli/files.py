"""`leadtui import`: leads in from other systems' files (CSV, JSON, JSON Lines,
Excel workbooks); `leadtui export`, the way out, is cli/export.py."""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from leadtui.cli import common
from leadtui.cli.formats import file_format
from leadtui.cli.import_json import echo_ascii_json, import_record
from leadtui.cli.params import FILE, shown_path
from leadtui.domain.results import DUPLICATE_POLICIES, ImportOutcome
from leadtui.importing.placeholders import DEFAULT_PLACEHOLDERS
from leadtui.importing.plan import Overrides, Plan
from leadtui.importing.report import (
    merge_reason,
    merged_in_part,
    problem_lines,
    sample_line,
    summary,
)
from leadtui.repository import Repository
from leadtui.usecases.importing import (
    ImportPreview,
    effective_mapping,
    plan_import,
    preview_import,
    run_import,
)

_SHOWN_PROBLEMS = 50


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
    help="Save the mapping used, for next time (a new file, or the --mapping file itself);"
    " a --dry-run saves it too.",
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
    help="A row with the email or phone of an existing lead: merge fills in what the lead"
    " lacks, keeps another email or phone as a secondary contact, and puts the row in the"
    " rejects file naming each value the lead kept its own for.",
)
@click.option("--strict", is_flag=True, help="Any bad row rejects the whole file.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show the mapping, samples and problems; write nothing but a --save-mapping file.",
)
@click.option(
    "--rejects",
    type=FILE,
    help="Where to write the rejected rows, duplicates skipped and rows merged in part"
    " (default: FILE.rejects.csv beside FILE; if that"
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
    # The rejects are CSV and a mapping JSON: a name saying otherwise
    # (--rejects bad.json) is refused before anything is read or written.
    for named, option, writes in (
        (rejects, "--rejects", "csv"),
        (save_mapping, "--save-mapping", "json"),
    ):
        if named is not None:
            file_format(named, None, (writes,), option)
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
        # Said, as a dry run writes it too (the mapping checked, then kept).
        common.echo(f"mapping saved to {shown_path(save_mapping)}", err=True)
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
        # A row merged in part was imported: it is there for what the lead did not take.
        in_part = outcome.committed and merged_in_part(outcome)
        what = "not imported or merged in part" if in_part else "not imported"
        common.echo(
            f"{result.rejects_written:,} {rows} {what}, with the reasons,"
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
        common.echo(f"  {sample_line(lead, dry_run.team_currency)}")
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
    in_part = merged_in_part(outcome)
    for merged in in_part[:10]:
        common.echo(f"line {merged.line}: {merge_reason(merged)}", err=True)
    if len(in_part) > 10:
        common.echo(f"… and {len(in_part) - 10:,} more merged in part", err=True)


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
