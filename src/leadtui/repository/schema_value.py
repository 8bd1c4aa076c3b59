"""A lead's value in the team's money, for "ranked by value": ¥100,000 at
0.0067 ranks as $670, not above $7,000. Both engines keep a column,
`value_team_cents`, from the lead's value and currency and the rates in
`settings`, and index (stage, coalesce(value_team_cents, value_cents), id)
so a page in value order stays one range scan.

The column is NULL for a lead whose value is already in the team's money
(no currency of its own, the team's, or no value): most leads, which then
cost no second write. A currency without a rate reads -1: such a lead
ranks after every lead with a value, and after those without one.

Triggers keep it, so every write path (an edit, a merge, an import's bulk
insert, a script with the sqlite3 shell) does: on a lead's value or
currency, and on a change of a rate (the leads in that currency) or of the
team's currency (every lead naming one)."""

from leadtui.domain.currency import DEFAULT_CURRENCY, VALUE_RANK

NO_RATE = -1


def _team_cents(cents: str, code: str, cents_of_rate: str) -> str:
    """The SQL for value_team_cents of `cents` in currency `code` (column
    names, or a trigger's "new.value_cents"); `cents_of_rate` turns the
    rate's text, `value`, into the cents in the team's money."""
    return (
        f"CASE WHEN {code} IS NULL OR {cents} = 0"
        f" OR {code} = coalesce((SELECT value FROM settings WHERE key = 'currency'),"
        f" '{DEFAULT_CURRENCY}') THEN NULL"
        f" ELSE coalesce((SELECT {cents_of_rate} FROM settings"
        f" WHERE key = 'rate:' || {code}), {NO_RATE}) END"
    )


def _sqlite(prefix: str) -> str:
    # REAL, as features.py bins it: a rank needs no exact cent.
    cents = f"{prefix}value_cents"
    rated = f"CAST(round({cents} * CAST(value AS REAL)) AS INTEGER)"
    return _team_cents(cents, f"{prefix}currency", rated)


# The leads a settings row moves: every lead naming a currency for the
# team's currency, those in its currency for a rate (each a constant test,
# so each UPDATE is one range of the partial index leads_currency or none).
def _settings_trigger(event: str, row: str) -> str:
    return f"""
CREATE TRIGGER settings_value_team_{event.lower()} AFTER {event} ON settings
WHEN {row}.key = 'currency' OR substr({row}.key, 1, 5) = 'rate:' BEGIN
  UPDATE leads SET value_team_cents = {_sqlite("")}
   WHERE {row}.key = 'currency' AND currency IS NOT NULL;
  UPDATE leads SET value_team_cents = {_sqlite("")}
   WHERE substr({row}.key, 1, 5) = 'rate:' AND currency = substr({row}.key, 6);
END;"""


STEP = f"""
ALTER TABLE leads ADD COLUMN value_team_cents INTEGER;
CREATE TRIGGER leads_value_team_insert AFTER INSERT ON leads
WHEN new.currency IS NOT NULL BEGIN
  UPDATE leads SET value_team_cents = {_sqlite("new.")} WHERE id = new.id;
END;
CREATE TRIGGER leads_value_team_update AFTER UPDATE OF value_cents, currency ON leads
WHEN new.currency IS NOT NULL OR old.value_team_cents IS NOT NULL BEGIN
  UPDATE leads SET value_team_cents = {_sqlite("new.")} WHERE id = new.id;
END;
{_settings_trigger("INSERT", "new")}
{_settings_trigger("UPDATE", "new")}
{_settings_trigger("DELETE", "old")}
UPDATE leads SET value_team_cents = {_sqlite("")} WHERE currency IS NOT NULL;
CREATE INDEX leads_stage_value_team ON leads (stage, {VALUE_RANK}, id);
"""

_PG_TEAM_CENTS = _team_cents("cents", "code", "round(cents * value::numeric)::bigint")

# Written to be run again (a test lowers the version by one and reopens).
PG_STEP = f"""
ALTER TABLE leads ADD COLUMN IF NOT EXISTS value_team_cents bigint;
CREATE OR REPLACE FUNCTION leads_value_team(cents bigint, code text) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT {_PG_TEAM_CENTS}
$$;
CREATE OR REPLACE FUNCTION leads_value_team_set() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.value_team_cents := leads_value_team(NEW.value_cents, NEW.currency);
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER leads_value_team BEFORE INSERT OR UPDATE OF value_cents, currency ON leads
  FOR EACH ROW WHEN (NEW.currency IS NOT NULL OR NEW.value_team_cents IS NOT NULL)
  EXECUTE FUNCTION leads_value_team_set();
CREATE OR REPLACE FUNCTION settings_value_team() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed text := CASE WHEN TG_OP = 'DELETE' THEN OLD.key ELSE NEW.key END;
BEGIN
  IF changed = 'currency' THEN
    UPDATE leads SET value_team_cents = leads_value_team(value_cents, currency)
     WHERE currency IS NOT NULL;
  ELSIF substr(changed, 1, 5) = 'rate:' THEN
    UPDATE leads SET value_team_cents = leads_value_team(value_cents, currency)
     WHERE currency = substr(changed, 6);
  END IF;
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER settings_value_team AFTER INSERT OR UPDATE OR DELETE ON settings
  FOR EACH ROW EXECUTE FUNCTION settings_value_team();
UPDATE leads SET value_team_cents = leads_value_team(value_cents, currency)
 WHERE currency IS NOT NULL;
CREATE INDEX IF NOT EXISTS leads_stage_value_team ON leads (stage, ({VALUE_RANK}), id);
"""
