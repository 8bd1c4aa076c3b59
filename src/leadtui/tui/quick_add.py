"""The `n` prompt: a small form that returns a validated LeadDraft, or None.

The modal only validates; the caller writes to the database (typed result
through dismiss). Errors show inline under their field, through the same
pydantic model the CLI uses.
"""

from typing import Any

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from leadtui.models import LeadDraft, Source, field_errors

FIELDS: tuple[tuple[str, str, str], ...] = (
    # (model field, label, placeholder)
    ("name", "Name *", "Jane Doe"),
    ("email", "Email", "jane@acme.io"),
    ("company", "Company", "Acme Corp"),
    ("source", "Source", "referral, website, event, ads, partner… (→ completes)"),
    ("value_cents", "Value", "5000, 5k or 1.2m"),
)


class QuickAddScreen(ModalScreen[LeadDraft | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self) -> None:
        super().__init__()
        self._attempted = False  # show errors only after the first Enter

    def compose(self) -> ComposeResult:
        with Vertical(id="quick-add", classes="dialog"):
            yield Static("Add a lead", classes="dialog-title")
            for field, label, placeholder in FIELDS:
                yield Label(label, classes="field-label")
                suggester = (
                    SuggestFromList([s.value for s in Source], case_sensitive=False)
                    if field == "source"
                    else None
                )
                yield Input(placeholder=placeholder, id=f"qa-{field}", suggester=suggester)
                yield Static("", id=f"qa-{field}-error", classes="field-error", markup=False)
            yield Static("enter save · esc cancel", classes="dialog-hint")

    def values(self) -> dict[str, Any]:
        return {field: self.query_one(f"#qa-{field}", Input).value for field, _, _ in FIELDS}

    def _validate(self) -> LeadDraft | None:
        errors: dict[str, str] = {}
        draft = None
        try:
            draft = LeadDraft(**self.values())
        except ValidationError as error:
            errors = field_errors(error)
        for field, _, _ in FIELDS:
            message = errors.get(field, "")
            error_line = self.query_one(f"#qa-{field}-error", Static)
            error_line.update(message)
            error_line.display = bool(message)
        return draft

    @on(Input.Submitted)
    def save(self) -> None:
        self._attempted = True
        draft = self._validate()
        if draft is not None:
            self.dismiss(draft)
        else:
            first_bad = next(
                f for f, _, _ in FIELDS if self.query_one(f"#qa-{f}-error", Static).display
            )
            self.query_one(f"#qa-{first_bad}", Input).focus()

    @on(Input.Changed)
    def revalidate(self) -> None:
        if self._attempted:
            self._validate()

    def action_cancel(self) -> None:
        self.dismiss(None)
