"""The learned score's inputs, as SQL: one expression per feature, giving each
lead's value of it as text (numbers already binned).

One definition serves training (SELECT it for every closed lead),
scoring (SELECT it for a page of leads) and explaining (SELECT it for one
lead), so the three can never disagree about what a lead's "touches" are.
"""

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import pairwise

import sqlite_utils

from leadtui.domain.currency import DEFAULT_CURRENCY
from leadtui.domain.errors import InvalidInput
from leadtui.domain.learned import CUSTOM, FeatureSpec, LearnableField
from leadtui.domain.logistic import Patterns
from leadtui.repository.engine import POSTGRES, SQLITE, Dialect, dialect_of
from leadtui.repository.money_settings import CURRENCY_KEY, RATE_PREFIX
from leadtui.repository.schema import LEAD_COLUMNS


def _count_bins(count_sql: str) -> str:
    return (
        f"(SELECT CASE WHEN n = 0 THEN '0' WHEN n = 1 THEN '1' WHEN n = 2 THEN '2'"
        f" WHEN n <= 5 THEN '3-5' ELSE '6+' END FROM ({count_sql}) AS counted)"
    )


def _touch_count(condition: str = "") -> str:
    where = f" AND {condition}" if condition else ""
    return _count_bins(f"SELECT count(*) AS n FROM activities a WHERE a.lead_id = l.id{where}")


_EXEC = ("ceo", "cto", "cfo", "coo", "chief", "founder", "owner", "president")
_SENIOR = ("vp", "director", "head")


def _any_word(words: Sequence[str]) -> str:
    return " OR ".join(f"' ' || lower(l.title) || ' ' LIKE '% {word} %'" for word in words)


def _value_bins(cents: str) -> str:
    """The value's levels, of an amount in hundredths of the team's currency."""
    return (
        f"CASE WHEN {cents} < 100000 THEN 'under 1k' WHEN {cents} < 1000000 THEN '1k-10k'"
        f" WHEN {cents} < 5000000 THEN '10k-50k' ELSE '50k+' END"
    )


STANDARD_FEATURES: dict[str, str] = {
    "source": "l.source",
    "owner": "coalesce(nullif(l.owner, ''), '(none)')",
    "title level": (
        "CASE WHEN l.title IS NULL THEN '(none)'"
        f" WHEN {_any_word(_EXEC)} THEN 'executive'"
        f" WHEN {_any_word(_SENIOR)} THEN 'director or VP'"
        f" WHEN {_any_word(('manager', 'lead'))} THEN 'manager'"
        " ELSE 'other' END"
    ),
    # In the team's currency: a lead in another is converted at the team's
    # rate (its settings row, a key lookup, read only for such a lead), and
    # one whose currency has no rate is its own level, not its raw number
    # (¥100,000 is about $670, never "50k+").
    "deal value": (
        "CASE WHEN l.value_cents = 0 THEN 'none' WHEN l.currency IS NULL OR l.currency ="
        f" coalesce((SELECT value FROM settings WHERE key = '{CURRENCY_KEY}'),"
        f" '{DEFAULT_CURRENCY}')"
        f" THEN {_value_bins('l.value_cents')} ELSE coalesce((SELECT"
        f" {_value_bins('l.value_cents * CAST(r.value AS REAL)')} FROM settings r"
        f" WHERE r.key = '{RATE_PREFIX}' || l.currency), 'no rate') END"
    ),
    "email given": "CASE WHEN l.email IS NULL THEN 'no' ELSE 'yes' END",
    "phone given": "CASE WHEN l.phone IS NULL THEN 'no' ELSE 'yes' END",
    "touches": _touch_count(),
    "inbound touches": _touch_count("a.direction = 'inbound'"),
    "meetings": _touch_count("a.kind = 'meeting'"),
    "last touch": (
        "coalesce((SELECT a.kind || coalesce(' ' || a.direction, '') FROM activities a"
        " WHERE a.lead_id = l.id ORDER BY a.at DESC, a.id DESC LIMIT 1), '(none)')"
    ),
}

# Custom fields that identify a lead or hold free text predict nothing.
_ID_LIKE = re.compile(
    r"\b(id|ids|key|uuid|email|e-mail|phone|mobile|fax|name|number|address|url|website"
    r"|notes?|description|comments?)\b",
    re.IGNORECASE,
)
# A categorical field with more distinct values than this is free text
# (its rare values would be pooled anyway, but they would be all of it).
MAX_CATEGORIES = 50
# Left out by default: a custom field filled for fewer leads than this
# (both: at least MIN_FILLED leads and MIN_FILLED_SHARE of them).
MIN_FILLED = 20
MIN_FILLED_SHARE = 0.05
# Numeric custom fields are binned at quantiles of the training leads'
# values: at most this many bins, each of at least MIN_PER_BIN leads.
QUANTILE_BINS = 10
MIN_PER_BIN = 30


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def custom_value_sql(name: str) -> str:
    return (
        "(SELECT c.value FROM custom_fields c"
        f" WHERE c.lead_id = l.id AND c.name = {sql_literal(name)})"
    )


def _number(value: float, digits: int) -> str:
    """A cut point as a rep reads it: 10, 2.5, 0.333, 1,250."""
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.{max(0, digits - 4)}f}"
    return f"{value:.{digits}g}"


def bin_labels(cuts: Sequence[float]) -> list[str]:
    """The label of each bin between cut points, [c0, c1) and so on, with
    as few digits as keep the cut points apart."""
    if not cuts:
        return []
    digits = 3
    while digits < 17 and len({_number(cut, digits) for cut in cuts}) < len(cuts):
        digits += 1
    shown = [_number(cut, digits) for cut in cuts]
    labels = [f"under {shown[0]}"]
    labels += [f"{low} to <{high}" for low, high in pairwise(shown)]
    return [*labels, f"{shown[-1]} or more"]


def feature_sql(spec: FeatureSpec, dialect: Dialect = SQLITE) -> str:
    if spec.kind == "standard":
        return STANDARD_FEATURES[spec.name]
    value = custom_value_sql(spec.name)
    if spec.kind == "custom_category":
        return f"coalesce(lower(trim({value})), '(none)')"
    # The value read once, as a joined row's column: a `(SELECT {number}
    # AS v)` is flattened by PostgreSQL, which then looked the field up
    # again for each bin's WHEN (and three times within real()): some 13
    # lookups a lead, most of the win-chance UPDATE's time.
    number = (
        f"(SELECT {dialect.real('c.value')} AS v FROM (SELECT 1 AS one) AS o"
        f" LEFT JOIN custom_fields c ON c.lead_id = l.id AND c.name = {sql_literal(spec.name)})"
    )
    if spec.cuts:
        labels = bin_labels(spec.cuts)
        cases = " ".join(
            f"WHEN v < {cut!r} THEN {sql_literal(label)}"
            for cut, label in zip(spec.cuts, labels, strict=False)
        )
        return (
            f"(SELECT CASE WHEN v IS NULL THEN '(none)' {cases} ELSE {sql_literal(labels[-1])}"
            f" END FROM {number} AS n)"
        )
    # A model stored before bins were learned from the data keeps its fixed ones.
    return (
        f"(SELECT CASE WHEN v IS NULL THEN '(none)' WHEN v < 10 THEN 'under 10'"
        f" WHEN v < 50 THEN '10-49' WHEN v < 250 THEN '50-249' WHEN v < 1000 THEN '250-999'"
        f" ELSE '1000+' END FROM {number} AS n)"
    )


def quantile_cuts(
    histogram: Sequence[tuple[float, int]], bins: int = QUANTILE_BINS
) -> tuple[float, ...]:
    """Cut points splitting the values (sorted, with their counts) into up
    to `bins` groups of about equal size; a value never straddles two."""
    total = sum(count for _, count in histogram)
    bins = min(bins, total // MIN_PER_BIN)
    cuts: list[float] = []
    seen = 0
    for value, count in histogram:
        if seen and len(cuts) < bins - 1 and seen >= (len(cuts) + 1) * total / bins:
            cuts.append(float(value))
        seen += count
    return tuple(cuts)


def _field_usage(db: sqlite_utils.Database) -> list[tuple[str, int, int, int]]:
    """(name, distinct values, filled, numeric values) per custom field."""
    return [
        (str(name), int(distinct), int(total), int(numeric or 0))
        for name, distinct, total, numeric in db.execute(
            "SELECT name, count(DISTINCT lower(trim(value))), count(*),"
            f" count(*) FILTER (WHERE {dialect_of(db).looks_numeric('trim(value)')})"
            " FROM custom_fields GROUP BY name ORDER BY name"
        ).fetchall()
    ]


def choose_features(
    db: sqlite_utils.Database, exclude: str | None = None, fields: Sequence[str] | None = None
) -> tuple[FeatureSpec, ...]:
    """The team's choice of `fields` (standard feature names and
    "custom:NAME"), or by default every standard feature plus each custom
    field filled for enough leads that is numeric (binned) or has few
    distinct values; id-like and free-text fields are left out."""
    usage = {
        name: (distinct, total, numeric) for name, distinct, total, numeric in _field_usage(db)
    }
    if fields is not None:
        return tuple(_chosen(field, usage) for field in fields if field != exclude)
    leads = int(db.execute("SELECT count(*) FROM leads").fetchone()[0])
    specs = [FeatureSpec(name) for name in STANDARD_FEATURES]
    for name, (distinct, total, numeric) in usage.items():
        spec, _ = _by_default(name, distinct, total, numeric, leads)
        if spec is not None and name != exclude:
            specs.append(spec)
    return tuple(specs)


def _by_default(
    name: str, distinct: int, total: int, numeric: int, leads: int
) -> tuple[FeatureSpec | None, str]:
    """A custom field as the model learns from it by default, or None and why not."""
    if total < max(MIN_FILLED, leads * MIN_FILLED_SHARE):
        return None, "too few filled"
    if _ID_LIKE.search(name):
        return None, "an id, contact or free text"
    if numeric == total:
        return FeatureSpec(name, "custom_numeric"), ""
    if distinct <= min(MAX_CATEGORIES, total / 2):
        return FeatureSpec(name, "custom_category"), ""
    return None, "mostly distinct values"


# When a standard feature counts as filled, for its fill rate: the touch
# counts always have a value, but say nothing until a lead has a touch.
_FILLED_SQL = {
    "source": "l.source IS NOT NULL",
    "owner": "coalesce(l.owner, '') != ''",
    "title level": "l.title IS NOT NULL",
    "deal value": "l.value_cents != 0",
    "email given": "l.email IS NOT NULL",
    "phone given": "l.phone IS NOT NULL",
    "touches": "l.last_touch_at IS NOT NULL",
    "inbound touches": "l.last_touch_at IS NOT NULL",
    "meetings": "l.last_touch_at IS NOT NULL",
    "last touch": "l.last_touch_at IS NOT NULL",
}


def learnable_fields(db: sqlite_utils.Database) -> list[LearnableField]:
    """Every standard feature and custom field, with how many leads have a
    value in it and whether the model learns from it by default."""
    counts = ", ".join(f"count(*) FILTER (WHERE {_FILLED_SQL[name]})" for name in STANDARD_FEATURES)
    leads, *filled = db.execute(f"SELECT count(*), {counts} FROM leads l").fetchone()
    found = [
        LearnableField(name, name, int(count), int(leads), default=True)
        for name, count in zip(STANDARD_FEATURES, filled, strict=True)
    ]
    for name, distinct, total, numeric in _field_usage(db):
        spec, why = _by_default(name, distinct, total, numeric, int(leads))
        label = FeatureSpec(name, "custom_category").label
        found.append(
            LearnableField(f"{CUSTOM}{name}", label, total, int(leads), spec is not None, why)
        )
    return found


def _chosen(field: str, usage: dict[str, tuple[int, int, int]]) -> FeatureSpec:
    if field in STANDARD_FEATURES:
        return FeatureSpec(field)
    name = field.removeprefix(CUSTOM)
    if field.startswith(CUSTOM) and name in usage:
        _, total, numeric = usage[name]
        return FeatureSpec(name, "custom_numeric" if numeric == total else "custom_category")
    known = ", ".join([*STANDARD_FEATURES, *(f"{CUSTOM}{name}" for name in usage)])
    hint = f" (a custom field is named {CUSTOM}{field})" if field in usage else ""
    raise InvalidInput(f"no field {field!r} to learn from{hint}; known: {known}")


def parse_fields(text: str) -> tuple[str, ...] | None:
    """--fields "source,owner,custom:Industry" -> the names; "all" -> None."""
    names = tuple(part.strip() for part in text.split(",") if part.strip())
    if names == ("all",):
        return None
    if not names:
        raise InvalidInput("--fields needs field names, e.g. source,owner,custom:Industry (or all)")
    return names


@dataclass(frozen=True)
class Population:
    """Which leads to learn from and what counts as a win: by default the closed
    leads, won = 1; or every lead whose `label_field` holds a yes/no outcome."""

    label_field: str | None = None
    test_fraction: float = 0.0
    seed: int = 0
    folds: int = 0  # for cross-validation: each lead's fold, by another hash

    def label_sql(self, db: sqlite_utils.Database) -> str:
        if self.label_field is None:
            return "CASE l.stage WHEN 'won' THEN 1 WHEN 'lost' THEN 0 END"
        if self.label_field in LEAD_COLUMNS:
            value = f'l."{self.label_field}"'
        elif db.execute(
            "SELECT 1 FROM custom_fields WHERE name = ? LIMIT 1", [self.label_field]
        ).fetchone():
            value = custom_value_sql(self.label_field)
        else:
            raise InvalidInput(f"no lead field or custom field is named {self.label_field!r}")
        text = f"lower(trim(CAST({value} AS TEXT)))"
        return (
            f"CASE WHEN {text} IN ('1', 'yes', 'y', 'true', 'won', 'converted') THEN 1"
            f" WHEN {text} IN ('0', 'no', 'n', 'false', 'lost') THEN 0 END"
        )

    def split_sql(self) -> str:
        """1 for the held-out test part: a hash of id and seed, so the split is
        the same on every run with the same seed, and unrelated to lead order."""
        permille = round(self.test_fraction * 1000)
        return f"((l.id * 2654435761 + {int(self.seed)} * 40503) % 1000003) % 1000 < {permille}"

    def fold_sql(self) -> str:
        """The lead's cross-validation fold, 0 to folds - 1 (0 without folds)."""
        if self.folds < 2:
            return "0"
        return f"((l.id * 2246822519 + {int(self.seed)} * 3266489917) % 999983) % {self.folds}"


def _select(specs: Sequence[FeatureSpec], dialect: Dialect) -> str:
    return ", ".join(feature_sql(spec, dialect) for spec in specs)


def learn_cuts(
    db: sqlite_utils.Database, specs: Sequence[FeatureSpec], population: Population
) -> tuple[FeatureSpec, ...]:
    """Each numeric custom field with the cut points of its quantile bins,
    learned from the values of the leads it trains on (not their outcomes)."""
    learned = []
    for spec in specs:
        if spec.kind == "custom_numeric":
            histogram = db.execute(
                f"SELECT v, count(*) FROM (SELECT {dialect_of(db).real('c.value')} AS v"
                " FROM custom_fields c JOIN leads l ON l.id = c.lead_id WHERE c.name = ?"
                f" AND ({population.label_sql(db)}) IS NOT NULL AND NOT ({population.split_sql()}))"
                " AS used GROUP BY v ORDER BY v",
                [spec.name],
            ).fetchall()
            spec = replace(spec, cuts=quantile_cuts(histogram))
        learned.append(spec)
    return tuple(learned)


@dataclass(frozen=True)
class Learning:
    """What the model learns from and is measured on, as patterns
    ({feature values: (won, total)}): every distinct combination once,
    which is all a logistic regression over them needs to know."""

    training: Patterns  # the leads not held out
    held_out: Patterns  # the held-out test part
    folds: tuple[Patterns, ...]  # each cross-validation fold (all leads); () without folds


def learning_sql(
    db: sqlite_utils.Database, specs: Sequence[FeatureSpec], population: Population,
    *, ids: bool = False,
) -> str:  # fmt: skip
    """One row per lead with an outcome: ([id,] won, test, fold, f0, f1, ...),
    each feature computed once by its one SQL definition."""
    select = "".join(f", {feature_sql(spec, dialect_of(db))}" for spec in specs)
    return (
        f"SELECT * FROM (SELECT {'l.id, ' if ids else ''}{population.label_sql(db)} AS won,"
        f" {population.split_sql()} AS test, {population.fold_sql()} AS fold{select}"
        " FROM leads l) AS labelled WHERE won IS NOT NULL"
    )


@contextmanager
def without_jit(db: sqlite_utils.Database) -> Iterator[None]:
    """PostgreSQL's JIT off around a statement over every lead's features.
    Their correlated subqueries are costed far above jit_above_cost, and
    compiling the statement's hundreds of expressions with LLVM then took
    longer than running them: 10 s against 10 ms for the win chances of
    2,000 leads, 0.65 s of the 0.86 s of the training read of 20,000
    (EXPLAIN ANALYZE)."""
    if dialect_of(db) is not POSTGRES:
        yield
        return
    db.execute("SET jit = off")
    yield
    # Not in a `finally`: after a failed statement in a transaction, the
    # RESET would fail too and hide the error (and the rollback undoes the
    # SET anyway). A failed read outside one leaves JIT off on that pooled
    # connection: harmless, its statements are merely never compiled.
    db.execute("RESET jit")  # the connection goes back to the pool


def read_learning(
    db: sqlite_utils.Database, specs: Sequence[FeatureSpec], population: Population
) -> Learning:
    """Every labelled lead's features in one query, counted by combination
    in Python as they arrive: cheaper than a temp table and a GROUP BY over
    every column (SQLite sorts the rows for that), and one pass serves the
    training part, the held-out part and every fold."""
    with without_jit(db):
        combinations = Counter(db.execute(learning_sql(db, specs, population)))
    training: dict[tuple[str, ...], tuple[int, int]] = {}
    held_out: dict[tuple[str, ...], tuple[int, int]] = {}
    folds: list[dict[tuple[str, ...], tuple[int, int]]] = [
        {} for _ in range(population.folds if population.folds >= 2 else 0)
    ]
    for row, count in combinations.items():
        # Every feature's SQL gives text (a NOT NULL text column, a CASE of
        # literals or a coalesce), so the row's tail is the key as it is.
        key, won = row[3:], row[0]
        parts = [held_out if row[1] else training]
        if folds:
            parts.append(folds[row[2]])
        for part in parts:
            won_before, total_before = part.get(key, (0, 0))
            part[key] = (won_before + count * won, total_before + count)
    return Learning(training, held_out, tuple(folds))


def lead_features(
    db: sqlite_utils.Database, specs: Sequence[FeatureSpec], lead_ids: Sequence[int]
) -> dict[int, dict[str, str]]:
    """{lead id: {feature: value}} for a page of leads."""
    if not specs or not lead_ids:
        return {}
    marks = ", ".join("?" * len(lead_ids))
    rows = db.execute(
        f"SELECT l.id, {_select(specs, dialect_of(db))} FROM leads l WHERE l.id IN ({marks})",
        list(lead_ids),
    ).fetchall()
    names = [spec.name for spec in specs]
    return {row[0]: dict(zip(names, (str(v) for v in row[1:]), strict=True)) for row in rows}
