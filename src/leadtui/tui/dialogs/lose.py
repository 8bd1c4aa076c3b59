"""The `x` prompt: asks why a lead was lost. The reason is required."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from leadtui.domain.sanitize import clean_line
from leadtui.tui.cells import plain
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField

COMMON_REASONS = ("No budget", "Chose a competitor", "No response", "Bad timing", "Not a fit")


class LoseReasonScreen(Dialog[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, lead_name: str) -> None:
        super().__init__()
        self.lead_name = lead_name

    def compose(self) -> ComposeResult:
        with Vertical(id="lose-dialog", classes="dialog"):
            yield Static(
                Content.assemble("Lose ", (plain(self.lead_name), "bold"), "?"),
                classes="dialog-title",
            )
            yield TextField(
                placeholder="Reason (required), e.g. No budget",
                id="lose-reason",
                suggester=SuggestFromList(COMMON_REASONS, case_sensitive=False),
            )
            yield Static("", id="lose-reason-error", classes="field-error", markup=False)
            yield Static("enter lose · esc cancel", classes="dialog-hint")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        reason = clean_line(event.value)
        if reason:
            self.dismiss(reason)
            return
        error = self.query_one("#lose-reason-error", Static)
        error.update("A reason is required.")
        error.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)
