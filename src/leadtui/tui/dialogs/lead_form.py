"""What the e and c forms share: a modal over one lead that returns the
fields the rep changed, as text, or None when cancelled."""

from textual.binding import Binding

from leadtui.domain.models import Lead
from leadtui.tui.dialogs.base import Dialog


class LeadFormScreen(Dialog[dict[str, str] | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", show=False),
        # Inputs and choice rows have no use for ↑/↓: they move between fields.
        Binding("down", "app.focus_next", show=False),
        Binding("up", "app.focus_previous", show=False),
    ]

    def __init__(self, lead: Lead, again: dict[str, str] | None = None) -> None:
        """`again`: fields as the rep typed them into a save that failed,
        which the form opens holding (over the lead as it is read now)."""
        super().__init__()
        self.lead = lead
        self.again = again or {}

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)
