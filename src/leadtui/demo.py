"""Demo data: the realistic set in sample_data/, and a synthetic generator.

Both produce plain row tuples for `repository.build_database`, so a million
leads with their histories load without per-row model overhead (the hot loop
avoids enums, `random.choice` and datetime on purpose: each costs seconds at
that size).
Every lead gets the stage history that explains where it stands (created, then
each step up the ladder, then won or lost), so the history and KPIs are real.
"""

import csv
import math
import os
import random
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from leadtui.kpis import LADDER
from leadtui.models import ActivityKind, Fit, Lifecycle, Source, Stage, parse_money
from leadtui.pipeline import OPEN_STAGES, implied_lifecycle
from leadtui.repository import RowBatch, build_database, open_repository
from leadtui.repository.kpi_store import SpendEntry
from leadtui.schema import LEAD_COLUMNS
from leadtui.scoring import ScoreInput, score
from leadtui.scoring import Touch as ScoredTouch
from leadtui.scoring_rules import RuleSet, load_rules

DAY = 86400
_LADDER_RANK = {stage.value: rank for rank, stage in enumerate(LADDER)}
_DATES: dict[int, str] = {}
_TIMES: list[str] = []


def _iso(epoch: float) -> str:
    """UTC ISO-8601 like clock.to_iso, from memoised date and time-of-day parts
    (formatting each timestamp afresh was the generator's largest cost)."""
    if not _TIMES:
        _TIMES.extend(f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00:00" for s in range(DAY))
    day, second = divmod(int(epoch), DAY)
    date = _DATES.get(day)
    if date is None:
        date = _DATES[day] = datetime.fromtimestamp(day * DAY, UTC).date().isoformat()
    return date + _TIMES[second]


def _rate(
    fields: dict[str, Any],
    custom: dict[str, str],
    created: float,
    touches: list["Touch"],
    now: float,
    rules: RuleSet,
) -> tuple[int, str, str | None]:
    """(score, temperature, when the score is next due) as the repository would
    store them; touches older than the rules' longest window cannot matter."""
    recent = now - rules.window_days * DAY
    last_touch = max((touch[3] for touch in touches), default=None)
    rated = score(
        ScoreInput(
            fields={**fields, "value": fields["value_cents"] / 100},
            created_at=datetime.fromtimestamp(created, UTC),
            last_touch_at=datetime.fromtimestamp(last_touch, UTC) if last_touch else None,
            custom=custom,
            touches=tuple(
                ScoredTouch(kind, direction, datetime.fromtimestamp(at, UTC))
                for kind, direction, _, at in touches
                if at > recent
            ),
        ),
        rules,
        datetime.fromtimestamp(now, UTC),
    )
    due = rated.next_change
    is_open = fields["stage"] in _OPEN
    return rated.points, rated.temperature.value, _iso(due.timestamp()) if due and is_open else None


@lru_cache(maxsize=64)
def _ladder(stage: str, lost_from: str) -> tuple[tuple[str | None, str], ...]:
    """The moves a lead made to reach `stage` (lost leads drop out at lost_from)."""
    ladder = [s.value for s in OPEN_STAGES]
    top = {Stage.WON.value: Stage.OPPORTUNITY.value, Stage.LOST.value: lost_from}.get(stage, stage)
    path: list[str | None] = [None, *ladder[: ladder.index(top) + 1]]
    if stage in (Stage.WON.value, Stage.LOST.value):
        path.append(stage)
    return tuple((before, after) for before, after in pairwise(path) if after is not None)


Touch = tuple[str, str | None, str, float]


def _lead_rows(
    rows: RowBatch,
    lead_id: int,
    fields: dict[str, Any],
    created: float,
    now: float,
    lost_from: str,
    touches: list[Touch],
    custom: dict[str, str],
    rules: RuleSet,
) -> None:
    """Append one lead, its stage history spread from creation to now, and its touches."""
    stage, owner = fields["stage"], fields["owner"]
    moves = _ladder(stage, lost_from)
    step = (now - created) / (len(moves) + 1)
    # With each change, what the KPI triggers would have kept (schema_kpi):
    # the days since the change before, the stage that one went to (the
    # ladder never enters a stage twice); and for the lead, its furthest
    # step and last change.
    seconds = [int(created + index * step) for index in range(len(moves))]
    reason = None
    for index, (before, after) in enumerate(moves):
        reason = fields["lost_reason"] if after == "lost" else None
        stay = (seconds[index] - seconds[index - 1]) / DAY if index else None
        rows.stage_changes.append(
            (lead_id, before, after, reason, _iso(seconds[index]), owner, stay, before, None)
        )
    entered = _iso(seconds[-1])
    top = max(_LADDER_RANK.get(after, 0) for _, after in moves)
    last_from, last_to = moves[-1]
    last_touch = None
    if touches:
        rows.activities.extend(
            (lead_id, kind, direction, note, _iso(at), owner)
            for kind, direction, note, at in touches
        )
        last_touch = _iso(max(touch[3] for touch in touches))
    rows.custom_fields.extend((lead_id, name, value) for name, value in custom.items())
    points, temperature, due = _rate(fields, custom, created, touches, now, rules)
    rows.leads.append(
        (
            lead_id,
            fields["name"],
            fields["email"],
            fields["phone"],
            fields["company"],
            fields["title"],
            fields["source"],
            owner,
            stage,
            temperature,
            points,
            fields["value_cents"],
            fields["lost_reason"],
            fields["notes"],
            _iso(created),
            entered,
            entered,
            last_touch,
            1,
            0,  # temperature not pinned
            0,  # win chance: filled in when the model is trained
            due,
            fields.get("follow_up_at"),
            _lifecycle(stage, lost_from, has_contact=bool(fields["email"] or fields["phone"])),
            fields.get("fit") or Fit.UNKNOWN.value,
            None,  # no expected close day
            top,
            entered,
            last_to,
            last_from,
            reason,
        )
    )


def _lifecycle(stage: str, lost_from: str, *, has_contact: bool) -> str:
    """Where the stages the lead went through pushed its lifecycle."""
    reached = Stage(lost_from if stage == Stage.LOST.value else stage)
    return implied_lifecycle(Lifecycle.PROSPECT, reached, has_contact=has_contact).value


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
                fields["follow_up_at"] = _iso(anchor + float(row["follow_up_days"]) * DAY)
            created = anchor - float(row["created_days_ago"]) * DAY - 7200
            custom = {
                name: value for name, value in row.items() if name not in _SAMPLE_COLUMNS and value
            }
            _lead_rows(
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
    return _finish(path, build_database(path, [rows]), rules, _monthly_spend(budgets, now))


def _monthly_spend(budgets: dict[str, int], now: datetime) -> list[SpendEntry]:
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


def _finish(path: Path, written: int, rules: RuleSet, spend: list[SpendEntry]) -> int:
    """Record the rules that scored the new file and the marketing spend, and
    train the learned score when the data has enough closed leads for it."""
    repo = open_repository(path)
    repo.mark_rules_applied(rules)
    repo.record_spend(spend)
    repo.train_model()
    return written


# Columns of leads.csv that fill standard fields; any other becomes a custom field.
_SAMPLE_COLUMNS = {"ref", "value", "created_days_ago", "follow_up_days", *LEAD_COLUMNS}


# ------------------------------------------------------------ synthetic data

_FIRST = [
    "Ana",
    "Ben",
    "Chen",
    "Dara",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivan",
    "Jo",
    "Kai",
    "Lea",
    "Max",
    "Nia",
    "Omar",
    "Pia",
    "Quinn",
    "Rui",
    "Sara",
    "Tom",
    "Uma",
    "Vic",
    "Wen",
    "Xia",
    "Yara",
    "Zoe",
]
_LAST = [
    "Adams",
    "Brook",
    "Costa",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Moreau",
    "Novak",
    "Owens",
    "Patel",
    "Quist",
    "Rossi",
    "Singh",
    "Tran",
    "Ueda",
    "Vargas",
    "Weber",
    "Xu",
    "Young",
    "Zimmer",
]
_COMPANY = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Wonka",
    "Cyberdyne",
    "Soylent",
    "Tyrell",
    "Aperture",
    "Gringotts",
    "Monarch",
    "Oscorp",
    "Pied",
    "Dunder",
    "Prestige",
    "Nakatomi",
]
_SUFFIX = ("Ltd", "GmbH", "Inc", "SA", "Labs", "Group")
_TITLES = (
    "CEO",
    "Founder",
    "VP Sales",
    "Director of IT",
    "Head of Ops",
    "Marketing Manager",
    "Engineer",
    "Analyst",
    "Office Manager",
    "Consultant",
)
_OWNERS = ("anna", "ben", "carla", "dev")
_VALUES = tuple(units * 100 for units in (0, 500, 1500, 3000, 8000, 15000, 30000, 60000, 120000))
# Open stages of a year-old pipeline, as 60 slots to draw from; the other
# 40% of leads have closed, won or lost by the planted signal below.
_OPEN_SLOTS = tuple(
    stage.value
    for stage, weight in (
        (Stage.NEW, 20),
        (Stage.CONTACTED, 15),
        (Stage.ENGAGED, 12),
        (Stage.QUALIFIED, 8),
        (Stage.OPPORTUNITY, 5),
    )
    for _ in range(weight)
)
CLOSED_SHARE = 0.4
# The planted signal: each attribute adds to the log-odds of winning, so the
# learned score has something real to find (and `score evaluate` to measure).
_BASE_LOG_ODDS = -1.1
_SOURCE_LIFT = {
    "referral": 1.4,
    "partner": 1.0,
    "event": 0.5,
    "website": 0.2,
    "content": 0.1,
    "email": -0.2,
    "outbound": -0.4,
    "social": -0.5,
    "ads": -0.7,
    "other": -0.4,
}
_TITLE_LIFT = {
    "CEO": 0.7,
    "Founder": 0.7,
    "VP Sales": 0.5,
    "Director of IT": 0.4,
    "Head of Ops": 0.4,
    "Marketing Manager": 0.0,
    "Engineer": -0.6,
    "Analyst": -0.6,
    "Office Manager": -0.3,
    "Consultant": -0.3,
}
# (employees, lift): small companies rarely buy.
_EMPLOYEES = ((4, -0.8), (12, -0.4), (35, -0.1), (80, 0.3), (180, 0.4), (600, 0.5), (2500, 0.4))
_INBOUND_LIFT = 0.45
FOLLOW_UP_SHARE = 0.3
# What a lead costs from each source, for the demo's marketing spend: a
# referral almost nothing, an event or an ad a lot.
_COST_PER_LEAD = {
    "website": 150,
    "ads": 900,
    "content": 250,
    "email": 80,
    "event": 1500,
    "social": 400,
    "outbound": 500,
    "referral": 50,
    "partner": 300,
    "other": 0,
}
_OPEN = tuple(stage.value for stage in OPEN_STAGES)
_SOURCES = tuple(source.value for source in Source)
_LOST_REASONS = ("No budget", "Chose a competitor", "No response", "Bad timing", "Not a fit")
_TOUCH_KINDS = tuple(
    (kind.value, note)
    for kind, note in (
        (ActivityKind.EMAIL, "Follow-up email"),
        (ActivityKind.CALL, "Discovery call"),
        (ActivityKind.MEETING, "Demo meeting"),
        (ActivityKind.CONTENT, "Sent the case study"),
        (ActivityKind.SOCIAL, "LinkedIn message"),
        (ActivityKind.NOTE, "Internal note"),
    )
)
_TOUCH_COUNTS = (0, 1, 1, 2, 3)
_DIRECTIONS = ("inbound", "outbound")


BATCH_SIZE = 50_000


def synthetic_batch(index: int, count: int, seed: int, anchor: float, rules: RuleSet) -> RowBatch:
    """Leads index*BATCH_SIZE+1 onwards (at most BATCH_SIZE, ending at `count`).
    Each batch has its own seed, so batches can be made in any process and in
    any order and the data set is still the same for the same seed and anchor."""
    rnd = random.Random(f"{seed}:{index}").random

    def pick(pool: tuple[Any, ...] | list[Any]) -> Any:
        return pool[int(rnd() * len(pool))]

    rows = RowBatch()
    for lead_id in range(index * BATCH_SIZE + 1, min(count, (index + 1) * BATCH_SIZE) + 1):
        first, last, company = pick(_FIRST), pick(_LAST), pick(_COMPANY)
        created = anchor - rnd() * 365 * DAY
        title, source = pick(_TITLES), pick(_SOURCES)
        employees, size_lift = pick(_EMPLOYEES)
        touches: list[Touch] = []
        for _ in range(pick(_TOUCH_COUNTS)):
            kind, note = pick(_TOUCH_KINDS)
            touches.append((kind, pick(_DIRECTIONS), note, created + rnd() * (anchor - created)))
        if rnd() < CLOSED_SHARE:
            inbound = sum(touch[1] == "inbound" for touch in touches)
            log_odds = (
                _BASE_LOG_ODDS
                + _SOURCE_LIFT[source]
                + _TITLE_LIFT[title]
                + size_lift
                + _INBOUND_LIFT * inbound
            )
            stage = "won" if rnd() < 1 / (1 + math.exp(-log_odds)) else "lost"
        else:
            stage = pick(_OPEN_SLOTS)
        fields = {
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}{lead_id}@{company.lower()}.example",
            "phone": f"+1 555 {lead_id % 10_000_000:07d}" if rnd() < 0.6 else None,
            "company": f"{company} {pick(_SUFFIX)}",
            "title": title,
            "source": source,
            "owner": pick(_OWNERS),
            "stage": stage,
            "value_cents": pick(_VALUES),
            "lost_reason": pick(_LOST_REASONS) if stage == "lost" else None,
            "notes": "",
        }
        if stage in _OPEN and rnd() < FOLLOW_UP_SHARE:
            # From ten days overdue to two weeks ahead.
            fields["follow_up_at"] = _iso(anchor + (rnd() * 24 - 10) * DAY)
        custom = {"employees": str(employees)}
        _lead_rows(rows, lead_id, fields, created, anchor, pick(_OPEN), touches, custom, rules)
    return rows


def synthetic_batches(count: int, seed: int, now: datetime, rules: RuleSet) -> Iterator[RowBatch]:
    """All batches in order. Batches are generated in worker processes (one
    per core: measured 39 s for 1M leads with one, 26 s with two on 2 cores)
    while the caller inserts earlier ones; at most three are in flight, so
    memory stays bounded."""
    anchor = float(int(now.timestamp()))
    batches = range(-(-count // BATCH_SIZE))
    if len(batches) <= 1:
        yield from (synthetic_batch(index, count, seed, anchor, rules) for index in batches)
        return
    with ProcessPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        pending: deque[Future[RowBatch]] = deque()
        for index in batches:
            pending.append(pool.submit(synthetic_batch, index, count, seed, anchor, rules))
            if len(pending) > 2:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def build_synthetic_database(
    path: Path,
    count: int,
    seed: int,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    rules: RuleSet | None = None,
) -> int:
    rules = rules or load_rules().rules
    written = build_database(path, synthetic_batches(count, seed, now, rules), progress)
    # Leads arrive evenly over a year from ten sources: a month brings about
    # count / 120 from each.
    budgets = {
        source: round(cost * 100 * count / (12 * len(_SOURCES)))
        for source, cost in _COST_PER_LEAD.items()
    }
    return _finish(path, written, rules, _monthly_spend(budgets, now))
