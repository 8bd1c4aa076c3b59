"""What the KPI triggers write for a stage line (a row of the journal with
field 'stage'): its entry to Qualified and its stay, under its lead's
owner, and, since schema v10, the two triggers for a line whose writer gave
what the stage trigger would otherwise look up (schema_kpi.py holds that
trigger, the journal_kpi_stage of "1. Stage history as it stands"). Data
only, like schema.py.

A bulk move and its undo write thousands of lines at once and read each
lead row anyway: from it, and from the line they take back, they can tell
whether a line stands or cancels another (the lead's `last_stage_*` is its
latest standing change, which the triggers keep). So they give the line's
columns as the lookup would find them, and the trigger trusts them:

- `prev_new` given: the line stands, with this stay, previous stage and
  previous entry to the same stage (moves_set.py);
- `cancelled_with` given: the line takes back that one, the lead's latest
  standing change (undo_set.py).

A line written with neither (a single move, a merge, plain sqlite3) is
looked up as before. Measured (10,000 leads of the 100k demo file, in
instructions): a bulk loss 11% fewer, its undo 8% (bench/README.md, "Bulk
moves, fewer lookups per line"); a moved line is written once, not three
times.
"""

from leadtui.repository.schema_kpi_v6 import RANK, Upsert, upsert, upsert_stay

# Of a lead's stage changes before NEW, the latest that stands.
LATEST_STANDING = """
      FROM journal p INDEXED BY journal_stage_lead
     WHERE p.field = 'stage' AND p.lead_id = NEW.lead_id AND p.cancelled_with IS NULL
       AND (p.at < NEW.at OR (p.at = NEW.at AND p.id < NEW.id))
     ORDER BY p.at DESC, p.id DESC LIMIT 1"""
_OWNER_OF_LINE = "(SELECT owner FROM leads WHERE id = {r}.lead_id)"

# A journal line's stay and entry to Qualified, under its lead's owner
# (`owner`: the expression naming it).
_STAY_KEYS = {"day": "substr({r}.at, 1, 10)", "stage": "{r}.old"}
_STAY_SUMS = {"n": "1", "days": "{r}.stay"}
STAYED = "{r}.stay IS NOT NULL AND {r}.old IS NOT NULL"
QUALIFIED = "{r}.new = 'qualified' AND {r}.cancelled_with IS NULL"


def owner_stay(owner: str) -> Upsert:
    return upsert(
        "kpi_owner_stays",
        {"owner": owner, **_STAY_KEYS},
        _STAY_SUMS,
        when=f"{owner} IS NOT NULL AND {STAYED}",
    )


def owner_qualified(owner: str) -> Upsert:
    return upsert(
        "kpi_owner_qualified",
        {"owner": owner, "hour": "substr({r}.at, 1, 13)"},
        {"n": "1"},
        when=f"{owner} IS NOT NULL AND {QUALIFIED}",
    )


line_stay = owner_stay(_OWNER_OF_LINE)
line_qualified = owner_qualified(_OWNER_OF_LINE)

# The stage trigger that looks up: only for a line given neither.
GIVEN_WHEN = " AND NEW.prev_new IS NULL AND NEW.cancelled_with IS NULL"

# A standing line, given: its stay into the rollups (no UPDATE of it fires
# journal_kpi_stay), the lead's latest change and furthest step.
STAGE_GIVEN = f"""
CREATE TRIGGER journal_kpi_stage_given AFTER INSERT ON journal
WHEN NEW.field = 'stage' AND NEW.prev_new IS NOT NULL AND NEW.cancelled_with IS NULL BEGIN
  {line_qualified("NEW", "")}
  {upsert_stay("NEW", "")}
  {line_stay("NEW", "")}
  UPDATE leads SET top_rank = {RANK.format("NEW.new")}
   WHERE id = NEW.lead_id AND {RANK.format("NEW.new")} > top_rank;
  UPDATE leads SET last_stage_at = NEW.at, last_stage_to = NEW.new,
                   last_stage_from = NEW.old, last_stage_reason = NEW.note
   WHERE id = NEW.lead_id AND (last_stage_at IS NULL OR NEW.at >= last_stage_at);
END"""

# A cancelling line, given: the line it takes back is marked (its rollups
# out, by journal_kpi_stay and journal_kpi_owner), and the lead's columns
# read again from what stands. Its furthest step is read only if the line
# taken back (to NEW.old) could have been the one that reached it.
STAGE_CANCEL = f"""
CREATE TRIGGER journal_kpi_stage_cancel AFTER INSERT ON journal
WHEN NEW.field = 'stage' AND NEW.cancelled_with IS NOT NULL BEGIN
  UPDATE journal SET cancelled_with = NEW.id, stay = NULL, prev_new = NULL, prev_same_at = NULL
   WHERE id = NEW.cancelled_with;
  UPDATE leads SET
      top_rank = CASE WHEN coalesce({RANK.format("NEW.old")}, -1) < top_rank THEN top_rank
                      ELSE coalesce((SELECT max({RANK.format("p.new")}) FROM journal p
                                      WHERE p.field = 'stage' AND p.lead_id = NEW.lead_id
                                        AND p.cancelled_with IS NULL), 0) END,
      (last_stage_at, last_stage_to, last_stage_from, last_stage_reason) = (
          SELECT p.at, p.new, p.old, p.note{LATEST_STANDING})
   WHERE id = NEW.lead_id;
END"""
