"""Undo and redo of a bulk move written set-based: one statement for the
lead rows and one for the journal lines, instead of reading and writing
each lead for each of its lines (measured at 100k leads: about 0.6 ms of
CPU a lead, 5,000 leads holding the write lock for seconds; the KPI
triggers fire per row on what these write), in transactions of
CHUNK leads (Chunked), so that a teammate's save waits for one chunk, not
the whole undo.

An action qualifies when it is a move: every line a stage, lost reason,
stage entry time or lifecycle, each lead with one stage line and each
field once. Every field must still hold what the action left (to redo,
what it found); if one does not, the caller takes the line-by-line path,
whose check names the field and who changed it. The result is what that
path writes: the same lead rows, the same journal lines for each lead in
the same order (newest line first for an undo, oldest first for a redo),
the same KPI rollups. tests/test_moves_set.py holds the two equal. SQLite
only, like moves_set.
"""

import sqlite_utils

from leadtui.domain.models import Lifecycle
from leadtui.repository.frozen_scores import Restorer
from leadtui.repository.moves_set import CACHE_KIB

# Fewer leads than this are replayed line by line (the same result).
FROM_LEADS = 50
_FIELDS = "('stage', 'lost_reason', 'stage_entered_at', 'lifecycle')"
_LABEL = "CASE {} " + " ".join(f"WHEN '{m.value}' THEN '{m.label}'" for m in Lifecycle) + " END"
_VALUE = "CASE {} " + " ".join(f"WHEN '{m.label}' THEN '{m.value}'" for m in Lifecycle) + " END"

_LOAD = (
    "DROP TABLE IF EXISTS temp.replay",
    # The leads whose frozen score stands, and the due time each gets back
    # (frozen_scores.py: an undo of a closing move fills it).
    "CREATE TEMP TABLE IF NOT EXISTS restore (lead_id INTEGER PRIMARY KEY, due TEXT)",
    "DELETE FROM temp.restore",
    # found: what the field holds now; wanted: what the replay writes.
    "CREATE TEMP TABLE replay (id INTEGER PRIMARY KEY, lead_id INTEGER, field TEXT,"
    " found TEXT, wanted TEXT, old TEXT, new TEXT, note TEXT)",
)
# A line whose field no longer holds what the replay expects (or whose
# lead is gone), for the line `r`.
_DIFFERS = f"""NOT EXISTS (
    SELECT 1 FROM leads l WHERE l.id = r.lead_id AND r.found IS CASE r.field
           WHEN 'stage' THEN l.stage
           WHEN 'lost_reason' THEN coalesce(l.lost_reason, '')
           WHEN 'stage_entered_at' THEN coalesce(l.stage_entered_at, '')
           ELSE {_LABEL.format("l.lifecycle")} END)"""
_CHANGED = f"SELECT DISTINCT lead_id FROM temp.replay r WHERE {_DIFFERS} ORDER BY 1"
_QUALIFIES = f"""
SELECT (SELECT count(*) FROM temp.replay WHERE field NOT IN {_FIELDS}) = 0
   AND NOT EXISTS (SELECT 1 FROM temp.replay GROUP BY lead_id, field HAVING count(*) > 1)
   AND NOT EXISTS (SELECT 1 FROM temp.replay GROUP BY lead_id HAVING sum(field = 'stage') != 1)
   AND NOT EXISTS (SELECT 1 FROM temp.replay r WHERE {_DIFFERS})
"""

# Each lead's fields as the replay leaves them. A stage line bumps the
# version (as a move does), and so does a lifecycle line (written as an
# edit); the times and the lost reason are written as they are.
_LEADS = f"""
UPDATE leads SET
    stage = w.stage, updated_at = :now, version = version + 1 + w.lifecycles,
    lost_reason = CASE WHEN w.losts THEN nullif(w.lost, '') ELSE lost_reason END,
    stage_entered_at = CASE WHEN w.entries THEN nullif(w.entered, '') ELSE stage_entered_at END,
    lifecycle = CASE WHEN w.lifecycles THEN {_VALUE.format("w.life")} ELSE lifecycle END,
    score_due_at = CASE WHEN w.kept THEN w.due ELSE score_due_at END
  FROM (
    SELECT lead_id,
           max(CASE field WHEN 'stage' THEN wanted END) AS stage,
           sum(field = 'lost_reason') AS losts,
           max(CASE field WHEN 'lost_reason' THEN wanted END) AS lost,
           sum(field = 'stage_entered_at') AS entries,
           max(CASE field WHEN 'stage_entered_at' THEN wanted END) AS entered,
           sum(field = 'lifecycle') AS lifecycles,
           max(CASE field WHEN 'lifecycle' THEN wanted END) AS life,
           lead_id IN (SELECT lead_id FROM temp.restore) AS kept,
           (SELECT due FROM temp.restore k WHERE k.lead_id = r.lead_id) AS due
      FROM temp.replay r GROUP BY lead_id
  ) AS w
 WHERE leads.id = w.lead_id
"""

# The lines, in replay order. A stage line's note is the reason of a move
# into Lost: a redo's own, else the reason the lead was lost for (its
# lost reason, as just written back; every lead replayed is there, as the
# check found). Other lines are written as
# journal.record_field_change writes them: nothing when the value does not
# change, an empty value as NULL.
_JOURNAL = """
INSERT INTO journal (lead_id, field, old, new, note, at, actor, group_id, cancelled_with)
SELECT r.lead_id, r.field,
       CASE r.field WHEN 'stage' THEN r.found ELSE nullif(r.found, '') END,
       CASE r.field WHEN 'stage' THEN r.wanted ELSE nullif(r.wanted, '') END,
       CASE WHEN r.field != 'stage' OR r.wanted != 'lost' THEN NULL
            WHEN r.wanted = r.new THEN r.note
            ELSE (SELECT l.lost_reason FROM leads l WHERE l.id = r.lead_id) END,
       :now, :actor, :group, {cancels}
  FROM temp.replay r
 WHERE r.field = 'stage' OR nullif(r.found, '') IS NOT nullif(r.wanted, '')
 ORDER BY r.id {order}
"""


# An undo's stage line takes back the move's (r.id) when that one is its
# lead's latest standing change, as the lead row names it (`last_stage_*`,
# which the KPI trigger keeps; no later standing line at the same time) and
# dated no later than now: the line is written with cancelled_with given,
# and the trigger looks nothing up (schema_kpi_lines.STAGE_CANCEL). Else
# NULL: the trigger decides, as for any line.
_CANCELS = """CASE WHEN r.field = 'stage' THEN (
    SELECT j.id FROM journal j JOIN leads l ON l.id = j.lead_id
     WHERE j.id = r.id AND j.field = 'stage' AND j.lead_id = r.lead_id
       AND j.cancelled_with IS NULL AND j.at <= :now
       AND j.new = r.found AND (j.old = r.wanted OR r.found IN ('won', 'lost'))
       AND l.last_stage_at = j.at AND l.last_stage_to = j.new
       AND l.last_stage_from IS j.old AND l.last_stage_reason IS j.note
       AND NOT EXISTS (
           SELECT 1 FROM journal k INDEXED BY journal_stage_lead
            WHERE k.field = 'stage' AND k.lead_id = j.lead_id AND k.at = j.at AND k.id > j.id
              AND k.cancelled_with IS NULL)) END"""


def prepare(db: sqlite_utils.Database, group: int, *, undo: bool) -> bool:
    """Load the action's lines; whether it is a move of at least FROM_LEADS
    leads whose fields all hold what the replay expects."""
    _load(db, group, undo=undo, only=False)
    leads = db.execute("SELECT count(DISTINCT lead_id) FROM temp.replay").fetchone()[0]
    return leads >= FROM_LEADS and bool(db.execute(_QUALIFIES).fetchone()[0])


def _load(db: sqlite_utils.Database, group: int, *, undo: bool, only: bool) -> None:
    """temp.replay: the lines of the action `group` (`only`: those of the
    ids in temp.replay_ids, by their ids)."""
    for statement in _LOAD:
        db.execute(statement)
    found, wanted = ("new", "old") if undo else ("old", "new")
    which = "id IN (SELECT id FROM temp.replay_ids) AND +group_id = ?" if only else "group_id = ?"
    db.execute(
        "INSERT INTO temp.replay SELECT id, lead_id, field, coalesce("
        f"{found}, ''), coalesce({wanted}, ''), old, new, note FROM journal WHERE {which}",
        [group],
    )


def replay(db: sqlite_utils.Database, *, undo: bool, now: str, actor: str, group: int) -> list[int]:
    """Write the prepared replay as lines of the caller's action `group`
    (given at once, not stamped by a second write); the leads, by id."""
    db.execute(_LEADS, {"now": now})
    db.execute(
        _JOURNAL.format(order="DESC" if undo else "ASC", cancels=_CANCELS if undo else "NULL"),
        {"now": now, "actor": actor, "group": group},
    )
    # temp.replay stays, for MOVES, until the next load.
    return [row[0] for row in db.execute("SELECT DISTINCT lead_id FROM temp.replay ORDER BY 1")]


# The moves a replay wrote, as moves_set.rescore_moved reads them: not
# those of the leads whose frozen score stands (given back its due time).
MOVES = (
    "SELECT lead_id AS id, found AS from_stage, wanted AS to_stage FROM temp.replay"
    " WHERE field = 'stage' AND lead_id NOT IN (SELECT lead_id FROM temp.restore)"
)


# Leads replayed per transaction, as a bulk move writes them (moves_set.CHUNK).
CHUNK = 5_000


class Chunked:
    """A prepared replay written CHUNK leads a transaction, as one action.

    Every lead was checked in the first transaction (prepare): if any field
    no longer held what the replay expects, nothing was written. Between
    two transactions a teammate may change a lead the replay has not
    reached yet (move it, edit its lifecycle, merge it away). That change
    was made after this replay began, so it is the later one and it wins:
    such a lead is left as the teammate left it, and the result names it,
    as an undo finished at once and followed by the teammate's change would
    leave it. Stopping there instead would leave the action half undone
    with no single key to finish or take back the rest."""

    def __init__(
        self, db: sqlite_utils.Database, *, undo: bool, restorer: Restorer | None = None
    ) -> None:
        self.undo = undo
        self.restorer = restorer
        # Each lead's lines, the leads in the replay's order (a later chunk
        # loads its lines by their ids: the action's are in every chunk).
        lines: dict[int, list[int]] = {}
        for line, lead in db.execute(
            f"SELECT id, lead_id FROM temp.replay ORDER BY id {'DESC' if undo else 'ASC'}"
        ):
            lines.setdefault(lead, []).append(line)
        self.order = list(lines)
        self.lines = lines
        self.leads: list[int] = []
        self.left: list[int] = []
        self.ours = 0  # the replay's own action, from first()

    def first(self, db: sqlite_utils.Database, ours: int, now: str, actor: str) -> list[int]:
        """Replay the first chunk, from the lines prepare loaded, as lines
        of the action `ours` (the later chunks' too)."""
        self.ours = ours
        _chunk_ids(db, self.order[:CHUNK])
        db.execute("DELETE FROM temp.replay WHERE lead_id NOT IN (SELECT id FROM temp.replay_ids)")
        return self._replay(db, now, actor)

    def later(self) -> list[list[int]]:
        """The leads of each later chunk."""
        return [self.order[start : start + CHUNK] for start in range(CHUNK, len(self.order), CHUNK)]

    def next(
        self, db: sqlite_utils.Database, group: int, ids: list[int], now: str, actor: str
    ) -> list[int]:
        """Replay a later chunk of the action `group`'s lines: the leads
        `ids`, less those changed since the first transaction checked them."""
        _chunk_ids(db, [line for lead in ids for line in self.lines[lead]])
        _load(db, group, undo=self.undo, only=True)
        changed = [row[0] for row in db.execute(_CHANGED)]
        if changed:
            self.left += changed
            db.execute(
                "DELETE FROM temp.replay WHERE lead_id IN (SELECT lead_id FROM temp.replay r"
                f" WHERE {_DIFFERS})"
            )
        return self._replay(db, now, actor)

    def _replay(self, db: sqlite_utils.Database, now: str, actor: str) -> list[int]:
        # The page cache a bulk move's chunk takes (measured: the undo of
        # 55,000 leads wrote its lead rows in half the time with it).
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if self.restorer is not None:
            self.restorer.load(db)
        done = replay(db, undo=self.undo, now=now, actor=actor, group=self.ours)
        self.leads += done
        return done


def _chunk_ids(db: sqlite_utils.Database, ids: list[int]) -> None:
    db.execute("CREATE TEMP TABLE IF NOT EXISTS replay_ids (id INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM temp.replay_ids")
    db.conn.executemany("INSERT INTO temp.replay_ids VALUES (?)", [(i,) for i in ids])
