"""A closed lead's score is frozen (no due time: scores.rescore), so the
undo of a bulk loss or win used to score every lead it reopens afresh,
about 70 µs a lead in Python (4 s of a 55,000-lead undo). Most of them
would get the very score they hold: a move changes none of a score's
inputs (moves_set.rescore_moved), so what a closing move threw away is
only the time the score would next change.

A move that closes an open lead keeps that time on the lead's
stage_entered_at line (a quiet line, kept for undo), as its note:
"score due 2026-12-10T09:00:00+00:00", or "score due never". The set-based
undo of the move (undo_set) gives each lead it reopens that due time back
and keeps its score, where that score is what a rescore now would give:

- the note is there (a move written before the note existed has none),
  and the time it names is still to come;
- nothing was written on the lead since the move but the move's own undos
  and redos (a touch, an edit, a pin: each is a journal line, and each
  rescored the lead when it was written, leaving a score whose due time
  nothing kept);
- the rules in effect scored it: the stored rules version is theirs and
  was recorded before the move (RULES_AT_KEY);
- the learned model is the one of the move (trained before it), or there
  is none and the lead's win chance is 0 (what a rescore without one gives).

Any other lead is scored afresh, as before. tests/test_frozen_scores.py
holds a kept score equal to a rescore."""

from datetime import datetime

import sqlite_utils

from leadtui.domain.clock import to_iso
from leadtui.repository.scores import RULES_KEY, read_model, read_setting

# When the stored rules version was last written (scoring_store).
RULES_AT_KEY = "rules_version_at"
DUE = "score due "
NEVER = "never"
_CLOSED = "('won', 'lost')"


def due_note(due: str | None) -> str:
    """The note a closing move writes on the stage_entered_at line."""
    return f"{DUE}{due or NEVER}"


def due_note_sql(closing: str, due: str) -> str:
    """due_note in SQL, where `closing` (an open lead closed) holds, else NULL."""
    return f"CASE WHEN {closing} THEN '{DUE}' || coalesce({due}, '{NEVER}') END"


# Each lead the replay (temp.replay, an undo of `group`) takes from a
# closed stage to an open one whose frozen score stands, with the due time
# it gets back. `chance` is the model's condition (see above).
_KEPT = f"""
INSERT INTO temp.restore (lead_id, due)
SELECT s.lead_id, nullif(substr(e.note, {len(DUE) + 1}), '{NEVER}')
  FROM temp.replay s
  JOIN temp.replay e ON e.lead_id = s.lead_id AND e.field = 'stage_entered_at'
  JOIN leads l ON l.id = s.lead_id
 WHERE s.field = 'stage' AND s.found IN {_CLOSED} AND s.wanted NOT IN {_CLOSED}
   AND substr(e.note, 1, {len(DUE)}) = '{DUE}'
   AND (e.note = '{DUE}{NEVER}' OR substr(e.note, {len(DUE) + 1}) > :now)
   AND {{chance}}
   AND NOT EXISTS (
       SELECT 1 FROM journal j WHERE j.lead_id = s.lead_id AND j.id > s.id
          AND coalesce(j.group_id, 0) NOT IN (
              SELECT id FROM actions WHERE id = :group OR target = :group))"""


class Restorer:
    """What the undo of the action `group` may keep of the scores it finds
    (decided once, in the first transaction): load() fills temp.restore
    for each chunk."""

    def __init__(self, chance: str | None, group: int, now: str) -> None:
        self.chance, self.group, self.now = chance, group, now

    @classmethod
    def of(
        cls, db: sqlite_utils.Database, group: int, rules_version: str, moment: datetime
    ) -> "Restorer":
        moved_at = str(db.execute("SELECT at FROM actions WHERE id = ?", [group]).fetchone()[0])
        rules_at = read_setting(db, RULES_AT_KEY)
        model = read_model(db)
        chance: str | None = "l.win_chance = 0" if model is None else "1"
        if read_setting(db, RULES_KEY) != rules_version or (rules_at and rules_at >= moved_at):
            chance = None  # the rules changed since: every lead is scored afresh
        elif model is not None and model.trained_at >= moved_at:
            chance = None  # so did the model
        return cls(chance, group, to_iso(moment))

    def load(self, db: sqlite_utils.Database) -> None:
        """temp.restore for the lines in temp.replay (emptied by their load)."""
        if self.chance is not None:
            db.execute(_KEPT.format(chance=self.chance), {"now": self.now, "group": self.group})
