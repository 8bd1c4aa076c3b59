"""Undo and redo (`u`/`U`, `leadtui undo`/`redo`): a user's actions, taken
back and replayed from the journal, after a restart too.

An action is undone by writing its lines' old values back, newest line
first, and redone by writing their new values again, oldest first. Each is
an action of its own (kind 'undo' or 'redo', `target` the action), so the
history says who undid what, and the undo and redo stacks are replayed from
the user's actions in order. A line's field must still hold what the action
left there (or, to redo, what it found): if anyone changed it since,
nothing is written and the message says who and when.
(A piece of the Repository: see repository/core.py.)
"""

from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from typing import Protocol

import sqlite_utils

from leadtui.domain.clock import age_label, from_iso, to_iso
from leadtui.domain.errors import InvalidInput, StaleLead
from leadtui.domain.models import Lead, Stage, Temperature
from leadtui.domain.results import Replayed
from leadtui.repository import assign_set, undo_set
from leadtui.repository.contacts import SECONDARY_FIELDS, put_secondary, secondary_text
from leadtui.repository.core import Rescores, Ruled
from leadtui.repository.details_store import (
    apply_fields,
    follow_up_on,
    write_follow_up,
    write_snooze,
)
from leadtui.repository.engine import SQLITE, Dialect
from leadtui.repository.frozen_scores import Restorer
from leadtui.repository.hand_back import handing_back, refuse_written
from leadtui.repository.journal import (
    action,
    follow_up_text,
    pin_text,
    record_field_change,
    same_action,
)
from leadtui.repository.moves_set import rescore_moved
from leadtui.repository.rows import fetch_lead, leads_named, with_custom
from leadtui.repository.scoring_store import write_pin
from leadtui.repository.team_zone import zone_of


class NothingToUndo(InvalidInput):
    """No action of this user is left to undo (or to redo)."""


# An action on a stack: its id (the journal's group) and its label.
_Action = tuple[int, str]


@dataclass(frozen=True)
class _Line:
    id: int
    lead_id: int
    field: str
    old: str | None
    new: str | None
    note: str | None
    activity_id: int | None


class UndoRepo(Ruled, Rescores, Protocol):
    """What undo uses of the Repository: rescoring, the rules (a bulk
    move's replay rescores what a move can change, as the move does), and
    whether its actor is a rep kept to their own leads (hand_back.py)."""

    own_leads_only: bool


class UndoStore:
    def __init__(self, repo: UndoRepo) -> None:
        self.repo = repo

    def undo(self) -> Replayed:
        """Take back this user's latest action that is not undone yet."""
        return self._replay(undo=True)

    def redo(self) -> Replayed:
        """Replay the action this user undid last, unless they have done
        something new since (as in every editor)."""
        return self._replay(undo=False)

    def _replay(self, *, undo: bool) -> Replayed:
        moment = self.repo.clock()
        now = to_iso(moment)
        reassigned: assign_set.Replay | None = None
        with self.repo._transaction() as db:
            done, undone, barrier = _stacks(db, self.repo.actor)
            stack = done if undo else undone
            if not stack:
                why = f" ({barrier} cannot be undone)" if barrier and undo else ""
                raise NothingToUndo(f"nothing to {'undo' if undo else 'redo'}{why}")
            group, label = stack[-1]
            verb = "Undid" if undo else "Redid"
            kind = "undo" if undo else "redo"
            # A reassignment of many leads, replayed in chunks (assign_set.py).
            if assign_set.is_bulk(db, group):
                reassigned = assign_set.Replay(self.repo, db, group, label, undo=undo)
                reassigned.first(db)
            # A bulk move, replayed set-based and in chunks (undo_set.py);
            # the same result. Its first chunk is written here, with the check.
            elif self.repo.engine.dialect is SQLITE and undo_set.prepare(db, group, undo=undo):
                # An undo of a closing move keeps the frozen scores that
                # stand (frozen_scores.py) instead of scoring them afresh.
                restorer = Restorer.of(db, group, self.repo.rules.version, moment) if undo else None
                chunked = undo_set.Chunked(db, undo=undo, restorer=restorer)
                title = f"{verb}: {label}"
                with action(db, self.repo.actor, now, title, kind=kind, target=group) as ours:
                    chunked.first(db, ours, now, self.repo.actor)
                rescore_moved(self.repo, db, moment, undo_set.MOVES)
            else:
                return self._replay_lines(db, group, label, undo=undo, moment=moment)
        # The later chunks, each in its own transaction.
        if reassigned is not None:
            return reassigned.rest()
        return self._replay_rest(chunked, group, ours, moment, Replayed(verb, label, ()))

    def _replay_lines(
        self, db: sqlite_utils.Database, group: int, label: str, *, undo: bool, moment: datetime
    ) -> Replayed:
        """Replay the action `group` line by line, in the caller's transaction."""
        now = to_iso(moment)
        verb = "Undid" if undo else "Redid"
        kind = "undo" if undo else "redo"
        lines = [
            _Line(*row)
            for row in db.execute(
                "SELECT id, lead_id, field, old, new, note, activity_id FROM journal"
                f" WHERE group_id = ? ORDER BY id {'DESC' if undo else 'ASC'}",
                [group],
            ).fetchall()
        ]
        _refuse_changed(
            db, lines, undo=undo, group=group, now=moment, lock=self.repo.engine.dialect
        )
        leads = sorted({line.lead_id for line in lines})
        # A lead the rep handed on is given back while nobody wrote on it since.
        given_back = (
            refuse_written(db, group, leads, self.repo.actor, moment)
            if self.repo.own_leads_only
            else []
        )
        with (
            action(db, self.repo.actor, now, f"{verb}: {label}", kind=kind, target=group),
            handing_back(db, self.repo.actor, given_back),
        ):
            for line in lines:
                found, wanted = (line.new, line.old) if undo else (line.old, line.new)
                self._put(db, line, found or "", wanted or "", moment)
        self.repo._rescore(db, leads, moment)
        return Replayed(verb, label, tuple(leads))

    def _replay_rest(
        self, chunked: undo_set.Chunked, group: int, ours: int, moment: datetime, done: Replayed
    ) -> Replayed:
        """The later chunks of a set-based replay of the action `group`,
        each its own transaction, as lines of the action `ours`."""
        now = to_iso(moment)
        for ids in chunked.later():
            with self.repo._transaction() as db, same_action(db, ours):
                chunked.next(db, group, ids, now, self.repo.actor)
                rescore_moved(self.repo, db, moment, undo_set.MOVES)
        left = ""
        if chunked.left:  # a connection only when there is someone to name
            with self.repo._connection() as db:
                left = leads_named(db, chunked.left)
        return replace(done, lead_ids=tuple(sorted(chunked.leads)), left=left)

    def _put(
        self, db: sqlite_utils.Database, line: _Line, found: str, wanted: str, moment: datetime
    ) -> None:
        """Write `wanted` into the line's field, which holds `found` (checked
        by _refuse_changed before anything was written)."""
        now = to_iso(moment)
        lead = with_custom(db, fetch_lead(db, line.lead_id))
        if line.field == "touch":
            _put_touch(db, lead, line, restore=bool(wanted), now=now, actor=self.repo.actor)
            return
        if line.field == "stage":
            db.execute(
                "UPDATE leads SET stage = ?, updated_at = ?, version = version + 1 WHERE id = ?",
                [wanted, now, lead.id],
            )
            db.execute(
                "INSERT INTO stage_changes (lead_id, from_stage, to_stage, reason, at, actor)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [lead.id, found, wanted, _lost_reason(lead, line, wanted), now, self.repo.actor],
            )  # fmt: skip
        elif line.field in ("lost_reason", "stage_entered_at"):
            db.execute(f"UPDATE leads SET {line.field} = ? WHERE id = ?", [wanted or None, lead.id])
            record_field_change(db, lead.id, line.field, found, wanted, now, self.repo.actor)
        elif line.field == "follow-up":
            write_follow_up(
                db, lead, follow_up_on(wanted or None, zone_of(db)), now, self.repo.actor
            )
        elif line.field == "hidden until":
            write_snooze(db, lead, follow_up_on(wanted or None, zone_of(db)), now, self.repo.actor)
        elif line.field in SECONDARY_FIELDS:  # a quick-add merge kept it
            value = line.new or ""
            put_secondary(db, lead, line.field, value, keep=bool(wanted), now=now,
                          actor=self.repo.actor)  # fmt: skip
        elif line.field == "temperature":
            pinned = wanted.endswith("(pinned)")
            temperature = Temperature(wanted.split()[0]) if pinned else None
            write_pin(self.repo, db, lead.id, temperature, moment)
        else:
            apply_fields(db, lead, {line.field: wanted}, now=now, actor=self.repo.actor)


def _refuse_changed(
    db: sqlite_utils.Database,
    lines: list[_Line],
    *,
    undo: bool,
    group: int,
    now: datetime,
    lock: Dialect,
) -> None:
    """Before anything is written: every field the action touched must hold
    what the action left (undo) or found (redo). The first field of the
    action that does not (the stage of a move, before its side effects) is
    the one named."""
    # `lines` run in replay order, so the first line of a field met is the
    # action's last for an undo (its final value) and its first for a redo.
    expected: dict[tuple[int, str], str] = {}
    for line in lines:
        expected.setdefault((line.lead_id, line.field), (line.new if undo else line.old) or "")
    first_to_last = lines[::-1] if undo else lines
    leads: dict[int, Lead] = {}  # nothing is written during the check: read each once
    for line in first_to_last:
        key = (line.lead_id, line.field)
        if line.field == "touch" or key not in expected:
            continue
        found = expected.pop(key)
        if line.lead_id not in leads:  # locked: what is checked here is what is replayed
            leads[line.lead_id] = with_custom(db, fetch_lead(db, line.lead_id, lock=lock))
        lead = leads[line.lead_id]
        if line.field in SECONDARY_FIELDS:  # the contact the line kept, still there or not
            current = secondary_text(lead, line.field, line.new)
        else:
            current = _current_text(lead, line.field, zone_of(db))
        unpinned = line.field == "temperature" and found.endswith("(score)")
        if current != found and not (unpinned and not lead.temperature_pinned):
            raise StaleLead(_changed_since(db, lead, line.field, current, group, now))


def _stacks(
    db: sqlite_utils.Database, actor: str
) -> tuple[list[_Action], list[_Action], str | None]:
    """The actor's undo and redo stacks, replayed from their actions in
    order, as an editor keeps them: an action is pushed on the undo stack
    and empties the redo stack; an undo moves the top of the undo stack to
    the redo stack; a redo moves it back; one that cannot be undone empties
    both (and is named, as the reason). (One range scan of the actor's own
    actions: a year of a busy rep's work is some tens of thousands.)"""
    done: list[_Action] = []
    undone: list[_Action] = []
    barrier: str | None = None
    for group, kind, target, label in db.execute(
        "SELECT id, kind, target, label FROM actions WHERE actor = ? ORDER BY id", [actor]
    ):
        if kind == "do":
            done.append((group, label))
            undone.clear()
        elif kind == "final":  # cannot be undone, so nothing before it can be
            done.clear()
            undone.clear()
            barrier = label
        elif kind == "undo" and done and done[-1][0] == target:
            undone.append(done.pop())
        elif kind == "redo" and undone and undone[-1][0] == target:
            done.append(undone.pop())
    return done, undone, barrier


def _lost_reason(lead: Lead, line: _Line, wanted: str) -> str | None:
    """The reason of a move back into Lost: a redo's own, or for an undo
    the reason the lead was lost for (its lost_reason line, undone first)."""
    if wanted != Stage.LOST:
        return None
    return line.note if wanted == line.new else lead.lost_reason


def _current_text(lead: Lead, field: str, zone: tzinfo) -> str:
    """A field's value now, spelled as the journal spells it."""
    if field == "stage":
        return lead.stage.value
    if field == "lost_reason":
        return lead.lost_reason or ""
    if field == "stage_entered_at":
        return to_iso(lead.stage_entered_at) if lead.stage_entered_at else ""
    if field == "follow-up":
        return follow_up_text(lead, zone)
    if field == "hidden until":
        return lead.snoozed_until.astimezone(zone).date().isoformat() if lead.snoozed_until else ""
    if field == "temperature":
        return pin_text(lead)
    return lead.field_text(field)


def _put_touch(
    db: sqlite_utils.Database, lead: Lead, line: _Line, *, restore: bool, now: str, actor: str
) -> None:
    """Take a logged touch back (kept aside in undone_activities) or restore it."""
    source, target = ("undone_activities", "activities") if restore else (
        "activities", "undone_activities",
    )  # fmt: skip
    moved = db.execute(
        f"INSERT INTO {target} SELECT * FROM {source} WHERE id = ?", [line.activity_id]
    ).rowcount
    if not moved:
        raise StaleLead(f"{lead.tag()}: that {line.new or line.old} is gone; nothing changed")
    db.execute(f"DELETE FROM {source} WHERE id = ?", [line.activity_id])
    db.execute(
        "UPDATE leads SET last_touch_at = (SELECT max(at) FROM activities WHERE lead_id = ?),"
        " updated_at = ?, version = version + 1 WHERE id = ?",
        [lead.id, now, lead.id],
    )
    kind = line.new or line.old
    db.execute(
        "INSERT INTO journal (lead_id, field, old, new, note, activity_id, at, actor)"
        " VALUES (?, 'touch', ?, ?, ?, ?, ?, ?)",
        [lead.id, None if restore else kind, kind if restore else None, line.note,
         line.activity_id, now, actor],
    )  # fmt: skip


def _changed_since(
    db: sqlite_utils.Database, lead: Lead, field: str, current: str, group: int, now: datetime
) -> str:
    """ "#8 Ann: maria changed stage to 'qualified' 5m ago; nothing was undone"."""
    row = db.execute(
        "SELECT actor, at FROM journal WHERE lead_id = ? AND field = ?"
        " AND (group_id IS NULL OR group_id != ?)"
        " ORDER BY id DESC LIMIT 1",
        [lead.id, field, group],
    ).fetchone()
    who = f"{row[0]} changed {field} to {current or '—'!r} {age_label(from_iso(row[1]), now)} ago"
    return f"{lead.tag()}: {who if row else f'{field} changed since'}; nothing was changed"
