"""The `f` and `z` prompts: when to follow a lead up, or how long to snooze it.
They validate inline and return the answer; the caller writes."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from leadtui.clock import parse_follow_up
from leadtui.errors import InvalidInput

SNOOZES = {"1d": 1, "2d": 2, "3d": 3, "1w": 7, "2w": 14, "1m": 30}


@dataclass(frozen=True)
class FollowUpAnswer:
    when: datetime | None  # None clears the follow-up


@dataclass(frozen=True)
class SnoozeAnswer:
    days: int


class FollowUpScreen(ModalScreen[FollowUpAnswer | SnoozeAnswer | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, lead_name: str, now: Callable[[], datetime], *, snooze: bool) -> None:
        super().__init__()
        self.lead_name = lead_name
        self.now = now
        self.snooze = snooze

    def compose(self) -> ComposeResult:
        verb = "Snooze" if self.snooze else "Follow up"
        hint = (
            "1d, 3d, 1w, 2w or 1m"
            if self.snooze
            else "today, tomorrow, fri, 3d, 2w or 2026-12-01; empty clears it"
        )
        with Vertical(id="follow-up-dialog", classes="dialog"):
            yield Static(
                Content.assemble(f"{verb} ", (self.lead_name, "bold")), classes="dialog-title"
            )
            yield Input(
                placeholder=hint,
                id="follow-up-when",
                suggester=SuggestFromList(
                    list(SNOOZES) if self.snooze else ["tomorrow", "today"], case_sensitive=False
                ),
            )
            yield Static("", id="follow-up-error", classes="field-error", markup=False)
            yield Static("enter save · esc cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        text = event.value.strip().lower()
        if self.snooze:
            if text in SNOOZES:
                self.dismiss(SnoozeAnswer(SNOOZES[text]))
                return
            self._error(f"snooze by one of {', '.join(SNOOZES)}")
            return
        if not text:
            self.dismiss(FollowUpAnswer(None))
            return
        try:
            self.dismiss(FollowUpAnswer(parse_follow_up(text, self.now())))
        except InvalidInput as error:
            self._error(str(error).removeprefix("follow-up: "))

    def _error(self, message: str) -> None:
        error = self.query_one("#follow-up-error", Static)
        error.update(message)
        error.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)
