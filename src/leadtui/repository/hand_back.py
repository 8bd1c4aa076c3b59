"""Taking back a lead one handed on: a rep's `=` then `u` (or its redo).

A rep signed in (`own_leads_only`) changes only their own leads and
unassigned ones (users_store.py), so a lead they hand to a teammate is the
teammate's at once, and the undo of that mistaken hand-over was refused as
a change to someone else's lead. The undo (and redo) of the rep's own
action may still write on such a lead while nobody has written on it
since: its journal's last line is the action's own, or one of its undo's
or redo's. Once the new owner (or anyone) writes on it, it is theirs for
good: the undo is refused, naming who did what and when, and the rule the
database keeps (the guards) stands for every other write.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime

import sqlite_utils

from leadtui.domain.clock import age_label, from_iso
from leadtui.domain.errors import NotAllowed
from leadtui.repository.engine import SQLITE, dialect_of
from leadtui.repository.rows import fetch_lead
from leadtui.repository.users_store import HANDED_BACK

# Who last wrote on a lead, what and when.
Written = tuple[str, str, str]


def not_theirs(owners: Mapping[int, str | None], actor: str) -> list[int]:
    """The leads of `owners` (id: owner now) someone other than `actor`
    owns (as the guards compare owners: case aside)."""
    rep = actor.casefold()
    return sorted(lead_id for lead_id, owner in owners.items() if owner and owner.casefold() != rep)


def others_leads(db: sqlite_utils.Database, lead_ids: Sequence[int], actor: str) -> list[int]:
    """Those of `lead_ids` someone other than `actor` owns now."""
    if not lead_ids:
        return []
    marks = ", ".join("?" * len(lead_ids))
    rows = db.execute(f"SELECT id, owner FROM leads WHERE id IN ({marks})", list(lead_ids))
    return not_theirs(dict(rows.fetchall()), actor)


def written_since(
    db: sqlite_utils.Database, group: int, lead_ids: Sequence[int]
) -> dict[int, Written]:
    """Each of `lead_ids` whose last journal line is neither the action
    `group`'s nor an undo's or redo's of it: who wrote that line, on which
    field, and when."""
    if not lead_ids:
        return {}
    marks = ", ".join("?" * len(lead_ids))
    rows = db.execute(
        "SELECT j.lead_id, j.actor, j.field, j.at FROM journal j"
        " LEFT JOIN actions a ON a.id = j.group_id"
        " WHERE j.id IN (SELECT max(id) FROM journal"
        f" WHERE lead_id IN ({marks}) GROUP BY lead_id)"
        " AND (j.group_id IS NULL OR (j.group_id != ? AND coalesce(a.target, 0) != ?))",
        [*lead_ids, group, group],
    ).fetchall()
    return {row[0]: (row[1], row[2], str(row[3])) for row in rows}


def refuse_written(
    db: sqlite_utils.Database,
    group: int,
    lead_ids: Sequence[int],
    actor: str,
    now: datetime,
) -> list[int]:
    """The leads of `lead_ids` someone else owns, which the replay of the
    actor's action `group` may write on: refused (NotAllowed, one line
    naming the first lead, who wrote on it, what and when) if anyone wrote
    on one of them since."""
    others = others_leads(db, lead_ids, actor)
    written = written_since(db, group, others)
    if written:
        lead_id = min(written)
        who, field, at = written[lead_id]
        lead = fetch_lead(db, lead_id)
        did = "logged a touch on it" if field == "touch" else f"changed its {field}"
        raise NotAllowed(
            f"{lead.tag()} is {lead.owner}'s lead now: {who} {did}"
            f" {age_label(from_iso(at), now)} ago, so only they or a manager can"
            " change it back; nothing was changed"
        )
    return others


@contextmanager
def handing_back(db: sqlite_utils.Database, actor: str, lead_ids: Sequence[int]) -> Iterator[None]:
    """Inside a rep's guarded transaction: the writes of the block may
    change `lead_ids` (checked by the caller: refuse_written), though
    someone else owns them. SQLite's TEMP guards pass the leads listed in
    a TEMP table; PostgreSQL's triggers act only while the transaction
    names its rep, so the block runs without the name: the caller writes
    only these leads and the rep's own in it. (Nothing is put back when
    the block raises: the transaction is rolled back, which drops the
    setting, and its connection closed, which drops the TEMP table; a
    statement in a failed PostgreSQL transaction would hide the error.)"""
    if not lead_ids:
        yield
        return
    if dialect_of(db) is SQLITE:
        db.execute(
            f"INSERT INTO {HANDED_BACK} (id) VALUES {', '.join(['(?)'] * len(lead_ids))}",
            list(lead_ids),
        )
        yield
        db.execute(f"DELETE FROM {HANDED_BACK}")
        return
    from leadtui.repository.pg.users import SETTING

    db.execute("SELECT set_config(?, '', true)", [SETTING])
    yield
    db.execute("SELECT set_config(?, ?, true)", [SETTING, actor])
