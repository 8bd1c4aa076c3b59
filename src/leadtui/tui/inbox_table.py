"""The inbox's table widget, apart from the pane that fills it, so that the
start screen (tui/start.py) can show the first page in the very same widget
before the models are imported."""

from textual import events
from textual.binding import Binding

from leadtui.tui.cells import INBOX_COLUMNS
from leadtui.tui.dialogs.help import with_ids
from leadtui.tui.line_table import CELL_PADDING, LineTable

# Past 80 columns the spare width goes to the text columns, in this order
# round and round, each up to the cells it may gain: at 100 columns a name
# such as "Digiacomo, Sandra" was cut beside 20 empty columns.
GROWS = (("name", 18), ("company", 17), ("name", 18), ("company", 17), ("owner", 7))


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
        self.base_widths = {key: column.width for key, column in self.columns.items()}

    def on_resize(self, event: events.Resize) -> None:
        self.fit_columns(self.scrollable_content_region.width)

    def fit_columns(self, available: int) -> None:
        widths = dict(self.base_widths)
        used = sum(width + 2 * CELL_PADDING for width in widths.values())
        # Two cells stay free, as at 80 columns (the table's 78 and a
        # scrollbar): an 80-column screen keeps the layout it was made for.
        spare = available - used - 2
        while spare > 0:
            grown = False
            for key, most in GROWS:
                if spare > 0 and widths[key] < self.base_widths[key] + most:
                    widths[key] += 1
                    spare -= 1
                    grown = True
            if not grown:
                break
        if all(self.columns[key].width == width for key, width in widths.items()):
            return
        for key, width in widths.items():
            self.columns[key].width = width
        self.relayout_columns()
