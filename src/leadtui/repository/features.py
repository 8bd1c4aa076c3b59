"""The learned score's inputs, as SQL: one expression per feature, giving each
lead's value of it as text (numbers already binned).

One definition serves training (GROUP BY the expression over closed leads),
scoring (SELECT it for a page of leads) and explaining (SELECT it for one
lead), so the three can never disagree about what a lead's "touches" are.
"""

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import sqlite_utils

from leadtui.domain.errors import InvalidInput
from leadtui.domain.learned import Counts, FeatureSpec
from leadtui.repository.schema import LEAD_COLUMNS


def _count_bins(count_sql: str) -> str:
    return (
        f"(SELECT CASE WHEN n = 0 THEN '0' WHEN n = 1 THEN '1' WHEN n = 2 THEN '2'"
        f" WHEN n <= 5 THEN '3-5' ELSE '6+' END FROM ({count_sql}))"
    )


def _touch_count(condition: str = "") -> str:
    where = f" AND {condition}" if condition else ""
    return _count_bins(f"SELECT count(*) AS n FROM activities a WHERE a.lead_id = l.id{where}")


_EXEC = ("ceo", "cto", "cfo", "coo", "chief", "founder", "owner", "president")
_SENIOR = ("vp", "director", "head")


def _any_word(words: Sequence[str]) -> str:
    return " OR ".join(f"' ' || lower(l.title) || ' ' LIKE '% {word} %'" for word in words)


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
    "deal value": (
        "CASE WHEN l.value_cents = 0 THEN 'none' WHEN l.value_cents < 100000 THEN 'under 1k'"
        " WHEN l.value_cents < 1000000 THEN '1k-10k' WHEN l.value_cents < 5000000"
        " THEN '10k-50k' ELSE '50k+' END"
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
# A categorical field with more distinct values than this is free text.
MAX_CATEGORIES = 30


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def custom_value_sql(name: str) -> str:
    return (
        "(SELECT c.value FROM custom_fields c"
        f" WHERE c.lead_id = l.id AND c.name = {sql_literal(name)})"
    )


def feature_sql(spec: FeatureSpec) -> str:
    if spec.kind == "standard":
        return STANDARD_FEATURES[spec.name]
    value = custom_value_sql(spec.name)
    if spec.kind == "custom_category":
        return f"coalesce(lower(trim({value})), '(none)')"
    return (
        f"(SELECT CASE WHEN v IS NULL THEN '(none)' WHEN v < 10 THEN 'under 10'"
        f" WHEN v < 50 THEN '10-49' WHEN v < 250 THEN '50-249' WHEN v < 1000 THEN '250-999'"
        f" ELSE '1000+' END FROM (SELECT CAST({value} AS REAL) AS v))"
    )


def choose_features(
    db: sqlite_utils.Database, exclude: str | None = None
) -> tuple[FeatureSpec, ...]:
    """Every standard feature, plus each custom field that is numeric (binned)
    or has few distinct values; id-like and free-text fields are left out."""
    specs = [FeatureSpec(name) for name in STANDARD_FEATURES if name != exclude]
    rows = db.execute(
        "SELECT name, count(DISTINCT lower(trim(value))), count(*),"
        " sum(trim(value) GLOB '*[0-9]*' AND NOT trim(value) GLOB '*[^0-9.-]*')"
        " FROM custom_fields GROUP BY name ORDER BY name"
    ).fetchall()
    for name, distinct, total, numeric in rows:
        if name == exclude or _ID_LIKE.search(name):
            continue
        if numeric == total:
            specs.append(FeatureSpec(name, "custom_numeric"))
        elif distinct <= MAX_CATEGORIES:
            specs.append(FeatureSpec(name, "custom_category"))
    return tuple(specs)


@dataclass(frozen=True)
class Population:
    """Which leads to learn from and what counts as a win: by default the closed
    leads, won = 1; or every lead whose `label_field` holds a yes/no outcome."""

    label_field: str | None = None
    test_fraction: float = 0.0
    seed: int = 0

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


def _select(specs: Sequence[FeatureSpec]) -> str:
    return ", ".join(feature_sql(spec) for spec in specs)


def training_counts(
    db: sqlite_utils.Database, specs: Sequence[FeatureSpec], population: Population
) -> tuple[int, int, Counts]:
    """(won, lost, counts per feature value) over the training part, from SQL
    aggregates: the features are computed once into a temp table, then each
    is one GROUP BY."""
    label = population.label_sql(db)
    db.execute("DROP TABLE IF EXISTS temp.training")
    columns = ", ".join(f"f{i}" for i in range(len(specs)))
    db.execute(
        f"CREATE TEMP TABLE training (won, {columns})"
        if specs
        else "CREATE TEMP TABLE training (won)"
    )
    db.execute(
        f"INSERT INTO temp.training SELECT * FROM (SELECT {label} AS won"
        f"{', ' + _select(specs) if specs else ''} FROM leads l"
        f" WHERE NOT ({population.split_sql()})) WHERE won IS NOT NULL"
    )
    n_won, n_lost = db.execute(
        "SELECT coalesce(sum(won), 0), coalesce(sum(1 - won), 0) FROM temp.training"
    ).fetchone()
    counts: Counts = {}
    for index, spec in enumerate(specs):
        rows = db.execute(
            f"SELECT f{index}, sum(won), sum(1 - won) FROM temp.training GROUP BY f{index}"
        ).fetchall()
        counts[spec.name] = {str(value): (int(won), int(lost)) for value, won, lost in rows}
    db.execute("DROP TABLE temp.training")
    return int(n_won), int(n_lost), counts


def test_rows(
    db: sqlite_utils.Database, specs: Sequence[FeatureSpec], population: Population
) -> Iterator[tuple[bool, dict[str, str]]]:
    """(won, feature values) for each lead of the held-out part."""
    label = population.label_sql(db)
    sql = (
        f"SELECT * FROM (SELECT {label} AS won, {_select(specs)} FROM leads l"
        f" WHERE {population.split_sql()}) WHERE won IS NOT NULL"
    )
    names = [spec.name for spec in specs]
    for row in db.execute(sql):
        yield bool(row[0]), dict(zip(names, (str(v) for v in row[1:]), strict=True))


def lead_features(
    db: sqlite_utils.Database, specs: Sequence[FeatureSpec], lead_ids: Sequence[int]
) -> dict[int, dict[str, str]]:
    """{lead id: {feature: value}} for a page of leads."""
    if not specs or not lead_ids:
        return {}
    marks = ", ".join("?" * len(lead_ids))
    rows = db.execute(
        f"SELECT l.id, {_select(specs)} FROM leads l WHERE l.id IN ({marks})", list(lead_ids)
    ).fetchall()
    names = [spec.name for spec in specs]
    return {row[0]: dict(zip(names, (str(v) for v in row[1:]), strict=True)) for row in rows}
