"""What a console reads when other processes commit, all in the watcher's
thread job and on one connection: what they changed (repository/watch.py)
and, when a count or a total may have moved, the board's totals and the
inbox's count. The screen then takes the whole change in one update, one
redraw, instead of one per read as each read's answer came back."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Stage
from leadtui.repository import Changes, Repository
from leadtui.tui.panes.board import BoardTotals

Look = Callable[[LeadFilter, str, datetime], Changes | None]
# The journal's field for `s` (hide from the inbox until a day): the
# unfiltered count leaves out the leads hidden.
HIDING = "hidden until"


@dataclass(frozen=True)
class Wanted:
    """What the screen shows that a change may make stale (read on the UI
    thread when the look is asked for): the board's totals if the board is
    shown, the inbox's count of New leads if it counts them (its label is
    on every tab)."""

    only: LeadFilter
    me: str
    board: bool
    counting: bool


@dataclass(frozen=True)
class Followed:
    changes: Changes
    totals: BoardTotals | None = None
    untriaged: int | None = None


def follow(repo: Repository, look: Look, wanted: Wanted, now: datetime) -> Followed | None:
    """The changes since the last look (None: nothing committed) with the
    figures they may have moved. A change the journal does not name is
    re-read whole by the screen, so nothing more is read for it."""
    changes = look(wanted.only, wanted.me, now)
    if changes is None or changes.whole:
        return None if changes is None else Followed(changes)
    only, totals, untriaged = wanted.only, None, None
    board = wanted.board and (changes.moves_totals or bool(only))
    counting = wanted.counting and moves_count(changes, only)
    if not (board or counting):
        return Followed(changes)
    with repo.reading():
        if board:
            totals = repo.stage_totals(only), repo.other_currency_values(only)
        if counting:
            untriaged = repo.count_in_stage(Stage.NEW, awake_at=now, only=only)
    return Followed(changes, totals, untriaged)


def moves_count(changes: Changes, only: LeadFilter) -> bool:
    """Whether the changes may have let a lead into the inbox's count or
    out of it: a stage moved, or else a lead in New now (so in New before
    too) was hidden or shown, or, under a filter, changed at all (its owner,
    source, pinned temperature, the score an edit gave it, a touch: a
    filter reads them all)."""
    if "stage" in changes.fields:
        return True
    if not (only or HIDING in changes.fields):
        return False  # a rename, say: nothing more to read (not even a connection)
    return any(lead.stage is Stage.NEW for lead in changes.leads.values())
