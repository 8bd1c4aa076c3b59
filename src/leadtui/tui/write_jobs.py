"""Every write a key makes on the main screen (`_write_job`): in the app's
write queue (dbwork.run_db), with "saving…" in the header while it waits,
and, where the next key needs what the write left on screen, the keys
typed behind it held until the pane has shown it (`ShowsWrites`).

MovesScreen (moves.py), and so MainScreen, builds on this screen.
"""

from collections.abc import Callable
from typing import Protocol, TypeVar

from textual.screen import Screen
from textual.timer import Timer

from leadtui.repository import ChangeWatcher, Repository
from leadtui.tui.dbwork import WRITE_GROUP, run_db
from leadtui.tui.typeahead import hold_keys

T = TypeVar("T")

# The header says "saving…" once a save has waited this long (a teammate's
# lock, say). Most saves take milliseconds: saying so at once changed the
# header twice per key, each a relayout of the whole screen.
SAVING_SHOWN_AFTER = 0.25


class ShowsWrites(Protocol):
    """A pane whose next key acts on what a write left: the Lead tab (the
    lead stays, at its new stage) and the board when the cursor follows a
    moved card."""

    def when_shown(self, then: Callable[[], None]) -> None:
        """Call `then` once the pane's re-read under way is on screen (at
        once if none is)."""


class WriteJobsScreen(Screen[None]):
    repo: Repository
    _watcher: ChangeWatcher

    def __init__(self) -> None:
        super().__init__()
        self._pending_saves = 0
        self._saving_timer: Timer | None = None
        self._saving_shown = False

    def _show_status(self) -> None:
        raise NotImplementedError  # MovesScreen's: the header's subtitle

    def _write_job(
        self,
        job: Callable[[Repository], T],
        done: Callable[[T], None],
        *,
        failed: Callable[[], None] | None = None,
        shown_by: ShowsWrites | None = None,
    ) -> None:
        """Every write: in a worker, with "saving…" in the header from a
        quarter second on until it returns (it may wait for a teammate's lock
        while the UI stays live), then `done` (or `failed`: the error is already a notification).

        With `shown_by`, keys typed from now wait until the write is back
        and the pane has re-read it (`done` and `failed` re-read): on the
        Lead tab, `a b` typed at once sent the `b` with the stage shown
        before the `a`, and the repository refused it as if a teammate had
        moved the lead; a followed card's next key acted on the card left
        under the cursor in the old column.

        After the write the watcher is told the commit was ours: the reload
        that follows every write re-reads everything committed up to then, so
        live refresh must not reload a second time for it."""
        release = hold_keys(self) if shown_by is not None else None

        def let_keys_go() -> None:
            if shown_by is not None and release is not None:
                shown_by.when_shown(release)

        def write(repo: Repository) -> T:
            result = job(repo)
            self._watcher.changed()
            return result

        def landed(result: T) -> None:
            self._saving(-1)
            try:
                done(result)
            finally:
                let_keys_go()

        def refused() -> None:
            self._saving(-1)
            try:
                if failed:
                    failed()
            finally:
                let_keys_go()

        self._saving(+1)
        run_db(self, write, landed, key=WRITE_GROUP, on_error=refused)

    def _saving(self, step: int) -> None:
        """Show in the header that a save is pending: it may be waiting for a
        teammate's lock (up to the busy timeout) while the UI stays live."""
        self._pending_saves += step
        if self._pending_saves and self._saving_timer is None and not self._saving_shown:
            self._saving_timer = self.set_timer(SAVING_SHOWN_AFTER, self._saving_late)
        elif not self._pending_saves:
            if self._saving_timer is not None:
                self._saving_timer.stop()
                self._saving_timer = None
            if self._saving_shown:
                self._saving_shown = False
                self._show_status()

    def _saving_late(self) -> None:
        self._saving_timer = None
        if self._pending_saves:
            self._saving_shown = True
            self._show_status()
