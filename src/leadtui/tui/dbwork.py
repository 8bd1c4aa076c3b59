"""Run repository calls off the UI thread and hand results back to it.

A keypress becomes an action; the action calls `run_db`; the repository runs
in a thread worker (on a connection no other call is using at the time),
and the result comes back to the UI thread through
`call_from_thread`. Every thread job of the TUI goes through here (the start
screen's opening of the file is the one exception: there is no repository
yet, and its failure ends the app with one line), so a LeadtuiError always
becomes one notification (or the caller's inline error) and the app stays
up; anything else is a bug and stops the app loudly.

Writes take turns: the app's writes run one after another, in the order
they were asked for (`WriteQueue`). A thread worker each, they committed in
whatever order the threads ran: `a a u` typed in one read undid the first
advance, not the second, and the second `a` was written after the undo.
"""

import threading
from collections import deque
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime
from typing import Any, Protocol, TypeVar, cast
from weakref import WeakKeyDictionary

from textual.app import App
from textual.dom import NoScreen
from textual.widget import Widget

from leadtui.domain.errors import Interrupted, LeadtuiError
from leadtui.domain.sanitize import escape_unsafe
from leadtui.domain.scoring_rules import RulesUnusable
from leadtui.repository import Repository

T = TypeVar("T")
WRITE_GROUP = "write"
# The long-running worker that watches for other processes' commits.
WATCH_GROUP = "watch"
UNREADABLE_SECONDS = 30


class _HasRepository(Protocol):
    repo: Repository


class _CanFail(Protocol):
    def fail(self, message: str) -> None: ...


def app_repository(widget: Widget) -> Repository:
    """The repository the app was opened on: the one way screens, panes and
    dialogs reach it."""
    return cast(_HasRepository, widget.app).repo


def run_db(
    widget: Widget,
    job: Callable[[Repository], T],
    done: Callable[[T], None],
    *,
    key: str,
    on_error: Callable[[], None] | None = None,
    report: Callable[[str], None] | None = None,
) -> None:
    """Run `job(repo)` in a thread; call `done(result)` on the UI thread.

    Reads with the same `key` supersede each other: only the newest result is
    shown, so a slow old read can never overwrite a fresh one; nor is a
    read's result for a dialog closed meanwhile. Writes use
    key=WRITE_GROUP: they are never superseded, and run one at a time in
    the order asked for (`WriteQueue`), each after the last has committed. A LeadtuiError is said by
    `report` (an inline error) or else as an error notification; then
    `on_error` runs.
    """
    app = widget.app
    repo = app_repository(widget)
    tokens: dict[str, int] = widget.__dict__.setdefault("_db_tokens", {})
    token = tokens[key] = tokens.get(key, 0) + 1

    def deliver(result: T) -> None:
        # A write's result is always said; a read's only while it is the
        # newest and its screen is still up. Nothing is, once the app is
        # closing: its widgets are being taken down.
        if not app.is_running:
            return
        if key == WRITE_GROUP or (tokens.get(key) == token and _still_up(widget)):
            done(result)

    def failed(message: str) -> None:
        if not app.is_running:
            return
        if report is not None:
            report(message)
        else:
            app.notify(message, severity="error", markup=False)
        if on_error:
            on_error()

    def work() -> None:
        with suppress(LeadtuiError):  # the job's own read says what is wrong
            repo.team_now()  # the zone app_team_now draws with, re-read here off the UI thread
        try:
            result = job(repo)
        except Interrupted:
            return  # stopped on purpose (quitting): nothing to show
        except LeadtuiError as error:
            said = str(error)
            if key == WRITE_GROUP and isinstance(error, RulesUnusable):
                # Its problem was said at start (broken_rules.py): here, that
                # the change was refused, and where to read why again.
                said = (
                    f"Not saved: the scoring rules in {escape_unsafe(error.origin)} cannot be"
                    " used (`leadtui score rules` says why)"
                )
            app.call_from_thread(failed, said)
            return
        if unreadable := repo.unreadable.news():  # a list left a damaged lead out
            app.call_from_thread(tell_unreadable, app, unreadable)
        app.call_from_thread(deliver, result)

    if key == WRITE_GROUP:
        write_queue(app).add(work)
    else:
        widget.run_worker(work, thread=True, group=key, name=f"db:{key}")


class WriteQueue:
    """The app's writes, run in the order they were asked for, each once the
    one before it has committed: by one thread worker at a time, started by
    the first write and draining the writes asked for meanwhile. Keys typed
    in one burst act in order on the UI thread; their writes now land in
    that order too (the undo stack is in key order, and `u` reads it after
    the writes typed before it). The worker is the app's, not the widget's:
    a dialog's write queued behind others is not dropped when it closes."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.jobs: deque[Callable[[], None]] = deque()
        self.draining = False

    def add(self, job: Callable[[], None]) -> None:
        """Queue a write (on the UI thread); start the worker if none runs."""
        with self.lock:
            self.jobs.append(job)
            if self.draining:
                return
            self.draining = True
        self.app.run_worker(self._drain, thread=True, group=WRITE_GROUP, name=f"db:{WRITE_GROUP}")

    def _drain(self) -> None:
        try:
            while True:
                with self.lock:
                    if not self.jobs:
                        self.draining = False
                        return
                    job = self.jobs.popleft()
                job()
        except BaseException:
            # A bug (not a LeadtuiError, which `job` reports): the worker's
            # error stops the app; a later write must not wait on it forever.
            with self.lock:
                self.draining = False
            raise


_QUEUES: WeakKeyDictionary[App[Any], WriteQueue] = WeakKeyDictionary()


def write_queue(app: App[Any]) -> WriteQueue:
    queue = _QUEUES.get(app)
    if queue is None:
        queue = _QUEUES[app] = WriteQueue(app)
    return queue


def tell_unreadable(app: App[Any], messages: list[str]) -> None:
    """Each lead a list left out, because another program gave it a value
    leadtui cannot read, named once, for long enough to read what to do."""
    if app.is_running:
        for message in messages:
            app.notify(message, severity="warning", markup=False, timeout=UNREADABLE_SECONDS)


def _still_up(widget: Widget) -> bool:
    """Whether the widget's screen is still in the app's stack: a dialog
    closed while its read ran (esc typed ahead) is being taken down, and its
    fields may already be gone."""
    try:
        return widget.screen in widget.app.screen_stack
    except NoScreen:
        return False


def end_app(widget: Widget, message: str) -> None:
    """End the app with `message` as one line, printed once the terminal is
    restored, and exit code 1: for a file the app cannot show at all (its
    first read failed), as the CLI refuses it."""
    cast(_CanFail, widget.app).fail(message)


def app_now(widget: Widget) -> datetime:
    """The app's clock (frozen in tests), for ages on screen and the KPIs'
    UTC days."""
    return app_repository(widget).clock()


def app_team_now(widget: Widget) -> datetime:
    """The app's clock in the team's time zone: for a follow-up's day and
    "overdue" (domain/clock.py). Asked on every redraw, on the UI thread:
    in the zone run_db's last job read, never waiting for the database
    (a PostgreSQL server out of reach would freeze the screen)."""
    return app_repository(widget).team_now(read=False)
