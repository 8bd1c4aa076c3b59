"""Synthetic leads by the million, reproducible from a seed, for benchmarks."""

import math
import os
import random
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from leadtui.demo.leftovers import building, exit_with_parent
from leadtui.demo.rows import (
    DAY,
    OPEN_STAGE_VALUES,
    Touch,
    add_lead_rows,
    closing_time,
    iso_time,
)
from leadtui.demo.sample import finish_database, monthly_spend
from leadtui.domain.models import ActivityKind, Source, Stage
from leadtui.domain.scoring_rules import RuleSet, load_rules
from leadtui.repository import RowBatch, build_database

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
# A share of the leads are named in the world's scripts, as a real team's
# are: every screen, search and benchmark then meets wide (CJK, Hangul),
# right-to-left (Arabic, Hebrew) and combining (Devanagari, Thai) text, not
# ASCII alone. Their emails stay ASCII (lead{id}@...), as most addresses are.
WORLD_SHARE = 0.25
_WORLD_NAMES = (
    "Иван Петров", "Ольга Смирнова", "王芳", "李伟", "محمد العلي", "فاطمة الزهراء",
    "Γιώργος Παπαδόπουλος", "Ελένη Νικολάου", "שרה כהן", "דוד לוי", "佐藤 美咲",
    "田中 太郎", "김민준", "이서연", "สมชาย ใจดี", "राहुल शर्मा", "प्रिया पटेल",
    "Nguyễn Thị Hương", "Trần Văn Nam", "Siobhán O'Brien-Smith", "Zoë Ångström",
    "Łukasz Wiśniewski", "Ștefan Popescu", "Çağla Yılmaz", "Ásgeir Þórsson",
    "Chloé Dubois", "Lucía Fernández", "Jürgen Groß", "Ngozi Adébáyọ̀", "Արամ Պետրոսյան",
    "გიორგი ბერიძე", "Ayşe Kaya", "Thảo Lê", "Ana María de la Cruz",
)  # fmt: skip
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
        # Each touch's place between creation and the lead's last day, which
        # is its close for a closed lead (known once its stage is drawn).
        placed: list[tuple[str, str, str, float]] = []
        for _ in range(pick(_TOUCH_COUNTS)):
            kind, note = pick(_TOUCH_KINDS)
            placed.append((kind, pick(_DIRECTIONS), note, rnd()))
        if rnd() < CLOSED_SHARE:
            inbound = sum(touch[1] == "inbound" for touch in placed)
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
        if rnd() < WORLD_SHARE:
            name, mailbox = pick(_WORLD_NAMES), f"lead{lead_id}"
        else:
            name, mailbox = f"{first} {last}", f"{first.lower()}.{last.lower()}{lead_id}"
        fields = {
            "name": name,
            "email": f"{mailbox}@{company.lower()}.example",
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
        if stage in OPEN_STAGE_VALUES and rnd() < FOLLOW_UP_SHARE:
            # From ten days overdue to two weeks ahead.
            fields["follow_up_at"] = iso_time(anchor + (rnd() * 24 - 10) * DAY)
        custom = {"employees": str(employees)}
        lost_from = pick(OPEN_STAGE_VALUES)
        # A closed lead was touched before it closed, never after: its score
        # froze at the close with every touch it had (rows.add_lead_rows).
        span = closing_time(stage, lost_from, created, anchor) - created
        touches: list[Touch] = [
            (kind, direction, note, created + share * span)
            for kind, direction, note, share in placed
        ]
        add_lead_rows(rows, lead_id, fields, created, anchor, lost_from, touches, custom, rules)
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
    workers = max(1, os.cpu_count() or 1)
    with ProcessPoolExecutor(
        workers, initializer=exit_with_parent, initargs=(os.getpid(),)
    ) as pool:
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
    on_removed: Callable[[Path], None] | None = None,
) -> int:
    """`on_removed` hears of each file a killed earlier build left (removed)."""
    rules = rules or load_rules().rules
    with building(path, on_removed):
        written = build_database(path, synthetic_batches(count, seed, now, rules), progress)
    # Leads arrive evenly over a year from ten sources: a month brings about
    # count / 120 from each.
    budgets = {
        source: round(cost * 100 * count / (12 * len(_SOURCES)))
        for source, cost in _COST_PER_LEAD.items()
    }
    return finish_database(path, written, rules, monthly_spend(budgets, now))
