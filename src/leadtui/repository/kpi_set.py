"""The KPI triggers' work (schema_kpi.py) done set-based, for a bulk move or
the replay of one: a statement per step for a whole chunk of leads instead
of a trigger per row.

The same writes run with the KPI triggers dropped (inside the writing
transaction: nobody else ever sees the file without them), and then:

1. each new stage line's standing is decided as the insert trigger decides
   it, from the lead's latest standing change before it (by index): it
   cancels that change (both marked) or stands, with its stay, previous
   stage and previous entry to the same stage;
2. each lead's KPI columns (furthest step, latest standing change) are set
   as the trigger sets them;
3. each rollup moves by the difference between the rows as they were
   before the block and as they are after it, with one aggregate upsert
   per rollup table, using the triggers' own definitions (schema_kpi_v6.
   Upsert): the same rows, the same keys and sums.

This holds because a block writes at most one stage line per lead (a move,
or the replay of one; the callers guarantee it), so no lead's steps depend
on another's, and the triggers' work for one row is exactly what is done
here for the set. The triggers are created again before the transaction
ends: every other write keeps them. (Measured at 100k leads, bench/README.md:
about 5% less CPU than the per-row triggers for a bulk move and its undo;
SQLite's triggers are compiled into the statement, so per row they cost
little more than the set-based steps do.) tests/test_moves_set.py holds the
result equal to the per-row triggers' (floats summed in another order:
equal to within rounding), tests/test_kpi_set.py to a rebuild.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from leadtui.repository import schema_kpi
from leadtui.repository import schema_kpi_v6 as v6
from leadtui.repository.journal import last_line
from leadtui.repository.schema_kpi import CLOSED, RANK

# What the lead rollups read of a lead row (as it was before the block:
# temp.kpi_before).
_LEAD_COLUMNS = (
    "id", "owner", "created_at", "source", "top_rank", "last_stage_at", "last_stage_to",
    "last_stage_from", "last_stage_reason", "value_cents", "stage", "score",
)  # fmt: skip
# What the line rollups read of a journal line (temp.kpi_lines_before).
_LINE_COLUMNS = ("id", "lead_id", "at", "old", "new", "stay", "cancelled_with")

# Of a lead's stage lines before the line `n`, the latest that stands (the
# trigger's _LATEST_STANDING, for a line named n instead of NEW).
_LATEST_STANDING = """
      FROM journal q INDEXED BY journal_stage_lead
     WHERE q.field = 'stage' AND q.lead_id = n.lead_id AND q.cancelled_with IS NULL
       AND (q.at < n.at OR (q.at = n.at AND q.id < n.id)){same}
     ORDER BY q.at DESC, q.id DESC LIMIT 1"""

# 1. The new stage lines: the latest standing change before each, and the
# one each cancels (a change that takes that one back).
_NEW_LINES = f"""
INSERT INTO temp.kpi_new (id, lead_id, at, new, latest, cancels)
SELECT n.id, n.lead_id, n.at, n.new, p.id,
       CASE WHEN p.new = n.old AND (p.old = n.new OR n.old IN {CLOSED}) THEN p.id END
  FROM journal n
  LEFT JOIN journal p ON p.id = (SELECT q.id{_LATEST_STANDING.format(same="")})
 WHERE n.id > :start AND n.field = 'stage'"""

_MARK = (
    # The cancelled changes, as they were (for the line rollups).
    f"INSERT INTO temp.kpi_lines_before SELECT {', '.join(_LINE_COLUMNS)} FROM journal"
    " WHERE id IN (SELECT cancels FROM temp.kpi_new WHERE cancels IS NOT NULL)",
    "UPDATE journal SET cancelled_with = k.id, stay = NULL, prev_new = NULL, prev_same_at = NULL"
    " FROM temp.kpi_new k WHERE journal.id = k.cancels",
    # (A subquery, not UPDATE ... FROM: that plan scans the whole journal.)
    "UPDATE journal SET cancelled_with = (SELECT cancels FROM temp.kpi_new k"
    " WHERE k.id = journal.id) WHERE id IN (SELECT id FROM temp.kpi_new WHERE cancels IS NOT NULL)",
    # A change that stands: measured against the latest standing one.
    f"""UPDATE journal SET stay = julianday(k.at) - julianday(p.at), prev_new = p.new,
       prev_same_at = (
           SELECT q.at{_LATEST_STANDING.format(same=" AND q.new = n.new")})
  FROM temp.kpi_new k JOIN journal n ON n.id = k.id LEFT JOIN journal p ON p.id = k.latest
 WHERE journal.id = k.id AND k.cancels IS NULL""",
)

# 2. The leads: a standing change raises the furthest step and, if it is
# the latest, is the lead's latest change; a cancelling one has both read
# again from what stands (as the trigger does). Every expression of a SET
# reads the row as it was, as the trigger's separate statements do.
_LATEST = "last_stage_at IS NULL OR n.at >= last_stage_at"
_LEADS = (
    f"""UPDATE leads SET
       top_rank = CASE WHEN {RANK.format("n.new")} > top_rank
                       THEN {RANK.format("n.new")} ELSE top_rank END,
       last_stage_at = CASE WHEN {_LATEST} THEN n.at ELSE last_stage_at END,
       last_stage_to = CASE WHEN {_LATEST} THEN n.new ELSE last_stage_to END,
       last_stage_from = CASE WHEN {_LATEST} THEN n.old ELSE last_stage_from END,
       last_stage_reason = CASE WHEN {_LATEST} THEN n.note ELSE last_stage_reason END
  FROM temp.kpi_new k JOIN journal n ON n.id = k.id
 WHERE leads.id = k.lead_id AND k.cancels IS NULL""",
    # The furthest step is read again only if the cancelled change reached
    # it: one below it (or Lost, on no step) leaves another standing change
    # that did, as top_rank is the furthest of the standing ones.
    f"""UPDATE leads SET
       top_rank = CASE WHEN coalesce({RANK.format("c.new")} >= top_rank, false)
           THEN coalesce((SELECT max({RANK.format("q.new")}) FROM journal q
                           WHERE q.field = 'stage' AND q.lead_id = leads.id
                             AND q.cancelled_with IS NULL), 0)
           ELSE top_rank END,
       (last_stage_at, last_stage_to, last_stage_from, last_stage_reason) = (
           SELECT q.at, q.new, q.old, q.note{_LATEST_STANDING.format(same="")})
  FROM temp.kpi_new k JOIN journal n ON n.id = k.id JOIN journal c ON c.id = k.cancels
 WHERE leads.id = k.lead_id""",
)


def _moved(rollup: v6.Upsert, out: tuple[str, str], into: tuple[str, str]) -> str:
    """One upsert moving `rollup` by the rows `out` selects (taken out) and
    those `into` selects (put in): each a row alias and the FROM ... WHERE
    naming it. The sums of each key are added in one statement."""
    keys = [f"{key} AS k{i}" for i, key in enumerate(rollup.keys.values())]
    when = rollup.when or "true"

    def side(rows: tuple[str, str], sign: str) -> str:
        sums = [f"{sign}({total}) AS s{i}" for i, total in enumerate(rollup.sums.values())]
        row, source = rows
        return f"SELECT {', '.join(keys + sums)} {source} AND {when}".format(r=row)

    group = ", ".join(f"k{i}" for i in range(len(rollup.keys)))
    totals = ", ".join(f"sum(s{i})" for i in range(len(rollup.sums)))
    return (
        f"INSERT INTO {rollup.table} ({', '.join([*rollup.keys, *rollup.sums])})"
        f" SELECT {group}, {totals} FROM ({side(out, '-')} UNION ALL {side(into, '')})"
        f" WHERE true GROUP BY {group} {rollup.conflict()}"
    )


def _lead_pairs(row: str, columns: tuple[str, ...]) -> tuple[str, str]:
    """A lead as it was (b) or is (l), where a column its trigger watches
    changed (as it is: copied from the leads once, for every rollup)."""
    changed = " OR ".join(f"b.{column} IS NOT l.{column}" for column in columns)
    return row, f"FROM temp.kpi_before b JOIN temp.kpi_after l ON l.id = b.id WHERE ({changed})"


_LINES_NOW = (
    "a",
    "FROM journal a WHERE a.id IN (SELECT id FROM temp.kpi_new"
    " UNION ALL SELECT cancels FROM temp.kpi_new WHERE cancels IS NOT NULL)",
)
# 3. The lead rollups (each where a column its trigger watches changed),
# then the line rollups: the cancelled changes as they were, out; those and
# the new lines as they are, in.
_ROLLUPS = (
    *(
        _moved(rollup, _lead_pairs("b", columns), _lead_pairs("l", columns))
        for _, key, team, owner in schema_kpi.LEAD_ROLLUPS
        for rollup, columns in ((team, key), (owner, (*key, "owner")))
    ),
    _moved(
        v6.upsert_band, _lead_pairs("b", ("stage", "score")), _lead_pairs("l", ("stage", "score"))
    ),
    *(
        _moved(rollup, ("b", "FROM temp.kpi_lines_before b WHERE true"), _LINES_NOW)
        for rollup in schema_kpi.LINE_ROLLUPS
    ),
)

_TEMP = (
    "DROP TABLE IF EXISTS temp.kpi_before",
    f"CREATE TEMP TABLE kpi_before ({', '.join(_LEAD_COLUMNS)}, PRIMARY KEY (id))",
    "DROP TABLE IF EXISTS temp.kpi_after",
    "DROP TABLE IF EXISTS temp.kpi_new",
    "CREATE TEMP TABLE kpi_new (id INTEGER PRIMARY KEY, lead_id INTEGER, at TEXT, new TEXT,"
    " latest INTEGER, cancels INTEGER)",
    "DROP TABLE IF EXISTS temp.kpi_lines_before",
    f"CREATE TEMP TABLE kpi_lines_before ({', '.join(_LINE_COLUMNS)})",
)
_AFTER = (
    f"CREATE TEMP TABLE kpi_after ({', '.join(_LEAD_COLUMNS)}, PRIMARY KEY (id))",
    f"INSERT INTO temp.kpi_after SELECT {', '.join(_LEAD_COLUMNS)} FROM leads"
    " WHERE id IN (SELECT id FROM temp.kpi_before)",
)
_DONE = tuple(
    f"DROP TABLE temp.{name}" for name in ("kpi_before", "kpi_after", "kpi_new", "kpi_lines_before")
)


@contextmanager
def set_based(db: sqlite_utils.Database, leads: str) -> Iterator[None]:
    """Run the block's writes without the KPI triggers, then do their work
    for the whole block at once (see the module's docstring). `leads`: a
    SELECT of the ids of every lead the block writes; the block writes at
    most one stage line for each. Inside the caller's transaction: if the
    block raises, the transaction's rollback brings the triggers back."""
    for statement in _TEMP:
        db.execute(statement)
    db.execute(
        f"INSERT INTO temp.kpi_before SELECT {', '.join(_LEAD_COLUMNS)} FROM leads"
        f" WHERE id IN ({leads})"
    )
    start = last_line(db)
    for name, _ in schema_kpi.TRIGGERS:
        db.execute(f'DROP TRIGGER "{name}"')
    yield
    db.execute(_NEW_LINES, {"start": start})
    # Two stage lines of one lead would each be decided against the same
    # history: a caller's mistake that would leave wrong figures silently.
    if db.execute("SELECT 1 FROM temp.kpi_new GROUP BY lead_id HAVING count(*) > 1").fetchone():
        raise ValueError("kpi_set: a block wrote two stage lines for one lead")
    for statement in (*_MARK, *_LEADS, *_AFTER, *_ROLLUPS, *_DONE):
        db.execute(statement)
    for _, sql in schema_kpi.TRIGGERS:
        db.execute(sql)
