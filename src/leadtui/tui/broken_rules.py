"""A scoring rules file that cannot be used (a typing mistake in the team's
file), as the TUI says it: once, at start, with what still works. Every
change that scores a lead is refused while it lasts, and each refusal says
it was not saved (dbwork.run_db); saying the whole problem again on every
minute's rescore, or only on the first write key, told the rep nothing."""

from typing import Any
from weakref import WeakSet

from textual.app import App

from leadtui.domain.errors import DatabaseBusy
from leadtui.domain.scoring_rules import RulesUnusable
from leadtui.repository import Repository

# The apps told of their rules file's problem, until it is gone.
_TOLD: WeakSet[App[Any]] = WeakSet()
SHOWN_SECONDS = 30
WHAT_STILL_WORKS = (
    "Until it is fixed, reading, searching and the KPIs work, with the scores as"
    " last saved; a move, edit, touch or new lead is refused, not saved."
)


def refresh_scores(repo: Repository) -> str | None:
    """The start's and each minute's rescore; the rules file's problem, if
    it has one. Busy (a teammate's long import) is left for next time."""
    try:
        repo.refresh_scores()
    except DatabaseBusy:
        return None
    except RulesUnusable as error:
        return str(error)
    return None


def tell_broken_rules(app: App[Any], problem: str | None) -> None:
    """Say the problem once per app (again only after it was fixed and broke anew)."""
    if problem is None:
        _TOLD.discard(app)
        return
    if app in _TOLD or not app.is_running:
        return
    _TOLD.add(app)
    app.notify(
        f"{problem}. {WHAT_STILL_WORKS}",
        title="The scoring rules file cannot be used",
        severity="error",
        timeout=SHOWN_SECONDS,
        markup=False,
    )
