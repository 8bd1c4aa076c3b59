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
# Below 80 columns the name and the company give up cells first (cut with
# "…"), in turn, down to these widths; only then does a whole column go,
# the least useful first: the win chance ("–" until a model is trained, and
# the score beside it), the owner (a rep's view is their own leads), the
# source, the company. The value and the age always stay: at 60 columns
# they had gone while "Kessler …" kept its 9 cells.
SHRINKS = (("name", 10), ("company", 7))
DROPS = ("win", "owner", "source", "company")
# Two cells stay free, as at 80 columns (the table's 78 and a scrollbar):
# an 80-column screen keeps the layout it was made for.
KEEP_FREE = 2


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
        # The column the list is ranked by is never dropped (the pane sets it).
        self.ranked = "score"

    def on_resize(self, event: events.Resize) -> None:
        self.fit_columns(self.scrollable_content_region.width)
        # The lead under the cursor stays in view: from 50 rows to 20, a
        # cursor on row 40 went off screen while the keys acted on its lead.
        self.call_after_refresh(self._keep_cursor_in_view)

    def _keep_cursor_in_view(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.cursor_row)

    def rank_by(self, key: str) -> None:
        """The list is now ranked by column `key`: keep it shown."""
        if key != self.ranked:
            self.ranked = key
            self.fit_columns(self.scrollable_content_region.width)

    def fit_columns(self, available: int) -> None:
        if not available:
            return  # not laid out yet
        widths, shown = fitted(self.base_widths, available - KEEP_FREE, self.ranked)
        columns = self.columns
        if all(
            columns[key].width == widths[key] and columns[key].shown == (key in shown)
            for key in columns
        ):
            return
        for key, column in columns.items():
            column.width, column.shown = widths[key], key in shown
        self.relayout_columns()


def fitted(base: dict[str, int], room: int, ranked: str) -> tuple[dict[str, int], set[str]]:
    """Each column's width and the columns shown in `room` cells: the
    spare grown into (GROWS), or the name and company cut, then columns
    dropped (SHRINKS, DROPS), never the one the list is ranked by. Past
    every drop the table scrolls sideways."""
    pad = 2 * CELL_PADDING
    shown = set(base)
    widths = dict(base)
    for drop in (None, *DROPS):
        if drop is not None and drop != ranked:
            shown.discard(drop)
        widths = dict(base)
        over = sum(widths[key] + pad for key in shown) - room
        while over > 0:
            cut = False
            for key, least in SHRINKS:
                if over > 0 and key in shown and widths[key] > least:
                    widths[key] -= 1
                    over -= 1
                    cut = True
            if not cut:
                break
        if over <= 0:
            break
    spare = -over
    while spare > 0:
        grown = False
        for key, most in GROWS:
            if spare > 0 and key in shown and widths[key] < base[key] + most:
                widths[key] += 1
                spare -= 1
                grown = True
        if not grown:
            break
    return widths, shown
