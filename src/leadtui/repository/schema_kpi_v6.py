"""Schema v6 as it was first applied: a file at v5 takes this step, then
the ones after it. Frozen: the KPI schema as it is now (and what bulk
loads, imports and merges use) is schema_kpi.py, which borrows the SQL
builders from here (`statements`, `upsert`, `changed`). Data only, like
schema.py.

Schema v6: what keeps the KPIs instant at a million leads (issue 6).

A KPI window's figures summarise every lead and every stage change in it:
at 1M leads that is seconds of scanning. So the figures a window needs are
kept per UTC day, by triggers, whichever program writes (the app, the CLI,
an import, undo, plain sqlite3):

- each lead remembers what its stage history says: the furthest ladder step
  it ever reached (`top_rank`) and its latest stage change (`last_stage_*`);
  each stage change remembers how long the stage it left had lasted
  (`journal.stay`, in days), the stage the change before it went to
  (`prev_new`: the lead's `old` stage, unless a merge interleaved two
  histories), and when the lead last entered the same stage
  before (`prev_same_at`: leads entering Qualified in a week, each once, are
  the entries less those with an earlier one that week);
- kpi_created: leads by creation day, source and furthest step;
- kpi_closed: leads whose latest change closed them (Won/Lost), by that
  day, outcome, source, stage left and reason, with value and cycle sums;
- kpi_stays: stays that ended each day, by the stage they were in;
- kpi_stage_totals: leads and value per current stage;
- kpi_score_bands: closed leads per band of their rule score, and the won.

A window reads its whole days from these and its partial first and last
day from the leads and the journal (repository/kpi_rollups.py), so a report
costs the same for 30 days and for all time. The per-day keys leave the
owner out: a report for one rep reads the leads themselves.
"""

from collections.abc import Callable

# A stage's step on the funnel's ladder (kpis.LADDER); Lost is on no step.
RANK = (
    "CASE {} WHEN 'new' THEN 0 WHEN 'contacted' THEN 1 WHEN 'engaged' THEN 2"
    " WHEN 'qualified' THEN 3 WHEN 'opportunity' THEN 4 WHEN 'won' THEN 5 END"
)
CLOSED = "('won', 'lost')"
# A rule score's band of ten for the calibration (0-9, ..., 90-100).
BAND = "min({} / 10, 9)"

_TABLES = """
ALTER TABLE leads ADD COLUMN top_rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN last_stage_at TEXT;
ALTER TABLE leads ADD COLUMN last_stage_to TEXT;
ALTER TABLE leads ADD COLUMN last_stage_from TEXT;
ALTER TABLE leads ADD COLUMN last_stage_reason TEXT;
ALTER TABLE journal ADD COLUMN stay REAL;
ALTER TABLE journal ADD COLUMN prev_same_at TEXT;
ALTER TABLE journal ADD COLUMN prev_new TEXT;

CREATE TABLE kpi_created (
    day TEXT NOT NULL, source TEXT NOT NULL, top INTEGER NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (day, source, top)
) WITHOUT ROWID;
-- from_stage and reason: '' for none (a key cannot be NULL).
CREATE TABLE kpi_closed (
    day TEXT NOT NULL, stage TEXT NOT NULL, source TEXT NOT NULL,
    from_stage TEXT NOT NULL, reason TEXT NOT NULL,
    n INTEGER NOT NULL, value INTEGER NOT NULL, cycle REAL NOT NULL,
    PRIMARY KEY (day, stage, source, from_stage, reason)
) WITHOUT ROWID;
CREATE TABLE kpi_stays (
    day TEXT NOT NULL, stage TEXT NOT NULL, n INTEGER NOT NULL, days REAL NOT NULL,
    PRIMARY KEY (day, stage)
) WITHOUT ROWID;
CREATE TABLE kpi_stage_totals (
    stage TEXT PRIMARY KEY, n INTEGER NOT NULL, value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE kpi_score_bands (
    band INTEGER PRIMARY KEY, n INTEGER NOT NULL, won INTEGER NOT NULL
) WITHOUT ROWID;
"""


def _derive_stage_lines(*, every_lead: bool) -> str:
    """Each stage change's KPI columns from the changes before it, for the
    whole journal (each lead's changes apart) or for one lead (:lead)."""
    lead = "PARTITION BY lead_id " if every_lead else ""
    only = "" if every_lead else " AND lead_id = :lead"
    return f"""
UPDATE journal SET stay = s.stay, prev_new = s.prev_new, prev_same_at = s.prev_same_at FROM (
    SELECT id, julianday(at) - julianday(lag(at) OVER ({lead}ORDER BY at, id)) AS stay,
           lag(new) OVER ({lead}ORDER BY at, id) AS prev_new,
           lag(at) OVER (PARTITION BY {"lead_id, " if every_lead else ""}new ORDER BY at, id)
             AS prev_same_at
      FROM journal WHERE field = 'stage'{only}
) AS s
 WHERE journal.id = s.id
   AND (journal.stay IS NOT s.stay OR journal.prev_new IS NOT s.prev_new
        OR journal.prev_same_at IS NOT s.prev_same_at)"""


def statements(script: str) -> tuple[str, ...]:
    """A script as its statements, each to run alone (with parameters, or
    inside a transaction that executescript would commit)."""
    return tuple(statement.strip() for statement in script.split(";") if statement.strip())


# A lead's KPI columns from its history's row `h` (furthest step, last change).
_FROM_HISTORY = (
    "top_rank = coalesce(h.top, 0), last_stage_at = h.at, last_stage_to = h.new,"
    " last_stage_from = h.old, last_stage_reason = h.note"
)

# Each stage change's and each lead's KPI columns, recomputed from the
# journal: the migration's first fill, and an import's that dropped the
# triggers while it wrote.
REBUILD_DERIVED: tuple[str, ...] = statements(f"""
{_derive_stage_lines(every_lead=True)};
UPDATE leads SET {_FROM_HISTORY}
  FROM (
    SELECT lead_id, at, new, old, note, top FROM (
        SELECT lead_id, at, new, old, note,
               max({RANK.format("new")}) OVER (PARTITION BY lead_id) AS top,
               row_number() OVER (PARTITION BY lead_id ORDER BY at DESC, id DESC) AS latest
          FROM journal WHERE field = 'stage')
     WHERE latest = 1
  ) AS h
 WHERE leads.id = h.lead_id;
""")
# The rollups, recomputed from those columns (a bulk load that wrote the
# columns itself, as the demo does, needs only these).
REBUILD_ROLLUPS: tuple[str, ...] = statements(f"""
DELETE FROM kpi_created;
INSERT INTO kpi_created (day, source, top, n)
SELECT substr(created_at, 1, 10), source, top_rank, count(*) FROM leads GROUP BY 1, 2, 3;
DELETE FROM kpi_closed;
INSERT INTO kpi_closed (day, stage, source, from_stage, reason, n, value, cycle)
SELECT substr(last_stage_at, 1, 10), last_stage_to, source, coalesce(last_stage_from, ''),
       coalesce(last_stage_reason, ''), count(*), sum(value_cents),
       sum(julianday(last_stage_at) - julianday(created_at))
  FROM leads WHERE last_stage_to IN {CLOSED} GROUP BY 1, 2, 3, 4, 5;
DELETE FROM kpi_stays;
INSERT INTO kpi_stays (day, stage, n, days)
SELECT substr(at, 1, 10), old, count(*), sum(stay) FROM journal
 WHERE field = 'stage' AND stay IS NOT NULL AND old IS NOT NULL GROUP BY 1, 2;
DELETE FROM kpi_stage_totals;
INSERT INTO kpi_stage_totals (stage, n, value)
SELECT stage, count(*), sum(value_cents) FROM leads GROUP BY stage;
DELETE FROM kpi_score_bands;
INSERT INTO kpi_score_bands (band, n, won)
SELECT {BAND.format("score")}, count(*), sum(stage = 'won') FROM leads
 WHERE stage IN {CLOSED} GROUP BY 1;
""")
REBUILD = REBUILD_DERIVED + REBUILD_ROLLUPS

# What a bulk load writes itself when it knows each history (demo data).
LEAD_COLUMNS = (
    "top_rank",
    "last_stage_at",
    "last_stage_to",
    "last_stage_from",
    "last_stage_reason",
)
JOURNAL_STAGE_INSERT = (
    "INSERT INTO journal (lead_id, field, old, new, note, at, actor, stay, prev_new, prev_same_at)"
    " VALUES (?, 'stage', ?, ?, ?, ?, ?, ?, ?, ?)"
)


# After a merge moved one lead's history onto another (dupes_store): the
# target's stays and latest change, recomputed from its merged history.
REFRESH_LEAD: tuple[str, ...] = statements(f"""
{_derive_stage_lines(every_lead=False)};
UPDATE leads SET {_FROM_HISTORY}
  FROM (
    SELECT at, new, old, note,
           (SELECT max({RANK.format("new")}) FROM journal
             WHERE field = 'stage' AND lead_id = :lead) AS top
      FROM journal WHERE field = 'stage' AND lead_id = :lead
     ORDER BY at DESC, id DESC LIMIT 1
  ) AS h
 WHERE leads.id = :lead;
""")

_INDEXES = f"""
-- A window's partial days, and the leads changed after a window that ended
-- in the past; the median cycle, read in cycle order; a closing undone
-- later (a reopen, or the undo of a win); a stage entered again; rotting,
-- counted per stage.
CREATE INDEX leads_last_stage_at ON leads (last_stage_at);
CREATE INDEX leads_won_cycle ON leads (julianday(last_stage_at) - julianday(created_at),
                                       last_stage_at) WHERE last_stage_to = 'won';
CREATE INDEX journal_leave_closed ON journal (at) WHERE field = 'stage' AND prev_new IN {CLOSED};
CREATE INDEX journal_reentry ON journal (new, at, prev_same_at)
 WHERE field = 'stage' AND prev_same_at IS NOT NULL;
CREATE INDEX leads_stage_activity ON leads (stage,
                                            max(stage_entered_at, coalesce(last_touch_at, '')));
"""


Upsert = Callable[[str, str], str]


def upsert(table: str, keys: dict[str, str], sums: dict[str, str], when: str = "") -> Upsert:
    """What adds a row (OLD or NEW, in a trigger) to a rollup, or with sign
    "-" takes it out: `keys` and `sums` are the rollup's columns as
    expressions of the row ("{r}"), `when` whether the row counts at all."""

    def sql(row: str, sign: str) -> str:
        columns = [*keys, *sums]
        values = [key.format(r=row) for key in keys.values()]
        values += [f"{sign}({total.format(r=row)})" for total in sums.values()]
        where = f" WHERE {when.format(r=row)}" if when else " WHERE true"
        added = ", ".join(f"{column} = {column} + excluded.{column}" for column in sums)
        return (
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}{where}"
            f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {added};"
        )

    return sql


upsert_created = upsert(
    "kpi_created",
    {"day": "substr({r}.created_at, 1, 10)", "source": "{r}.source", "top": "{r}.top_rank"},
    {"n": "1"},
)
upsert_closed = upsert(
    "kpi_closed",
    {
        "day": "substr({r}.last_stage_at, 1, 10)", "stage": "{r}.last_stage_to",
        "source": "{r}.source", "from_stage": "coalesce({r}.last_stage_from, '')",
        "reason": "coalesce({r}.last_stage_reason, '')",
    },
    {
        "n": "1", "value": "{r}.value_cents",
        "cycle": "julianday({r}.last_stage_at) - julianday({r}.created_at)",
    },
    when=f"{{r}}.last_stage_to IN {CLOSED}",
)  # fmt: skip
upsert_totals = upsert(
    "kpi_stage_totals", {"stage": "{r}.stage"}, {"n": "1", "value": "{r}.value_cents"}
)
upsert_band = upsert(
    "kpi_score_bands",
    {"band": BAND.format("{r}.score")},
    {"n": "1", "won": "{r}.stage = 'won'"},
    when=f"{{r}}.stage IN {CLOSED}",
)
upsert_stay = upsert(
    "kpi_stays",
    {"day": "substr({r}.at, 1, 10)", "stage": "{r}.old"},
    {"n": "1", "days": "{r}.stay"},
    when="{r}.stay IS NOT NULL AND {r}.old IS NOT NULL",
)


def changed(*columns: str) -> str:
    return " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in columns)


_CREATED_KEY = ("created_at", "source", "top_rank")
_CLOSED_KEY = (
    "last_stage_at", "last_stage_to", "last_stage_from", "last_stage_reason", "source",
    "value_cents", "created_at",
)  # fmt: skip
_TOTALS_KEY = ("stage", "value_cents")
_BAND_KEY = ("stage", "score")

_EVERY_ROLLUP: tuple[Upsert, ...] = (upsert_created, upsert_closed, upsert_totals, upsert_band)


def _on_row(name: str, event: str, row: str, sign: str) -> tuple[str, str]:
    """A lead added (+1 to each rollup) or deleted (-1)."""
    body = "\n  ".join(upsert(row, sign) for upsert in _EVERY_ROLLUP)
    return name, f"CREATE TRIGGER {name} AFTER {event} ON leads BEGIN\n  {body}\nEND"


def _on_update(name: str, key: tuple[str, ...], upsert: Upsert) -> tuple[str, str]:
    """A change to what a rollup is keyed or summed by: the old row out, the new in."""
    return name, (
        f"CREATE TRIGGER {name} AFTER UPDATE OF {', '.join(key)} ON leads"
        f" WHEN {changed(*key)} BEGIN\n  {upsert('OLD', '-')}\n  {upsert('NEW', '')}\nEND"
    )


# (name, CREATE TRIGGER): bulk loads drop them while they write, then REBUILD.
TRIGGERS: tuple[tuple[str, str], ...] = (
    ("journal_kpi_stage", f"""
CREATE TRIGGER journal_kpi_stage AFTER INSERT ON journal WHEN NEW.field = 'stage' BEGIN
  UPDATE journal SET
      (stay, prev_new) = (
          SELECT julianday(NEW.at) - julianday(p.at), p.new FROM journal p
           WHERE p.field = 'stage' AND p.lead_id = NEW.lead_id
             AND (p.at < NEW.at OR (p.at = NEW.at AND p.id < NEW.id))
           ORDER BY p.at DESC, p.id DESC LIMIT 1),
      prev_same_at = (
          SELECT p.at FROM journal p
           WHERE p.field = 'stage' AND p.lead_id = NEW.lead_id AND p.new = NEW.new
             AND (p.at < NEW.at OR (p.at = NEW.at AND p.id < NEW.id))
           ORDER BY p.at DESC, p.id DESC LIMIT 1)
   WHERE id = NEW.id;
  UPDATE leads SET top_rank = {RANK.format("NEW.new")}
   WHERE id = NEW.lead_id AND {RANK.format("NEW.new")} > top_rank;
  UPDATE leads SET last_stage_at = NEW.at, last_stage_to = NEW.new,
                   last_stage_from = NEW.old, last_stage_reason = NEW.note
   WHERE id = NEW.lead_id AND (last_stage_at IS NULL OR NEW.at >= last_stage_at);
END"""),
    ("journal_kpi_stay", f"""
CREATE TRIGGER journal_kpi_stay AFTER UPDATE OF stay ON journal
WHEN NEW.field = 'stage' AND OLD.stay IS NOT NEW.stay BEGIN
  {upsert_stay("OLD", "-")}
  {upsert_stay("NEW", "")}
END"""),
    _on_row("leads_kpi_insert", "INSERT", "NEW", ""),
    _on_row("leads_kpi_delete", "DELETE", "OLD", "-"),
    _on_update("leads_kpi_created", _CREATED_KEY, upsert_created),
    _on_update("leads_kpi_closed", _CLOSED_KEY, upsert_closed),
    _on_update("leads_kpi_totals", _TOTALS_KEY, upsert_totals),
    _on_update("leads_kpi_bands", _BAND_KEY, upsert_band),
)  # fmt: skip

V6 = (
    _TABLES
    + "".join(f"{sql};\n" for sql in REBUILD)
    + _INDEXES
    + "".join(f"{sql};\n" for _, sql in TRIGGERS)
)
