"""Table layout and the ordered migration steps. Data only: no connections.

The repository package applies these under BEGIN IMMEDIATE, guided by
PRAGMA user_version, so several processes starting at once apply each step
exactly once (sqlite-utils' own Migrations failed in 19 of 20 trials of
several processes starting on a fresh file: "database is locked" or "table
already exists").
"""

from leadtui.repository import (
    schema_kpi,
    schema_kpi_v6,
    schema_search,
    schema_users,
    schema_value,
)

# Written to PRAGMA application_id so leadtui can tell its own files from
# another program's SQLite database ("LEAD" in ASCII).
APPLICATION_ID = 0x4C454144

LEAD_COLUMNS = (
    "id",
    "name",
    "email",
    "phone",
    "company",
    "title",
    "source",
    "owner",
    "stage",
    "temperature",
    "score",
    "value_cents",
    "lost_reason",
    "notes",
    "created_at",
    "updated_at",
    "stage_entered_at",
    "last_touch_at",
    "version",
    "temperature_pinned",
    "win_chance",
    "score_due_at",
    "follow_up_at",
    "lifecycle",
    "fit",
    "expected_close",
)
STAGE_CHANGE_COLUMNS = ("lead_id", "from_stage", "to_stage", "reason", "at", "actor")
ACTIVITY_COLUMNS = ("lead_id", "kind", "direction", "note", "at", "actor")
CUSTOM_FIELD_COLUMNS = ("lead_id", "name", "value")
SPEND_COLUMNS = ("source", "month", "amount_cents")

_V1 = """
CREATE TABLE leads (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    company TEXT,
    title TEXT,
    source TEXT NOT NULL DEFAULT 'other',
    owner TEXT,
    stage TEXT NOT NULL DEFAULT 'new',
    temperature TEXT NOT NULL DEFAULT 'cold',
    score INTEGER NOT NULL DEFAULT 0,
    value_cents INTEGER NOT NULL DEFAULT 0 CHECK (value_cents >= 0),
    lost_reason TEXT,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    stage_entered_at TEXT NOT NULL,
    last_touch_at TEXT,
    version INTEGER NOT NULL DEFAULT 1
);
-- Inbox and board columns: one stage, hottest first, keyset-paged on (score, id).
CREATE INDEX leads_stage_score ON leads (stage, score, id);
-- Board headers and KPIs: count and value per stage from the index alone.
CREATE INDEX leads_stage_value ON leads (stage, value_cents);
CREATE INDEX leads_source ON leads (source);

CREATE TABLE stage_changes (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX stage_changes_lead ON stage_changes (lead_id, at);

CREATE TABLE activities (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    kind TEXT NOT NULL,
    direction TEXT,
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX activities_lead ON activities (lead_id, at);
"""

# Scoring: a pinned temperature, the learned win chance (percent, 0 until a
# model is trained), and when time-window rules will next change the rule
# score. Custom fields keep the columns an import brought along. Settings
# hold the learned model and the version of the rules that scored the leads.
_V2 = """
ALTER TABLE leads ADD COLUMN temperature_pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN win_chance INTEGER NOT NULL DEFAULT 0;
ALTER TABLE leads ADD COLUMN score_due_at TEXT;
-- Inbox and board sorted by the learned score instead of the rule score.
CREATE INDEX leads_stage_chance ON leads (stage, win_chance, id);
-- The periodic decay refresh finds the few leads whose score is due.
CREATE INDEX leads_score_due ON leads (score_due_at) WHERE score_due_at IS NOT NULL;

CREATE TABLE custom_fields (
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (lead_id, name)
) WITHOUT ROWID;

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""

# KPIs: windows select leads by creation time and stage changes by time (the
# index leads with to_stage so "entered Qualified in these weeks" and "every
# change in this window" are both range scans); marketing spend per source
# and month; and the next follow-up date, whose lateness the KPIs report.
_V3 = """
ALTER TABLE leads ADD COLUMN follow_up_at TEXT;
CREATE INDEX leads_created ON leads (created_at);
CREATE INDEX stage_changes_stage_at ON stage_changes (to_stage, at, lead_id);

CREATE TABLE spend (
    source TEXT NOT NULL,
    month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    amount_cents INTEGER NOT NULL CHECK (amount_cents >= 0),
    PRIMARY KEY (source, month)
) WITHOUT ROWID;
"""

# Duplicates: the same phone (its digits) or the same person at the same
# company (case and accents ignored) are found by index; the keys are
# computed by leadtui.domain.dedupe (registered as SQL functions while migrating).
# Tags from the quick-add (#word that names no source). The Due list's
# index, and the journal of field changes.
_V4 = """
ALTER TABLE leads ADD COLUMN phone_key TEXT;
ALTER TABLE leads ADD COLUMN person_key TEXT;
UPDATE leads SET phone_key = leadtui_phone_key(phone),
                 person_key = leadtui_person_key(name, company);
CREATE INDEX leads_email_key ON leads (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX leads_phone_key ON leads (phone_key) WHERE phone_key IS NOT NULL;
CREATE INDEX leads_person_key ON leads (person_key) WHERE person_key IS NOT NULL;

CREATE TABLE tags (
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    tag TEXT NOT NULL,
    PRIMARY KEY (lead_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags (tag, lead_id);

-- The Due list: follow-ups up to today, soonest first, keyset-paged.
CREATE INDEX leads_follow_up ON leads (follow_up_at, id) WHERE follow_up_at IS NOT NULL;

-- Every change to a lead's fields (follow-up, contact details, ...), as
-- old and new text, shown in its history beside moves and touches.
CREATE TABLE field_changes (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    field TEXT NOT NULL,
    old TEXT,
    new TEXT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL
);
CREATE INDEX field_changes_lead ON field_changes (lead_id, at);

-- Classification beside the stage (DOMAIN.md): the lifecycle, which the
-- stage pushes forward (leadtui.domain.pipeline.implied_lifecycle, the same rule
-- as this backfill), the fit, and BANT: one row per criterion answered.
ALTER TABLE leads ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'prospect';
ALTER TABLE leads ADD COLUMN fit TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE leads ADD COLUMN expected_close TEXT;  -- a day, YYYY-MM-DD
UPDATE leads SET lifecycle = CASE stage
    WHEN 'won' THEN 'customer' WHEN 'opportunity' THEN 'opportunity'
    WHEN 'qualified' THEN 'sql' WHEN 'engaged' THEN 'mql' WHEN 'contacted' THEN 'iql'
    ELSE CASE WHEN email IS NOT NULL OR phone IS NOT NULL THEN 'iql' ELSE 'prospect' END
END;
-- A touch's body (an email's text, a call's minutes) beside its one-line note.
ALTER TABLE activities ADD COLUMN body TEXT NOT NULL DEFAULT '';

CREATE TABLE bant (
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    criterion TEXT NOT NULL CHECK (criterion IN ('budget', 'authority', 'need', 'timeline')),
    answer TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'unknown')),
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (lead_id, criterion)
) WITHOUT ROWID;
"""

# Search (`/`): an FTS5 index over the text a rep looks a lead up by,
# kept in step with `leads` by triggers. Bulk loads (demo, a big import) drop
# the triggers and rebuild the index once at the end, like their indexes.
# (As version 4 made them; the search step rebuilt them: schema_search.py.)
FTS_COLUMNS = "name, company, email, phone, notes"
_V4_FTS_TRIGGERS: tuple[tuple[str, str], ...] = (
    ("leads_fts_insert", f"""
CREATE TRIGGER leads_fts_insert AFTER INSERT ON leads BEGIN
  INSERT INTO leads_fts (rowid, {FTS_COLUMNS})
  VALUES (new.id, new.name, new.company, new.email, new.phone, new.notes);
END"""),
    ("leads_fts_delete", f"""
CREATE TRIGGER leads_fts_delete AFTER DELETE ON leads BEGIN
  INSERT INTO leads_fts (leads_fts, rowid, {FTS_COLUMNS})
  VALUES ('delete', old.id, old.name, old.company, old.email, old.phone, old.notes);
END"""),
    ("leads_fts_update", f"""
CREATE TRIGGER leads_fts_update AFTER UPDATE OF {FTS_COLUMNS} ON leads BEGIN
  INSERT INTO leads_fts (leads_fts, rowid, {FTS_COLUMNS})
  VALUES ('delete', old.id, old.name, old.company, old.email, old.phone, old.notes);
  INSERT INTO leads_fts (rowid, {FTS_COLUMNS})
  VALUES (new.id, new.name, new.company, new.email, new.phone, new.notes);
END"""),
)  # fmt: skip
FTS_REBUILD = "INSERT INTO leads_fts (leads_fts) VALUES ('rebuild')"
_V4 += f"""
CREATE VIRTUAL TABLE leads_fts USING fts5(
    {FTS_COLUMNS}, content = 'leads', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
{FTS_REBUILD};
""" + "".join(f"{sql};\n" for _, sql in _V4_FTS_TRIGGERS)
# The triggers as the latest step has them (bulk loads drop and remake them).
FTS_TRIGGERS = schema_search.TRIGGERS

# The journal (issue 3): one append-only table of every change to a lead,
# the single source of its history and of undo. A row is one field's old
# and new value as text ("stage", "company", "bant.need", "follow-up", ...);
# a touch is a "touch" row naming its activity (whose text stays in
# `activities`); "lost_reason" and "stage_entered_at" rows are kept for undo
# and not shown. Rows written by one user action share a group_id, an
# `actions` row: who, when, what ("Lose 12 leads"), and whether it is a
# change ('do'), the undo or redo of one (`target`), or a change that cannot
# be undone ('final': a merge, which deletes a lead) and so ends the undo
# history before it. Imports and demo data
# have no group: they are history, not undoable actions.
# stage_changes, which the KPIs and the pipeline rules read, becomes a view
# of the journal's "stage" rows (writes to it land in the journal), with the
# journal's partial indexes standing in for its old ones.
JOURNAL_INDEXES = """
-- A lead's history; the same for its stage rows alone (KPIs probe a lead's
-- stage history per lead); the KPI windows' (to_stage, at) scans; a group.
CREATE INDEX journal_lead ON journal (lead_id, at);
CREATE INDEX journal_stage_lead ON journal (lead_id, at) WHERE field = 'stage';
CREATE INDEX journal_stage_at ON journal (new, at, lead_id) WHERE field = 'stage';
CREATE INDEX journal_group ON journal (group_id) WHERE group_id IS NOT NULL;
CREATE INDEX journal_activity ON journal (activity_id) WHERE activity_id IS NOT NULL;
"""
# Bulk loads write stage changes (STAGE_CHANGE_COLUMNS) straight into the
# journal: the view's trigger would cost a statement per row.
JOURNAL_STAGE_INSERT = (
    "INSERT INTO journal (lead_id, field, old, new, note, at, actor)"
    " VALUES (?, 'stage', ?, ?, ?, ?, ?)"
)
JOURNAL_TOUCH_ROWS = """
INSERT INTO journal (lead_id, field, new, note, activity_id, at, actor)
SELECT lead_id, 'touch', kind, note, id, at, actor FROM activities WHERE id > ? ORDER BY id"""
STAGE_CHANGES_VIEW = """
CREATE VIEW stage_changes AS
SELECT id, lead_id, old AS from_stage, new AS to_stage, note AS reason, at, actor
  FROM journal WHERE field = 'stage';
CREATE TRIGGER stage_changes_insert INSTEAD OF INSERT ON stage_changes BEGIN
  INSERT INTO journal (lead_id, field, old, new, note, at, actor)
  VALUES (new.lead_id, 'stage', new.from_stage, new.to_stage, new.reason, new.at, new.actor);
END;
"""
_V5 = (
    """
CREATE TABLE actions (
    id INTEGER PRIMARY KEY,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'do' CHECK (kind IN ('do', 'undo', 'redo', 'final')),
    target INTEGER REFERENCES actions (id)
);
-- `u` and `U` replay the actor's own actions in order.
CREATE INDEX actions_actor ON actions (actor, id);

CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT,
    note TEXT,
    activity_id INTEGER,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    group_id INTEGER REFERENCES actions (id)
);
-- Touches an undo took back, kept whole so that a redo can restore them.
CREATE TABLE undone_activities (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    direction TEXT,
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT ''
);
INSERT INTO journal (lead_id, field, old, new, note, activity_id, at, actor)
SELECT lead_id, field, old, new, note, activity_id, at, actor FROM (
    SELECT lead_id, 'stage' AS field, from_stage AS old, to_stage AS new, reason AS note,
           NULL AS activity_id, at, actor, 0 AS part, id FROM stage_changes
    UNION ALL
    SELECT lead_id, 'touch', NULL, kind, note, id, at, actor, 1, id FROM activities
    UNION ALL
    SELECT lead_id, field, old, new, NULL, NULL, at, actor, 2, id FROM field_changes
) ORDER BY at, part, id;
DROP TABLE stage_changes;
DROP TABLE field_changes;

-- The orders `o` cycles through (leadtui.domain.orders), each a keyset range scan
-- of its own (stage, key, id) index; the value index also serves totals.
DROP INDEX leads_stage_value;
CREATE INDEX leads_stage_value ON leads (stage, value_cents, id);
CREATE INDEX leads_stage_age ON leads (stage, created_at, id);
CREATE INDEX leads_stage_follow_up ON leads (stage, coalesce(follow_up_at, '9999'), id);
CREATE INDEX leads_stage_touch ON leads (stage, coalesce(last_touch_at, ''), id);

-- `s` in the inbox: out of the triage queue until this moment, then back.
ALTER TABLE leads ADD COLUMN snoozed_until TEXT;
CREATE INDEX leads_snoozed ON leads (stage, snoozed_until) WHERE snoozed_until IS NOT NULL;
"""
    + JOURNAL_INDEXES
    + STAGE_CHANGES_VIEW
)

# Nothing lost on the way in or out (money with its currency, the contacts a
# merge keeps, ids never given twice, phones as E.164):
# - leads.currency: ISO 4217, NULL for the team's (settings 'currency'). The
#   partial index holds only the leads that name a currency: it gives each
#   other currency's pipeline and closed leads (by the latest stage change,
#   as the KPI rollups read it), covered, without reading the other leads.
# - contacts: the emails and phones a lead had besides its own (a merge keeps
#   the other lead's); `/` finds them through contacts_fts, the duplicate
#   checks through (kind, key).
# - lead_id_floor: the highest id ever deleted, kept by a trigger; a new
#   lead's id is above it (NEXT_LEAD_ID), so a merged-away lead's id, which
#   the survivor's history names, never goes to another lead.
# - phone_key becomes the E.164 number where one can be read (dedupe.py).
# - near-duplicates are looked for among leads at the same company: an
#   index on the company half of person_key.
CONTACTS_FTS_TRIGGERS = """
CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
  INSERT INTO contacts_fts (rowid, value) VALUES (new.id, new.value);
END;
CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
  INSERT INTO contacts_fts (contacts_fts, rowid, value) VALUES ('delete', old.id, old.value);
END;
CREATE TRIGGER contacts_fts_update AFTER UPDATE OF value ON contacts BEGIN
  INSERT INTO contacts_fts (contacts_fts, rowid, value) VALUES ('delete', old.id, old.value);
  INSERT INTO contacts_fts (rowid, value) VALUES (new.id, new.value);
END;
"""
COMPANY_FOLD = "substr(person_key, instr(person_key, char(31)) + 1)"
NOTHING_LOST = f"""
ALTER TABLE leads ADD COLUMN currency TEXT;
CREATE INDEX leads_currency ON leads (currency, last_stage_at, last_stage_to, stage, value_cents,
                                     source, last_stage_reason) WHERE currency IS NOT NULL;

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    kind TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
    value TEXT NOT NULL,
    key TEXT NOT NULL,  -- the email lower-cased, the phone's dedupe key
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    UNIQUE (lead_id, kind, key)
);
CREATE INDEX contacts_key ON contacts (kind, key);
CREATE VIRTUAL TABLE contacts_fts USING fts5(
    value, content = 'contacts', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
{CONTACTS_FTS_TRIGGERS}

CREATE TABLE lead_id_floor (id INTEGER NOT NULL);
INSERT INTO lead_id_floor (id) VALUES (0);
CREATE TRIGGER leads_id_floor AFTER DELETE ON leads BEGIN
  UPDATE lead_id_floor SET id = max(id, OLD.id);
END;

UPDATE leads SET phone_key = leadtui_phone_key(phone) WHERE phone IS NOT NULL;
CREATE INDEX leads_company_fold ON leads ({COMPANY_FOLD}, person_key)
 WHERE person_key IS NOT NULL;
"""
# The id a new lead gets (and an import's first): above every lead and every
# lead's id ever deleted (one text for both engines: no two-argument max).
NEXT_LEAD_ID = (
    "SELECT coalesce(max(id), 0) + 1 FROM"
    " (SELECT max(id) AS id FROM leads UNION ALL SELECT id FROM lead_id_floor) AS ids"
)

# MIGRATIONS[i] takes a database from user_version i to i + 1.
MIGRATIONS: tuple[str, ...] = (
    _V1, _V2, _V3, _V4, _V5, schema_kpi_v6.V6, NOTHING_LOST, schema_users.STEP,
    schema_kpi.STANDING_AND_OWNERS, schema_kpi.GIVEN_STAGE, schema_search.STEP, schema_value.STEP,
)  # fmt: skip
SCHEMA_VERSION = len(MIGRATIONS)
