"""An import, as both front ends run it: plan the mapping, preview it (a dry
run with exact counts), run it in one transaction, then write the rows not
imported to a rejects file. `leadtui import` and the palette's "Import file…"
call these and differ only in how they show the result."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from leadtui.domain.pipeline import ReasonSpeller
from leadtui.domain.results import ImportOutcome
from leadtui.importing.convert import Converter, Notes
from leadtui.importing.plan import Overrides, Plan, make_plan
from leadtui.importing.profile import NO_AMOUNT_COLUMNS
from leadtui.importing.reading import open_table
from leadtui.importing.report import (
    Preview,
    converted,
    merged_in_part,
    notes_lines,
    preview,
    problem_lines,
    rejects_path,
    sample_line,
    summary,
    write_rejects,
)
from leadtui.repository import Repository
from leadtui.safe_files import unused_name

# Problems listed in a preview; the rest are counted.
SHOWN_PROBLEMS = 20


def plan_import(path: Path, overrides: Overrides | None = None) -> Plan:
    """Read the file's shape and map its columns (headers and values)."""
    overrides = overrides or Overrides()
    return make_plan(open_table(path, overrides.encoding), overrides)


def effective_mapping(plan: Plan, overrides: Overrides) -> Overrides:
    """The mapping as run, column by column, so a repeat import is identical:
    columns kept as custom fields for their values are saved as "custom"."""
    columns = {}
    for header, target in zip(plan.table.headers, plan.targets, strict=True):
        if target.kind == "field":
            columns[header] = target.name
        elif target.kind == "custom":
            columns[header] = "custom" if target.name == header else f"custom:{target.name}"
        else:
            columns[header] = "ignore"
    return Overrides(
        columns,
        overrides.values,
        plan.day_first,
        list(plan.placeholders.words),
        overrides.encoding,
        # As day_first: a repeat import reads its amounts as this one did.
        plan.decimal.comma if plan.decimal.reason != NO_AMOUNT_COLUMNS else None,
    )


@dataclass(frozen=True)
class ImportPreview:
    """What a dry run shows before anything is written."""

    plan: Plan
    outcome: ImportOutcome  # exact counts, duplicates included; nothing stored
    notes: list[str]
    shown: Preview
    found: Notes  # what the notes say, as data (for --json)
    team_currency: str  # what an amount naming no currency is in


def preview_import(
    repo: Repository, plan: Plan, on_duplicate: str = "skip", *, unknown_lines: bool = True
) -> ImportPreview:
    """`unknown_lines=False`: the notes leave out the values it does not know
    and their --value-map lines (the TUI asks about each in the dialog)."""
    converter = Converter(plan)
    outcome = repo.import_leads(converted(converter), on_duplicate=on_duplicate, dry_run=True)
    notes = notes_lines(converter, unknown=unknown_lines)
    return ImportPreview(
        plan,
        outcome,
        notes,
        _respelled(repo, preview(plan)),
        converter.notes,
        repo.team_currency(),
    )


def _respelled(repo: Repository, shown: Preview) -> Preview:
    """The sample rows' lost reasons as the import will store them: in the
    team's spelling ("PRICE" as "Price"), or the file's first."""
    spell = ReasonSpeller(repo.lost_reasons(limit=None))
    samples = [
        replace(lead, lost_reason=spell(lead.lost_reason)) if lead.lost_reason else lead
        for lead in shown.samples
    ]
    return replace(shown, samples=samples)


def preview_lines(shown: ImportPreview) -> list[str]:
    """The preview as lines of plain text, counts first: they decide
    "import or not"."""
    lines = [summary(shown.outcome, dry_run=True), *shown.notes, ""]
    if shown.outcome.rejected:
        lines.append("Problems (these rows will be rejected):")
        lines += [f"  {line}" for line in problem_lines(shown.outcome.rejected, SHOWN_PROBLEMS)]
        lines.append("")
    lines += [shown.shown.description, "", "Columns:"]
    width = min(max((len(header) for header, _ in shown.shown.mapping), default=0), 40)
    lines += [f"  {header:<{width}}  → {target}" for header, target in shown.shown.mapping]
    if shown.shown.day_order:
        lines += ["", f"Dates read as {shown.shown.day_order}"]
    if shown.shown.amount_order:
        lines += ["", f"Amounts read as {shown.shown.amount_order}"]
    lines += [""]
    lines.append(f"The first rows as they would be stored ({len(shown.shown.samples)}):")
    lines += [f"  {sample_line(lead, shown.team_currency)}" for lead in shown.shown.samples]
    return lines


@dataclass(frozen=True)
class ImportResult:
    outcome: ImportOutcome
    notes: list[str]
    rejects: Path | None  # where the rows not imported were written, if any
    rejects_written: int
    found: Notes  # what the notes say, as data (for --json)

    def summary(self) -> str:
        return summary(self.outcome)


def run_import(
    repo: Repository,
    plan: Plan,
    *,
    on_duplicate: str = "skip",
    strict: bool = False,
    progress: Callable[[int], None] | None = None,
    rejects: Path | None = None,
) -> ImportResult:
    """Import every row in one transaction, then write the rows not imported
    (rejected or skipped as duplicates) and the rows merged into a lead
    that kept some of its own values, with their reasons, beside the file
    or to `rejects`."""
    converter = Converter(plan)
    outcome = repo.import_leads(
        converted(converter),
        on_duplicate=on_duplicate,
        strict=strict,
        progress=progress,
        expected_rows=plan.table.approx_rows,
    )
    target, written = None, 0
    if outcome.rejected or outcome.skipped or (outcome.committed and merged_in_part(outcome)):
        # Never over an earlier report (or anything else there): beside it.
        target = unused_name(rejects or rejects_path(plan.table.path))
        written = write_rejects(target, plan.table.headers, outcome)
    return ImportResult(outcome, notes_lines(converter), target, written, converter.notes)
