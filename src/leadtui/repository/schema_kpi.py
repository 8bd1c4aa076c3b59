"""The KPI schema as it is now: the rollups of schema v6 (schema_kpi_v6.py
says what each holds and why) and the step after it, which adds two things
(STANDING_AND_OWNERS). Data only, like schema.py.

1. Stage history as it stands (kpis.standing, DEFINITIONS["stage_history"]).
   A stage change that takes back the lead's latest standing change (a
   `back` to the stage that change came from, an undo, a reopen) cancels
   it: `journal.cancelled_with` pairs the two, each naming the other, and
   neither stands. Every column the KPIs read from the history (a change's
   `stay`, `prev_new`, `prev_same_at`; a lead's `top_rank` and
   `last_stage_*`) is derived from the standing changes only, and is NULL
   on a cancelled one. The insert trigger decides at once, from the lead's
   latest standing change, so undo, back and reopen need write nothing of
   their own, whichever program writes.
2. The same rollups per owner, in parallel tables keyed by owner first, so
   one rep's report reads as few rows as the team's (owner in the team
   tables' keys was measured 3.5x slower for the team's all-time closed
   cohort at 1M leads, 4 owners). Leads without an owner are in the team's
   tables only. kpi_owner_stays and kpi_owner_qualified (standing entries
   to Qualified, for the velocity) count journal lines, which carry no
   owner: their triggers read the lead's, and move its rows when the owner
   changes or a merge moves the line to another lead.
"""

from leadtui.repository import schema_kpi_v6 as v6
from leadtui.repository.schema_kpi_lines import GIVEN_WHEN as _GIVEN_WHEN
from leadtui.repository.schema_kpi_lines import LATEST_STANDING as _LATEST_STANDING
from leadtui.repository.schema_kpi_lines import QUALIFIED as _QUALIFIED
from leadtui.repository.schema_kpi_lines import STAGE_CANCEL as _STAGE_CANCEL
from leadtui.repository.schema_kpi_lines import STAGE_GIVEN as _STAGE_GIVEN
from leadtui.repository.schema_kpi_lines import STAYED as _STAYED
from leadtui.repository.schema_kpi_lines import line_qualified as _line_qualified
from leadtui.repository.schema_kpi_lines import line_stay as _line_stay
from leadtui.repository.schema_kpi_v6 import Upsert, changed, statements, upsert

# A stage's step on the ladder, the closed stages and a score's band, as v6.
RANK = v6.RANK
CLOSED = v6.CLOSED
BAND = v6.BAND

_OPEN = "('new', 'contacted', 'engaged', 'qualified', 'opportunity')"
# A lead whose changes all move it on (up the ladder, or from an open stage
# to Lost) has nothing cancelled: of a change and the one that takes it
# back, one at least goes back or leaves a closed stage. Only leads with
# such a change need the walk below.
_NOT_FORWARD = (
    f"old IS NOT NULL AND NOT coalesce((new = 'lost' AND old IN {_OPEN})"
    f" OR {RANK.format('new')} > {RANK.format('old')}, false)"
)

_TABLES = """
ALTER TABLE journal ADD COLUMN cancelled_with INTEGER;
CREATE TABLE kpi_owner_created (
    owner TEXT NOT NULL, day TEXT NOT NULL, source TEXT NOT NULL, top INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (owner, day, source, top)
) WITHOUT ROWID;
CREATE TABLE kpi_owner_closed (
    owner TEXT NOT NULL, day TEXT NOT NULL, stage TEXT NOT NULL, source TEXT NOT NULL,
    from_stage TEXT NOT NULL, reason TEXT NOT NULL,
    n INTEGER NOT NULL, value INTEGER NOT NULL, cycle REAL NOT NULL,
    PRIMARY KEY (owner, day, stage, source, from_stage, reason)
) WITHOUT ROWID;
CREATE TABLE kpi_owner_stays (
    owner TEXT NOT NULL, day TEXT NOT NULL, stage TEXT NOT NULL,
    n INTEGER NOT NULL, days REAL NOT NULL,
    PRIMARY KEY (owner, day, stage)
) WITHOUT ROWID;
-- By the hour ("YYYY-MM-DDTHH"): a velocity's twelve weeks end at any time
-- of day, and their partial hours are read from the journal, a lookup of
-- the lead's owner per change.
CREATE TABLE kpi_owner_qualified (
    owner TEXT NOT NULL, hour TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (owner, hour)
) WITHOUT ROWID;
CREATE TABLE kpi_owner_stage_totals (
    owner TEXT NOT NULL, stage TEXT NOT NULL, n INTEGER NOT NULL, value INTEGER NOT NULL,
    PRIMARY KEY (owner, stage)
) WITHOUT ROWID;
"""

_INDEXES = """
-- Cancelled changes by stage and time: entries to Qualified in a span are
-- the journal's, less these (few) ones.
CREATE INDEX journal_cancelled ON journal (new, at)
 WHERE field = 'stage' AND cancelled_with IS NOT NULL;
-- One rep's new leads per week, rotting, overdue and median cycle, as the
-- team's from the (created_at) and (stage, ...) indexes.
CREATE INDEX leads_owner_created ON leads (owner, created_at) WHERE owner IS NOT NULL;
CREATE INDEX leads_owner_activity ON leads (owner, stage,
                                            max(stage_entered_at, coalesce(last_touch_at, '')))
 WHERE owner IS NOT NULL;
CREATE INDEX leads_owner_follow_up ON leads (owner, stage, follow_up_at)
 WHERE owner IS NOT NULL AND follow_up_at IS NOT NULL;
CREATE INDEX leads_owner_won_cycle
    ON leads (owner, julianday(last_stage_at) - julianday(created_at), last_stage_at)
 WHERE last_stage_to = 'won' AND owner IS NOT NULL;
"""


# -------------------------------------------------------------- the rebuilds


def _cancellations(lines: str) -> str:
    """Which changes cancel which (kpis.standing, in SQL), for the leads
    whose stage changes `lines` selects: each lead's changes are walked in
    order with its standing ones as a stack (their ids, 20 digits each); a
    change that takes back the top pops it, any other is pushed. Leaves
    temp.kpi_pairs (cancelled, by) and temp.kpi_walked (the leads)."""
    return f"""
DROP TABLE IF EXISTS temp.kpi_lines;
CREATE TEMP TABLE kpi_lines (
    lead_id INTEGER NOT NULL, k INTEGER NOT NULL, id INTEGER NOT NULL, old TEXT, new TEXT,
    PRIMARY KEY (lead_id, k)
) WITHOUT ROWID;
INSERT INTO kpi_lines
SELECT lead_id, row_number() OVER (PARTITION BY lead_id ORDER BY at, id), id, old, new
  FROM journal WHERE field = 'stage' AND {lines};
DROP TABLE IF EXISTS temp.kpi_walked;
CREATE TEMP TABLE kpi_walked (lead_id INTEGER PRIMARY KEY);
INSERT INTO kpi_walked SELECT DISTINCT lead_id FROM kpi_lines;
DROP TABLE IF EXISTS temp.kpi_pairs;
CREATE TEMP TABLE kpi_pairs AS
WITH RECURSIVE walk (lead_id, k, stack, cancelled, by) AS (
    SELECT lead_id, 0, '', NULL, NULL FROM kpi_walked
    UNION ALL
    SELECT w.lead_id, l.k,
           CASE WHEN top.new = l.old AND (top.old = l.new OR l.old IN {CLOSED})
                THEN substr(w.stack, 1, length(w.stack) - 20)
                ELSE w.stack || printf('%020d', l.id) END,
           CASE WHEN top.new = l.old AND (top.old = l.new OR l.old IN {CLOSED}) THEN top.id END,
           CASE WHEN top.new = l.old AND (top.old = l.new OR l.old IN {CLOSED}) THEN l.id END
      FROM walk w
      JOIN kpi_lines l ON l.lead_id = w.lead_id AND l.k = w.k + 1
      LEFT JOIN journal top ON top.id = CAST(substr(w.stack, -20) AS INTEGER)
)
SELECT cancelled, by FROM walk WHERE cancelled IS NOT NULL;
DROP TABLE temp.kpi_lines"""


# The walk's temp tables, once their results are written.
_DROP_WALK = "DROP TABLE temp.kpi_walked; DROP TABLE temp.kpi_pairs"


def _mark_cancelled(scope: str) -> str:
    """journal.cancelled_with from temp.kpi_pairs, for the changes `scope` selects."""
    return f"""
UPDATE journal SET cancelled_with = NULL
 WHERE field = 'stage' AND cancelled_with IS NOT NULL AND {scope}
   AND id NOT IN (SELECT cancelled FROM kpi_pairs UNION ALL SELECT by FROM kpi_pairs);
UPDATE journal SET cancelled_with = p.partner
  FROM (SELECT cancelled AS id, by AS partner FROM kpi_pairs
        UNION ALL SELECT by, cancelled FROM kpi_pairs) AS p
 WHERE journal.id = p.id AND journal.cancelled_with IS NOT p.partner"""


def _derive(scope: str, leads: str) -> str:
    """Each standing change's KPI columns from the standing changes before
    it (NULL on a cancelled one), and each lead's from its standing
    history, for the changes `scope` and the leads `leads` select."""
    return f"""
UPDATE journal SET stay = s.stay, prev_new = s.prev_new, prev_same_at = s.prev_same_at FROM (
    SELECT id, julianday(at) - julianday(lag(at) OVER lead) AS stay,
           lag(new) OVER lead AS prev_new,
           lag(at) OVER (PARTITION BY lead_id, new ORDER BY at, id) AS prev_same_at
      FROM journal WHERE field = 'stage' AND cancelled_with IS NULL AND {scope}
    WINDOW lead AS (PARTITION BY lead_id ORDER BY at, id)
) AS s
 WHERE journal.id = s.id
   AND (journal.stay IS NOT s.stay OR journal.prev_new IS NOT s.prev_new
        OR journal.prev_same_at IS NOT s.prev_same_at);
UPDATE journal SET stay = NULL, prev_new = NULL, prev_same_at = NULL
 WHERE field = 'stage' AND cancelled_with IS NOT NULL AND {scope}
   AND (stay IS NOT NULL OR prev_new IS NOT NULL OR prev_same_at IS NOT NULL);
UPDATE leads SET top_rank = coalesce(h.top, 0), last_stage_at = h.at, last_stage_to = h.new,
                 last_stage_from = h.old, last_stage_reason = h.note
  FROM (
    SELECT lead_id, at, new, old, note, top FROM (
        SELECT lead_id, at, new, old, note,
               max({RANK.format("new")}) OVER (PARTITION BY lead_id) AS top,
               row_number() OVER (PARTITION BY lead_id ORDER BY at DESC, id DESC) AS latest
          FROM journal WHERE field = 'stage' AND cancelled_with IS NULL AND {scope})
     WHERE latest = 1
  ) AS h
 WHERE leads.id = h.lead_id;
UPDATE leads SET top_rank = 0, last_stage_at = NULL, last_stage_to = NULL,
                 last_stage_from = NULL, last_stage_reason = NULL
 WHERE {leads} AND id IN (SELECT lead_id FROM journal WHERE field = 'stage'
                            AND cancelled_with IS NOT NULL AND {scope})
   AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.field = 'stage' AND j.lead_id = leads.id
                     AND j.cancelled_with IS NULL)"""


# Every change's and every lead's KPI columns, recomputed from the journal
# (an import that dropped the triggers while it wrote): the walk only for
# the leads with a change that is not forward.
REBUILD_DERIVED: tuple[str, ...] = statements(
    _cancellations(
        f"lead_id IN (SELECT lead_id FROM journal WHERE field = 'stage' AND {_NOT_FORWARD})"
    )
    + ";"
    + _mark_cancelled("true")
    + ";"
    + _derive("true", "true")
    + ";"
    + _DROP_WALK
)

_OWNED = "WHERE owner IS NOT NULL"
# The rollups, recomputed from those columns (a bulk load that wrote the
# columns itself, as the demo does, needs only these).
REBUILD_ROLLUPS: tuple[str, ...] = v6.REBUILD_ROLLUPS + statements(f"""
DELETE FROM kpi_owner_created;
INSERT INTO kpi_owner_created (owner, day, source, top, n)
SELECT owner, substr(created_at, 1, 10), source, top_rank, count(*) FROM leads {_OWNED}
 GROUP BY 1, 2, 3, 4;
DELETE FROM kpi_owner_closed;
INSERT INTO kpi_owner_closed (owner, day, stage, source, from_stage, reason, n, value, cycle)
SELECT owner, substr(last_stage_at, 1, 10), last_stage_to, source,
       coalesce(last_stage_from, ''), coalesce(last_stage_reason, ''), count(*),
       sum(value_cents), sum(julianday(last_stage_at) - julianday(created_at))
  FROM leads {_OWNED} AND last_stage_to IN {CLOSED} GROUP BY 1, 2, 3, 4, 5, 6;
DELETE FROM kpi_owner_stays;
INSERT INTO kpi_owner_stays (owner, day, stage, n, days)
SELECT l.owner, substr(j.at, 1, 10), j.old, count(*), sum(j.stay)
  FROM journal j JOIN leads l ON l.id = j.lead_id
 WHERE j.field = 'stage' AND j.stay IS NOT NULL AND j.old IS NOT NULL AND l.owner IS NOT NULL
 GROUP BY 1, 2, 3;
DELETE FROM kpi_owner_qualified;
INSERT INTO kpi_owner_qualified (owner, hour, n)
SELECT l.owner, substr(j.at, 1, 13), count(*)
  FROM journal j JOIN leads l ON l.id = j.lead_id
 WHERE j.field = 'stage' AND j.new = 'qualified' AND j.cancelled_with IS NULL
   AND l.owner IS NOT NULL
 GROUP BY 1, 2;
DELETE FROM kpi_owner_stage_totals;
INSERT INTO kpi_owner_stage_totals (owner, stage, n, value)
SELECT owner, stage, count(*), sum(value_cents) FROM leads {_OWNED} GROUP BY 1, 2;
""")
REBUILD = REBUILD_DERIVED + REBUILD_ROLLUPS

# After a merge moved one lead's history onto another (dupes_store): which
# of the target's changes stand, its stays and its latest change,
# recomputed from its merged history (the triggers move the rollups).
REFRESH_LEAD: tuple[str, ...] = statements(
    _cancellations("lead_id = :lead")
    + ";"
    + _mark_cancelled("lead_id = :lead")
    + ";"
    + _derive("lead_id = :lead", "id = :lead")
    + ";"
    + _DROP_WALK
)

# What a bulk load writes itself when it knows each history (demo data,
# which cancels nothing).
LEAD_COLUMNS = v6.LEAD_COLUMNS
JOURNAL_STAGE_INSERT = v6.JOURNAL_STAGE_INSERT


# -------------------------------------------------------------- the triggers

_owner_created = upsert(
    "kpi_owner_created",
    {
        "owner": "{r}.owner", "day": "substr({r}.created_at, 1, 10)", "source": "{r}.source",
        "top": "{r}.top_rank",
    },
    {"n": "1"},
    when="{r}.owner IS NOT NULL",
)  # fmt: skip
_owner_closed = upsert(
    "kpi_owner_closed",
    {
        "owner": "{r}.owner", "day": "substr({r}.last_stage_at, 1, 10)",
        "stage": "{r}.last_stage_to", "source": "{r}.source",
        "from_stage": "coalesce({r}.last_stage_from, '')",
        "reason": "coalesce({r}.last_stage_reason, '')",
    },
    {
        "n": "1", "value": "{r}.value_cents",
        "cycle": "julianday({r}.last_stage_at) - julianday({r}.created_at)",
    },
    when=f"{{r}}.owner IS NOT NULL AND {{r}}.last_stage_to IN {CLOSED}",
)  # fmt: skip
_owner_totals = upsert(
    "kpi_owner_stage_totals",
    {"owner": "{r}.owner", "stage": "{r}.stage"},
    {"n": "1", "value": "{r}.value_cents"},
    when="{r}.owner IS NOT NULL",
)
# Each rollup of a lead row: the columns the team's is keyed or summed by,
# the team's and the owner's (keyed by the owner too).
_ROLLUPS: tuple[tuple[str, tuple[str, ...], Upsert, Upsert], ...] = (
    ("created", ("created_at", "source", "top_rank"), v6.upsert_created, _owner_created),
    (
        "closed",
        ("last_stage_at", "last_stage_to", "last_stage_from", "last_stage_reason", "source",
         "value_cents", "created_at"),
        v6.upsert_closed,
        _owner_closed,
    ),
    ("totals", ("stage", "value_cents"), v6.upsert_totals, _owner_totals),
)  # fmt: skip


def _on_row(name: str, event: str, row: str, sign: str) -> tuple[str, str]:
    """A lead added (+1 to each rollup) or deleted (-1)."""
    upserts = [u for _, _, team, owner in _ROLLUPS for u in (team, owner)] + [v6.upsert_band]
    body = "\n  ".join(u(row, sign) for u in upserts)
    return name, f"CREATE TRIGGER {name} AFTER {event} ON leads BEGIN\n  {body}\nEND"


def _on_update(name: str, key: tuple[str, ...], rollup: Upsert) -> tuple[str, str]:
    """A change to what a rollup is keyed or summed by: the old row out, the new in."""
    return name, (
        f"CREATE TRIGGER {name} AFTER UPDATE OF {', '.join(key)} ON leads"
        f" WHEN {changed(*key)} BEGIN\n  {rollup('OLD', '-')}\n  {rollup('NEW', '')}\nEND"
    )


def _lead_lines(owner: str, sign: str) -> str:
    """A lead's stays and entries to Qualified, into (sign "") or out of
    (sign "-") an owner's rollups: when its owner changes."""
    return f"""
  INSERT INTO kpi_owner_stays (owner, day, stage, n, days)
  SELECT {owner}, substr(at, 1, 10), old, {sign}count(*), {sign}sum(stay)
    FROM journal INDEXED BY journal_stage_lead
   WHERE field = 'stage' AND lead_id = NEW.id AND {_STAYED.format(r="journal")}
     AND {owner} IS NOT NULL
   GROUP BY 2, 3
  ON CONFLICT (owner, day, stage) DO UPDATE SET n = n + excluded.n, days = days + excluded.days;
  INSERT INTO kpi_owner_qualified (owner, hour, n)
  SELECT {owner}, substr(at, 1, 13), {sign}count(*)
    FROM journal INDEXED BY journal_stage_lead
   WHERE field = 'stage' AND lead_id = NEW.id AND {_QUALIFIED.format(r="journal")}
     AND {owner} IS NOT NULL
   GROUP BY 2
  ON CONFLICT (owner, hour) DO UPDATE SET n = n + excluded.n;"""


def _then(condition: str) -> str:
    """Whether the change NEW cancelled another (`condition` "IS NOT NULL")
    or stands ("IS NULL"), as the trigger's first statements decided."""
    return f"(SELECT cancelled_with FROM journal WHERE id = NEW.id) {condition}"


# A stage change written: does it take back the lead's latest standing
# change? Then both are marked, and the lead's columns are read again from
# what stands; else it stands, measured against that latest change. From
# v10 only for a change written without its previous stage (_GIVEN_WHEN).
_STAGE_INSERT = f"""
CREATE TRIGGER journal_kpi_stage AFTER INSERT ON journal WHEN NEW.field = 'stage'{{given}} BEGIN
  {_line_qualified("NEW", "")}
  UPDATE journal SET cancelled_with = (
      SELECT CASE WHEN p.new = NEW.old AND (p.old = NEW.new OR NEW.old IN {CLOSED})
                  THEN p.id END{_LATEST_STANDING})
   WHERE id = NEW.id;
  UPDATE journal SET cancelled_with = NEW.id, stay = NULL, prev_new = NULL, prev_same_at = NULL
   WHERE id = (SELECT cancelled_with FROM journal WHERE id = NEW.id);
  UPDATE journal SET
      (stay, prev_new) = (SELECT julianday(NEW.at) - julianday(p.at), p.new{_LATEST_STANDING}),
      prev_same_at = (
          SELECT p.at FROM journal p INDEXED BY journal_stage_lead
           WHERE p.field = 'stage' AND p.lead_id = NEW.lead_id AND p.cancelled_with IS NULL
             AND p.new = NEW.new AND (p.at < NEW.at OR (p.at = NEW.at AND p.id < NEW.id))
           ORDER BY p.at DESC, p.id DESC LIMIT 1)
   WHERE id = NEW.id AND cancelled_with IS NULL;
  UPDATE leads SET top_rank = {RANK.format("NEW.new")}
   WHERE id = NEW.lead_id AND {RANK.format("NEW.new")} > top_rank AND {_then("IS NULL")};
  UPDATE leads SET last_stage_at = NEW.at, last_stage_to = NEW.new,
                   last_stage_from = NEW.old, last_stage_reason = NEW.note
   WHERE id = NEW.lead_id AND (last_stage_at IS NULL OR NEW.at >= last_stage_at)
     AND {_then("IS NULL")};
  UPDATE leads SET
      top_rank = coalesce((SELECT max({RANK.format("p.new")}) FROM journal p
                            WHERE p.field = 'stage' AND p.lead_id = NEW.lead_id
                              AND p.cancelled_with IS NULL), 0),
      (last_stage_at, last_stage_to, last_stage_from, last_stage_reason) = (
          SELECT p.at, p.new, p.old, p.note{_LATEST_STANDING})
   WHERE id = NEW.lead_id AND {_then("IS NOT NULL")};
END"""

# A line's stay, standing or lead changed: its owner's rows, old out and
# new in (the lead's owner: a lead's lines are always under its owner).
_LINE_CHANGED = (
    "OLD.stay IS NOT NEW.stay OR OLD.lead_id IS NOT NEW.lead_id"
    " OR (OLD.cancelled_with IS NULL) != (NEW.cancelled_with IS NULL)"
)

# (name, CREATE TRIGGER): bulk loads drop them while they write, then REBUILD.
TRIGGERS: tuple[tuple[str, str], ...] = (
    ("journal_kpi_stage", _STAGE_INSERT.format(given=_GIVEN_WHEN)),
    ("journal_kpi_stage_given", _STAGE_GIVEN),
    ("journal_kpi_stage_cancel", _STAGE_CANCEL),
    ("journal_kpi_stay", f"""
CREATE TRIGGER journal_kpi_stay AFTER UPDATE OF stay ON journal
WHEN NEW.field = 'stage' AND OLD.stay IS NOT NEW.stay BEGIN
  {v6.upsert_stay("OLD", "-")}
  {v6.upsert_stay("NEW", "")}
END"""),
    ("journal_kpi_owner", f"""
CREATE TRIGGER journal_kpi_owner AFTER UPDATE OF stay, lead_id, cancelled_with ON journal
WHEN NEW.field = 'stage' AND ({_LINE_CHANGED}) BEGIN
  {_line_stay("OLD", "-")}
  {_line_stay("NEW", "")}
  {_line_qualified("OLD", "-")}
  {_line_qualified("NEW", "")}
END"""),
    _on_row("leads_kpi_insert", "INSERT", "NEW", ""),
    _on_row("leads_kpi_delete", "DELETE", "OLD", "-"),
    *(_on_update(f"leads_kpi_{name}", key, team) for name, key, team, _ in _ROLLUPS),
    *(
        _on_update(f"leads_kpi_owner_{name}", (*key, "owner"), owner)
        for name, key, _, owner in _ROLLUPS
    ),
    _on_update("leads_kpi_bands", ("stage", "score"), v6.upsert_band),
    ("leads_kpi_owner_lines", f"""
CREATE TRIGGER leads_kpi_owner_lines AFTER UPDATE OF owner ON leads
WHEN OLD.owner IS NOT NEW.owner BEGIN{_lead_lines("OLD.owner", "-")}{_lead_lines("NEW.owner", "")}
END"""),
)  # fmt: skip

# The triggers as schema v9 made them (every stage change looked up).
_V9_TRIGGERS = (("journal_kpi_stage", _STAGE_INSERT.format(given="")), *TRIGGERS[3:])

# The step after v6: cancellations and the derived columns of the leads
# they touch (no other lead's change), every rollup (the owners' are new),
# the triggers as they are now.
STANDING_AND_OWNERS = (
    "".join(f"DROP TRIGGER {name};\n" for name, _ in v6.TRIGGERS)
    + _TABLES
    + _cancellations(
        f"lead_id IN (SELECT lead_id FROM journal WHERE field = 'stage' AND {_NOT_FORWARD})"
    )
    + ";\n"
    + _mark_cancelled("true")
    + ";\n"
    + _derive(
        "lead_id IN (SELECT lead_id FROM kpi_walked)", "id IN (SELECT lead_id FROM kpi_walked)"
    )
    + ";\n"
    + _DROP_WALK
    + ";\n"
    + "".join(f"{sql};\n" for sql in REBUILD_ROLLUPS)
    + _INDEXES
    + "".join(f"{sql};\n" for _, sql in _V9_TRIGGERS)
)

# The step after that (v10): a change given its previous stage (_STAGE_GIVEN).
GIVEN_STAGE = "DROP TRIGGER journal_kpi_stage;\n" + "".join(
    f"{sql};\n" for name, sql in TRIGGERS if name.startswith("journal_kpi_stage")
)
