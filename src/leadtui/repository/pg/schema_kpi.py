"""The KPI rollups on PostgreSQL: the same tables, columns and figures as
SQLite's (repository/schema_kpi.py and schema_kpi_v6.py say what each holds
and why), kept by plpgsql triggers, as one migration step (STEP).

What differs from SQLite, and why:
- `julianday(timestamptz)` is defined here as SQLite computes it (whole
  milliseconds since the Julian epoch, divided as a double), so a stay or a
  cycle is the same double on both engines, and the KPI queries that
  subtract two julianday()s stay one SQL text;
- a rollup's day ("YYYY-MM-DD") and hour ("YYYY-MM-DDTHH") are text cut
  from the UTC time, as SQLite's substr() of its ISO text;
- each trigger is a function; an upsert names its target (`AS t`), since
  PostgreSQL reads a bare column in DO UPDATE as ambiguous;
- which stage changes cancel which is walked per lead in plpgsql
  (kpi_walk_lead), where SQLite walks every lead at once in a recursive
  query with a text stack.

kpi_stage_totals and its trigger are the first step's (pg/schema.py); this
step adds the rest, fills every rollup and KPI column from the rows already
there, then creates the triggers.
"""

from collections.abc import Callable

from leadtui.repository.schema_kpi_v6 import CLOSED, RANK

_OPEN = "('new', 'contacted', 'engaged', 'qualified', 'opportunity')"
_DAY = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
_HOUR = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24')"

# SQLite's julianday() of a time, to the bit: its whole milliseconds since
# the Julian epoch (2440587.5 days before 1970) as a double, over 86400000.
JULIANDAY = """
CREATE FUNCTION julianday(moment timestamptz) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql AS $$
  SELECT (floor(extract(epoch FROM moment) * 1000) + 210866760000000)::double precision
         / 86400000::double precision
$$;
"""

TABLES = """
CREATE TABLE kpi_created (
    day text NOT NULL, source text NOT NULL, top integer NOT NULL, n bigint NOT NULL,
    PRIMARY KEY (day, source, top)
);
CREATE TABLE kpi_closed (
    day text NOT NULL, stage text NOT NULL, source text NOT NULL,
    from_stage text NOT NULL, reason text NOT NULL,
    n bigint NOT NULL, value bigint NOT NULL, cycle double precision NOT NULL,
    PRIMARY KEY (day, stage, source, from_stage, reason)
);
CREATE TABLE kpi_stays (
    day text NOT NULL, stage text NOT NULL, n bigint NOT NULL, days double precision NOT NULL,
    PRIMARY KEY (day, stage)
);
CREATE TABLE kpi_score_bands (
    band integer PRIMARY KEY, n bigint NOT NULL, won bigint NOT NULL
);
CREATE TABLE kpi_owner_created (
    owner text NOT NULL, day text NOT NULL, source text NOT NULL, top integer NOT NULL,
    n bigint NOT NULL,
    PRIMARY KEY (owner, day, source, top)
);
CREATE TABLE kpi_owner_closed (
    owner text NOT NULL, day text NOT NULL, stage text NOT NULL, source text NOT NULL,
    from_stage text NOT NULL, reason text NOT NULL,
    n bigint NOT NULL, value bigint NOT NULL, cycle double precision NOT NULL,
    PRIMARY KEY (owner, day, stage, source, from_stage, reason)
);
CREATE TABLE kpi_owner_stays (
    owner text NOT NULL, day text NOT NULL, stage text NOT NULL,
    n bigint NOT NULL, days double precision NOT NULL,
    PRIMARY KEY (owner, day, stage)
);
CREATE TABLE kpi_owner_qualified (
    owner text NOT NULL, hour text NOT NULL, n bigint NOT NULL,
    PRIMARY KEY (owner, hour)
);
CREATE TABLE kpi_owner_stage_totals (
    owner text NOT NULL, stage text NOT NULL, n bigint NOT NULL, value bigint NOT NULL,
    PRIMARY KEY (owner, stage)
);
"""

# The indexes the report's partial days, median, health and other
# currencies read through (SQLite's, schema_kpi*.py and schema.py), with
# PostgreSQL's spelling of "the later of two times, one maybe NULL". An
# index on an expression answers a count alone (an index-only scan) only if
# it INCLUDEs the columns the expression reads: without, the rotting counts
# and the median's walk read each lead's row (7x slower at 100k leads).
# A window's partial first and last days read the leads closed and the stays
# ended in them from these indexes alone, as they INCLUDE what those sum
# (at 1M leads a partial day read 2,000 table pages, some 30 ms each).
INDEXES = f"""
CREATE INDEX leads_last_stage_at ON leads (last_stage_at)
    INCLUDE (last_stage_to, source, last_stage_from, last_stage_reason, value_cents, created_at,
             owner);
DROP INDEX journal_stage_at;
CREATE INDEX journal_stage_at ON journal (new, at, lead_id) INCLUDE (old, stay, cancelled_with)
 WHERE field = 'stage';
CREATE INDEX leads_won_cycle ON leads ((julianday(last_stage_at) - julianday(created_at)),
                                       last_stage_at) INCLUDE (created_at)
 WHERE last_stage_to = 'won';
CREATE INDEX journal_leave_closed ON journal (at) WHERE field = 'stage' AND prev_new IN {CLOSED};
CREATE INDEX journal_reentry ON journal (new, at, prev_same_at)
 WHERE field = 'stage' AND prev_same_at IS NOT NULL;
CREATE INDEX leads_stage_activity ON leads (stage, greatest(stage_entered_at, last_touch_at))
 INCLUDE (stage_entered_at, last_touch_at);
CREATE INDEX leads_stage_due ON leads (stage, follow_up_at) WHERE follow_up_at IS NOT NULL;
CREATE INDEX journal_cancelled ON journal (new, at)
 WHERE field = 'stage' AND cancelled_with IS NOT NULL;
CREATE INDEX leads_owner_created ON leads (owner, created_at) WHERE owner IS NOT NULL;
CREATE INDEX leads_owner_activity ON leads (owner, stage,
                                            greatest(stage_entered_at, last_touch_at))
 INCLUDE (stage_entered_at, last_touch_at) WHERE owner IS NOT NULL;
CREATE INDEX leads_owner_follow_up ON leads (owner, stage, follow_up_at)
 WHERE owner IS NOT NULL AND follow_up_at IS NOT NULL;
CREATE INDEX leads_owner_won_cycle
    ON leads (owner, (julianday(last_stage_at) - julianday(created_at)), last_stage_at)
 INCLUDE (created_at) WHERE last_stage_to = 'won' AND owner IS NOT NULL;
CREATE INDEX leads_currency ON leads (currency, last_stage_at, last_stage_to, stage, value_cents,
                                     source, last_stage_reason) WHERE currency IS NOT NULL;
"""


# ------------------------------------------------------- the rebuilds

# Which of one lead's stage changes cancel which (kpis.standing): its
# changes in order, the standing ones a stack; a change that takes back the
# top pops it and both are marked, any other is pushed.
WALK = f"""
CREATE FUNCTION kpi_walk_lead(lead bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  line record;
  ids bigint[] := '{{}}';
  olds text[] := '{{}}';
  news text[] := '{{}}';
  depth integer := 0;
BEGIN
  UPDATE journal SET cancelled_with = NULL
   WHERE field = 'stage' AND lead_id = lead AND cancelled_with IS NOT NULL;
  FOR line IN SELECT id, old, new FROM journal WHERE field = 'stage' AND lead_id = lead
               ORDER BY at, id LOOP
    IF depth > 0 AND news[depth] = line.old
       AND (olds[depth] = line.new OR line.old IN {CLOSED}) THEN
      UPDATE journal SET cancelled_with = line.id WHERE id = ids[depth];
      UPDATE journal SET cancelled_with = ids[depth] WHERE id = line.id;
      depth := depth - 1;
    ELSE
      depth := depth + 1;
      ids[depth] := line.id;
      olds[depth] := line.old;
      news[depth] := line.new;
    END IF;
  END LOOP;
END $$;
"""

# A lead whose changes all move it on cancels nothing (schema_kpi._NOT_FORWARD).
_NOT_FORWARD = (
    f"old IS NOT NULL AND NOT coalesce((new = 'lost' AND old IN {_OPEN})"
    f" OR {RANK.format('new')} > {RANK.format('old')}, false)"
)


def _derive(lines: str, leads: str) -> str:
    """The KPI columns of the stage changes the condition `lines` picks and
    of the leads `leads` picks, from the journal (schema_kpi._derive)."""
    return f"""
SELECT kpi_walk_lead(lead_id)
  FROM (SELECT DISTINCT lead_id FROM journal
         WHERE field = 'stage' AND {_NOT_FORWARD} AND {lines}) AS walked;
UPDATE journal SET stay = s.stay, prev_new = s.prev_new, prev_same_at = s.prev_same_at FROM (
    SELECT id, julianday(at) - julianday(lag(at) OVER lead) AS stay,
           lag(new) OVER lead AS prev_new,
           lag(at) OVER (PARTITION BY lead_id, new ORDER BY at, id) AS prev_same_at
      FROM journal WHERE field = 'stage' AND cancelled_with IS NULL AND {lines}
    WINDOW lead AS (PARTITION BY lead_id ORDER BY at, id)
) AS s
 WHERE journal.id = s.id
   AND (journal.stay IS DISTINCT FROM s.stay OR journal.prev_new IS DISTINCT FROM s.prev_new
        OR journal.prev_same_at IS DISTINCT FROM s.prev_same_at);
UPDATE journal SET stay = NULL, prev_new = NULL, prev_same_at = NULL
 WHERE field = 'stage' AND cancelled_with IS NOT NULL AND {lines}
   AND (stay IS NOT NULL OR prev_new IS NOT NULL OR prev_same_at IS NOT NULL);
UPDATE leads SET top_rank = coalesce(h.top, 0), last_stage_at = h.at, last_stage_to = h.new,
                 last_stage_from = h.old, last_stage_reason = h.note
  FROM (
    SELECT lead_id, at, new, old, note, top FROM (
        SELECT lead_id, at, new, old, note,
               max({RANK.format("new")}) OVER (PARTITION BY lead_id) AS top,
               row_number() OVER (PARTITION BY lead_id ORDER BY at DESC, id DESC) AS latest
          FROM journal WHERE field = 'stage' AND cancelled_with IS NULL AND {lines}) AS ranked
     WHERE latest = 1
  ) AS h
 WHERE leads.id = h.lead_id;
UPDATE leads SET top_rank = 0, last_stage_at = NULL, last_stage_to = NULL,
                 last_stage_from = NULL, last_stage_reason = NULL
 WHERE NOT EXISTS (SELECT 1 FROM journal j WHERE j.field = 'stage' AND j.lead_id = leads.id
                     AND j.cancelled_with IS NULL)
   AND (top_rank != 0 OR last_stage_at IS NOT NULL) AND {leads};
"""


# Every change's and lead's KPI columns (schema_kpi.REBUILD_DERIVED).
REBUILD_DERIVED = _derive("true", "true")
_OWNED = "WHERE owner IS NOT NULL"
_CYCLE = "julianday(last_stage_at) - julianday(created_at)"
# Every rollup from the KPI columns (schema_kpi.REBUILD_ROLLUPS).
REBUILD_ROLLUPS = f"""
DELETE FROM kpi_created;
INSERT INTO kpi_created (day, source, top, n)
SELECT {_DAY.format("created_at")}, source, top_rank, count(*) FROM leads GROUP BY 1, 2, 3;
DELETE FROM kpi_closed;
INSERT INTO kpi_closed (day, stage, source, from_stage, reason, n, value, cycle)
SELECT {_DAY.format("last_stage_at")}, last_stage_to, source, coalesce(last_stage_from, ''),
       coalesce(last_stage_reason, ''), count(*), sum(value_cents), sum({_CYCLE})
  FROM leads WHERE last_stage_to IN {CLOSED} GROUP BY 1, 2, 3, 4, 5;
DELETE FROM kpi_stays;
INSERT INTO kpi_stays (day, stage, n, days)
SELECT {_DAY.format("at")}, old, count(*), sum(stay) FROM journal
 WHERE field = 'stage' AND stay IS NOT NULL AND old IS NOT NULL GROUP BY 1, 2;
DELETE FROM kpi_stage_totals;
INSERT INTO kpi_stage_totals (stage, n, value)
SELECT stage, count(*), sum(value_cents) FROM leads GROUP BY stage;
DELETE FROM kpi_score_bands;
INSERT INTO kpi_score_bands (band, n, won)
SELECT least(score / 10, 9), count(*), count(*) FILTER (WHERE stage = 'won') FROM leads
 WHERE stage IN {CLOSED} GROUP BY 1;
DELETE FROM kpi_owner_created;
INSERT INTO kpi_owner_created (owner, day, source, top, n)
SELECT owner, {_DAY.format("created_at")}, source, top_rank, count(*) FROM leads {_OWNED}
 GROUP BY 1, 2, 3, 4;
DELETE FROM kpi_owner_closed;
INSERT INTO kpi_owner_closed (owner, day, stage, source, from_stage, reason, n, value, cycle)
SELECT owner, {_DAY.format("last_stage_at")}, last_stage_to, source,
       coalesce(last_stage_from, ''), coalesce(last_stage_reason, ''), count(*),
       sum(value_cents), sum({_CYCLE})
  FROM leads {_OWNED} AND last_stage_to IN {CLOSED} GROUP BY 1, 2, 3, 4, 5, 6;
DELETE FROM kpi_owner_stays;
INSERT INTO kpi_owner_stays (owner, day, stage, n, days)
SELECT l.owner, {_DAY.format("j.at")}, j.old, count(*), sum(j.stay)
  FROM journal j JOIN leads l ON l.id = j.lead_id
 WHERE j.field = 'stage' AND j.stay IS NOT NULL AND j.old IS NOT NULL AND l.owner IS NOT NULL
 GROUP BY 1, 2, 3;
DELETE FROM kpi_owner_qualified;
INSERT INTO kpi_owner_qualified (owner, hour, n)
SELECT l.owner, {_HOUR.format("j.at")}, count(*)
  FROM journal j JOIN leads l ON l.id = j.lead_id
 WHERE j.field = 'stage' AND j.new = 'qualified' AND j.cancelled_with IS NULL
   AND l.owner IS NOT NULL
 GROUP BY 1, 2;
DELETE FROM kpi_owner_stage_totals;
INSERT INTO kpi_owner_stage_totals (owner, stage, n, value)
SELECT owner, stage, count(*), sum(value_cents) FROM leads {_OWNED} GROUP BY 1, 2;
"""


def statements(script: str) -> tuple[str, ...]:
    """A script as its statements (none of these holds a `;` inside)."""
    return tuple(part.strip() for part in script.split(";") if part.strip())


# One lead's KPI columns, after a merge joined another's history into it
# (the triggers carry the changed columns into the rollups); {"lead": id}.
REFRESH_LEAD = statements(_derive("lead_id = :lead", "id = :lead"))


# -------------------------------------------------------- the triggers

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
    "day": _DAY.format("{r}.last_stage_at"), "stage": "{r}.last_stage_to",
    "source": "{r}.source", "from_stage": "coalesce({r}.last_stage_from, '')",
    "reason": "coalesce({r}.last_stage_reason, '')",
}  # fmt: skip
_CLOSED_SUMS = {
    "n": "1", "value": "{r}.value_cents",
    "cycle": "julianday({r}.last_stage_at) - julianday({r}.created_at)",
}  # fmt: skip
_CREATED_KEYS = {
    "day": _DAY.format("{r}.created_at"),
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
    {"day": _DAY.format("{r}.at"), "stage": "{r}.old"},
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
    {"owner": _LINE_OWNER, "day": _DAY.format("{r}.at"), "stage": "{r}.old"},
    {"n": "1", "days": "{r}.stay"},
    f"{_LINE_OWNER} IS NOT NULL AND {_STAYED}",
)
line_qualified = upsert(
    "kpi_owner_qualified",
    {"owner": _LINE_OWNER, "hour": _HOUR.format("{r}.at")},
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
  SELECT {owner}, {_DAY.format("journal.at")}, journal.old, {sign}count(*), {sign}sum(stay)
    FROM journal
   WHERE field = 'stage' AND lead_id = NEW.id AND {_STAYED.format(r="journal")}
     AND {owner} IS NOT NULL
   GROUP BY 2, 3
  ON CONFLICT (owner, day, stage) DO UPDATE SET n = t.n + excluded.n, days = t.days + excluded.days;
  INSERT INTO kpi_owner_qualified AS t (owner, hour, n)
  SELECT {owner}, {_HOUR.format("journal.at")}, {sign}count(*)
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

# The step: tables, the columns and rollups of the rows already there, the
# indexes, then the triggers (so the fill is not counted twice).
STEP = JULIANDAY + TABLES + WALK + REBUILD_DERIVED + REBUILD_ROLLUPS + INDEXES + TRIGGERS

# Every KPI column and rollup from the journal and the leads, a statement
# at a time (a check that the triggers keep what a rebuild computes).
REBUILD: tuple[str, ...] = statements(REBUILD_DERIVED + REBUILD_ROLLUPS)
