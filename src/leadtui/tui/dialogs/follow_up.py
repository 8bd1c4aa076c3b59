"""The `f`, `z` and `s` prompts: when to follow a lead up, how long to snooze
its follow-up, or until when to hide it from the inbox. They validate inline
and return the answer; the caller writes."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from leadtui.domain.clock import SNOOZES, parse_follow_up, team_day
from leadtui.domain.errors import InvalidInput
from leadtui.tui.cells import plain
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField
from leadtui.tui.dialogs.when import days_after, in_utc

HIDES = ["1d", "3d", "1w", "2w", "tomorrow"]


@dataclass(frozen=True)
class FollowUpAnswer:
    when: datetime | None  # None clears the follow-up


@dataclass(frozen=True)
class SnoozeAnswer:
    days: int


@dataclass(frozen=True)
class HideAnswer:
    until: datetime  # out of the inbox until this day


Answer = FollowUpAnswer | SnoozeAnswer | HideAnswer


def _choices(words: list[str]) -> str:
    """ "1d, 2d or 3d"."""
    return f"{', '.join(words[:-1])} or {words[-1]}"


class FollowUpScreen(Dialog[Answer | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        lead_name: str,
        now: Callable[[], datetime],
        *,
        snooze: bool,
        hide: bool = False,
        follow_up: datetime | None = None,
    ) -> None:
        """`follow_up`: the lead's, which a snooze pushes later."""
        super().__init__()
        self.lead_name = lead_name
        self.now = now
        self.snooze = snooze
        self.hide = hide
        self.follow_up = follow_up

    def compose(self) -> ComposeResult:
        verb = "Snooze the follow-up of" if self.snooze else "Snooze" if self.hide else "Follow up"
        # The box holds 50 cells at most: what does not fit is said on the
        # hint line ("empty clears it" was cut off the placeholder).
        hint = (
            _choices(list(SNOOZES))  # every one it takes (2d was left out)
            if self.snooze
            else "1d, 3d, 1w, fri or 2026-12-01"
            if self.hide
            else "today, tomorrow, fri, 3d, 2w or 2026-12-01"
        )
        keys = (
            "enter save · esc cancel"
            if self.snooze
            else "out of the inbox till then · enter save · esc cancel"
            if self.hide
            else "empty clears it · enter save · esc cancel"
        )
        with Vertical(id="follow-up-dialog", classes="dialog"):
            yield Static(
                Content.assemble(f"{verb} ", (plain(self.lead_name), "bold")),
                classes="dialog-title",
            )
            yield TextField(
                placeholder=hint,
                id="follow-up-when",
                suggester=SuggestFromList(
                    list(SNOOZES) if self.snooze else HIDES if self.hide else ["tomorrow", "today"],
                    case_sensitive=False,
                ),
            )
            preview = Static("", id="follow-up-preview", markup=False)
            preview.display = False  # until something is typed
            yield preview
            yield Static("", id="follow-up-error", classes="field-error", markup=False)
            yield Static(keys, classes="dialog-hint")

    @on(Input.Changed)
    def preview(self, event: Input.Changed) -> None:
        """What enter would save, as the day it means ("fri" on a Friday,
        "2w"): said as it is typed, or what is wrong with it."""
        try:
            answer = self._read(event.value)
        except InvalidInput as error:
            self._error(str(error))
            return
        self._error("")
        self.query_one("#follow-up-preview", Static).update(self._describe(answer))

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(self._read(event.value))
        except InvalidInput as error:
            self._error(str(error))

    def _read(self, typed: str) -> Answer:
        """The answer `typed` gives; InvalidInput says why there is none."""
        text = typed.strip().lower()
        if self.snooze:
            if text not in SNOOZES:
                raise InvalidInput(f"snooze by one of {', '.join(SNOOZES)}")
            # Pushed from the follow-up if still ahead, else from today: a
            # day must exist that many days after the later of the two.
            try:
                days_after(self._snoozed_from(), SNOOZES[text], "snooze")
            except InvalidInput as error:
                raise InvalidInput(str(error).removeprefix("snooze: ")) from None
            return SnoozeAnswer(SNOOZES[text])
        if not text and not self.hide:
            return FollowUpAnswer(None)
        try:
            when = in_utc(parse_follow_up(text, self.now()), "follow-up")
        except InvalidInput as error:
            raise InvalidInput(str(error).removeprefix("follow-up: ")) from None
        if self.hide and when <= self.now():
            raise InvalidInput("hide it until a day after today")
        return HideAnswer(when) if self.hide else FollowUpAnswer(when)

    def _snoozed_from(self) -> datetime:
        return max(self.follow_up or self.now(), self.now())

    def _describe(self, answer: Answer) -> str:
        # Days as the team's (self.now() is in its zone); the answers are UTC.
        now = self.now()
        if isinstance(answer, SnoozeAnswer):
            day = team_day(days_after(self._snoozed_from(), answer.days, "snooze"), now)
            return f"→ follow up {day:%a %d %b %Y}"
        if isinstance(answer, HideAnswer):
            return f"→ back in the inbox {team_day(answer.until, now):%a %d %b %Y}"
        if answer.when is None:
            return "→ no follow-up (clears it)"
        day = team_day(answer.when, now)
        past = " (in the past)" if day < now.date() else ""
        return f"→ follow up {day:%a %d %b %Y}{past}"

    def _error(self, message: str) -> None:
        """An error in place of the preview (none: the preview shows)."""
        self.query_one("#follow-up-preview", Static).display = not message
        error = self.query_one("#follow-up-error", Static)
        error.update(message)
        error.display = bool(message)

    def action_cancel(self) -> None:
        self.dismiss(None)
