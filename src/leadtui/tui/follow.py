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
    counting = wanted.counting and "stage" in changes.fields
    if not (board or counting):
        return Followed(changes)  # a rename: nothing more to read (not even a connection)
    with repo.reading():
        if board:
            totals = repo.stage_totals(only), repo.other_currency_values(only)
        if counting:
            untriaged = repo.count_in_stage(Stage.NEW, awake_at=now, only=only)
    return Followed(changes, totals, untriaged)
