"""Every notification an app raises, recorded as it is raised.

Tests read `notes(app)` instead of Textual's private notification store. The
record goes through the public `App.notify` (widgets' and screens' `notify`
call it too), and keeps each notification even after its toast has timed
out, so a test on a loaded machine still sees what was said.
"""

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

import pytest
from textual.app import App
from textual.notifications import SeverityLevel


@dataclass(frozen=True)
class Note:
    message: str
    severity: SeverityLevel
    markup: bool  # False: the message is shown as plain text, never parsed


_RECORDED: WeakKeyDictionary[App[Any], list[Note]] = WeakKeyDictionary()


def record_notifications(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wrap `App.notify` (for the current test) to record each call."""
    original = App.notify

    def notify(
        self: App[Any],
        message: str,
        *,
        severity: SeverityLevel = "information",
        markup: bool = True,
        **options: Any,
    ) -> None:
        # App.notify is thread-safe; a list append is too.
        _RECORDED.setdefault(self, []).append(Note(message, severity, markup))
        original(self, message, severity=severity, markup=markup, **options)

    monkeypatch.setattr(App, "notify", notify)


def notes(app: App[Any]) -> list[Note]:
    """What `app` has notified so far, oldest first."""
    return list(_RECORDED.get(app, ()))
