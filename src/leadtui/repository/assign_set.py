"""Reassigning many leads at once (a rep leaves: their 500 open leads go to
a teammate), written set-based in chunks, as bulk moves are (moves_set.py):
CHUNK leads a transaction, so a teammate's save waits for one chunk, not
the whole reassignment; per chunk one INSERT ... SELECT of the journal
lines and one UPDATE of the lead rows, on either engine. Each lead gets
the journal line `set ID owner NAME` writes (field `owner`, old, new), so
its history, `journal --actor` and undo read it as that edit, and the KPI
triggers move its per-owner rollups as they do for one edit. The whole
reassignment is one action: one `u` takes it back, one redo puts it back.

The owner is a field a scoring rule may name and a feature the win chance
may learn from: while either does, each chunk's leads are rescored in its
transaction, as an owner edit rescores its lead. Otherwise a new owner
changes no score's input, and the scores stand (as a bulk move's do until
they are due: moves_set.rescore_moved); rescoring 50,000 leads doubled the
reassignment's CPU (bench/README.md)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import sqlite_utils
from pydantic import ValidationError

from leadtui.domain.clock import to_iso
from leadtui.domain.errors import InvalidInput, LeadNotFound, NotAllowed
from leadtui.domain.field_errors import describe_validation_error
from leadtui.domain.models import LeadDraft, Stage
from leadtui.domain.results import Replayed
from leadtui.repository.core import Rescores, Ruled
from leadtui.repository.engine import SQLITE, dialect_of
from leadtui.repository.hand_back import Written, handing_back, not_theirs, written_since
from leadtui.repository.journal import action, leads_so_far, relabel, same_action
from leadtui.repository.rows import leads_named
from leadtui.repository.scores import OPEN_STAGE_SQL, read_model

# Leads written per transaction, as a bulk move writes them (moves_set.CHUNK).
CHUNK = 5_000
# A lead as the user saw it: its id and its owner then ("" for nobody), or
# None when nobody saw it (the CLI's ids: assigned as they are now).
Seen = tuple[int, str | None]


@dataclass(frozen=True)
class Assigned:
    """What a reassignment did: `changed` leads now `owner`'s, `unchanged`
    ones were theirs already, and `left`, those a teammate reassigned (or
    merged away) after the user saw them, left as the teammate left them
    and named in `left_text` ("#8 Ann Lee and 2 more")."""

    owner: str
    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    left: list[int] = field(default_factory=list)
    left_text: str = ""

    def said(self, undo: str) -> str:
        """One line: how many, to whom, what was left alone, then `undo`
        (how to take it back: a key or a command) if anything changed."""
        count = len(self.changed)
        text = f"assigned {count:,} lead{'s' * (count != 1)} to {self.owner}"
        if self.unchanged:
            text += f" ({len(self.unchanged):,} already {self.owner}'s)"
        if self.left:
            text += f"; left as a teammate left it: {self.left_text}"
        return text + (f"; {undo}" if count else "")


def clean_owner(owner: str) -> str:
    """The owner as a lead stores it (one clean line, as an edit stores it);
    an empty name is refused: reassigning is to someone."""
    try:
        cleaned = LeadDraft(name="-", owner=owner).owner
    except ValidationError as error:
        raise InvalidInput(describe_validation_error(error)) from None
    if not cleaned:
        raise InvalidInput('name the new owner (`leadtui set ID owner ""` clears one lead\'s)')
    return cleaned


class Replays(Ruled, Rescores, Protocol):
    """What a reassignment and its undo or redo use of the Repository."""

    own_leads_only: bool


def assign_many(repo: Replays, owner: str, leads: Sequence[Seen]) -> Assigned:
    """Give `leads` (each once, as first given) to `owner` as one action.
    Every lead is checked in the first transaction before anything is
    written: an unknown id refuses them all (LeadNotFound, the first in
    the request), and so does, for a repository opened `own_leads_only`
    (a rep signed in to `leadtui serve`), a lead someone else owns
    (NotAllowed): a rep hands on their
    own leads and unassigned ones, as the database lets them edit. A lead
    whose owner changed since it was seen (a teammate's reassignment) is
    left as the teammate left it: theirs is the later change."""
    owner = clean_owner(owner)
    seen: dict[int, str | None] = {}
    for lead_id, was in leads:
        seen.setdefault(lead_id, was)
    ids = sorted(seen)
    moment = repo.clock()
    now = to_iso(moment)
    done = Assigned(owner)
    group: int | None = None
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with repo._transaction() as db:
            if start == 0:
                _check_all(
                    db,
                    [lead_id for lead_id, _ in leads],
                    repo.actor if repo.own_leads_only else None,
                )
            found = _owners(db, chunk)
            change = []
            for lead_id in chunk:
                now_owner = found.get(lead_id)
                was = seen[lead_id]
                if now_owner is None or (was is not None and now_owner != was):
                    done.left.append(lead_id)
                elif now_owner == owner:
                    done.unchanged.append(lead_id)
                else:
                    change.append(lead_id)
            label = f"Assign {leads_so_far(start + len(chunk), len(ids))} to {owner}"
            if not change:
                if group is not None:
                    relabel(db, group, label)
                continue
            if group is None:
                with action(db, repo.actor, now, label) as group:
                    _write(db, change, owner, now, repo.actor, group)
            else:
                with same_action(db, group):
                    _write(db, change, owner, now, repo.actor, group)
                relabel(db, group, label)
            if _owner_scores(repo, db):
                repo._rescore(db, change, moment)
            done.changed.extend(change)
    if done.left:
        with repo._connection() as db:
            text = leads_named(db, done.left)
        return Assigned(owner, done.changed, done.unchanged, done.left, text)
    return done


def open_leads_of(repo: Replays, owner: str, stage: Stage | None = None) -> list[Seen]:
    """`owner`'s open leads (not won or lost; with `stage`, those in it),
    each with its owner as stored, for assign_many to hold it to: the owner
    matched case aside, as --owner and the TUI's filter match it."""
    where = " AND stage = ?" if stage else f" AND stage IN ({OPEN_STAGE_SQL})"
    with repo._connection() as db:
        rows = db.execute(
            f"SELECT id, owner FROM leads WHERE lower(owner) = lower(?){where} ORDER BY id",
            [owner, stage.value] if stage else [owner],
        ).fetchall()
    return [(row[0], row[1]) for row in rows]


def _owner_scores(repo: Ruled, db: sqlite_utils.Database) -> bool:
    """Whether the owner is an input of a score now: a rule names it, or
    the win chance learned from it."""
    if any(rule.field == "owner" for rule in repo.rules.rules):
        return True
    model = read_model(db)
    return model is not None and any(spec.name == "owner" for spec in model.specs)


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _check_all(db: sqlite_utils.Database, ids: list[int], rep: str | None) -> None:
    """Refuse the whole request before anything is written: an unknown id
    (the first given), or for a rep `rep`, a lead someone else owns."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = db.execute(
            f"SELECT id, coalesce(owner, '') FROM leads WHERE id IN ({_marks(len(chunk))})", chunk
        ).fetchall()
        owners = {row[0]: row[1] for row in rows}
        for lead_id in chunk:
            if lead_id not in owners:
                raise LeadNotFound(lead_id)
            other = owners[lead_id]
            if rep is not None and other and other.casefold() != rep.casefold():
                raise NotAllowed(
                    f"#{lead_id} is {other}'s lead: a rep reassigns only their own leads"
                    " and unassigned ones; nothing changed"
                )


def _owners(db: sqlite_utils.Database, chunk: list[int]) -> dict[int, str]:
    """Each lead's owner now ("" for nobody), read to be written back
    (Dialect.for_update: locked where the engine locks rows)."""
    rows = db.execute(
        f"SELECT id, coalesce(owner, '') FROM leads WHERE id IN ({_marks(len(chunk))})"
        + dialect_of(db).for_update(),
        chunk,
    ).fetchall()
    return {row[0]: row[1] for row in rows}


def _write(
    db: sqlite_utils.Database, ids: list[int], owner: str, now: str, actor: str, group: int
) -> None:
    """The journal lines first, then the rows: a rep's guard (users_store)
    checks a journal line against the lead's owner as it was. `owner` ""
    leaves the leads with nobody (an undo's)."""
    marks = _marks(len(ids))
    at = "?" if dialect_of(db) is SQLITE else "CAST(? AS timestamptz)"
    db.execute(
        "INSERT INTO journal (lead_id, field, old, new, at, actor, group_id)"
        f" SELECT id, 'owner', nullif(owner, ''), nullif(CAST(? AS TEXT), ''), {at},"
        f" CAST(? AS TEXT), ? FROM leads WHERE id IN ({marks}) ORDER BY id",
        [owner, now, actor, group, *ids],
    )
    db.execute(
        "UPDATE leads SET owner = nullif(CAST(? AS TEXT), ''), updated_at = ?,"
        f" version = version + 1 WHERE id IN ({marks})",
        [owner, now, *ids],
    )


# ------------------------------------------------------- undo and redo


def is_bulk(db: sqlite_utils.Database, group: int) -> bool:
    """Whether the action `group` is a reassignment of several leads: owner
    lines alone, of more than one lead. (One lead's owner edit is undone
    as any edit: refused, naming who, if a teammate changed it since.)"""
    row = db.execute(
        "SELECT count(DISTINCT lead_id), count(*),"
        " sum(CASE WHEN field = 'owner' THEN 1 ELSE 0 END) FROM journal WHERE group_id = ?",
        [group],
    ).fetchone()
    return bool(row[0] > 1 and row[1] == row[2] == row[0])


class Replay:
    """The undo (or redo) of a reassignment, CHUNK leads a transaction as
    the reassignment was written, as one action. A lead whose owner is no
    longer what the reassignment left (undo) or found (redo) was changed
    by a teammate since: theirs is the later change, so it is left as it
    is and named, as a bulk move's undo leaves such a lead (undo_set.py)."""

    def __init__(
        self, repo: Replays, db: sqlite_utils.Database, group: int, label: str, *, undo: bool
    ) -> None:
        self.repo, self.group, self.label, self.undo = repo, group, label, undo
        found, wanted = ("new", "old") if undo else ("old", "new")
        rows = db.execute(
            f"SELECT lead_id, coalesce({found}, ''), coalesce({wanted}, '') FROM journal"
            " WHERE group_id = ? ORDER BY lead_id",
            [group],
        ).fetchall()
        self.lines = {row[0]: (row[1], row[2]) for row in rows}
        self.ids = list(self.lines)
        self.moment = repo.clock()
        self.now = to_iso(self.moment)
        self.ours = 0
        self.done: list[int] = []
        self.left: list[int] = []

    def first(self, db: sqlite_utils.Database) -> None:
        """The first chunk, in the caller's transaction (which found the action)."""
        verb, kind = ("Undid", "undo") if self.undo else ("Redid", "redo")
        title = f"{verb}: {self.label}"
        with action(db, self.repo.actor, self.now, title, kind=kind, target=self.group) as ours:
            self.ours = ours
            self._chunk(db, self.ids[:CHUNK])

    def rest(self) -> Replayed:
        """The later chunks, each its own transaction; what was done."""
        for start in range(CHUNK, len(self.ids), CHUNK):
            with self.repo._transaction() as db, same_action(db, self.ours):
                self._chunk(db, self.ids[start : start + CHUNK])
        left = ""
        if self.left:
            with self.repo._connection() as db:
                left = leads_named(db, self.left)
        verb = "Undid" if self.undo else "Redid"
        return Replayed(verb, self.label, tuple(self.done), left)

    def _chunk(self, db: sqlite_utils.Database, chunk: list[int]) -> None:
        now_owners = _owners(db, chunk)
        # For a rep, a lead handed on that its new owner wrote on since is
        # theirs for good (hand_back.py): left and named, as a lead a
        # teammate reassigned.
        given_back: list[int] = []
        written: dict[int, Written] = {}
        if self.repo.own_leads_only:
            given_back = not_theirs(now_owners, self.repo.actor)
            written = written_since(db, self.group, given_back)
        by_wanted: dict[str, list[int]] = {}
        for lead_id in chunk:
            found, wanted = self.lines[lead_id]
            if now_owners.get(lead_id) != found or lead_id in written:
                self.left.append(lead_id)
            else:
                by_wanted.setdefault(wanted, []).append(lead_id)
        # One statement pair per owner given back: a team has few.
        handed = [lead_id for lead_id in given_back if lead_id not in self.left]
        with handing_back(db, self.repo.actor, handed):
            for wanted, ids in by_wanted.items():
                _write(db, ids, wanted, self.now, self.repo.actor, self.ours)
                self.done.extend(ids)
        if _owner_scores(self.repo, db):
            self.repo._rescore(db, [i for ids in by_wanted.values() for i in ids], self.moment)
