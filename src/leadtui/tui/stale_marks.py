"""Marks that stay true while teammates work: a marked lead a teammate
moves out of its list is unmarked, so that the header's "N marked" counts
leads that are there; and a bulk move refused because one of them had
moved unmarks every such lead and says what to press to move the rest
(a retry used to be refused again, naming the next one)."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Stage
from leadtui.repository import Changes, Repository
from leadtui.tui.dbwork import run_db
from leadtui.tui.typeahead import HeldKeys

if TYPE_CHECKING:
    from leadtui.tui.moves import MovesScreen

# The keys of the bulk moves (moves.py's bindings; config.toml may remap
# them, by these ids) and what the moves are called in a sentence.
MOVE_KEYS = {"advance": "a", "lose": "x", "win": "w", "back": "b", "reopen": "r"}
MOVE_VERBS = {"back": "move back"}


def follow_marks(screen: "MovesScreen", changes: Changes) -> None:
    """Live refresh: unmark the marked leads these changes took out of
    their list; a change the journal does not name (a teammate's bulk
    move of thousands) is looked up."""
    if not screen.selection:
        return
    if changes.whole:
        recheck_marks(screen, lambda: None)
    else:
        screen._show_marks(screen.selection.left(changes))


def recheck_marks(
    screen: "MovesScreen",
    then: Callable[[], None],
    *,
    key: str = "marks-check",
    only: LeadFilter | None = None,
    on_error: Callable[[], None] | None = None,
) -> None:
    """Read which marked leads have left the stage they were marked in (or,
    with `only`, that filter), unmark them (those still marked as they were:
    the rep may have marked again meanwhile), then `then()`. A newer look
    with the same `key` supersedes this one (live refresh's own come every
    half second)."""
    seen = screen.selection.seen()
    stages: dict[int, Stage | None] = dict(seen)

    def done(left: list[int]) -> None:
        marks = screen.selection.marks
        still = [i for i in left if i in marks and marks[i].stage is stages[i]]
        screen._show_marks(screen.selection.unmark(still))
        then()

    def job(repo: Repository) -> list[int]:
        return repo.left_since_seen(seen, only)

    run_db(screen, job, done, key=key, on_error=on_error)


def refused_bulk(screen: "MovesScreen", how: str, asked: int) -> None:
    """A bulk move of `asked` marked leads was refused (said already):
    re-read the screen, unmark the leads no longer where they were marked
    (a teammate's, and those a move stopped midway did move: live refresh
    may have unmarked them already), and say what to press to move the
    rest. A refusal that unmarked nothing (a move that does not apply to
    one of them) is left to its own words: pressing again would not help."""
    screen.reload_all()

    def said() -> None:
        still = len(screen.selection)
        unmarked = asked - still
        if unmarked <= 0:
            return
        then = "Nothing is marked now."
        if still:
            key = (screen.settings.keymap.get(how) or MOVE_KEYS[how]).split(",")[0]
            then = f"Press {key} again to {MOVE_VERBS.get(how, how)} the {still:,} still marked."
        plural = unmarked != 1
        screen.notify(
            f"{unmarked:,} of the marked leads {'are' if plural else 'is'} no longer in the"
            f" stage {'they were' if plural else 'it was'} marked in: unmarked. {then}",
            markup=False,
            severity="warning",
            timeout=8,
        )

    recheck_marks(screen, said, key="marks-refused")


def marks_out_of_filter(screen: "MovesScreen", only: LeadFilter, hold: HeldKeys) -> None:
    """The filter changed: unmark the marked leads it leaves out of the
    list, and say how many, so the header's "N marked" and the next bulk
    move hold only leads the rep can see. Keys typed meanwhile wait on
    `hold` (an `a` right after the filter would move the marks as they
    were); a newer filter's look supersedes this one and lets them go."""
    asked = len(screen.selection)
    if not asked:
        return
    hold.take()

    def said() -> None:
        hold.let_go()
        still = len(screen.selection)
        unmarked = asked - still
        if unmarked <= 0:
            return
        plural = unmarked != 1
        then = f"{still:,} still marked." if still else "Nothing is marked now."
        screen.notify(
            f"{unmarked:,} of the marked leads {'are' if plural else 'is'} not in the list as"
            f" filtered now: unmarked. {then}",
            markup=False,
            timeout=6,
        )

    recheck_marks(screen, said, key="marks-filter", only=only, on_error=hold.let_go)
