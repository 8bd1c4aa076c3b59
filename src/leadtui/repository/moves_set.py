"""A move of many leads written set-based: one statement per table, with
the journal lines written by INSERT ... SELECT from a temp table of the
decided moves, instead of a statement per table per lead (measured at 100k
leads: about 0.09 ms of CPU a lead against 0.8 ms; most of what is left is
the lead rows' index upkeep, the journal lines and the KPI triggers, which
fire per row on the rows these statements write). Python decides each kind
of move once (a stage, and for a reopen the stage it closed from) and what
each stage does to each lifecycle; SQL plans every lead from those. The
result is what moving them one by one writes: the same lead rows, the same
journal lines for each lead in the same order, one action for `u`, the
same KPI rollups. tests/test_moves_set.py holds the two paths equal.
(Used by moves_store.MoveStore.move_many.)"""

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

import sqlite_utils

from leadtui.domain import pipeline
from leadtui.domain.clock import from_iso, to_iso
from leadtui.domain.errors import LeadNotFound, StaleLead
from leadtui.domain.models import Lead, Lifecycle, Stage
from leadtui.repository.core import Rescores, Ruled
from leadtui.repository.frozen_scores import due_note_sql
from leadtui.repository.journal import (
    PUSHED_BY_STAGE,
    action,
    leads_so_far,
    relabel,
    same_action,
)
from leadtui.repository.rows import LEAD_SELECT, lead_from_row
from leadtui.repository.scores import RULES_KEY, read_setting

_CLOSED = "('won', 'lost')"
# A time as to_iso writes it: kept as it is; any other spelling is read
# and written again by it (leadtui_iso), as the one-by-one path does.
_ISO = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]+00:00"

_TABLES = (
    # The request: each lead's position in it, and the stage its user saw.
    "CREATE TEMP TABLE IF NOT EXISTS bulk_ids (pos INTEGER PRIMARY KEY, id INTEGER, seen TEXT)",
    # Each lead as the move finds it (and, for a reopen, the stage it closed from).
    "CREATE TEMP TABLE IF NOT EXISTS bulk_found (id INTEGER PRIMARY KEY, pos INTEGER,"
    " stage TEXT, before TEXT, seen TEXT)",
    # Each kind of move, decided once: (stage, before) -> the move.
    "CREATE TEMP TABLE IF NOT EXISTS bulk_decided (stage TEXT, before TEXT, from_stage TEXT,"
    " to_stage TEXT, note TEXT, new_lost TEXT)",
    # What reaching a stage does to each lifecycle, with or without a contact.
    "CREATE TEMP TABLE IF NOT EXISTS bulk_pushed (lifecycle TEXT, to_stage TEXT,"
    " contact INTEGER, new_lifecycle TEXT, old_label TEXT, new_label TEXT,"
    " PRIMARY KEY (lifecycle, to_stage, contact))",
    # The decided moves of one chunk, in the order of their ids. No key: the
    # statements below read it in that order and find each lead row by id
    # (with one, SQLite scanned the whole lead table to probe it).
    "CREATE TEMP TABLE IF NOT EXISTS bulk_move (id INTEGER, from_stage TEXT,"
    " to_stage TEXT, note TEXT, old_lost TEXT, new_lost TEXT, old_entered TEXT,"
    " old_lifecycle TEXT, new_lifecycle TEXT, old_life_label TEXT, new_life_label TEXT,"
    " old_due TEXT, stay REAL, prev_new TEXT, prev_same_at TEXT)",
)
_FIND = """
INSERT INTO temp.bulk_found (id, pos, stage, before, seen)
SELECT l.id, b.pos, l.stage,
       CASE WHEN :reopen AND l.stage IN ('won', 'lost') THEN (
           SELECT s.from_stage FROM stage_changes s
            WHERE s.lead_id = l.id AND s.to_stage = l.stage
            ORDER BY s.at DESC, s.id DESC LIMIT 1) END,
       b.seen
  FROM temp.bulk_ids b JOIN leads l ON l.id = b.id"""
# Whether a lead's stage line stands, its latest standing change being the
# one its row names (`last_stage_*`, which the KPI trigger keeps): that one
# came before now and the move does not take it back. Then the line is
# written with its stay, previous stage and previous entry to the same
# stage (given from the lead row, as the trigger would have looked them
# up: schema_kpi_lines.STAGE_GIVEN); else they are left to the trigger.
_SETTLED = (
    "l.last_stage_at <= :now AND l.last_stage_to IS NOT NULL"
    " AND NOT coalesce(l.last_stage_to = d.from_stage"
    f" AND (l.last_stage_from = d.to_stage OR d.from_stage IN {_CLOSED}), false)"
)
_PLAN = f"""
INSERT INTO temp.bulk_move
SELECT l.id, d.from_stage, d.to_stage, d.note, nullif(l.lost_reason, ''), d.new_lost,
       CASE WHEN l.stage_entered_at GLOB '{_ISO}' THEN l.stage_entered_at
            ELSE leadtui_iso(l.stage_entered_at) END,
       l.lifecycle, coalesce(p.new_lifecycle, l.lifecycle), coalesce(p.old_label, l.lifecycle),
       coalesce(p.new_label, l.lifecycle), l.score_due_at,
       CASE WHEN {_SETTLED} THEN julianday(:now) - julianday(l.last_stage_at) END,
       CASE WHEN {_SETTLED} THEN l.last_stage_to END,
       CASE WHEN {_SETTLED} THEN (
           SELECT j.at FROM journal j INDEXED BY journal_stage_lead
            WHERE j.field = 'stage' AND j.lead_id = l.id AND j.cancelled_with IS NULL
              AND j.new = d.to_stage AND j.at <= :now
            ORDER BY j.at DESC, j.id DESC LIMIT 1) END
  FROM temp.bulk_found f
 CROSS JOIN leads l ON l.id = f.id
  JOIN temp.bulk_decided d ON d.stage = f.stage AND d.before IS f.before
  LEFT JOIN temp.bulk_pushed p ON p.lifecycle = l.lifecycle AND p.to_stage = d.to_stage
   AND p.contact = (coalesce(l.email, '') != '' OR coalesce(l.phone, '') != '')
 ORDER BY f.id"""

# The writes, in the order one move writes them for each lead: the lead
# row, its stage line, then the lost reason, the stage's entry time (with,
# for a lead it closes, when its score was due: frozen_scores.py) and the
# lifecycle the stage pushed, each line only where it changed. The lines
# carry the action's group at once (not stamped by a second write).
_JOURNAL = (
    "INSERT INTO journal (lead_id, field, old, new, note, at, actor, group_id)"
    " SELECT id, {field}, {old}, {new}, {note}, :now, :actor, :group FROM temp.bulk_move"
    " WHERE {where}"
)
_WRITES = (
    "UPDATE leads SET stage = p.to_stage, lost_reason = p.new_lost, stage_entered_at = :now,"
    " updated_at = :now, version = version + 1 FROM temp.bulk_move p WHERE leads.id = p.id",
    "INSERT INTO journal (lead_id, field, old, new, note, at, actor, group_id, stay, prev_new,"
    " prev_same_at) SELECT id, 'stage', from_stage, to_stage, note, :now, :actor, :group, stay,"
    " prev_new, prev_same_at FROM temp.bulk_move",
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


def read_leads(db: sqlite_utils.Database, ids: Sequence[int]) -> list[Lead]:
    """The leads `ids`, in that order, as they are now."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS read_ids (id INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM temp.read_ids")
    db.conn.executemany("INSERT INTO temp.read_ids VALUES (?)", [(i,) for i in ids])
    rows = db.execute(f"{LEAD_SELECT} WHERE id IN (SELECT id FROM temp.read_ids)").fetchall()
    leads = {lead.id: lead for lead in map(lead_from_row, rows)}
    return [leads[lead_id] for lead_id in ids]


# Leads written per transaction (about 0.09 ms a lead at 100k leads): in
# chunks, a teammate's save waits for one chunk, not the whole move.
CHUNK = 5_000
MOVE_CHUNK = CHUNK  # exported: the TUI's confirmation says how a move is written
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
    anything is written. The chunks take the leads in the order of their
    ids, not of the request: each then writes a narrower part of the lead
    table and its indexes (measured: the floor's writes in 25% less time).
    Returns how many moved."""
    moment = repo.clock()
    now = to_iso(moment)
    reopen = how == "reopen"
    group: int | None = None
    position = {lead_id: pos for pos, (lead_id, _) in enumerate(leads)}
    ids = sorted(position)
    seen: dict[int, str | None] = {i: s.value if s else None for i, s in leads}
    moved = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with repo._transaction() as db:
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            db.conn.create_function("leadtui_iso", 1, _iso, deterministic=True)
            if group is None:
                _find(db, [(position[i], i, seen[i]) for i, _ in leads], reopen)
                decided = _check(db, decide, stale, moment)
                # Later chunks expect each lead where this check found it.
                seen = dict(db.execute("SELECT id, stage FROM temp.bulk_found").fetchall())
                _keep_only(db, chunk)
            else:
                _find(db, [(position[i], i, seen[i]) for i in chunk], reopen)
                try:
                    decided = _check(db, decide, stale, moment)
                except StaleLead as error:
                    raise StaleLead(
                        f"moved {moved:,} of {len(leads):,} (u takes them back), then stopped: "
                        + str(error).replace("; nothing changed", "")
                    ) from None
            _plan(db, decided, now)
            written = leads_so_far(moved + len(chunk), len(leads))
            if group is None:
                verb = decided[0].verb
                with action(db, repo.actor, now, f"{verb} {written}") as group:
                    _write(db, now, repo.actor, group)
            else:
                with same_action(db, group):
                    _write(db, now, repo.actor, group)
                relabel(db, group, f"{verb} {written}")
            rescore_moved(repo, db, moment, MOVES)
        moved += len(chunk)
    return moved


def _iso(text: str | None) -> str | None:
    return to_iso(from_iso(text)) if text else None


def _find(
    db: sqlite_utils.Database, request: list[tuple[int, int, str | None]], reopen: bool
) -> None:
    """temp.bulk_found: each lead of `request` (position, id, stage seen)
    as it is now. An unknown id raises LeadNotFound, the first in the
    request, as reading the leads one by one would."""
    for statement in _TABLES:
        db.execute(statement)
    for table in ("bulk_ids", "bulk_found", "bulk_decided", "bulk_pushed", "bulk_move"):
        db.execute(f"DELETE FROM temp.{table}")
    db.conn.executemany("INSERT INTO temp.bulk_ids (pos, id, seen) VALUES (?, ?, ?)", request)
    missing = db.execute(
        "SELECT b.id FROM temp.bulk_ids b"
        " WHERE NOT EXISTS (SELECT 1 FROM leads l WHERE l.id = b.id) ORDER BY b.pos LIMIT 1"
    ).fetchone()
    if missing:
        raise LeadNotFound(missing[0])
    db.execute(_FIND, {"reopen": reopen})


def _keep_only(db: sqlite_utils.Database, chunk: list[int]) -> None:
    """Leave in temp.bulk_found only the leads of `chunk` (the first one's)."""
    db.execute("DELETE FROM temp.bulk_ids")
    db.conn.executemany("INSERT INTO temp.bulk_ids (pos, id) VALUES (?, ?)", enumerate(chunk))
    db.execute("DELETE FROM temp.bulk_found WHERE id NOT IN (SELECT id FROM temp.bulk_ids)")


def _check(
    db: sqlite_utils.Database, decide: Decider, stale: Stale, moment: datetime
) -> list[pipeline.Move]:
    """Refuse a lead moved since it was seen (the first in the request),
    then decide each (stage, stage before closing) once, in the order the
    request first meets them: the first lead the move does not apply to is
    named. Loads temp.bulk_decided; returns the moves, that order."""
    moved = db.execute(
        "SELECT id FROM temp.bulk_found WHERE seen IS NOT NULL AND stage != seen"
        " ORDER BY pos LIMIT 1"
    ).fetchone()
    if moved:
        raise stale(db, moved[0], moment)
    kinds = db.execute(
        "SELECT stage, before, min(pos) AS first, id FROM temp.bulk_found"
        " GROUP BY stage, before ORDER BY first"
    ).fetchall()
    moves = []
    for stage, before, _, lead_id in kinds:
        move = decide(db, lead_id, Stage(stage), Stage(before) if before else None)
        moves.append(move)
        db.execute(
            "INSERT INTO temp.bulk_decided VALUES (?, ?, ?, ?, ?, ?)",
            [stage, before, move.from_stage.value, move.to_stage.value, move.reason,
             (move.reason or None) if move.to_stage is Stage.LOST else None],
        )  # fmt: skip
    return moves


def _plan(db: sqlite_utils.Database, moves: list[pipeline.Move], now: str) -> None:
    """temp.bulk_move: each lead of temp.bulk_found with its decided move."""
    pushed = [
        (lifecycle.value, stage.value, contact, new.value, lifecycle.label, new.label)
        for stage in {move.to_stage for move in moves}
        for lifecycle in Lifecycle
        for contact in (0, 1)
        for new in [pipeline.implied_lifecycle(lifecycle, stage, has_contact=bool(contact))]
    ]
    db.conn.executemany("INSERT INTO temp.bulk_pushed VALUES (?, ?, ?, ?, ?, ?)", pushed)
    db.execute(_PLAN, {"now": now})


def _write(db: sqlite_utils.Database, now: str, actor: str, group: int) -> None:
    """Write the planned moves, set-based, as lines of the action `group`."""
    for statement in _WRITES:
        db.execute(statement, {"now": now, "actor": actor, "group": group})


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
