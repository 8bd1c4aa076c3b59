"""The plpgsql triggers that keep the KPI rollups and columns on
PostgreSQL, row by row, as SQLite's do (repository/schema_kpi.py): part of
the KPI migration step (pg/schema_kpi.STEP), which fills the rollups from
the rows already there before it creates these, and of a later step
(OWNER_STEP) that moves an owner change's per-owner rollups once per
UPDATE of leads."""

from collections.abc import Callable
from typing import NamedTuple

from leadtui.repository.schema_kpi_v6 import CLOSED, RANK

# A rollup's day ("YYYY-MM-DD") and hour ("YYYY-MM-DDTHH"), cut from the UTC
# time as SQLite's substr() of its ISO text.
DAY = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
HOUR = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24')"


Upsert = Callable[[str, str], str]


def upsert(table: str, keys: dict[str, str], sums: dict[str, str], when: str = "true") -> Upsert:
    """What adds a row (OLD or NEW) to a rollup, or with sign "-" takes it
    out, as schema_kpi_v6.upsert: `keys` and `sums` are the rollup's columns
    as expressions of the row ("{r}"), `when` whether the row counts."""

    def sql(row: str, sign: str) -> str:
        columns = [*keys, *sums]
        values = [key.format(r=row) for key in keys.values()]
        values += [f"{sign}({total.format(r=row)})" for total in sums.values()]
        added = ", ".join(f"{column} = t.{column} + excluded.{column}" for column in sums)
        return (
            f"INSERT INTO {table} AS t ({', '.join(columns)}) SELECT {', '.join(values)}"
            f" WHERE {when.format(r=row)}"
            f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added};"
        )

    return sql


_CLOSED_KEYS = {
    "day": DAY.format("{r}.last_stage_at"), "stage": "{r}.last_stage_to",
    "source": "{r}.source", "from_stage": "coalesce({r}.last_stage_from, '')",
    "reason": "coalesce({r}.last_stage_reason, '')",
}  # fmt: skip
# SQLite's julianday() of a time, as pg/schema_kpi.JULIANDAY computes it,
# written out: PostgreSQL runs that function as a query of its own per call
# (it is not inlined, as it must be IMMUTABLE for its indexes and extract()
# from a timestamptz is only STABLE). Measured in the owner moves' trigger,
# reassigning 5,000 leads: the closed rollups' upsert took 0.44 s with the
# function, 0.04-0.11 s with it written out.
JULIANDAY_EXPR = (
    "((floor(extract(epoch FROM {}) * 1000) + 210866760000000)::double precision"
    " / 86400000::double precision)"
)
_CYCLE = " - ".join(JULIANDAY_EXPR.format(f"{{r}}.{at}") for at in ("last_stage_at", "created_at"))
_CLOSED_SUMS = {"n": "1", "value": "{r}.value_cents", "cycle": _CYCLE}
_CREATED_KEYS = {
    "day": DAY.format("{r}.created_at"),
    "source": "{r}.source",
    "top": "{r}.top_rank",
}
_OWNER = {"owner": "{r}.owner"}

created = upsert("kpi_created", _CREATED_KEYS, {"n": "1"})
closed = upsert("kpi_closed", _CLOSED_KEYS, _CLOSED_SUMS, f"{{r}}.last_stage_to IN {CLOSED}")
band = upsert(
    "kpi_score_bands",
    {"band": "least({r}.score / 10, 9)"},
    {"n": "1", "won": "CASE WHEN {r}.stage = 'won' THEN 1 ELSE 0 END"},
    f"{{r}}.stage IN {CLOSED}",
)
stay = upsert(
    "kpi_stays",
    {"day": DAY.format("{r}.at"), "stage": "{r}.old"},
    {"n": "1", "days": "{r}.stay"},
    "{r}.stay IS NOT NULL AND {r}.old IS NOT NULL",
)
# The per-owner rollups of a lead's own columns: (table, keys, sums, when)
# as upsert takes them, for the row triggers and the owner moves' trigger.
Rollup = tuple[str, dict[str, str], dict[str, str], str]
_OWNER_CREATED: Rollup = (
    "kpi_owner_created",
    _OWNER | _CREATED_KEYS,
    {"n": "1"},
    "{r}.owner IS NOT NULL",
)
_OWNER_CLOSED: Rollup = (
    "kpi_owner_closed",
    _OWNER | _CLOSED_KEYS,
    _CLOSED_SUMS,
    f"{{r}}.owner IS NOT NULL AND {{r}}.last_stage_to IN {CLOSED}",
)
_OWNER_TOTALS: Rollup = (
    "kpi_owner_stage_totals",
    _OWNER | {"stage": "{r}.stage"},
    {"n": "1", "value": "{r}.value_cents"},
    "{r}.owner IS NOT NULL",
)
owner_created = upsert(*_OWNER_CREATED)
owner_closed = upsert(*_OWNER_CLOSED)
owner_totals = upsert(*_OWNER_TOTALS)
# A journal line's stay and entry to Qualified, under its lead's owner.
_LINE_OWNER = "(SELECT owner FROM leads WHERE id = {r}.lead_id)"
_STAYED = "{r}.stay IS NOT NULL AND {r}.old IS NOT NULL"
_QUALIFIED = "{r}.new = 'qualified' AND {r}.cancelled_with IS NULL"
line_stay = upsert(
    "kpi_owner_stays",
    {"owner": _LINE_OWNER, "day": DAY.format("{r}.at"), "stage": "{r}.old"},
    {"n": "1", "days": "{r}.stay"},
    f"{_LINE_OWNER} IS NOT NULL AND {_STAYED}",
)
line_qualified = upsert(
    "kpi_owner_qualified",
    {"owner": _LINE_OWNER, "hour": HOUR.format("{r}.at")},
    {"n": "1"},
    f"{_LINE_OWNER} IS NOT NULL AND {_QUALIFIED}",
)


# Every KPI trigger does nothing while its transaction has set
# `leadtui.kpi_deferred` (SET LOCAL: no other session sees it): a big import
# rebuilds the rollups once instead (pg/schema_bulk.py). Per row, it would
# update the same few rollup rows once per lead inside one transaction, and
# PostgreSQL walks each such row's growing chain of versions: measured, an
# import of 10,000 rows took 8.6 s and of 40,000 rows 70 s.
DEFERRED = "IF current_setting('leadtui.kpi_deferred', true) = 'on' THEN RETURN NULL; END IF;"


class Trigger(NamedTuple):
    """A trigger's function and the statement that creates the trigger
    itself: a later step replaces the functions alone (FUNCTIONS_STEP)."""

    function: str
    create: str

    @property
    def sql(self) -> str:
        return self.function + self.create


def _trigger(name: str, table: str, event: str, when: str, body: str) -> Trigger:
    """A row trigger `name` running the statements `body` (plpgsql)."""
    condition = f"\n  FOR EACH ROW WHEN ({when})" if when else "\n  FOR EACH ROW"
    return Trigger(
        f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {DEFERRED}
  {body}
  RETURN NULL;
END $$;""",
        f"""
CREATE TRIGGER {name} AFTER {event} ON {table}{condition} EXECUTE FUNCTION {name}();
""",
    )


def _changed(*columns: str) -> str:
    return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)


def _on_update(name: str, key: tuple[str, ...], rollup: Upsert, owned: bool = False) -> Trigger:
    """A change to what a rollup is keyed or summed by: the old row out, the
    new in. An `owned` rollup's rows whose owner changed too are the owner
    moves' trigger's (_OWNER_MOVES), which moves them whole."""
    when = _changed(*key)
    if owned:
        when = f"({when}) AND OLD.owner IS NOT DISTINCT FROM NEW.owner"
    return _trigger(
        name,
        "leads",
        f"UPDATE OF {', '.join(key)}",
        when,
        f"{rollup('OLD', '-')}\n  {rollup('NEW', '')}",
    )


_ROW_ROLLUPS = (created, closed, owner_created, owner_closed, owner_totals, band)
# A lead added or deleted (the team's stage totals: pg/schema.STAGE_TOTALS).
_ON_ROW = _trigger(
    "leads_kpi_row",
    "leads",
    "INSERT OR DELETE",
    "",
    "IF TG_OP = 'INSERT' THEN\n    "
    + "\n    ".join(rollup("NEW", "") for rollup in _ROW_ROLLUPS)
    + "\n  ELSE\n    "
    + "\n    ".join(rollup("OLD", "-") for rollup in _ROW_ROLLUPS)
    + "\n  END IF;",
)

_CREATED_KEY = ("created_at", "source", "top_rank")
_CLOSED_KEY = (
    "last_stage_at", "last_stage_to", "last_stage_from", "last_stage_reason", "source",
    "value_cents", "created_at",
)  # fmt: skip
_ON_UPDATES = (
    _on_update("leads_kpi_created", _CREATED_KEY, created),
    _on_update("leads_kpi_closed", _CLOSED_KEY, closed),
    _on_update("leads_kpi_bands", ("stage", "score"), band),
)
_ON_OWNED_UPDATES = (
    _on_update("leads_kpi_owner_created", _CREATED_KEY, owner_created, owned=True),
    _on_update("leads_kpi_owner_closed", _CLOSED_KEY, owner_closed, owned=True),
    _on_update("leads_kpi_owner_totals", ("stage", "value_cents"), owner_totals, owned=True),
)

# The rows of an UPDATE of leads (transition tables o and n) whose owner changed.
_MOVED = "o JOIN n ON n.id = o.id WHERE o.owner IS DISTINCT FROM n.owner"


def _moved(table: str, keys: dict[str, str], sums: dict[str, str], when: str) -> str:
    """A rollup's upsert for every owner-changed lead of an UPDATE at once:
    each out of its old row's keys (o) and into its new row's (n), whatever
    else changed with the owner, summed per key first (one INSERT may not
    update a rollup row twice)."""
    columns = [*keys, *sums]

    def side(row: str, sign: str) -> str:
        values = [key.format(r=row) for key in keys.values()]
        values += [f"{sign}({total.format(r=row)})" for total in sums.values()]
        return f"SELECT {', '.join(values)} FROM {_MOVED} AND {when.format(r=row)}"

    grouped = ", ".join(f"d.{key}" for key in keys)
    totals = ", ".join(f"sum(d.{total})" for total in sums)
    added = ", ".join(f"{total} = t.{total} + excluded.{total}" for total in sums)
    return (
        f"INSERT INTO {table} AS t ({', '.join(columns)}) SELECT {grouped}, {totals}"
        f" FROM ({side('o', '-')} UNION ALL {side('n', '')}) AS d ({', '.join(columns)})"
        f" GROUP BY {grouped} ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added}"
    )


# The owner-changed leads with the sign their journal lines are counted
# with: out of the old owner's (-1), into the new one's (1).
_MOVED_LEADS = f"""(SELECT o.id, o.owner, -1 FROM {_MOVED} AND o.owner IS NOT NULL
          UNION ALL SELECT n.id, n.owner, 1 FROM {_MOVED} AND n.owner IS NOT NULL)
         AS m (id, owner, sign)"""
_MOVED_STAYS = f"""
  INSERT INTO kpi_owner_stays AS t (owner, day, stage, n, days)
  SELECT m.owner, {DAY.format("j.at")}, j.old, sum(m.sign), sum(m.sign * j.stay)
    FROM {_MOVED_LEADS} JOIN journal j ON j.lead_id = m.id
   WHERE j.field = 'stage' AND {_STAYED.format(r="j")}
   GROUP BY 1, 2, 3
  ON CONFLICT (owner, day, stage)
  DO UPDATE SET n = t.n + excluded.n, days = t.days + excluded.days"""
_MOVED_QUALIFIED = f"""
  INSERT INTO kpi_owner_qualified AS t (owner, hour, n)
  SELECT m.owner, {HOUR.format("j.at")}, sum(m.sign)
    FROM {_MOVED_LEADS} JOIN journal j ON j.lead_id = m.id
   WHERE j.field = 'stage' AND {_QUALIFIED.format(r="j")}
   GROUP BY 1, 2
  ON CONFLICT (owner, hour) DO UPDATE SET n = t.n + excluded.n"""


# Up to this many leads an UPDATE's owner moves run on the plans plpgsql
# keeps for the session; above it, planned for the call (_by_size).
PLANNED_ONCE_UP_TO = 64


def _by_size(statements: tuple[str, ...]) -> str:
    """The statements over the transition tables, planned for the call's
    sizes when the UPDATE is big. plpgsql keeps a statement's plan for the
    session, made with the sizes the tables had at its first call: after a
    one-lead owner change on a kept connection, a reassignment of 5,000
    leads joined o and n in a nested loop, every old row against every new
    one (39.5 s instead of 1.5 s). EXECUTE plans at each call, which cost
    a one-lead owner change 2-7 ms more (measured at load 9), so a small
    UPDATE keeps the kept plans: made with at most PLANNED_ONCE_UP_TO rows,
    they are never a big UPDATE's."""
    kept = "\n    ".join(f"{sql};" for sql in statements)
    planned = "\n    ".join(f"EXECUTE $sql${sql}$sql$;" for sql in statements)
    return (
        f"IF (SELECT count(*) FROM n) <= {PLANNED_ONCE_UP_TO} THEN\n    {kept}\n"
        f"  ELSE\n    {planned}\n  END IF;"
    )


_MOVED_STATEMENTS = (
    _moved(*_OWNER_CREATED),
    _moved(*_OWNER_CLOSED),
    _moved(*_OWNER_TOTALS),
    _MOVED_STAYS,
    _MOVED_QUALIFIED,
)

# Reassigning leads moves their per-owner rollups once per UPDATE, not once
# per lead: row by row, 5,000 leads' move took 5.1 s of one chunk's UPDATE
# (bench/README.md, "Reassigning many leads"). PostgreSQL allows transition
# tables only on a trigger without a column list, so this one runs after
# every UPDATE of leads and first looks for an owner that changed, without
# a join: EXISTS over the join was planned as a nested loop (betting on an
# early match, and with the sizes of the session's first call), and an
# UPDATE of many leads that changes no owner (a chunk's rescore: 5,000
# leads) compared every old row with every new one, 25 million pairs in
# 4-6 s. The owners in id order, compared as arrays, are two sorts.
_OWNER_MOVES = Trigger(
    f"""
CREATE OR REPLACE FUNCTION leads_kpi_owner_moves() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {DEFERRED}
  IF (SELECT array_agg(owner ORDER BY id) FROM o)
     IS NOT DISTINCT FROM (SELECT array_agg(owner ORDER BY id) FROM n) THEN
    RETURN NULL;
  END IF;
  {_by_size(_MOVED_STATEMENTS)}
  RETURN NULL;
END $$;""",
    """
CREATE TRIGGER leads_kpi_owner_moves AFTER UPDATE ON leads
  REFERENCING OLD TABLE AS o NEW TABLE AS n
  FOR EACH STATEMENT EXECUTE FUNCTION leads_kpi_owner_moves();
""",
)

_OWNED = ("leads_kpi_owner_created", "leads_kpi_owner_closed", "leads_kpi_owner_totals")
# The per-owner triggers on leads, as a migration step (pg/schema.MIGRATIONS):
# a database made before it has them row by row, an owner change included
# (leads_kpi_owner_lines moved the journal's part). Rerunnable.
OWNER_STEP = "".join(
    f"DROP TRIGGER IF EXISTS {name} ON leads; DROP FUNCTION IF EXISTS {name}();\n"
    for name in (*_OWNED, "leads_kpi_owner_lines", "leads_kpi_owner_moves")
) + "".join(trigger.sql for trigger in (*_ON_OWNED_UPDATES, _OWNER_MOVES))

# The lead's latest standing change before NEW (schema_kpi._LATEST_STANDING).
_LATEST_STANDING = """
      FROM journal p
     WHERE p.field = 'stage' AND p.lead_id = NEW.lead_id AND p.cancelled_with IS NULL
       AND (p.at < NEW.at OR (p.at = NEW.at AND p.id < NEW.id))
     ORDER BY p.at DESC, p.id DESC LIMIT 1"""

# A stage change written: does it take back the lead's latest standing
# change? Then both are marked and the lead's columns are read again from
# what stands; else it stands, measured against that latest change. The
# statements, and so the triggers they fire, come in SQLite's order.
_STAGE = Trigger(
    f"""
CREATE OR REPLACE FUNCTION journal_kpi_stage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  latest record;
BEGIN
  {DEFERRED}
  {line_qualified("NEW", "")}
  SELECT p.id, p.at, p.old, p.new INTO latest{_LATEST_STANDING};
  IF latest.new = NEW.old AND (latest.old = NEW.new OR NEW.old IN {CLOSED}) THEN
    UPDATE journal SET cancelled_with = latest.id WHERE id = NEW.id;
    UPDATE journal SET cancelled_with = NEW.id, stay = NULL, prev_new = NULL, prev_same_at = NULL
     WHERE id = latest.id;
    UPDATE leads SET
        top_rank = coalesce((SELECT max({RANK.format("p.new")}) FROM journal p
                              WHERE p.field = 'stage' AND p.lead_id = NEW.lead_id
                                AND p.cancelled_with IS NULL), 0),
        (last_stage_at, last_stage_to, last_stage_from, last_stage_reason) = (
            SELECT p.at, p.new, p.old, p.note{_LATEST_STANDING})
     WHERE id = NEW.lead_id;
  ELSE
    UPDATE journal SET
        stay = julianday(NEW.at) - julianday(latest.at), prev_new = latest.new,
        prev_same_at = (
            SELECT p.at FROM journal p
             WHERE p.field = 'stage' AND p.lead_id = NEW.lead_id AND p.cancelled_with IS NULL
               AND p.new = NEW.new AND (p.at < NEW.at OR (p.at = NEW.at AND p.id < NEW.id))
             ORDER BY p.at DESC, p.id DESC LIMIT 1)
     WHERE id = NEW.id;
    UPDATE leads SET top_rank = {RANK.format("NEW.new")}
     WHERE id = NEW.lead_id AND {RANK.format("NEW.new")} > top_rank;
    UPDATE leads SET last_stage_at = NEW.at, last_stage_to = NEW.new,
                     last_stage_from = NEW.old, last_stage_reason = NEW.note
     WHERE id = NEW.lead_id AND (last_stage_at IS NULL OR NEW.at >= last_stage_at);
  END IF;
  RETURN NULL;
END $$;""",
    """
CREATE TRIGGER journal_kpi_stage AFTER INSERT ON journal
  FOR EACH ROW WHEN (NEW.field = 'stage') EXECUTE FUNCTION journal_kpi_stage();
""",
)

_LINE_CHANGED = (
    "OLD.stay IS DISTINCT FROM NEW.stay OR OLD.lead_id IS DISTINCT FROM NEW.lead_id"
    " OR (OLD.cancelled_with IS NULL) != (NEW.cancelled_with IS NULL)"
)
_ON_LINES = (
    _trigger(
        "journal_kpi_stay",
        "journal",
        "UPDATE OF stay",
        "NEW.field = 'stage' AND OLD.stay IS DISTINCT FROM NEW.stay",
        f"{stay('OLD', '-')}\n  {stay('NEW', '')}",
    ),
    _trigger(
        "journal_kpi_owner",
        "journal",
        "UPDATE OF stay, lead_id, cancelled_with",
        f"NEW.field = 'stage' AND ({_LINE_CHANGED})",
        "\n  ".join(
            (
                line_stay("OLD", "-"),
                line_stay("NEW", ""),
                line_qualified("OLD", "-"),
                line_qualified("NEW", ""),
            )
        ),
    ),
)

# The KPI migration step's (pg/schema_kpi.STEP); the per-owner triggers on
# leads come after it (OWNER_STEP).
TRIGGERS = "".join(trigger.sql for trigger in (_STAGE, *_ON_LINES, _ON_ROW, *_ON_UPDATES))

# Every KPI trigger function as this leadtui writes it, as a migration step
# (pg/schema.MIGRATIONS): a step's text is the build's that applies it, so a
# database made by an earlier build keeps the function bodies that build
# wrote. Those before the step after OWNER_STEP called julianday() in
# leads_kpi_row and leads_kpi_closed (a query per call: see JULIANDAY_EXPR)
# and leads_kpi_owner_moves looked for a moved owner with EXISTS (see
# _OWNER_MOVES). Replacing every function, not those two, leaves such a
# database with a fresh one's; rerunnable.
FUNCTIONS_STEP = "".join(
    trigger.function
    for trigger in (_STAGE, *_ON_LINES, _ON_ROW, *_ON_UPDATES, *_ON_OWNED_UPDATES, _OWNER_MOVES)
)
# Every KPI trigger's (table, name), the board's stage totals among them: a
# copy turns them off while it writes rows whose KPI columns and rollups it
# copies too (repository/copying.py).
TRIGGER_NAMES: tuple[tuple[str, str], ...] = (
    ("journal", "journal_kpi_stage"),
    ("journal", "journal_kpi_stay"),
    ("journal", "journal_kpi_owner"),
    ("leads", "leads_kpi_row"),
    ("leads", "leads_kpi_created"),
    ("leads", "leads_kpi_closed"),
    ("leads", "leads_kpi_owner_created"),
    ("leads", "leads_kpi_owner_closed"),
    ("leads", "leads_kpi_owner_totals"),
    ("leads", "leads_kpi_bands"),
    ("leads", "leads_kpi_owner_moves"),
    ("leads", "leads_stage_totals_change"),
    ("leads", "leads_stage_totals_update"),
)
