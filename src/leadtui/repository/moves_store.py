"""The Repository's pipeline moves: advance, back, win, lose, reopen, for
one lead or many in one transaction and one undoable action, each decided
by leadtui.domain.pipeline and journaled with everything it touched.
(A piece of the Repository: see repository/core.py.)"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

import sqlite_utils

from leadtui.domain import pipeline
from leadtui.domain.clock import age_label, from_iso, to_iso
from leadtui.domain.errors import IllegalMove, StaleLead
from leadtui.domain.models import Lead, Stage
from leadtui.repository import moves_set
from leadtui.repository.core import Rescores, Ruled
from leadtui.repository.engine import SQLITE
from leadtui.repository.frozen_scores import due_note
from leadtui.repository.journal import PUSHED_BY_STAGE, action, record_field_change
from leadtui.repository.rows import fetch_lead


class MovesRepo(Ruled, Rescores, Protocol):
    """What the moves use of the Repository: rescoring and the rules (a
    bulk move rescores what a move can change while the scores are the
    rules' in effect)."""


class MoveStore:
    def __init__(self, repo: MovesRepo) -> None:
        self.repo = repo

    # Each move takes `seen`: the stage the user saw the lead in. If someone
    # else has moved it since, the move is refused (StaleLead) rather than
    # applied to a state the user never saw. Other changes (a touch, a score)
    # do not matter: the move still applies cleanly. The CLI passes None.

    def advance(self, lead_id: int, *, seen: Stage | None = None) -> Lead:
        return self.move_many("advance", [(lead_id, seen)])[0]

    def win(self, lead_id: int, *, seen: Stage | None = None) -> Lead:
        return self.move_many("win", [(lead_id, seen)])[0]

    def lose(self, lead_id: int, reason: str, *, seen: Stage | None = None) -> Lead:
        return self.move_many("lose", [(lead_id, seen)], reason=reason)[0]

    def back(self, lead_id: int, *, seen: Stage | None = None) -> Lead:
        return self.move_many("back", [(lead_id, seen)])[0]

    def reopen(self, lead_id: int, *, seen: Stage | None = None) -> Lead:
        return self.move_many("reopen", [(lead_id, seen)])[0]

    def move_many(
        self, how: str, leads: Sequence[tuple[int, Stage | None]], *, reason: str = ""
    ) -> list[Lead]:
        """Move leads (`how`: advance, back, win, lose, reopen), each with the
        stage its user saw, in one IMMEDIATE transaction and as one action
        ("Lose 12 leads", one `u`): every lead moves, or none does (a lead
        moved by someone else meanwhile, or one the move does not apply to,
        stops them all). A lead given twice (`leadtui win 3 3`) is moved
        once, as first given: it is one lead, whose history must say so."""
        first: dict[int, tuple[int, Stage | None]] = {}
        for lead in leads:
            first.setdefault(lead[0], lead)
        unique = list(first.values())
        if len(unique) > 1 and self._set_based:
            return self._move_set(how, unique, reason)
        return self._move_each(how, unique, reason)

    @property
    def _set_based(self) -> bool:
        # moves_set.py writes through a temp table and SQLite's named
        # parameters: not yet ported to PostgreSQL, where each lead's move
        # is written in turn (still one transaction, one action for `u`).
        return self.repo.engine.dialect is SQLITE

    def _move_each(
        self, how: str, leads: Sequence[tuple[int, Stage | None]], reason: str
    ) -> list[Lead]:
        """move_many a lead at a time, in one transaction."""
        moment = self.repo.clock()
        now = to_iso(moment)
        with self.repo._transaction() as db:
            lock = self.repo.engine.dialect  # each move is decided from the stage read
            found = [(fetch_lead(db, lead_id, lock=lock), seen) for lead_id, seen in leads]
            many = len(found) > 1
            for lead, seen in found:
                if seen is not None and lead.stage is not seen:
                    raise StaleLead(_moved_since(db, lead, moment))
            moves = [
                (lead, _decide(how, lead.stage, _stage_before_closing(db, lead), reason,
                               name=lead.tag if many else None))
                for lead, _ in found
            ]  # fmt: skip
            label = moves[0][0].tag() if len(moves) == 1 else f"{len(moves):,} leads"
            with action(db, self.repo.actor, now, f"{moves[0][1].verb} {label}" if moves else how):
                for lead, move in moves:
                    self._apply_move(db, lead, move, now)
            # A closing lead's score freezes (no more due rescoring); a
            # reopened one is scored afresh, as time moved on meanwhile.
            ids = [lead.id for lead, _ in found]
            self.repo._rescore(db, ids, moment)
            return [fetch_lead(db, lead_id) for lead_id in ids]

    def _move_set(
        self, how: str, leads: Sequence[tuple[int, Stage | None]], reason: str
    ) -> list[Lead]:
        """move_many for several distinct leads, written set-based and in
        chunks (moves_set.py), then read back."""
        moved = self.move_count(how, leads, reason=reason)
        with self.repo._connection() as db:
            return moves_set.read_leads(db, [lead_id for lead_id, _ in leads][:moved])

    def move_count(
        self, how: str, leads: Sequence[tuple[int, Stage | None]], *, reason: str = ""
    ) -> int:
        """move_many without reading the leads back (a bulk move of 100,000
        from the TUI needs only the count), written set-based: what moving
        them one by one writes, in a statement per table, not per lead
        (moves_set.py). One action for `u`, written in transactions of at
        most moves_set.CHUNK leads so that teammates' saves are not held up
        for the whole move; every lead is checked in the first. A lead a
        teammate moves meanwhile stops the move there (StaleLead): the leads
        moved before it stay moved, and `u` takes them back."""

        def decide(
            db: sqlite_utils.Database, lead_id: int, stage: Stage, before: Stage | None
        ) -> pipeline.Move:
            return _decide(how, stage, before, reason, name=lambda: fetch_lead(db, lead_id).tag())

        def stale(db: sqlite_utils.Database, lead_id: int, moment: datetime) -> StaleLead:
            return StaleLead(_moved_since(db, fetch_lead(db, lead_id), moment))

        return moves_set.move_in_chunks(self.repo, how, leads, decide=decide, stale=stale)

    def _push_lifecycle(
        self, db: sqlite_utils.Database, lead: Lead, stage: Stage, now: str
    ) -> None:
        """Reaching a stage moves the lifecycle forward, never back (journaled
        beside the move, so that undoing the move takes it back too)."""
        has_contact = bool(lead.email or lead.phone)
        lifecycle = pipeline.implied_lifecycle(lead.lifecycle, stage, has_contact=has_contact)
        if lifecycle is not lead.lifecycle:
            db.execute("UPDATE leads SET lifecycle = ? WHERE id = ?", [lifecycle.value, lead.id])
            record_field_change(
                db, lead.id, "lifecycle", lead.lifecycle.label, lifecycle.label, now,
                self.repo.actor, note=PUSHED_BY_STAGE,
            )  # fmt: skip

    def _apply_move(
        self, db: sqlite_utils.Database, lead: Lead, move: pipeline.Move, now: str
    ) -> None:
        """Write a decided move and journal everything it touched: the stage
        (with its reason), and for undo the lost reason and the time the lead
        entered its stage, and the lifecycle it pushed."""
        lost_reason = move.reason if move.to_stage is Stage.LOST else None
        # A lead it closes keeps, for the move's undo, when its score was
        # due (frozen_scores.py): its score freezes and the time is gone.
        closing = pipeline.is_open(move.from_stage) and not pipeline.is_open(move.to_stage)
        due = _score_due(db, lead.id) if closing else None
        db.execute(
            "UPDATE leads SET stage = ?, lost_reason = ?, stage_entered_at = ?,"
            " updated_at = ?, version = version + 1 WHERE id = ?",
            [move.to_stage.value, lost_reason, now, now, lead.id],
        )
        record_stage_change(
            db, lead.id, move.from_stage, move.to_stage, move.reason, now, self.repo.actor
        )
        record_field_change(
            db, lead.id, "lost_reason", lead.lost_reason, lost_reason, now, self.repo.actor
        )
        entered = _iso_or_none(lead.stage_entered_at)
        if (entered or None) != now:  # the note alone writes no line
            record_field_change(
                db, lead.id, "stage_entered_at", entered, now, now, self.repo.actor,
                note=due_note(due) if closing else None,
            )  # fmt: skip
        self._push_lifecycle(db, lead, move.to_stage, now)


def _iso_or_none(moment: datetime | None) -> str | None:
    return to_iso(moment) if moment else None


def _score_due(db: sqlite_utils.Database, lead_id: int) -> str | None:
    """When the lead's stored score is next due, as the journal spells a time."""
    due = db.execute("SELECT score_due_at FROM leads WHERE id = ?", [lead_id]).fetchone()[0]
    return to_iso(due) if isinstance(due, datetime) else due


def _decide(
    how: str,
    stage: Stage,
    before_closing: Stage | None,
    reason: str,
    *,
    name: Callable[[], str] | None = None,
) -> pipeline.Move:
    """What `how` means for a lead in `stage`, or IllegalMove (naming the
    lead with `name`, as one of several)."""
    rules: dict[str, Callable[[], pipeline.Move]] = {
        "advance": lambda: pipeline.advance(stage),
        "back": lambda: pipeline.back(stage),
        "win": lambda: pipeline.win(stage),
        "lose": lambda: pipeline.lose(stage, reason),
        "reopen": lambda: pipeline.reopen(stage, before_closing),
    }
    try:
        return rules[how]()
    except IllegalMove as error:
        if name is None:
            raise
        raise IllegalMove(f"{name()}: {error}") from None


def _moved_since(db: sqlite_utils.Database, lead: Lead, now: datetime) -> str:
    """ "#8 Ahmed Hassan was moved to Contacted by maria 5s ago; nothing changed"."""
    row = db.execute(
        "SELECT actor, at FROM stage_changes WHERE lead_id = ? ORDER BY at DESC, id DESC LIMIT 1",
        [lead.id],
    ).fetchone()
    by = f" by {row[0]} {age_label(from_iso(row[1]), now)} ago" if row else ""
    return f"{lead.tag()} was moved to {lead.stage.label}{by}; nothing changed"


def _stage_before_closing(db: sqlite_utils.Database, lead: Lead) -> Stage | None:
    """The stage a closed lead was in before its last move into Won/Lost."""
    if pipeline.is_open(lead.stage):
        return None
    row = db.execute(
        "SELECT from_stage FROM stage_changes WHERE lead_id = ? AND to_stage = ?"
        " ORDER BY at DESC, id DESC LIMIT 1",
        [lead.id, lead.stage.value],
    ).fetchone()
    return Stage(row[0]) if row and row[0] else None


def record_stage_change(
    db: sqlite_utils.Database,
    lead_id: int,
    from_stage: Stage | None,
    to_stage: Stage,
    reason: str | None,
    at: str,
    actor: str,
) -> None:
    db.execute(
        "INSERT INTO stage_changes (lead_id, from_stage, to_stage, reason, at, actor)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [lead_id, from_stage.value if from_stage else None, to_stage.value, reason, at, actor],
    )
