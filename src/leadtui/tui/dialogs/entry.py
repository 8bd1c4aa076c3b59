"""`enter` on a history line: the whole entry, however long its note."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from leadtui.domain.models import HistoryEntry
from leadtui.tui.cells import plain, plain_lines
from leadtui.tui.dialogs.base import Dialog


def entry_heading(entry: HistoryEntry) -> str:
    """ "Call, inbound · Fri 20 Nov 2026 14:05 · maria"."""
    if entry.type == "touch":
        what = (entry.kind.value if entry.kind else "touch").capitalize()
        what += f", {entry.direction}" if entry.direction else ""
    else:
        what = "Stage change" if entry.type == "stage_change" else f"Edit of {entry.field}"
    return f"{what} · {entry.at:%a %d %b %Y %H:%M} · {plain(entry.actor)}"


def entry_body(entry: HistoryEntry) -> str:
    if entry.type == "touch":
        text = "\n\n".join(plain_lines(part) for part in (entry.note, entry.body) if part)
        return text or "(no note)"
    if entry.type == "field_change":
        return f"from: {plain_lines(entry.old) or '—'}\nto:   {plain_lines(entry.new) or '—'}"
    return plain_lines(entry.summary())


class EntryScreen(Dialog[None]):
    BINDINGS = [Binding("escape,enter,q", "dismiss", "Close")]

    def __init__(self, entry: HistoryEntry) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="entry-dialog", classes="dialog"):
            # Lead text, literally: never markup (a "[" in a note is not a tag).
            yield Static(entry_heading(self.entry), classes="dialog-title", markup=False)
            yield Static(entry_body(self.entry), id="entry-body", markup=False)
            yield Static("esc or enter close", classes="dialog-hint")
