"""The KPI rollups of a set-based move, moved by a few statements instead of
the triggers (schema_kpi.TRIGGERS), which fire per row: measured at 100k
leads, they were half of a bulk move's CPU time and most of its lock time.

Within the move's transaction: `snapshot` keeps what the rollups read of
the moved leads (temp.bulk_move) and of their stage lines; the triggers
are dropped; the move writes; `settle` derives the leads' and the lines'
KPI columns from their history (schema_kpi.refresh_leads, as a rebuild
does), then takes each changed row's old contribution out of each rollup
and puts its new one in, and creates the triggers again (the rescore that
follows fires them as usual). A transaction that fails rolls all of it
back, the dropped triggers included.

The contributions are applied one row at a time, in the order the
triggers would have applied them (the lead's place in the move, then old
before new, then line id), so the float sums (cycle days, stays) are the
very ones moving the leads one by one leaves, not a regrouping of them.
The definitions mirror the rollups' (schema_kpi_v6.py, schema_kpi.py);
tests/test_moves_set.py holds them equal.
"""

from dataclasses import dataclass

import sqlite_utils

from leadtui.repository import schema_kpi
from leadtui.repository.schema_kpi import BAND, CLOSED

_MOVED = "SELECT id FROM temp.bulk_move"
# What the lead rollups read of a lead.
_LEAD_COLUMNS = (
    "owner", "stage", "value_cents", "score", "created_at", "source", "top_rank",
    "last_stage_at", "last_stage_to", "last_stage_from", "last_stage_reason",
)  # fmt: skip


@dataclass(frozen=True)
class _Rollup:
    """A rollup as its triggers keep it: its key columns and its sums as
    expressions of a row `r`, which rows count (`when`), and the columns
    whose change moves a row (`watched`; for a line rollup, a condition
    on the line before, `b`, and after, `r`)."""

    table: str
    keys: dict[str, str]
    sums: dict[str, str]
    when: str
    watched: str


def _changed(*columns: str) -> str:
    return " OR ".join(f"b.{column} IS NOT r.{column}" for column in columns)


_CLOSED_WATCHED = (
    "last_stage_at", "last_stage_to", "last_stage_from", "last_stage_reason", "source",
    "value_cents", "created_at",
)  # fmt: skip
_CREATED_KEYS = {"day": "substr(r.created_at, 1, 10)", "source": "r.source", "top": "r.top_rank"}
_CLOSED_KEYS = {
    "day": "substr(r.last_stage_at, 1, 10)", "stage": "r.last_stage_to", "source": "r.source",
    "from_stage": "coalesce(r.last_stage_from, '')", "reason": "coalesce(r.last_stage_reason, '')",
}  # fmt: skip
_CLOSED_SUMS = {
    "n": "1", "value": "r.value_cents",
    "cycle": "julianday(r.last_stage_at) - julianday(r.created_at)",
}  # fmt: skip
_IS_CLOSED = f"r.last_stage_to IN {CLOSED}"
_OWNED = "r.owner IS NOT NULL"

LEAD_ROLLUPS = (
    _Rollup("kpi_created", _CREATED_KEYS, {"n": "1"}, "true",
            _changed("created_at", "source", "top_rank")),
    _Rollup("kpi_owner_created", {"owner": "r.owner", **_CREATED_KEYS}, {"n": "1"}, _OWNED,
            _changed("created_at", "source", "top_rank", "owner")),
    _Rollup("kpi_closed", _CLOSED_KEYS, _CLOSED_SUMS, _IS_CLOSED, _changed(*_CLOSED_WATCHED)),
    _Rollup("kpi_owner_closed", {"owner": "r.owner", **_CLOSED_KEYS}, _CLOSED_SUMS,
            f"{_OWNED} AND {_IS_CLOSED}", _changed(*_CLOSED_WATCHED, "owner")),
    _Rollup("kpi_stage_totals", {"stage": "r.stage"}, {"n": "1", "value": "r.value_cents"},
            "true", _changed("stage", "value_cents")),
    _Rollup("kpi_owner_stage_totals", {"owner": "r.owner", "stage": "r.stage"},
            {"n": "1", "value": "r.value_cents"}, _OWNED,
            _changed("stage", "value_cents", "owner")),
    _Rollup("kpi_score_bands", {"band": BAND.format("r.score")},
            {"n": "1", "won": "r.stage = 'won'"}, f"r.stage IN {CLOSED}",
            _changed("stage", "score")),
)  # fmt: skip

# A stage line's: its stay under the stage it left, and its entry to
# Qualified if it stands, under the lead's owner (which a move keeps).
_STAY_KEYS = {"day": "substr(r.at, 1, 10)", "stage": "r.old"}
_STAYED = "r.stay IS NOT NULL AND r.old IS NOT NULL"
_STANDING_CHANGED = (
    _changed("stay") + " OR (b.cancelled_with IS NULL) != (r.cancelled_with IS NULL)"
)
LINE_ROLLUPS = (
    _Rollup("kpi_stays", _STAY_KEYS, {"n": "1", "days": "r.stay"}, _STAYED, _changed("stay")),
    _Rollup("kpi_owner_stays", {"owner": "r.owner", **_STAY_KEYS}, {"n": "1", "days": "r.stay"},
            f"{_OWNED} AND {_STAYED}", _STANDING_CHANGED),
    _Rollup("kpi_owner_qualified", {"owner": "r.owner", "hour": "substr(r.at, 1, 13)"},
            {"n": "1"}, f"{_OWNED} AND r.new = 'qualified' AND r.cancelled_with IS NULL",
            _STANDING_CHANGED),
)  # fmt: skip

_LINE_COLUMNS = ("lead_id", "at", "old", "new", "stay", "cancelled_with")

_SNAPSHOT = (
    "DROP TABLE IF EXISTS temp.kpi_before_leads",
    f"CREATE TEMP TABLE kpi_before_leads AS SELECT m.pos, l.id, {', '.join(_LEAD_COLUMNS)}"
    f" FROM temp.bulk_move m JOIN leads l ON l.id = m.id",
    "DROP TABLE IF EXISTS temp.kpi_before_lines",
    "CREATE TEMP TABLE kpi_before_lines (id INTEGER PRIMARY KEY, lead_id, at, old, new, stay,"
    " cancelled_with)",
    f"INSERT INTO temp.kpi_before_lines SELECT id, {', '.join(_LINE_COLUMNS)} FROM journal"
    f" WHERE field = 'stage' AND lead_id IN ({_MOVED})",
)


def _apply(rollup: _Rollup, rows: str) -> str:
    """One statement: each row of `rows` (r: its columns, with `sign`,
    `pos` and `k` to order by) into the rollup, one at a time."""
    columns = [*rollup.keys, *rollup.sums]
    values = [*rollup.keys.values(), *(f"r.sign * ({total})" for total in rollup.sums.values())]
    added = ", ".join(f"{column} = {column} + excluded.{column}" for column in rollup.sums)
    return (
        f"INSERT INTO {rollup.table} ({', '.join(columns)}) SELECT {', '.join(values)}"
        f" FROM ({rows}) AS r WHERE {rollup.when} ORDER BY r.pos, r.k"
        f" ON CONFLICT ({', '.join(rollup.keys)}) DO UPDATE SET {added}"
    )


def _lead_rows(rollup: _Rollup) -> str:
    """The moved leads whose row the rollup watches changed: as they were
    (sign -1), then as they are."""
    before = ", ".join(f"b.{column}" for column in _LEAD_COLUMNS)
    after = ", ".join(f"r.{column}" for column in _LEAD_COLUMNS)
    both = f"FROM temp.kpi_before_leads b JOIN leads r ON r.id = b.id WHERE {rollup.watched}"
    return (
        f"SELECT b.pos AS pos, 0 AS k, -1 AS sign, {before} {both}"
        f" UNION ALL SELECT b.pos, 1, 1, {after} {both}"
    )


def _line_rows(rollup: _Rollup) -> str:
    """The moved leads' stage lines whose stay or standing changed, as they
    were (sign -1) then as they are, and the lines the move wrote; each
    under its lead's owner, in the order the triggers met them."""
    before = ", ".join(f"b.{column}" for column in _LINE_COLUMNS)
    after = ", ".join(f"r.{column}" for column in _LINE_COLUMNS)
    return (
        f"SELECT m.pos AS pos, b.id * 2 AS k, -1 AS sign, {before}, l.owner"
        " FROM temp.kpi_before_lines b JOIN journal r ON r.id = b.id"
        " JOIN temp.kpi_before_leads m ON m.id = b.lead_id JOIN leads l ON l.id = b.lead_id"
        f" WHERE {rollup.watched}"
        f" UNION ALL SELECT m.pos, r.id * 2 + 1, 1, {after}, l.owner"
        " FROM journal r LEFT JOIN temp.kpi_before_lines b ON b.id = r.id"
        " JOIN temp.kpi_before_leads m ON m.id = r.lead_id JOIN leads l ON l.id = r.lead_id"
        f" WHERE r.field = 'stage' AND r.lead_id IN ({_MOVED})"
        f" AND (b.id IS NULL OR {rollup.watched})"
    )


def snapshot(db: sqlite_utils.Database) -> None:
    """Keep what the rollups read of the leads in temp.bulk_move, and drop
    the KPI triggers: the move's writes must not fire them."""
    for statement in _SNAPSHOT:
        db.execute(statement)
    for name, _ in schema_kpi.TRIGGERS:
        db.execute(f'DROP TRIGGER "{name}"')


def settle(db: sqlite_utils.Database) -> None:
    """After the move's writes: the KPI columns, the rollups, the triggers."""
    for statement in schema_kpi.refresh_leads(_MOVED):
        db.execute(statement)
    for rollup in LEAD_ROLLUPS:
        db.execute(_apply(rollup, _lead_rows(rollup)))
    for rollup in LINE_ROLLUPS:
        db.execute(_apply(rollup, _line_rows(rollup)))
    for _, sql in schema_kpi.TRIGGERS:
        db.execute(sql)
    db.execute("DROP TABLE temp.kpi_before_leads")
    db.execute("DROP TABLE temp.kpi_before_lines")
