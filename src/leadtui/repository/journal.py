"""The journal: one append-only table of every change to a lead (schema v5
says what a row holds). Every store writes its lines through here, and a
user action (`action`) stamps the lines it wrote with one group id, which is
what `u` undoes."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import tzinfo
from typing import TYPE_CHECKING, NamedTuple

import sqlite_utils

from leadtui.domain.models import Lead
from leadtui.repository.team_zone import zone_of

if TYPE_CHECKING:
    from leadtui.repository.core import Journaled

# Lines kept for undo but not shown in a history: a move's side effects
# (the lost reason shows with the stage line; a lifecycle the stage pushed
# carries this note).
PUSHED_BY_STAGE = "pushed by the stage"
QUIET_LINES = (
    "(j.field IN ('lost_reason', 'stage_entered_at')"
    f" OR coalesce(j.note, '') = '{PUSHED_BY_STAGE}')"
)


def record_field_change(
    db: sqlite_utils.Database,
    lead_id: int,
    field: str,
    old: str | None,
    new: str | None,
    at: str,
    actor: str,
    note: str | None = None,
) -> None:
    """One line of the lead's journal: `field` went from `old` to `new`
    (nothing is written when it did not change)."""
    if (old or None) != (new or None) or note:
        db.execute(
            "INSERT INTO journal (lead_id, field, old, new, note, at, actor)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [lead_id, field, old or None, new or None, note, at, actor],
        )


def record_touch(
    db: sqlite_utils.Database, lead_id: int, activity_id: int, kind: str, note: str, at: str,
    actor: str,
) -> None:  # fmt: skip
    """The journal line of a logged touch; its text stays in `activities`."""
    db.execute(
        "INSERT INTO journal (lead_id, field, new, note, activity_id, at, actor)"
        " VALUES (?, 'touch', ?, ?, ?, ?, ?)",
        [lead_id, kind, note, activity_id, at, actor],
    )


def last_line(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT coalesce(max(id), 0) FROM journal").fetchone()[0])


@contextmanager
def action(
    db: sqlite_utils.Database,
    actor: str,
    at: str,
    label: str,
    *,
    kind: str = "do",
    target: int | None = None,
) -> Iterator[int]:
    """One user action inside the caller's write transaction: every journal
    line written in the block (however deep, triggers included) gets this
    action's id as its group. The transaction is IMMEDIATE, so the lines
    after the journal's last one are exactly this block's. (A bulk write
    may give its lines the group itself, sparing them a second write.)"""
    start = last_line(db)
    group = int(
        db.execute(
            "INSERT INTO actions (actor, at, label, kind, target) VALUES (?, ?, ?, ?, ?)"
            " RETURNING id",
            [actor, at, label, kind, target],
        ).fetchall()[0][0]
    )
    yield group
    if not _stamp(db, group, start) and last_line(db) == start:
        # Nothing changed: nothing for `u` to undo.
        db.execute("DELETE FROM actions WHERE id = ?", [group])


def leads_so_far(done: int, total: int) -> str:
    """How a bulk action's label counts its leads as its chunks are written:
    "20,061 leads" once all are, "5,000 of 20,061 leads" until then. A move
    cut short (a hang-up mid-move, a teammate's change) is named in the
    journal and by `u` for what it did, not what it was asked."""
    if done >= total:
        return f"{total:,} lead{'s' * (total != 1)}"
    return f"{done:,} of {total:,} leads"


# A bulk action's label as leads_so_far leaves it short of its total, and
# only such a label: anchored, so a single lead's move ("Advance #8 …")
# whose name reads "2 of 5 leads" is not taken for one.
_SHORT = re.compile(
    r"(?P<verb>Advance|Move back|Win|Lose|Reopen|Assign)"
    r" (?P<done>[\d,]+) of (?P<total>[\d,]+) leads(?: to (?P<owner>.+))?",
    re.DOTALL,
)


class CutShort(NamedTuple):
    """A bulk move or reassignment that stopped before its last lead."""

    verb: str  # "Lose", "Assign"
    done: int
    total: int
    owner: str | None  # a reassignment's new owner


def cut_short(repo: "Journaled") -> CutShort | None:
    """The actor's last action, if it is a bulk move or reassignment cut
    short (the session hung up mid-move, or a move stopped at a lead a
    teammate changed): its label still counts "5,000 of 20,061 leads".
    None if anything came after it, an undo included. (One step back along
    the actions_actor index.)"""
    with repo._connection() as db:
        row = db.execute(
            "SELECT kind, label FROM actions WHERE actor = ? ORDER BY id DESC LIMIT 1",
            [repo.actor],
        ).fetchone()
    found = _SHORT.fullmatch(row[1]) if row and row[0] == "do" else None
    if found is None:
        return None
    done, total = (int(found[name].replace(",", "")) for name in ("done", "total"))
    owner = found["owner"] if found["verb"] == "Assign" else None
    if done >= total or (found["verb"] == "Assign") != (owner is not None):
        return None
    return CutShort(found["verb"], done, total, owner)


def relabel(db: sqlite_utils.Database, group: int, label: str) -> None:
    db.execute("UPDATE actions SET label = ? WHERE id = ?", [label, group])


def _stamp(db: sqlite_utils.Database, group: int, start: int) -> int:
    """Give the lines after line `start` that have no group `group`; how many."""
    stamped = db.execute(
        "UPDATE journal SET group_id = ? WHERE id > ? AND group_id IS NULL", [group, start]
    )
    return int(stamped.rowcount)


@contextmanager
def same_action(db: sqlite_utils.Database, group: int) -> Iterator[None]:
    """action's stamping for a later transaction of an action written in
    several (a bulk move, or its undo, in chunks): the lines this block
    writes join `group`."""
    start = last_line(db)
    yield
    _stamp(db, group, start)


def pin_text(lead: Lead) -> str:
    """A temperature as the journal says it: "hot (pinned)", "warm (score)"."""
    return f"{lead.temperature.value} ({'pinned' if lead.temperature_pinned else 'score'})"


def follow_up_text(lead: Lead, zone: tzinfo) -> str:
    """A follow-up as the journal says it: its day, the team's (`zone`)."""
    return lead.follow_up_at.astimezone(zone).date().isoformat() if lead.follow_up_at else ""


def record_differences(
    db: sqlite_utils.Database, before: Lead, after: Lead, fields: tuple[str, ...], at: str,
    actor: str,
) -> None:  # fmt: skip
    """A journal line for each of `fields` (and custom field) that differs."""
    custom = sorted({*before.custom, *after.custom})
    for field in (*fields, *(f"custom.{name}" for name in custom)):
        record_field_change(db, before.id, field, before.field_text(field),
                            after.field_text(field), at, actor)  # fmt: skip
    zone = zone_of(db)
    record_field_change(db, before.id, "follow-up", follow_up_text(before, zone),
                        follow_up_text(after, zone), at, actor)  # fmt: skip
    record_field_change(db, before.id, "temperature", pin_text(before), pin_text(after), at, actor)
