"""`leadtui export`: leads out to JSON, JSON Lines or CSV, to stdout or to
a private file put in place only when complete. The format is --format's,
else the one --output's extension names (formats.py), else JSON."""

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import IO, Any

import click

from leadtui.cli import common
from leadtui.cli.formats import file_format
from leadtui.cli.params import FILE, owner_name, shown_path
from leadtui.domain.errors import LeadtuiError
from leadtui.domain.models import EXPORT_FIELDS, TAG_SEPARATOR, Lead, Source, Stage
from leadtui.safe_files import check_target, private_file

FORMATS = ("json", "jsonl", "csv")

# OWASP: a cell starting with one of these is a formula to a spreadsheet.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A value that already starts with the guard is guarded too, so that an
# import of leadtui's own export can undo exactly one: "'=x" → "''=x" → "'=x".
GUARDED = (*FORMULA_START, "'")
# `action` (undo, redo) and `undone` (a touch an undo took back) last, as
# added: an import reads an undone touch back as one, not as a touch.
HISTORY_COLUMNS = (
    "type", "at", "actor", "from", "to", "reason", "kind", "direction", "note", "body", "field",
    "old", "new", "action", "undone",
)  # fmt: skip


@click.command()
@click.option(
    "--format",
    "given_format",
    type=click.Choice(FORMATS),
    help="Default: the one --output's extension names (.json, .jsonl or .ndjson, .csv),"
    " else json. One the extension contradicts is refused.",
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
    given_format: str | None,
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

    The format is --format's, else the one --output's name says (x.csv is
    CSV, x.jsonl JSON Lines), else JSON. A name saying another format than
    --format's, or one export does not write (x.xlsx, x.tsv, x.csv.gz), is
    refused, and nothing is written.
    """
    if output is not None and str(output) == "-":
        output = None  # the usual name for stdout, not a file called "-"
    chosen = file_format(output, given_format, FORMATS, "export") if output else given_format
    fmt = chosen or "json"
    repo = common.current_scores(common.repository(db_path, reading=True))
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
    owner = common.owner_meant(repo, owner)
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
