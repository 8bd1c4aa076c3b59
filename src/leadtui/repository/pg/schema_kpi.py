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
there (the rebuilds here), then creates the triggers (pg/kpi_triggers.py).
"""

from leadtui.repository.pg.kpi_triggers import DAY, HOUR, JULIANDAY_EXPR, TRIGGERS
from leadtui.repository.schema_kpi_v6 import CLOSED, RANK

_OPEN = "('new', 'contacted', 'engaged', 'qualified', 'opportunity')"

# SQLite's julianday() of a time, to the bit: its whole milliseconds since
# the Julian epoch (2440587.5 days before 1970) as a double, over 86400000.
JULIANDAY = f"""
CREATE FUNCTION julianday(moment timestamptz) RETURNS double precision
IMMUTABLE STRICT PARALLEL SAFE LANGUAGE sql AS $$
  SELECT {JULIANDAY_EXPR.format("moment")}
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
SELECT {DAY.format("created_at")}, source, top_rank, count(*) FROM leads GROUP BY 1, 2, 3;
DELETE FROM kpi_closed;
INSERT INTO kpi_closed (day, stage, source, from_stage, reason, n, value, cycle)
SELECT {DAY.format("last_stage_at")}, last_stage_to, source, coalesce(last_stage_from, ''),
       coalesce(last_stage_reason, ''), count(*), sum(value_cents), sum({_CYCLE})
  FROM leads WHERE last_stage_to IN {CLOSED} GROUP BY 1, 2, 3, 4, 5;
DELETE FROM kpi_stays;
INSERT INTO kpi_stays (day, stage, n, days)
SELECT {DAY.format("at")}, old, count(*), sum(stay) FROM journal
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
SELECT owner, {DAY.format("created_at")}, source, top_rank, count(*) FROM leads {_OWNED}
 GROUP BY 1, 2, 3, 4;
DELETE FROM kpi_owner_closed;
INSERT INTO kpi_owner_closed (owner, day, stage, source, from_stage, reason, n, value, cycle)
SELECT owner, {DAY.format("last_stage_at")}, last_stage_to, source,
       coalesce(last_stage_from, ''), coalesce(last_stage_reason, ''), count(*),
       sum(value_cents), sum({_CYCLE})
  FROM leads {_OWNED} AND last_stage_to IN {CLOSED} GROUP BY 1, 2, 3, 4, 5, 6;
DELETE FROM kpi_owner_stays;
INSERT INTO kpi_owner_stays (owner, day, stage, n, days)
SELECT l.owner, {DAY.format("j.at")}, j.old, count(*), sum(j.stay)
  FROM journal j JOIN leads l ON l.id = j.lead_id
 WHERE j.field = 'stage' AND j.stay IS NOT NULL AND j.old IS NOT NULL AND l.owner IS NOT NULL
 GROUP BY 1, 2, 3;
DELETE FROM kpi_owner_qualified;
INSERT INTO kpi_owner_qualified (owner, hour, n)
SELECT l.owner, {HOUR.format("j.at")}, count(*)
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


# The step: tables, the columns and rollups of the rows already there, the
# indexes, then the triggers (so the fill is not counted twice).
STEP = JULIANDAY + TABLES + WALK + REBUILD_DERIVED + REBUILD_ROLLUPS + INDEXES + TRIGGERS

# Every KPI column and rollup from the journal and the leads, a statement
# at a time (a check that the triggers keep what a rebuild computes).
REBUILD: tuple[str, ...] = statements(REBUILD_DERIVED + REBUILD_ROLLUPS)
