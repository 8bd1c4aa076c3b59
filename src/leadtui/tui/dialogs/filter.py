"""`ctrl+f`: the filter for the inbox and the board, typed as one line
(`source:referral hot score:50+ overdue`) and checked as you type; enter
applies it, an empty line clears it, esc leaves it as it was."""

from contextlib import suppress

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from leadtui.domain.errors import InvalidInput
from leadtui.domain.filters import SYNTAX, LeadFilter, parse
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField
from leadtui.tui.me import resolve_me

EXAMPLE = "e.g. source:referral hot score:50-80"


class FilterScreen(Dialog[LeadFilter | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-dialog", classes="dialog"):
            yield Static("Filter the inbox and the board", classes="dialog-title", markup=False)
            # The syntax is longer than the box (72 characters to its 50):
            # as a placeholder it was cut at "score:50-8". It shows whole
            # under the box, wrapped if need be.
            yield TextField(self.current, placeholder=EXAMPLE, id="filter-text")
            yield Static("", id="filter-error", classes="field-error", markup=False)
            yield Static(SYNTAX, id="filter-syntax", classes="dialog-hint", markup=False)
            yield Static(
                "enter apply · empty clears · owner:me is you · esc cancel",
                classes="dialog-hint",
                markup=False,
            )

    @on(Input.Changed)
    def check(self, event: Input.Changed) -> None:
        error = self.query_one("#filter-error", Static)
        try:
            parse(resolve_me(event.value))
        except InvalidInput as problem:
            error.update(str(problem).removeprefix("filter: "))
            error.display = True
        else:
            error.display = False

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        with suppress(InvalidInput):  # else the error is already shown beneath the line
            self.dismiss(parse(resolve_me(event.value)))
