"""Table layout and the ordered migration steps. Data only: no connections.

The repository package applies these under BEGIN IMMEDIATE, guided by
PRAGMA user_version, so several processes starting at once apply each step
exactly once (ARCHITECTURE.md hazard 4).
"""

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
# computed by leadtui.dedupe (registered as SQL functions while migrating).
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
-- stage pushes forward (leadtui.pipeline.implied_lifecycle, the same rule
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
FTS_COLUMNS = "name, company, email, phone, notes"
FTS_TRIGGERS: tuple[tuple[str, str], ...] = (
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
""" + "".join(f"{sql};\n" for _, sql in FTS_TRIGGERS)

# MIGRATIONS[i] takes a database from user_version i to i + 1.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4)
SCHEMA_VERSION = len(MIGRATIONS)
