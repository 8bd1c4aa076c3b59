"""A lead's history as leadtui's export carries it (--with-history: JSON's
`history`, CSV's FILE.history.csv), written back by an import: its stage
changes as they were (not the import's own "created, then moved to its
stage"), so that the KPIs' funnel and stage history read as in the file
exported; its touches with their dates, kinds, notes, bodies and actors;
its field changes as journal lines. Lines an import writes belong to no
action: nobody's `u` takes them back. So a touch's line that an undo or a
redo wrote is left out (it would read as a touch taken back); the touch's
own line says whether it stands (`undone`)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlite_utils

from leadtui.domain.clock import to_iso
from leadtui.domain.models import HistoryEntry, Stage
from leadtui.domain.scoring_rules import RuleSet
from leadtui.repository import schema
from leadtui.repository.scores import rescore

ACTIVITY_INSERT_COLUMNS = ("lead_id", "kind", "direction", "note", "body", "at", "actor")
_LINE_COLUMNS = ("lead_id", "field", "old", "new", "note", "at", "actor")


@dataclass
class HistoryRows:
    """A batch's touches and other journal lines, in column order."""

    activities: list[tuple[object, ...]] = field(default_factory=list)
    lines: list[tuple[object, ...]] = field(default_factory=list)  # _LINE_COLUMNS

    def __bool__(self) -> bool:
        return bool(self.activities or self.lines)


def take_history(
    rows: HistoryRows,
    changes: list[tuple[object, ...]],
    lead_id: int,
    history: Sequence[HistoryEntry],
    stage: str,
) -> bool:
    """Add a lead's history to the batch. Its stage changes go to `changes`
    (STAGE_CHANGE_COLUMNS) only when they lead from nowhere to the lead's
    stage; then True. Otherwise (a history cut short, edited by hand) the
    caller writes the import's own two lines, and False."""
    moves = [entry for entry in history if entry.type == "stage_change"]
    whole = bool(moves) and moves[0].from_stage is None and _stage(moves[-1].to_stage) == stage
    for entry in history:
        at = to_iso(entry.at)
        if entry.type == "stage_change":
            if whole:
                old, new = _stage(entry.from_stage), _stage(entry.to_stage)
                changes.append((lead_id, old, new, entry.reason, at, entry.actor))
        elif entry.type == "touch" and entry.action:
            continue  # an undo's or a redo's line: the touch's own line says the outcome
        elif entry.type == "touch" and not entry.undone:
            kind = entry.kind.value if entry.kind else None
            rows.activities.append(
                (
                    lead_id,
                    kind,
                    entry.direction,
                    entry.note or "",
                    entry.body or "",
                    at,
                    entry.actor,
                )
            )
        elif entry.type == "touch":  # taken back by an undo: its line without its activity
            kind = entry.kind.value if entry.kind else None
            rows.lines.append((lead_id, "touch", None, kind, entry.note, at, entry.actor))
        elif entry.field:
            rows.lines.append((lead_id, entry.field, entry.old, entry.new, None, at, entry.actor))
    return whole


def write_history(db: sqlite_utils.Database, rows: HistoryRows) -> None:
    """After the batch's leads: the touches, each with its journal line
    (as bulk builds write them), then the other lines."""
    if rows.activities:
        last = db.execute("SELECT coalesce(max(id), 0) FROM activities").fetchone()[0]
        db.conn.executemany(_insert("activities", ACTIVITY_INSERT_COLUMNS), rows.activities)
        db.execute(schema.JOURNAL_TOUCH_ROWS, [last])
    if rows.lines:
        db.conn.executemany(_insert("journal", _LINE_COLUMNS), rows.lines)


def rescore_touched(
    db: sqlite_utils.Database,
    rules: RuleSet,
    now: datetime,
    touched: Sequence[tuple[int, datetime | None]],
) -> None:
    """The rule score of each lead that came with its touches, which the
    rules read: an open one's as of `now`, a closed one's as of its close,
    which it keeps (scores.not_closed_before)."""
    still_open = [lead_id for lead_id, closed in touched if closed is None]
    for start in range(0, len(still_open), 500):
        rescore(db, still_open[start : start + 500], rules, None, now, chance=False)
    for lead_id, closed in touched:
        if closed is not None:
            rescore(db, [lead_id], rules, None, closed, chance=False)


def _stage(stage: Stage | None) -> str | None:
    return stage.value if stage else None


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
