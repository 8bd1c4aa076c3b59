"""A move of many leads written set-based: one statement per table, with
the journal lines written by INSERT ... SELECT from a temp table of the
decided moves, instead of a statement per table per lead (measured at 100k
leads: about 0.11 ms of CPU a lead against 0.8 ms; most of what is left is
the lead rows' index upkeep, the journal lines and the KPI triggers, which
fire per row on the rows these statements write). The result is what moving them one
by one writes: the same lead rows, the same journal lines for each lead in
the same order, one action for `u`, the same KPI rollups.
tests/test_moves_set.py holds the two paths equal.
(Used by moves_store.MoveStore.move_many.)"""

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import sqlite_utils

from leadtui.domain import pipeline
from leadtui.domain.clock import from_iso, to_iso
from leadtui.domain.errors import LeadNotFound, StaleLead
from leadtui.domain.models import Lead, Lifecycle, Stage
from leadtui.repository.core import Rescores, Ruled
from leadtui.repository.frozen_scores import due_note_sql
from leadtui.repository.journal import PUSHED_BY_STAGE, action, same_action
from leadtui.repository.rows import LEAD_SELECT, lead_from_row
from leadtui.repository.scores import RULES_KEY, read_setting

# A decided move, as the temp table holds it: position in the request,
# lead, stage from and to, the stage line's note, lost reason before and
# after, the time the lead entered its stage before (journal spelling),
# lifecycle before and after (values) and their labels.
_PLAN_COLUMNS = (
    "pos", "id", "from_stage", "to_stage", "note", "old_lost", "new_lost", "old_entered",
    "old_lifecycle", "new_lifecycle", "old_life_label", "new_life_label", "old_due",
)  # fmt: skip

_CLOSED = "('won', 'lost')"

_CREATE = f"""
CREATE TEMP TABLE IF NOT EXISTS bulk_move ({", ".join(_PLAN_COLUMNS)});
DELETE FROM temp.bulk_move"""

# What a decision needs of each lead, in request order.
_READ = """
SELECT b.pos, l.id, l.stage, l.lost_reason, l.stage_entered_at, l.lifecycle,
       coalesce(l.email, '') != '' OR coalesce(l.phone, '') != '',
       CASE WHEN :reopen AND l.stage IN ('won', 'lost') THEN (
           SELECT s.from_stage FROM stage_changes s
            WHERE s.lead_id = l.id AND s.to_stage = l.stage
            ORDER BY s.at DESC, s.id DESC LIMIT 1) END,
       l.score_due_at
  FROM temp.bulk_ids b JOIN leads l ON l.id = b.id
 ORDER BY b.pos"""

# The writes, in the order one move writes them for each lead: the lead
# row, its stage line, then the lost reason, the stage's entry time and the
# lifecycle the stage pushed, each line only where it changed.
_JOURNAL = (
    "INSERT INTO journal (lead_id, field, old, new, note, at, actor)"
    " SELECT id, {field}, {old}, {new}, {note}, :now, :actor FROM temp.bulk_move"
    " WHERE {where} ORDER BY pos"
)
_WRITES = (
    "UPDATE leads SET stage = p.to_stage, lost_reason = p.new_lost, stage_entered_at = :now,"
    " updated_at = :now, version = version + 1 FROM temp.bulk_move p WHERE leads.id = p.id",
    _JOURNAL.format(field="'stage'", old="from_stage", new="to_stage", note="note", where="1"),
    _JOURNAL.format(
        field="'lost_reason'", old="old_lost", new="new_lost", note="NULL",
        where="old_lost IS NOT new_lost",
    ),
    _JOURNAL.format(
        field="'stage_entered_at'", old="old_entered", new=":now",
        note=due_note_sql(f"from_stage NOT IN {_CLOSED} AND to_stage IN {_CLOSED}", "old_due"),
        where="old_entered IS NOT :now",
    ),
    "UPDATE leads SET lifecycle = p.new_lifecycle FROM temp.bulk_move p"
    " WHERE leads.id = p.id AND p.new_lifecycle IS NOT p.old_lifecycle",
    _JOURNAL.format(
        field="'lifecycle'", old="old_life_label", new="new_life_label",
        note=f"'{PUSHED_BY_STAGE}'", where="new_lifecycle IS NOT old_lifecycle",
    ),
)  # fmt: skip


# A lead as the request reads it: position, id, stage, lost reason, time it
# entered its stage, lifecycle, whether it has an email or phone, and (for
# a reopen) the stage it closed from, and when its score is due.
Found = tuple[int, int, str, str | None, str | None, str, int, str | None, str | None]


def read_request(
    db: sqlite_utils.Database, leads: Sequence[tuple[int, Stage | None]], *, reopen: bool
) -> list[Found]:
    """Load the request into temp.bulk_ids and read each lead in request
    order. An unknown id raises LeadNotFound, the first in the request, as
    reading the leads one by one would."""
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS bulk_ids (pos INTEGER PRIMARY KEY, id INTEGER, seen TEXT)"
    )
    db.execute("DELETE FROM temp.bulk_ids")
    db.conn.executemany(
        "INSERT INTO temp.bulk_ids (pos, id, seen) VALUES (?, ?, ?)",
        [(pos, lead_id, seen.value if seen else None) for pos, (lead_id, seen) in enumerate(leads)],
    )
    missing = db.execute(
        "SELECT b.id FROM temp.bulk_ids b LEFT JOIN leads l ON l.id = b.id"
        " WHERE l.id IS NULL ORDER BY b.pos LIMIT 1"
    ).fetchone()
    if missing:
        raise LeadNotFound(missing[0])
    return [tuple(row) for row in db.execute(_READ, {"reopen": reopen}).fetchall()]


def write_moves(
    db: sqlite_utils.Database,
    found: Sequence[Found],
    decided: Mapping[tuple[Stage, Stage | None], pipeline.Move],
    *,
    now: str,
    actor: str,
) -> None:
    """Write the decided moves (by the lead's stage and the stage it closed
    from) of the leads `found`, set-based, inside the caller's action."""
    for statement in _CREATE.split(";"):
        db.execute(statement)
    lifecycles: dict[tuple[str, Stage, bool], Lifecycle] = {}
    entered: dict[str | None, str | None] = {}
    plan = []
    for pos, lead_id, stage, lost, entered_at, lifecycle, contact, before, due in found:
        move = decided[Stage(stage), Stage(before) if before else None]
        life_key = (lifecycle, move.to_stage, bool(contact))
        pushed = lifecycles.get(life_key)
        if pushed is None:
            pushed = lifecycles[life_key] = pipeline.implied_lifecycle(
                Lifecycle(lifecycle), move.to_stage, has_contact=bool(contact)
            )
        if entered_at not in entered:
            entered[entered_at] = to_iso(from_iso(entered_at)) if entered_at else None
        new_lost = move.reason if move.to_stage is Stage.LOST else None
        plan.append((
            pos, lead_id, move.from_stage.value, move.to_stage.value, move.reason,
            lost or None, new_lost or None, entered[entered_at], lifecycle, pushed.value,
            Lifecycle(lifecycle).label, pushed.label, due,
        ))  # fmt: skip
    marks = ", ".join("?" * len(_PLAN_COLUMNS))
    db.conn.executemany(f"INSERT INTO temp.bulk_move VALUES ({marks})", plan)
    for statement in _WRITES:
        db.execute(statement, {"now": now, "actor": actor})


def read_leads(db: sqlite_utils.Database, ids: Sequence[int]) -> list[Lead]:
    """The leads `ids`, in that order, as they are now."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS read_ids (id INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM temp.read_ids")
    db.conn.executemany("INSERT INTO temp.read_ids VALUES (?)", [(i,) for i in ids])
    rows = db.execute(f"{LEAD_SELECT} WHERE id IN (SELECT id FROM temp.read_ids)").fetchall()
    leads = {lead.id: lead for lead in map(lead_from_row, rows)}
    return [leads[lead_id] for lead_id in ids]


# Leads written per transaction (about 0.11 ms a lead at 100k leads): in
# chunks, a teammate's save waits for one chunk, not the whole move.
CHUNK = 5_000
# Pages cached while a chunk writes (KiB, as PRAGMA cache_size takes it):
# the default 2 MB spills the indexes a move touches to the WAL mid-way.
CACHE_KIB = 65_536


class Repo(Ruled, Rescores, Protocol):
    """What a bulk move uses of the Repository."""


Decider = Callable[[sqlite_utils.Database, int, Stage, Stage | None], pipeline.Move]
Stale = Callable[[sqlite_utils.Database, int, datetime], StaleLead]


def move_in_chunks(
    repo: Repo,
    how: str,
    leads: Sequence[tuple[int, Stage | None]],
    *,
    decide: Decider,
    stale: Stale,
) -> int:
    """Move `leads` (distinct ids, each with the stage its user saw) as one
    action, CHUNK leads a transaction; every lead is checked (unknown,
    moved meanwhile, a move that does not apply) in the first, before
    anything is written. Returns how many moved."""
    moment = repo.clock()
    now = to_iso(moment)
    reopen = how == "reopen"
    group: int | None = None
    expected: dict[int, Stage | None] = dict(leads)
    moved = 0
    for start in range(0, len(leads), CHUNK):
        chunk = leads[start : start + CHUNK]
        with repo._transaction() as db:
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            if group is None:
                found = read_request(db, leads, reopen=reopen)
                decided = _check(db, found, expected, decide, stale, moment)
                # Later chunks expect each lead where this check found it.
                expected = {row[1]: Stage(row[2]) for row in found}
                found = found[: len(chunk)]
            else:
                request = [(lead_id, expected[lead_id]) for lead_id, _ in chunk]
                found = read_request(db, request, reopen=reopen)
                try:
                    decided = _check(db, found, expected, decide, stale, moment)
                except StaleLead as error:
                    raise StaleLead(
                        f"moved {moved:,} of {len(leads):,} (u takes them back), then stopped: "
                        + str(error).replace("; nothing changed", "")
                    ) from None
            if group is None:
                verb = decided[_key(found[0])].verb
                with action(db, repo.actor, now, f"{verb} {len(leads):,} leads") as group:
                    write_moves(db, found, decided, now=now, actor=repo.actor)
            else:
                with same_action(db, group):
                    write_moves(db, found, decided, now=now, actor=repo.actor)
            rescore_moved(repo, db, moment, MOVES)
        moved += len(chunk)
    return moved


def _key(row: Found) -> tuple[Stage, Stage | None]:
    return Stage(row[2]), Stage(row[7]) if row[7] else None


def _check(
    db: sqlite_utils.Database,
    found: Sequence[Found],
    expected: Mapping[int, Stage | None],
    decide: Decider,
    stale: Stale,
    moment: datetime,
) -> dict[tuple[Stage, Stage | None], pipeline.Move]:
    """Refuse a lead moved since it was seen (the first in the request),
    then decide each (stage, stage before closing) once: the first lead
    the move does not apply to is named."""
    for row in found:
        seen = expected[row[1]]
        if seen is not None and row[2] != seen.value:
            raise stale(db, row[1], moment)
    decided: dict[tuple[Stage, Stage | None], pipeline.Move] = {}
    for row in found:
        key = _key(row)
        if key not in decided:
            decided[key] = decide(db, row[1], *key)
    return decided


# The moves a bulk move wrote, as rescore_moved reads them.
MOVES = "SELECT id, from_stage, to_stage FROM temp.bulk_move"


def rescore_moved(repo: Repo, db: sqlite_utils.Database, moment: datetime, moves: str) -> None:
    """Rescore what a move can change (`moves`: a SELECT of each moved
    lead's id, from_stage and to_stage; a bulk move's, or the replay of
    one). A move changes none of a score's inputs (fields, touches, time;
    the learned score's features), so a stored score stands until its
    score_due_at while the rules in effect scored it: a lead whose score is
    due, or one reopened (its score froze when it closed), is scored
    afresh; a closing one keeps its score, which freezes (no due time). Any
    other rules: every moved lead, as one move."""
    if read_setting(db, RULES_KEY) != repo.rules.version:
        ids = [row[0] for row in db.execute(f"SELECT id FROM ({moves})")]
    else:
        ids = [
            row[0]
            for row in db.execute(
                f"SELECT m.id FROM ({moves}) AS m JOIN leads l ON l.id = m.id"
                f" WHERE m.from_stage IN {_CLOSED} OR l.score_due_at <= :now",
                {"now": to_iso(moment)},
            )
        ]
        db.execute(
            "UPDATE leads SET score_due_at = NULL WHERE score_due_at IS NOT NULL AND id IN"
            f" (SELECT id FROM ({moves}) WHERE to_stage IN {_CLOSED})"
        )
    repo._rescore(db, ids, moment)
