"""The realistic demo set in sample_data/: leads in many scripts, their
touches and the marketing spend."""

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

from leadtui.demo.leftovers import building
from leadtui.demo.rows import DAY, Touch, add_lead_rows, iso_time
from leadtui.domain.currency import parse_money
from leadtui.domain.models import ActivityKind, Source, Stage
from leadtui.domain.results import SpendEntry
from leadtui.domain.scoring_rules import RuleSet, load_rules
from leadtui.repository import LEAD_COLUMNS, RowBatch, build_database, open_repository


def build_sample_database(
    path: Path, sample_dir: Path, now: datetime, rules: RuleSet | None = None
) -> int:
    """Create a database at `path` from sample_data/*.csv; returns the lead count.
    Columns of leads.csv beyond the standard ones become custom fields."""
    rules = rules or load_rules().rules
    anchor = now.timestamp()
    touches: dict[str, list[Touch]] = {}
    with (sample_dir / "activities.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            at = anchor - float(row["days_ago"]) * DAY - 3600
            touches.setdefault(row["ref"], []).append(
                (ActivityKind(row["kind"]).value, row["direction"] or None, row["note"], at)
            )
    rows = RowBatch()
    with (sample_dir / "leads.csv").open(newline="", encoding="utf-8") as handle:
        for lead_id, row in enumerate(csv.DictReader(handle), start=1):
            fields: dict[str, Any] = {key: (value or None) for key, value in row.items()}
            fields["stage"] = Stage(row["stage"]).value
            fields["source"] = Source(row["source"]).value
            fields["value_cents"] = parse_money(row["value"] or "0")
            fields["notes"] = row["notes"]
            if row.get("follow_up_days"):
                fields["follow_up_at"] = iso_time(anchor + float(row["follow_up_days"]) * DAY)
            created = anchor - float(row["created_days_ago"]) * DAY - 7200
            custom = {
                name: value for name, value in row.items() if name not in _SAMPLE_COLUMNS and value
            }
            add_lead_rows(
                rows,
                lead_id,
                fields,
                created,
                anchor - 60,
                Stage.QUALIFIED.value,
                touches.get(row["ref"], []),
                custom,
                rules,
            )
    with (sample_dir / "spend.csv").open(newline="", encoding="utf-8") as handle:
        budgets = {
            row["source"]: parse_money(row["monthly_amount"]) for row in csv.DictReader(handle)
        }
    with building(path):
        written = build_database(path, [rows])
    return finish_database(path, written, rules, monthly_spend(budgets, now))


def monthly_spend(budgets: dict[str, int], now: datetime) -> list[SpendEntry]:
    """Each source's monthly budget for the twelve months up to `now`'s."""
    months = []
    year, month = now.year, now.month
    for _ in range(12):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return [
        SpendEntry(Source(source), month, cents)
        for source, cents in budgets.items()
        if cents
        for month in months
    ]


def finish_database(path: Path, written: int, rules: RuleSet, spend: list[SpendEntry]) -> int:
    """Record the rules that scored the new file and the marketing spend, and
    train the learned score when the data has enough closed leads for it.
    Its closed leads get their win chance too, as they hold the rule score
    of their close: the demo is a team's history scored all along, and a
    closed lead with none stored reads "—" (its touches all come before its
    close, so the chance is the one it would have closed with)."""
    repo = open_repository(path)
    repo.mark_rules_applied(rules)
    repo.record_spend(spend)
    repo.train_model(closed_too=True)
    return written


# Columns of leads.csv that fill standard fields; any other becomes a custom field.
_SAMPLE_COLUMNS = {"ref", "value", "created_days_ago", "follow_up_days", *LEAD_COLUMNS}
