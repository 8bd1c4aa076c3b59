"""`leadtui import --json`: the outcome of an import (or of a dry run) as
one JSON document, for scripts. The keys are stable and listed in README's
"Command line" table; every count is exact, and each problem the text
report says once is here once, as data.

User text (headers, cell values, file names) is printed exactly as read,
so a script can open the rejects file by its real name, but as ASCII JSON
(echo_ascii_json): a control character, C1 byte or bidi override in it is a
backslash-u escape, never something a terminal runs.
"""

import json
from collections import Counter
from pathlib import Path
from typing import Any

import click

from leadtui.domain.results import ImportOutcome
from leadtui.importing.choices import suggestion, value_map_line
from leadtui.importing.convert import Notes
from leadtui.importing.plan import Overrides, Plan
from leadtui.importing.report import merged_in_part
from leadtui.usecases.importing import effective_mapping


def import_record(
    plan: Plan,
    overrides: Overrides,
    outcome: ImportOutcome,
    found: Notes,
    *,
    dry_run: bool,
    rejects: Path | None = None,
    rejects_written: int = 0,
    custom_fields_created: list[str] | None = None,
) -> dict[str, Any]:
    table = plan.table
    return {
        "file": str(table.path),
        "dry_run": dry_run,
        "committed": outcome.committed,
        "format": table.kind,
        "encoding": {"name": table.encoding.name, "how": table.encoding.how},
        "read": outcome.read,
        "imported": outcome.imported,
        "merged": outcome.merged,
        "created_anyway": outcome.created_anyway,
        "skipped_duplicates": len(outcome.skipped),
        "rejected": len(outcome.rejected),
        "rejected_by_reason": _reasons(outcome),
        "duplicates": [
            {"line": d.line, "lead_id": d.lead_id, "why": d.why} for d in outcome.skipped
        ],
        # Added after the keys above (which stay as they were): the rows
        # merged into a lead that kept some of its own values, and what.
        "merged_not_taken": len(merged_in_part(outcome)),
        "merges_unchecked": outcome.merges_unchecked,
        "merges": [
            {"line": d.line, "lead_id": d.lead_id, "why": d.why, "not_taken": list(d.not_taken)}
            for d in outcome.merged_into
        ],
        "first_id": outcome.first_id,
        "last_id": outcome.last_id,
        "mapping": effective_mapping(plan, overrides).columns,
        "kept_as_custom": [
            {"column": header, "why": target.note} for header, target in plan.demoted()
        ],
        "custom_fields": sorted({t.name for t in plan.targets if t.kind == "custom"}),
        "custom_fields_created": custom_fields_created or [],
        "named_after": [
            {"source": source, "rows": count} for source, count in found.named_from.most_common()
        ],
        "id_column": table.headers[plan.id_column] if plan.id_column is not None else None,
        "day_first": plan.day_first,
        "day_first_reason": plan.day_first_reason,
        "ambiguous_dates": found.ambiguous_dates,
        "decimal_comma": plan.decimal.comma,
        "decimal_reason": plan.decimal.reason,
        "ambiguous_amounts": found.ambiguous_amounts,
        "bad_dates": _unread(found.bad_dates, found.bad_date_example),
        "unread_values": _unread(found.unread, found.unread_example),
        "unknown_values": _unknown(found),
        "history_lines": found.history_lines,
        "placeholders": {
            "words": list(plan.placeholders.words),
            "found": _placeholders(plan, found),
        },
        "rejects_file": str(rejects) if rejects is not None else None,
        "rejects_written": rejects_written,
    }


def echo_ascii_json(record: dict[str, Any]) -> None:
    click.echo(json.dumps(record, ensure_ascii=True, indent=2))


def _reasons(outcome: ImportOutcome) -> list[dict[str, Any]]:
    """One entry per reason, most rows first, with every line it applies to."""
    lines: dict[str, list[int]] = {}
    for problem in sorted(outcome.rejected, key=lambda p: p.line):
        lines.setdefault(problem.reason, []).append(problem.line)
    ranked = sorted(lines.items(), key=lambda item: (-len(item[1]), item[1][0]))
    return [{"reason": reason, "count": len(at), "lines": at} for reason, at in ranked]


def _unknown(found: Notes) -> list[dict[str, Any]]:
    """Each value a field does not know, once, with the option that maps it."""
    values = []
    for (name, header, text), count in found.unknown.most_common():
        guess = suggestion(name, text)
        values.append(
            {
                "field": name,
                "column": header,
                "value": text,
                "rows": count,
                "suggestion": guess,
                "value_map": value_map_line(name, text, guess or "VALUE"),
            }
        )
    return values


def _placeholders(plan: Plan, found: Notes) -> dict[str, int]:
    """{word: cells read as empty because of it}."""
    words: Counter[str] = Counter()
    for cell, count in found.placeholders.items():
        words[plan.placeholders.word(cell)] += count
    return dict(words.most_common())


def _unread(
    counts: Counter[tuple[str, str]], examples: dict[tuple[str, str], tuple[int, str]]
) -> list[dict[str, object]]:
    """Values of a field left unread and kept as custom fields, per column:
    how many rows, and the first with its reason."""
    return [
        {
            "field": name,
            "column": header,
            "rows": count,
            "example_line": examples[(name, header)][0],
            "why": examples[(name, header)][1],
        }
        for (name, header), count in counts.items()
    ]
