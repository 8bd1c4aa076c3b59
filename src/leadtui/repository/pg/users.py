"""A rep's own leads only, on PostgreSQL (users_store.py says the rule).

SQLite adds TEMP triggers to the one write transaction's connection; a
PostgreSQL server has no per-connection triggers, so plpgsql triggers stand
in the schema for good (STEP, one migration step) and act only in a
transaction that names its rep in the transaction-local setting
`leadtui.own_leads`: every other transaction (a manager, the CLI over
SSH, rescoring) passes them with one setting read. The users and sessions
tables themselves are in the first step (pg/schema.py).
"""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from leadtui.domain.errors import NotAllowed
from leadtui.repository.pg.connection import PgDatabase
from leadtui.repository.users_store import GUARDED_COLUMNS

# The error the triggers raise: a SQLSTATE of leadtui's own ("LT" is no
# class PostgreSQL uses), with the lead's id and owner as detail and hint.
REFUSED = "LT001"
SETTING = "leadtui.own_leads"

_COLUMNS = ", ".join(GUARDED_COLUMNS)

STEP = f"""
CREATE FUNCTION leadtui_refuse_others(lead_id bigint, owner text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  rep text := current_setting('{SETTING}', true);
BEGIN
  IF coalesce(rep, '') <> '' AND coalesce(owner, '') <> '' AND lower(owner) <> lower(rep) THEN
    RAISE EXCEPTION 'leadtui: a lead owned by someone else'
      USING ERRCODE = '{REFUSED}', DETAIL = lead_id::text, HINT = owner;
  END IF;
END $$;
CREATE FUNCTION leads_own_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM leadtui_refuse_others(OLD.id, OLD.owner);
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER leads_own_only BEFORE UPDATE OF {_COLUMNS} OR DELETE ON leads
  FOR EACH ROW EXECUTE FUNCTION leads_own_only();
-- Every change to a lead is journaled: tags, BANT, custom fields and
-- touches too, which live outside the leads row.
CREATE FUNCTION journal_own_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(current_setting('{SETTING}', true), '') <> '' THEN
    PERFORM leadtui_refuse_others(NEW.lead_id, (SELECT owner FROM leads WHERE id = NEW.lead_id));
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER journal_own_only BEFORE INSERT ON journal
  FOR EACH ROW EXECUTE FUNCTION journal_own_only();
"""


@contextmanager
def own_leads_only(db: PgDatabase, actor: str) -> Iterator[PgDatabase]:
    """Inside the caller's write transaction: changing a lead someone else
    owns raises NotAllowed (and rolls the whole transaction back)."""
    db.execute("SELECT set_config(?, ?, true)", [SETTING, actor])
    try:
        yield db
    except psycopg.Error as error:
        if error.sqlstate != REFUSED:
            raise
        lead_id, owner = error.diag.message_detail, error.diag.message_hint
        raise NotAllowed(
            f"#{lead_id} is {owner}'s lead: a rep changes only their own leads and unassigned ones"
        ) from None
