"""The palette's "Erase personal data…": a data-protection request, which
cannot be undone, so the rep types the word `erase` to confirm it (a y
typed ahead, or an enter meant for something else, must not erase anyone).
What goes and what stays is repository/erasing.py's; the dialog says it
in short."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from leadtui.tui.cells import plain
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField

CONFIRM_WORD = "erase"
WHAT_GOES = (
    "Its name, email, phone, company, title, notes, custom fields, other"
    " contacts, the text of its touches and of its history go. Its stages,"
    " value and dates stay for the KPIs. This cannot be undone; backups made"
    " before still hold it."
)


class EraseScreen(Dialog[bool]):
    """True once the rep has typed the word; False on esc."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, lead_tag: str) -> None:
        super().__init__()
        self.lead_tag = lead_tag

    def compose(self) -> ComposeResult:
        with Vertical(id="erase-dialog", classes="dialog"):
            yield Static(
                Content.assemble(
                    "Erase the personal data of ", (plain(self.lead_tag), "bold"), "?"
                ),
                classes="dialog-title",
            )
            yield Static(WHAT_GOES, id="erase-what", markup=False)
            yield TextField(placeholder=f"Type {CONFIRM_WORD} to confirm", id="erase-word")
            yield Static("", id="erase-error", classes="field-error", markup=False)
            yield Static(f"enter erase (after typing {CONFIRM_WORD}) · esc cancel",
                         classes="dialog-hint")  # fmt: skip

    def on_mount(self) -> None:
        self.query_one("#erase-word", Input).focus()

    @on(Input.Submitted, "#erase-word")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip().casefold() == CONFIRM_WORD:
            self.dismiss(True)
            return
        self.query_one("#erase-error", Static).update(
            f"type {CONFIRM_WORD} to confirm, or esc to keep the lead as it is"
        )

    def action_cancel(self) -> None:
        self.dismiss(False)
