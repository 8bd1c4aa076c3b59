"""The inbox's table widget, apart from the pane that fills it, so that the
start screen (tui/start.py) can show the first page in the very same widget
before the models are imported."""

from textual.binding import Binding

from leadtui.tui.cells import INBOX_COLUMNS
from leadtui.tui.dialogs.help import with_ids
from leadtui.tui.line_table import LineTable


class InboxTable(LineTable):
    """The inbox rows; j/k move like the arrow keys, as on the board."""

    BINDINGS = with_ids(
        [
            Binding("j", "cursor_down", "Down", show=False, tooltip="Next lead / card"),
            Binding("k", "cursor_up", "Up", show=False, tooltip="Previous lead / card"),
            Binding("g", "scroll_top", "First", show=False, tooltip="First lead"),
            # The last one loaded: pages load as the cursor nears the end.
            Binding("G", "scroll_bottom", "Last", show=False, tooltip="Last lead loaded"),
        ]
    )

    def __init__(self) -> None:
        super().__init__(id="inbox-table")
        for label, width in INBOX_COLUMNS:
            self.add_column(label, width=width, key=label.lower())
