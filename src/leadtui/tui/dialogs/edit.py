"""The `e` form: every field of a lead, its tags and custom fields. It
validates inline through the same pydantic model as every other way in, and
returns only the fields the rep changed (the caller writes them, with a
field-level check against this very lead as it was shown)."""

from pydantic import ValidationError
from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static, TextArea

from leadtui.domain.field_errors import field_errors, value_errors_folded
from leadtui.domain.models import (
    CUSTOM_PREFIX,
    Lead,
    LeadDraft,
    Source,
    usual_currency,
)
from leadtui.domain.sanitize import clean_typed, escape_unsafe
from leadtui.tui.cells import plain
from leadtui.tui.dialogs.base import FieldsScroll
from leadtui.tui.dialogs.fields import TextBox, TextField
from leadtui.tui.dialogs.lead_form import LeadFormScreen

# (field, label); value is typed as text ("5k"), tags comma-separated.
FIELDS = (
    ("name", "Name *"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("company", "Company"),
    ("title", "Title"),
    ("source", "Source"),
    ("owner", "Owner"),
    ("value", "Value"),
    ("expected_close", "Close date"),
    ("tags", "Tags"),
    ("notes", "Notes"),
)


# A label's cells beside its field (the label column is one wider, for a
# gap). A longer name (a custom field an import brought) is cut with "…",
# and shown whole in a line under its field while the field has focus,
# and as the label's and field's tooltip.
LABEL_CELLS = 14

# Examples read as examples: a grey "2027-01-31" in an empty close date was
# taken for the lead's close date.
PLACEHOLDERS = {
    "expected_close": "e.g. 2027-01-31",
    "value": "e.g. 5k, 5,000 or 1.2m",
    "tags": "e.g. vip, expo",
}


def _input_id(index: int) -> str:
    return f"edit-{index}"


def cut_label(label: str) -> tuple[str, bool]:
    """The label in LABEL_CELLS cells (counted as the terminal draws them:
    a CJK character takes two), and whether it had to be cut."""
    text = plain(label)
    if cell_len(text) <= LABEL_CELLS:
        return text, False
    kept = ""
    for char in text:  # Rich's own cut pads a split wide character with a space
        if cell_len(kept + char) > LABEL_CELLS - 1:
            break
        kept += char
    return kept + "…", True


class EditLeadScreen(LeadFormScreen):
    # The name takes the first key typed, whatever comes first in the
    # dialog (its scrolling box once took the focus, and the keys).
    AUTO_FOCUS = "TextField, TextBox"

    def __init__(self, lead: Lead, again: dict[str, str] | None = None) -> None:
        super().__init__(lead, again)
        self.fields = [*FIELDS, *((f"{CUSTOM_PREFIX}{name}", name) for name in lead.custom)]

    def compose(self) -> ComposeResult:
        with FieldsScroll(id="edit-dialog", classes="dialog"):
            yield Static(
                Content.assemble("Edit ", (plain(self.lead.tag()), "bold")),
                classes="dialog-title one-line",
            )
            for index, (field, label) in enumerate(self.fields):
                suggester = (
                    SuggestFromList([s.value for s in Source], case_sensitive=False)
                    if field == "source"
                    else None
                )
                # One line per field, so the whole lead fits in 80x24.
                text = self.again.get(field, self.lead.field_text(field))
                shown, cut = cut_label(label)
                # Content, not str: a tooltip given a str parses it as markup.
                whole = Content(plain(label)) if cut else None
                with Horizontal(classes="edit-row"):
                    yield Label(Content(shown), classes="field-label").with_tooltip(whole)
                    box: TextBox | TextField
                    if field == "notes" or "\n" in text:
                        # An Input would keep the line breaks but hide them.
                        box = TextBox(
                            text, id=_input_id(index), soft_wrap=True, classes="edit-area"
                        )
                    else:
                        box = TextField(
                            text,
                            placeholder=PLACEHOLDERS.get(field, ""),
                            id=_input_id(index),
                            suggester=suggester,
                        )
                    yield box.with_tooltip(whole)
                if whole is not None:
                    yield Static(whole, id=f"{_input_id(index)}-name", classes="field-name")
                yield Static(
                    "", id=f"{_input_id(index)}-error", classes="field-error", markup=False
                )
            yield Static(
                "↑/↓ or tab move · enter (ctrl+s in notes) save · esc cancel",
                classes="dialog-hint",
            )

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self._show_whole_name(event.widget.id)

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        self._show_whole_name(None)

    def _show_whole_name(self, focused: str | None) -> None:
        """The whole name of a cut label, under its field while it has focus."""
        for line in self.query(".field-name"):
            line.display = line.id == f"{focused}-name"
            if line.display:
                # Once laid out: the field was scrolled to before its line showed.
                self.call_after_refresh(line.scroll_visible, animate=False)

    def _values(self) -> dict[str, str]:
        values = {}
        for index, (field, _) in enumerate(self.fields):
            widget = self.query_one(f"#{_input_id(index)}")
            if isinstance(widget, TextArea):
                values[field] = widget.text
            elif isinstance(widget, Input):
                values[field] = widget.value
        return values

    def shown(self, field: str) -> str:
        """The lead's field as the form showed it: its text fields drop a
        stored escape sequence (another program wrote it) as they take it,
        so an untouched field is compared with that, not with what is stored,
        and is never rewritten."""
        text = self.lead.field_text(field)
        return clean_typed(text, multi_line=field == "notes" or "\n" in text).strip()

    def changes(self) -> dict[str, str]:
        values = {field: value.strip() for field, value in self._values().items()}
        return {f: v for f, v in values.items() if v != self.shown(f)}

    def _errors(self) -> dict[str, str]:
        values = self._values()
        try:
            LeadDraft.model_validate(
                {
                    ("value_cents" if field == "value" else field): value
                    for field, value in values.items()
                    if field not in ("tags",) and not field.startswith(CUSTOM_PREFIX)
                },
                context=usual_currency(self.lead.currency),
            )
        except ValidationError as error:
            errors = value_errors_folded(field_errors(error))
            if "name" in errors and not values["name"].strip() and not self.shown("name"):
                # The stored name shows as nothing (another program stored
                # only control characters): say so, not a bare "required".
                stored = escape_unsafe(self.lead.name)
                errors["name"] = f'needed: the stored name ("{stored}") shows nothing; type one'
            return {("value" if f == "value_cents" else f): m for f, m in errors.items()}
        return {}

    def _show_errors(self) -> dict[str, str]:
        errors = self._errors()
        for index, (field, _) in enumerate(self.fields):
            line = self.query_one(f"#{_input_id(index)}-error", Static)
            line.update(errors.get(field, ""))
            line.display = field in errors
        return errors

    @on(Input.Submitted)
    def action_save(self) -> None:
        errors = self._show_errors()
        if errors:
            shown = [i for i, (f, _) in enumerate(self.fields) if f in errors]
            if shown:
                self.query_one(f"#{_input_id(shown[0])}").focus()
            else:  # an error of no field the form has: said, never lost
                self.notify(next(iter(errors.values())), severity="error")
            return
        self.dismiss(self.changes())

    @on(Input.Changed)
    @on(TextArea.Changed)
    def revalidate(self) -> None:
        """Checked as you type: an error shows under its field at once and
        goes as soon as the field is fixed."""
        self._show_errors()
