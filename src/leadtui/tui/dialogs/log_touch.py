"""The `l` form: log a touch (email, call, meeting, ...) on the selected lead."""

from dataclasses import dataclass
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Select, Static, TextArea

from leadtui.domain.clock import Clock, check_touch_day, parse_past
from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import ActivityKind, Lead
from leadtui.domain.sanitize import shown_name
from leadtui.tui.cells import plain
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextBox, TextField
from leadtui.tui.dialogs.when import in_utc


@dataclass(frozen=True)
class TouchInput:
    kind: ActivityKind
    direction: str | None
    note: str
    at: datetime
    body: str = ""


DIRECTIONS = (("outbound: we reached out", "outbound"), ("inbound: they did", "inbound"))


class LogTouchScreen(Dialog[TouchInput | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Save", show=False),
    ]

    # The note takes the first key typed ahead ("l" then "Left voicemail"):
    # focused only in on_mount, the kind's dropdown (the first focusable
    # widget, Textual's default) had it first, and the "L" was lost.
    AUTO_FOCUS = "#log-note"

    def __init__(self, lead: Lead, clock: Clock, again: TouchInput | None = None) -> None:
        """`again`: a touch whose save failed, shown as it was typed."""
        super().__init__()
        self.lead = lead
        self.lead_name = shown_name(lead.name)
        self.clock = clock
        self.again = again

    def compose(self) -> ComposeResult:
        with Vertical(id="log-dialog", classes="dialog"):
            yield Static(
                Content.assemble("Log a touch with ", (plain(self.lead_name), "bold")),
                classes="dialog-title one-line",
            )
            yield Select(
                [(kind.value, kind) for kind in ActivityKind],
                value=ActivityKind.CALL,
                allow_blank=False,
                id="log-kind",
            )
            yield Select(DIRECTIONS, value="outbound", allow_blank=False, id="log-direction")
            yield TextField(placeholder="What happened, in a line", id="log-note")
            yield TextBox(
                id="log-body",
                soft_wrap=True,
                placeholder="Body (optional): the email, the minutes",
            )
            yield TextField(placeholder="When: now, 2h, 3d, yesterday, 2026-11-20", id="log-when")
            yield Static("", id="log-when-error", classes="field-error", markup=False)
            yield Static(
                "enter save (ctrl+s in the body) · tab next · esc cancel",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        if (touch := self.again) is not None:
            self.query_one("#log-kind", Select).value = touch.kind
            self.query_one("#log-direction", Select).value = touch.direction or "outbound"
            self.query_one("#log-note", Input).value = touch.note
            self.query_one("#log-body", TextArea).text = touch.body
            self.query_one("#log-when", Input).value = touch.at.isoformat(timespec="minutes")

    @on(Input.Submitted)
    def action_submit(self) -> None:
        error = self.query_one("#log-when-error", Static)
        try:
            at = in_utc(parse_past(self.query_one("#log-when", Input).value, self.clock()), "when")
            # As the repository checks it, said here while it can be fixed.
            lead = self.lead
            check_touch_day(at, lead.created_at, lead.last_touch_at, lead.tag())
        except InvalidInput as problem:
            error.update(str(problem).removeprefix("when: "))
            error.display = True
            self.query_one("#log-when", Input).focus()
            return
        kind = self.query_one("#log-kind", Select).value
        direction = self.query_one("#log-direction", Select).value
        assert isinstance(kind, ActivityKind) and isinstance(direction, str)
        # A note is a touch of its own kind, with no direction.
        self.dismiss(
            TouchInput(
                kind,
                None if kind is ActivityKind.NOTE else direction,
                self.query_one("#log-note", Input).value,
                at,
                self.query_one("#log-body", TextArea).text,
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
