"""What an import says back: the summary, the dry-run preview, and the
rejects file that lets a user fix the bad rows and import just those."""

import csv
import shlex
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from leadtui.domain.currency import format_money, with_currency
from leadtui.domain.errors import InvalidInput
from leadtui.domain.imported import ImportedLead, RowProblem
from leadtui.domain.results import Duplicate, ImportOutcome
from leadtui.domain.sanitize import clean_line
from leadtui.importing.choices import allowed, suggestion, value_map_line
from leadtui.importing.columns import Columns, reads_columnwise
from leadtui.importing.convert import Converter, Notes
from leadtui.importing.headers import Target
from leadtui.importing.plan import Plan
from leadtui.importing.profile import NO_AMOUNT_COLUMNS, NO_DATE_COLUMNS, DecimalOrder
from leadtui.importing.reading import BrokenRow, RawRow
from leadtui.importing.title_rows import title_note
from leadtui.importing.workbook import WORKBOOK_CELLS
from leadtui.safe_files import private_file

REJECT_COLUMNS = ("line", "reason")
CHUNK_ROWS = 1000  # rows converted at a time (columns.py), as the import takes them


def converted(converter: Converter) -> Iterator[ImportedLead | RowProblem]:
    """Every row of the plan's file, converted (broken rows as problems),
    CHUNK_ROWS rows at a time, column by column where columns.py can."""
    rows = converter.plan.table.rows()
    columns = Columns(converter) if reads_columnwise(converter) else None
    while chunk := list(islice(rows, CHUNK_ROWS)):
        raw = [row for row in chunk if isinstance(row, RawRow)]
        done = columns.convert(raw) if columns else [converter.convert(row) for row in raw]
        if len(raw) == len(chunk):
            yield from done
            continue
        found = iter(done)  # broken rows say nothing to the notes: in order
        for row in chunk:
            if isinstance(row, BrokenRow):
                yield RowProblem(row.line, row.reason, row.values)
            else:
                yield next(found)


def rejects_path(source: Path) -> Path:
    """leads.csv → leads.rejects.csv, beside the input."""
    return source.with_name(f"{source.stem}.rejects.csv")


def merged_in_part(outcome: ImportOutcome) -> list[Duplicate]:
    """The rows merged into a lead that kept some of its own values."""
    return [merged for merged in outcome.merged_into if merged.not_taken]


def merge_reason(merged: Duplicate) -> str:
    """ "merged into #12 (same email); not taken: company 'Acme Ltd' (kept 'Acme')"."""
    return f"merged into #{merged.lead_id} ({merged.why}); not taken: {', '.join(merged.not_taken)}"


def write_rejects(path: Path, headers: list[str], outcome: ImportOutcome) -> int:
    """The rows not imported, as they were read, with their line and reason
    first; returns how many. Duplicates skipped are included, so they can be
    imported again with another --on-duplicate; so are rows merged into a
    lead that kept some of its own values, the reason naming each. The file starts with a
    UTF-8 BOM, so Excel shows its names in any script (the import reads it
    back either way)."""
    rows: list[tuple[int, str, list[str]]] = [
        (p.line, p.reason, p.values) for p in outcome.rejected
    ]
    rows += [
        (d.line, f"duplicate of lead #{d.lead_id} ({d.why}); skipped", d.values)
        for d in outcome.skipped
    ]
    if outcome.committed:  # a run undone (--strict) merged nothing
        rows += [(d.line, merge_reason(d), d.values) for d in merged_in_part(outcome)]
    rows.sort(key=lambda row: row[0])
    try:
        with private_file(path, replace=False, bom=True) as stream:
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
    if (dry_run or outcome.committed) and (part := len(merged_in_part(outcome))):
        rows = f"{part:,} merged row{'' if part == 1 else 's'}"
        where = "would go to" if dry_run else "are in"
        text += f"; {rows} had values the lead kept its own for (they {where} the rejects file)"
    if unchecked := outcome.merges_unchecked:
        text += (
            f"; {unchecked:,} merge{'' if unchecked == 1 else 's'} into leads of this file"
            " not compared by the dry run (too many new rows before them)"
        )
    return text


def _records_note(plan: Plan) -> str | None:
    """Where in a JSON object the records were, and what else it held."""
    table = plan.table
    if table.records_key is None:
        return None
    count = f"{table.approx_rows:,} record{'' if table.approx_rows == 1 else 's'}"
    text = f"read the {count} under {clean_line(table.records_key)!r}"
    if table.other_keys:
        others = ", ".join(repr(clean_line(key)) for key in table.other_keys)
        text += f"; the file's other keys ({others}) hold no records and are not imported"
    return text


def notes_lines(converter: Converter, *, unknown: bool = True) -> list[str]:
    """What the import decided that is worth knowing (never silently), each
    kind once, with the option that would change it. `unknown=False` leaves
    out the values it does not know (the TUI asks about each instead)."""
    plan, notes = converter.plan, converter.notes
    lines = []
    encoding = plan.table.encoding
    if encoding.how not in ("valid UTF-8", "byte-order mark", WORKBOOK_CELLS):
        lines.append(f"read as {encoding.describe()}")
    if title := title_note(plan.table.title):
        lines.append(title)
    if footer := plan.table.footer.note():
        lines.append(footer)
    if records := _records_note(plan):
        lines.append(records)
    for header, target in plan.demoted():
        lines.append(
            f"column {header!r} is kept as a custom field, {target.note}"
            f" (to read it anyway: --map {shlex.quote(f'{header}={_field_of(target)}')})"
        )
    if unknown:
        lines += _unknown_lines(notes)
    for (name, header), count in notes.bad_dates.items():
        line, why = notes.bad_date_example[(name, header)]
        lines.append(
            f"{name}: {_rows(count)} had no date it can read in {header!r} (e.g. line {line}:"
            f" {why}): left empty, the text kept as custom field {header!r}"
        )
    for (name, header), count in notes.unread.items():
        line, why = notes.unread_example[(name, header)]
        lines.append(
            f"{name}: {_rows(count)} had no {name} it can read in {header!r} (e.g. line {line}:"
            f" {why}): left as the team's, the text kept as custom field {header!r}"
        )
    if notes.ambiguous_dates and notes.ambiguous_example:
        line, text = notes.ambiguous_example
        order = "day/month/year" if plan.day_first else "month/day/year"
        other = "--month-first" if plan.day_first else "--day-first"
        lines.append(
            f"{notes.ambiguous_dates:,} date{'s' if notes.ambiguous_dates > 1 else ''} could be"
            f" read day or month first (e.g. line {line}: {text!r}): read as {order},"
            f" {plan.day_first_reason} ({other} to change)"
        )
    if notes.ambiguous_amounts and notes.ambiguous_amount_example:
        lines.append(
            either_amounts_line(
                plan.decimal, notes.ambiguous_amounts, notes.ambiguous_amount_example
            )
        )
    for source, count in notes.named_from.most_common():
        example = notes.named_example.get(source)
        how = f"its {source}" if example is None else f"column {source!r} (e.g. {example!r})"
        were = "was" if count == 1 else "were"
        lines.append(f"{_rows(count)} had no name and {were} named after {how}")
    if notes.placeholders:
        words: Counter[str] = Counter()
        for cell, count in notes.placeholders.items():
            words[plan.placeholders.word(cell)] += count
        shown = ", ".join(f"{word!r} ×{count:,}" for word, count in words.most_common(8))
        lines.append(
            f"placeholder cells read as empty: {shown}"
            " (--placeholder WORD adds a word; --no-default-placeholders starts from none)"
        )
    return lines + _history_lines(notes)


def _history_lines(notes: Notes) -> list[str]:
    """What came of leadtui's own export's history: never dropped unsaid."""
    where = f" from {notes.history_file}" if notes.history_file else ""
    if notes.history_unread:
        return [
            f"history: {notes.history_file} {notes.history_unread}: the leads come without"
            " their touches and stage changes (`leadtui db copy` moves a whole database)"
        ]
    lines = []
    if notes.history_lines:
        lines.append(
            f"history: {notes.history_lines:,} lines{where} (stage changes, touches, edits)"
            " read with their leads"
        )
    if notes.history_bad_leads:
        lines.append(
            f"history: {notes.history_bad_leads:,} leads' lines{where} could not be read:"
            " those leads come without their history"
        )
    return lines


def _unknown_lines(notes: Notes) -> list[str]:
    lines = []
    groups: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for (name, header, text), count in notes.unknown.most_common():
        groups.setdefault((name, header), []).append((text, count))
    for (name, header), found in groups.items():
        outcome = _DEFAULTS.get(name, "left empty")
        lines.append(
            f"{name}: {len(found):,} value{'s' if len(found) > 1 else ''} in {header!r} that"
            f" leadtui does not know ({allowed(name)}): {outcome}, the text kept as custom"
            f" field {header!r}; to map one:"
        )
        for text, count in found[:_SHOWN_VALUES]:
            guess = suggestion(name, text)
            line = value_map_line(name, text, guess or "VALUE")
            lines.append(f"  {text!r} ({_rows(count)}): {line}" + (" (a guess)" if guess else ""))
        if len(found) > _SHOWN_VALUES:
            rest = sum(count for _, count in found[_SHOWN_VALUES:])
            lines.append(f"  … and {len(found) - _SHOWN_VALUES:,} more values ({_rows(rest)})")
    for name, count in notes.unknown_more.items():
        lines.append(f"{name}: and {_rows(count)} more with values it does not know")
    return lines


_SHOWN_VALUES = 20
_DEFAULTS = {
    "stage": "those leads are New",
    "source": "stored as 'other'",
    "temperature": "the temperature is computed",
    "fit": "fit left unknown",
    "lifecycle": "lifecycle left as prospect",
}


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def _field_of(target: Target) -> str:
    """The field a demoted column's header named (its note starts 'not FIELD:')."""
    return target.note.removeprefix("not ").partition(":")[0]


def problem_lines(problems: list[RowProblem], limit: int) -> list[str]:
    """Rejected rows, one line per reason: 'line 7: …', or 'lines 3, 9, 12 and
    4,000 more: …' when many rows share it."""
    by_reason: dict[str, list[int]] = {}
    for problem in sorted(problems, key=lambda p: p.line):
        by_reason.setdefault(problem.reason, []).append(problem.line)
    lines = []
    for reason, numbers in by_reason.items():
        if len(numbers) == 1:
            lines.append(f"line {numbers[0]}: {reason}")
        else:
            shown = ", ".join(str(n) for n in numbers[:3])
            more = f" and {len(numbers) - 3:,} more" if len(numbers) > 3 else ""
            lines.append(f"lines {shown}{more}: {reason}")
    if len(lines) > limit:
        rest = len(lines) - limit
        lines = [*lines[:limit], f"… and {rest:,} more reasons (every row is in the rejects file)"]
    return lines


@dataclass(frozen=True)
class Preview:
    """What a dry run shows before anything is written."""

    description: str
    mapping: list[tuple[str, str]]
    day_order: str  # empty: the file has no date columns
    samples: list[ImportedLead]
    amount_order: str = ""  # empty: the file has no amount column


def preview(plan: Plan, count: int = 10) -> Preview:
    converter = Converter(plan)
    good = (item for item in converted(converter) if isinstance(item, ImportedLead))
    order = "day/month/year" if plan.day_first else "month/day/year"
    return Preview(
        plan.table.describe(),
        plan.rows_of_mapping(),
        # A file with no dates has no order to report.
        "" if plan.day_first_reason == NO_DATE_COLUMNS else f"{order} ({plan.day_first_reason})",
        list(islice(good, count)),
        amount_order(plan),
    )


def either_amounts_line(decimal: DecimalOrder, count: int, example: tuple[int, str]) -> str:
    """The note on amounts the cells did not settle (lead import and spend)."""
    line, text = example
    mark, other = ("comma", "point") if decimal.comma else ("point", "comma")
    return (
        f"{count:,} amount{'s' if count > 1 else ''} could be read with a decimal point or"
        f" comma (e.g. line {line}: {text!r}): read with a decimal"
        f" {mark}, {decimal.reason} (--decimal-{other} to change)"
    )


def amount_order(plan: Plan) -> str:
    """The preview's line on amounts; empty when the file has none."""
    return decimal_words(plan.decimal)


def decimal_words(decimal: DecimalOrder) -> str:
    """How amounts were read ("1.234,56, a decimal comma (line 2 has …)");
    empty when there were no amounts."""
    if decimal.reason == NO_AMOUNT_COLUMNS:
        return ""
    mark = "1.234,56, a decimal comma" if decimal.comma else "1,234.56, a decimal point"
    return f"{mark} ({decimal.reason})"


def sample_line(lead: ImportedLead, team: str) -> str:
    """One parsed row, as the dry run lists it; its amount with its currency
    (`team`'s when the row names none), as the inbox shows it, so a column
    read in the wrong currency shows before it is stored."""
    draft = lead.draft
    currency = draft.currency or team
    parts = [
        f"line {lead.line}: {draft.name}",
        draft.company or "",
        draft.email or "",
        draft.phone or "",
        lead.stage.label + (f" ({lead.lost_reason})" if lead.lost_reason else ""),
        draft.source.value,
        with_currency(format_money(draft.value_cents, currency), currency)
        if draft.value_cents
        else "",
        lead.created_at.date().isoformat() if lead.created_at else "",
        f"+{len(lead.custom)} custom" if lead.custom else "",
    ]
    return " · ".join(part for part in parts if part)
