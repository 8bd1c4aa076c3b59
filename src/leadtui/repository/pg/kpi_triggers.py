"""The plpgsql triggers that keep the KPI rollups and columns on
PostgreSQL, row by row, as SQLite's do (repository/schema_kpi.py): part of
the KPI migration step (pg/schema_kpi.STEP), which fills the rollups from
the rows already there before it creates these."""

from collections.abc import Callable

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
_CLOSED_SUMS = {
    "n": "1", "value": "{r}.value_cents",
    "cycle": "julianday({r}.last_stage_at) - julianday({r}.created_at)",
}  # fmt: skip
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
owner_created = upsert(
    "kpi_owner_created", _OWNER | _CREATED_KEYS, {"n": "1"}, "{r}.owner IS NOT NULL"
)
owner_closed = upsert(
    "kpi_owner_closed",
    _OWNER | _CLOSED_KEYS,
    _CLOSED_SUMS,
    f"{{r}}.owner IS NOT NULL AND {{r}}.last_stage_to IN {CLOSED}",
)
owner_totals = upsert(
    "kpi_owner_stage_totals",
    _OWNER | {"stage": "{r}.stage"},
    {"n": "1", "value": "{r}.value_cents"},
    "{r}.owner IS NOT NULL",
)
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


def _trigger(name: str, table: str, event: str, when: str, body: str) -> str:
    """A row trigger `name` running the statements `body` (plpgsql)."""
    condition = f"\n  FOR EACH ROW WHEN ({when})" if when else "\n  FOR EACH ROW"
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {DEFERRED}
  {body}
  RETURN NULL;
END $$;
CREATE TRIGGER {name} AFTER {event} ON {table}{condition} EXECUTE FUNCTION {name}();
"""


def _changed(*columns: str) -> str:
    return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)


def _on_update(name: str, key: tuple[str, ...], rollup: Upsert) -> str:
    """A change to what a rollup is keyed or summed by: the old row out, the new in."""
    return _trigger(
        name,
        "leads",
        f"UPDATE OF {', '.join(key)}",
        _changed(*key),
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
    _on_update("leads_kpi_created", _CREATED_KEY, created)
    + _on_update("leads_kpi_closed", _CLOSED_KEY, closed)
    + _on_update("leads_kpi_owner_created", (*_CREATED_KEY, "owner"), owner_created)
    + _on_update("leads_kpi_owner_closed", (*_CLOSED_KEY, "owner"), owner_closed)
    + _on_update("leads_kpi_owner_totals", ("stage", "value_cents", "owner"), owner_totals)
    + _on_update("leads_kpi_bands", ("stage", "score"), band)
)


def _lead_lines(owner: str, sign: str) -> str:
    """A lead's stays and entries to Qualified, into (sign "") or out of
    (sign "-") an owner's rollups: when its owner changes. (In plpgsql the
    journal's `old` and `new` must be qualified: bare, they are OLD and NEW.)"""
    return f"""
  INSERT INTO kpi_owner_stays AS t (owner, day, stage, n, days)
  SELECT {owner}, {DAY.format("journal.at")}, journal.old, {sign}count(*), {sign}sum(stay)
    FROM journal
   WHERE field = 'stage' AND lead_id = NEW.id AND {_STAYED.format(r="journal")}
     AND {owner} IS NOT NULL
   GROUP BY 2, 3
  ON CONFLICT (owner, day, stage) DO UPDATE SET n = t.n + excluded.n, days = t.days + excluded.days;
  INSERT INTO kpi_owner_qualified AS t (owner, hour, n)
  SELECT {owner}, {HOUR.format("journal.at")}, {sign}count(*)
    FROM journal
   WHERE field = 'stage' AND lead_id = NEW.id AND {_QUALIFIED.format(r="journal")}
     AND {owner} IS NOT NULL
   GROUP BY 2
  ON CONFLICT (owner, hour) DO UPDATE SET n = t.n + excluded.n;"""


_OWNER_LINES = _trigger(
    "leads_kpi_owner_lines",
    "leads",
    "UPDATE OF owner",
    "OLD.owner IS DISTINCT FROM NEW.owner",
    _lead_lines("OLD.owner", "-") + _lead_lines("NEW.owner", ""),
)

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
_STAGE = f"""
CREATE FUNCTION journal_kpi_stage() RETURNS trigger LANGUAGE plpgsql AS $$
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
END $$;
CREATE TRIGGER journal_kpi_stage AFTER INSERT ON journal
  FOR EACH ROW WHEN (NEW.field = 'stage') EXECUTE FUNCTION journal_kpi_stage();
"""

_LINE_CHANGED = (
    "OLD.stay IS DISTINCT FROM NEW.stay OR OLD.lead_id IS DISTINCT FROM NEW.lead_id"
    " OR (OLD.cancelled_with IS NULL) != (NEW.cancelled_with IS NULL)"
)
_ON_LINES = _trigger(
    "journal_kpi_stay",
    "journal",
    "UPDATE OF stay",
    "NEW.field = 'stage' AND OLD.stay IS DISTINCT FROM NEW.stay",
    f"{stay('OLD', '-')}\n  {stay('NEW', '')}",
) + _trigger(
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
)

TRIGGERS = _STAGE + _ON_LINES + _ON_ROW + _ON_UPDATES + _OWNER_LINES
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
    ("leads", "leads_kpi_owner_lines"),
    ("leads", "leads_stage_totals_change"),
    ("leads", "leads_stage_totals_update"),
)
