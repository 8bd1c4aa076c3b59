"""What an import says back: the summary, the dry-run preview, and the
rejects file that lets a user fix the bad rows and import just those."""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from leadtui.domain.errors import InvalidInput
from leadtui.domain.imported import ImportedLead, RowProblem
from leadtui.domain.models import format_money
from leadtui.domain.results import ImportOutcome
from leadtui.importing.convert import Converter
from leadtui.importing.plan import Plan
from leadtui.importing.reading import BrokenRow
from leadtui.safe_files import private_file

REJECT_COLUMNS = ("line", "reason")


def converted(converter: Converter) -> Iterator[ImportedLead | RowProblem]:
    """Every row of the plan's file, converted (broken rows as problems)."""
    for row in converter.plan.table.rows():
        if isinstance(row, BrokenRow):
            yield RowProblem(row.line, row.reason, row.values)
        else:
            yield converter.convert(row)


def rejects_path(source: Path) -> Path:
    """leads.csv → leads.rejects.csv, beside the input."""
    return source.with_name(f"{source.stem}.rejects.csv")


def write_rejects(path: Path, headers: list[str], outcome: ImportOutcome) -> int:
    """The rows not imported, as they were read, with their line and reason
    first; returns how many. Duplicates skipped are included, so they can be
    imported again with another --on-duplicate."""
    rows: list[tuple[int, str, list[str]]] = [
        (p.line, p.reason, p.values) for p in outcome.rejected
    ]
    rows += [
        (d.line, f"duplicate of lead #{d.lead_id} ({d.why}); skipped", d.values)
        for d in outcome.skipped
    ]
    rows.sort(key=lambda row: row[0])
    try:
        with private_file(path, replace=True) as stream:
            writer = csv.writer(stream)
            writer.writerow([*REJECT_COLUMNS, *headers])
            writer.writerows([line, reason, *values] for line, reason, values in rows)
    except OSError as error:
        raise InvalidInput(f"cannot write the rejects to {path}: {error.strerror}") from None
    return len(rows)


def summary(outcome: ImportOutcome, *, dry_run: bool = False) -> str:
    """'read 9,000 rows: imported 8,941, merged 0, skipped 12 duplicates, rejected 47'."""
    verb = "would import" if dry_run else "imported"
    merged = "would merge" if dry_run else "merged"
    text = (
        f"read {outcome.read:,} row{'' if outcome.read == 1 else 's'}:"
        f" {verb} {outcome.imported:,}, {merged} {outcome.merged:,},"
        f" skipped {len(outcome.skipped):,} duplicates, rejected {len(outcome.rejected):,}"
    )
    if outcome.created_anyway:
        text += f" ({outcome.created_anyway:,} imported although duplicates)"
    return text


def notes_lines(converter: Converter) -> list[str]:
    """What the conversion decided that is worth knowing (never silently)."""
    lines = []
    for text, count in converter.notes.unknown_sources.most_common(10):
        lines.append(
            f"source {text!r} is not a known source: stored as 'other', with {text!r} kept as a"
            f" custom field ({count:,} row{'' if count == 1 else 's'};"
            f' map it with --value-map source:"{text}=...")'
        )
    for field, count in converter.notes.named_from.items():
        lines.append(f"{count:,} rows had no name and were named after their {field}")
    return lines


@dataclass(frozen=True)
class Preview:
    """What a dry run shows before anything is written."""

    description: str
    mapping: list[tuple[str, str]]
    day_order: str
    samples: list[ImportedLead]


def preview(plan: Plan, count: int = 10) -> Preview:
    converter = Converter(plan)
    good = (item for item in converted(converter) if isinstance(item, ImportedLead))
    order = "day/month/year" if plan.day_first else "month/day/year"
    return Preview(
        plan.table.describe(),
        plan.rows_of_mapping(),
        f"{order} ({plan.day_first_reason})",
        list(islice(good, count)),
    )


def sample_line(lead: ImportedLead) -> str:
    """One parsed row, as the dry run lists it."""
    draft = lead.draft
    parts = [
        f"line {lead.line}: {draft.name}",
        draft.company or "",
        draft.email or "",
        draft.phone or "",
        lead.stage.label + (f" ({lead.lost_reason})" if lead.lost_reason else ""),
        draft.source.value,
        format_money(draft.value_cents) if draft.value_cents else "",
        lead.created_at.date().isoformat() if lead.created_at else "",
        f"+{len(lead.custom)} custom" if lead.custom else "",
    ]
    return " · ".join(part for part in parts if part)
