"""Keeping stored scores true: both scores of a set of leads, recomputed in
the caller's transaction, and the settings that say what produced them."""

import math
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils

from leadtui.domain import scoring
from leadtui.domain.clock import from_iso, to_iso
from leadtui.domain.errors import UnreadableValue
from leadtui.domain.learned import OTHER, Model, percent
from leadtui.domain.pipeline import OPEN_STAGES
from leadtui.domain.results import Rated
from leadtui.domain.scoring_rules import RuleSet
from leadtui.repository.engine import POSTGRES, Dialect, dialect_of
from leadtui.repository.features import feature_sql, lead_features, sql_literal, without_jit
from leadtui.repository.money_settings import team_money_of

MODEL_KEY = "learned_model"
RULES_KEY = "rules_version"
OPEN_STAGE_VALUES = frozenset(stage.value for stage in OPEN_STAGES)
OPEN_STAGE_SQL = ", ".join(f"'{stage}'" for stage in sorted(OPEN_STAGE_VALUES))

_TEXT_FIELDS = ("name", "email", "phone", "company", "title", "source", "owner")
_SCORE_INPUT_SELECT = (
    "SELECT id, name, email, phone, company, title, source, owner, value_cents,"
    " created_at, last_touch_at, stage, currency FROM leads"
)


def read_setting(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return str(row[0]) if row else None


def write_setting(db: sqlite_utils.Database, key: str, value: str | None) -> None:
    if value is None:
        db.execute("DELETE FROM settings WHERE key = ?", [key])
    else:
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )


def read_model(db: sqlite_utils.Database) -> Model | None:
    text = read_setting(db, MODEL_KEY)
    return Model.from_json(text) if text else None


def rate(
    db: sqlite_utils.Database,
    lead_ids: Sequence[int],
    rules: RuleSet,
    model: Model | None,
    now: datetime,
    *,
    explain: bool = True,
    past: bool = False,
) -> dict[int, Rated]:
    """Both scores for each lead, read in a handful of queries for the whole set
    (with the learned factors only when `explain`: they are for display).
    With `past`, `now` is a moment gone by (a close): touches logged since
    are left out, as its last touch."""
    if not lead_ids:
        return {}
    marks = ", ".join("?" * len(lead_ids))
    ids = list(lead_ids)
    custom: dict[int, dict[str, str]] = defaultdict(dict)
    for lead_id, name, value in db.execute(
        f"SELECT lead_id, name, value FROM custom_fields WHERE lead_id IN ({marks})", ids
    ):
        custom[lead_id][name] = value
    touches: dict[int, list[scoring.Touch]] = defaultdict(list)
    if rules.window_days:
        since = to_iso(now - timedelta(days=rules.window_days))
        for lead_id, kind, direction, at in db.execute(
            f"SELECT lead_id, kind, direction, at FROM activities"
            f" WHERE lead_id IN ({marks}) AND at > ?",
            [*ids, since],
        ):
            with suppress(UnreadableValue):  # db check names it; the rest still count
                touches[lead_id].append(scoring.Touch(kind, direction, from_iso(at)))
    features = lead_features(db, model.specs, ids) if model else {}
    rated: dict[int, Rated] = {}
    rows = db.execute(f"{_SCORE_INPUT_SELECT} WHERE id IN ({marks})", ids).fetchall()
    touched_before = _last_touches_before(db, rows, now) if past else {}
    money = team_money_of(db)
    for row in rows:
        lead_id, is_open = row[0], row[11] in OPEN_STAGE_VALUES
        value, unpriced = scoring.lead_value(row[8], row[12], money)
        fields = dict(zip(_TEXT_FIELDS, row[1:8], strict=True)) | {"value": value}
        try:
            created_at = from_iso(row[9])
            last_touch_at = from_iso(row[10]) if row[10] else None
        except UnreadableValue:
            continue  # left as it was, not the whole batch: db check names it
        if past and last_touch_at is not None and last_touch_at > now:
            last_touch_at = touched_before.get(lead_id)
        rule_score = scoring.score(
            scoring.ScoreInput(
                fields=fields,
                created_at=created_at,
                last_touch_at=last_touch_at,
                custom=custom.get(lead_id, {}),
                touches=tuple(touches.get(lead_id, ())),
                unpriced=unpriced,
            ),
            rules,
            now,
        )
        values = features.get(lead_id)
        if model is not None and values is not None:
            factors = tuple(model.factors(values)) if explain else ()
            rated[lead_id] = Rated(rule_score, model.probability(values), factors, is_open)
        else:
            rated[lead_id] = Rated(rule_score, None, (), is_open)
    return rated


def _last_touches_before(
    db: sqlite_utils.Database, rows: list[tuple[Any, ...]], now: datetime
) -> dict[int, datetime]:
    """The last logged touch up to `now` of the leads touched after it: a
    closed lead scored as of its close (score show's reasons) was quiet
    since then, not since a touch logged on it later."""
    later = []
    for row in rows:
        with suppress(UnreadableValue):
            if row[10] and from_iso(row[10]) > now:
                later.append(row[0])
    if not later:
        return {}
    marks = ", ".join("?" * len(later))
    found: dict[int, datetime] = {}
    for lead_id, at in db.execute(
        f"SELECT lead_id, max(at) FROM activities WHERE lead_id IN ({marks}) AND at <= ?"
        " GROUP BY lead_id",
        [*later, to_iso(now)],
    ):
        with suppress(UnreadableValue):
            found[lead_id] = from_iso(at)
    return found


def rescore(
    db: sqlite_utils.Database,
    lead_ids: Sequence[int],
    rules: RuleSet,
    model: Model | None,
    now: datetime,
    *,
    chance: bool = True,
) -> None:
    """Store both scores of these leads. Closed leads keep no due time: their
    score stays what it was when they closed, which is what the calibration
    table compares outcomes against. A pinned temperature is left alone.
    Without `chance` the stored win chance is kept (a rules change does not
    touch the learned score), which saves the feature queries."""
    rated = rate(db, lead_ids, rules, model if chance else None, now, explain=False)
    updates = [
        (
            r.rule.points,
            r.rule.temperature.value,
            *((percent(r.chance) if r.chance is not None else 0,) if chance else ()),
            to_iso(r.rule.next_change) if r.rule.next_change and r.is_open else None,
            lead_id,
        )
        for lead_id, r in rated.items()
    ]
    if not updates:
        return
    if dialect_of(db) is POSTGRES:
        _store_at_once(db, updates, chance=chance)
        return
    db.conn.executemany(
        "UPDATE leads SET score = ?,"
        " temperature = CASE WHEN temperature_pinned != 0 THEN temperature ELSE ? END,"
        f"{' win_chance = ?,' if chance else ''} score_due_at = ? WHERE id = ?",
        updates,
    )


def _store_at_once(
    db: sqlite_utils.Database, updates: list[tuple[Any, ...]], *, chance: bool
) -> None:
    """rescore's rows on PostgreSQL in one UPDATE from arrays, one per
    column: a statement per lead, each a round of the server's executor and
    of the owner moves' statement trigger, wrote a chunk of 5,000 in a
    median 0.66 s, this in 0.33 s (bench/README.md, "Reassigning many
    leads"). SQLite's statements run in-process and stay one a lead."""
    columns = [list(column) for column in zip(*updates, strict=True)]
    types = ["int", "text", *(("int",) if chance else ()), "timestamptz", "bigint"]
    names = ["score", "temperature", *(("chance",) if chance else ()), "due", "id"]
    arrays = ", ".join(f"?::{kind}[]" for kind in types)
    db.execute(
        "UPDATE leads SET score = s.score,"
        " temperature = CASE WHEN leads.temperature_pinned != 0 THEN leads.temperature"
        " ELSE s.temperature END,"
        f"{' win_chance = s.chance,' if chance else ''} score_due_at = s.due"
        f" FROM unnest({arrays}) AS s ({', '.join(names)}) WHERE leads.id = s.id",
        columns,
    )


def _log_odds_sql(model: Model, dialect: Dialect) -> str:
    """The model's log-odds for lead `l` as one SQL expression, summed in the
    same order as Model.log_odds so both give the same float: a value not
    learned takes the pooled rare values' weight, or none."""
    terms = [dialect.double(model.intercept)]
    for spec in model.specs:
        levels = model.weights.get(spec.name)
        if levels:
            cases = " ".join(
                f"WHEN {sql_literal(v)} THEN {dialect.double(w)}" for v, w in levels.items()
            )
            other = dialect.double(model.weight(spec.name, OTHER))
            terms.append(f"(CASE {feature_sql(spec, dialect)} {cases} ELSE {other} END)")
    return " + ".join(terms)


def not_closed_before(
    db: sqlite_utils.Database, lead_ids: Sequence[int], now: datetime
) -> list[int]:
    """Those of `lead_ids` still to be scored at `now`: open, or closing
    now (the move being written entered its stage at `now`). A lead closed
    earlier keeps the scores it closed with, as the calibration table
    compares them with the outcome: a touch logged on a won customer, an
    edit, a merge or a reassignment no longer rescores it."""
    if not lead_ids:
        return []
    marks = ", ".join("?" * len(lead_ids))
    closed_before = {
        row[0]
        for row in db.execute(
            f"SELECT id FROM leads WHERE id IN ({marks})"
            f" AND stage NOT IN ({OPEN_STAGE_SQL}) AND stage_entered_at < ?",
            [*lead_ids, to_iso(now)],
        )
    }
    return [lead_id for lead_id in lead_ids if lead_id not in closed_before]


def update_chances(
    db: sqlite_utils.Database,
    model: Model | None,
    after: int,
    upto: int,
    *,
    closed_too: bool = False,
) -> int:
    """Store the win chance of the open leads with after < id <= upto, computed
    inside SQLite: after training, a million leads need it at once, and
    doing it row by row in Python was measured at ten times the cost.

    A closed lead keeps the chance it closed with, so training leaves it;
    `closed_too` gives one to leads that closed without leadtui scoring
    them (an import's won and lost rows, a demo's history), whose features
    are what they were at their close: touches come before it."""
    _ensure_exp(db)
    dialect = dialect_of(db)
    if model is None:
        chance = "0"
    else:
        # exp of at most -700: PostgreSQL refuses an exp that underflows
        # (beyond about -745) where SQLite gives 0; either way the chance is
        # 0 or 100 there, as in Python.
        small, large = dialect.greatest("-x", "-700"), dialect.greatest("x", "-700")
        chance = dialect.whole(
            f"CASE WHEN x >= 0 THEN 1.0 / (1.0 + exp({small}))"
            f" ELSE exp({large}) / (1.0 + exp({large})) END * 100 + 0.5"
        )
    # MATERIALIZED: each lead's log-odds (its features' subqueries) computed
    # once. Inlined, as PostgreSQL would, x was computed for each of its
    # uses in the chance, and the chance for the comparison and the SET:
    # about six times a lead.
    odds = _log_odds_sql(model, dialect) if model else "0"
    stages = "" if closed_too else f" AND l.stage IN ({OPEN_STAGE_SQL})"
    with without_jit(db):
        cursor = db.execute(
            f"WITH odds AS MATERIALIZED (SELECT l.id AS id, {odds} AS x FROM leads l"
            f" WHERE l.id > ? AND l.id <= ?{stages}),"
            f" scored AS MATERIALIZED (SELECT id, {chance} AS chance FROM odds)"
            " UPDATE leads SET win_chance = scored.chance FROM scored"
            " WHERE leads.id = scored.id AND leads.win_chance != scored.chance",
            [after, upto],
        )
        changed = int(cursor.rowcount)
        if changed < 0:  # Python's sqlite3 counts no rows of a statement that starts WITH
            changed = int(db.execute("SELECT changes()").fetchone()[0])
    return changed


def _ensure_exp(db: sqlite_utils.Database) -> None:
    """SQLite builds without the math functions get Python's exp instead."""
    try:
        db.execute("SELECT exp(0)").fetchone()
    except sqlite3.OperationalError:
        db.conn.create_function("exp", 1, math.exp, deterministic=True)
