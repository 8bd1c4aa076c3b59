"""A table of one-line rows drawn with Textual's Line API: each row's line is
rendered once and kept until that row changes, so a teammate's rename
redraws one line, not the page.

It looks and behaves as Textual's DataTable with a row cursor and zebra
stripes (same component classes and CSS, keys, mouse, messages), which it
replaced for the inbox: a DataTable keys its render caches on one
table-wide update count, so changing any cell re-renders every visible
row. Cells are rich Text, never markup (cells.py makes them)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.console import RenderableType
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

CELL_PADDING = 1  # blank cells either side of a value, as in a DataTable
Cells = tuple[Text, ...]


def set_virtual_size(view: ScrollView, size: Size) -> None:
    """A Line API widget's new virtual size (rows added or gone). Assigning
    `virtual_size` lays the whole screen out again (its reactive has
    layout=True), which costs about what drawing the screen does; that is
    needed only when the scrollbar comes or goes. Otherwise the size is set
    quietly and the scrollbar told, and the widget alone is redrawn."""
    if size == view.virtual_size:
        return
    height = view.scrollable_content_region.height
    bar = size.height > height
    if height and bar != view.show_vertical_scrollbar:
        view.virtual_size = size
        return
    # Not laid out yet, or hidden (another tab): the layout that shows it
    # reads the size and sets the scrollbar.
    view.set_reactive(Widget.virtual_size, size)
    if bar and height:
        view.vertical_scrollbar.window_virtual_size = size.height
        view.vertical_scrollbar.refresh()
    if view.scroll_y > view.max_scroll_y:
        view.scroll_to(y=view.max_scroll_y, animate=False, immediate=True)


@dataclass
class Column:
    key: str
    label: Text
    width: int  # the value's cells, padding not counted
    # A column a narrow table left out: its cells are kept, not drawn.
    shown: bool = True

    @property
    def render_width(self) -> int:
        return self.width + 2 * CELL_PADDING if self.shown else 0


class LineTable(ScrollView, can_focus=True):
    """Rows keyed by a string, a header line fixed on top, a row cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home", "scroll_top", "Top", show=False),
        Binding("ctrl+end", "scroll_bottom", "Bottom", show=False),
        Binding("home", "scroll_home", "Home", show=False),
        Binding("end", "scroll_end", "End", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "datatable--header",
        "datatable--cursor",
        "datatable--hover",
        "datatable--even-row",
        "datatable--odd-row",
    }

    # DataTable's own rules for these classes, so the two look the same.
    DEFAULT_CSS = """
    LineTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .datatable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .datatable--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark {
            & > .datatable--even-row {
                background: $surface-darken-1 40%;
            }
        }
        & > .datatable--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .datatable--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .datatable--odd-row {
        }
        & > .datatable--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .datatable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .datatable--hover {
            background: $block-hover-background;
        }
    }
    """

    class _RowMessage(Message):
        """What happened to which row (the two messages below)."""

        def __init__(self, table: "LineTable", cursor_row: int, row_key: str) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.row_key = row_key

        @property
        def control(self) -> "LineTable":
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor came to a row (or the row under it changed)."""

    class RowSelected(_RowMessage):
        """Enter on the cursor's row, or a click on it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: dict[str, Column] = {}
        self._keys: list[str] = []  # row keys, top to bottom
        self._cells: dict[str, Cells] = {}
        self._index: dict[str, int] | None = {}  # key -> row; None: stale
        # A row's drawn line per look (stripe, cursor, hover), until it changes.
        self._lines: dict[str, dict[tuple[bool, bool, bool], Strip]] = {}
        # A row's cells rendered with no row style, until they change: a
        # row that moves up or down a line changes stripe, and restyling
        # these costs a fraction of rendering its cells again.
        self._bare: dict[str, list[Segment]] = {}
        self._drawn_for: tuple[object, ...] = ()  # width and state the lines are for
        self._header: Strip | None = None
        self._hover_row: int | None = None
        self._highlighted: tuple[int, str] | None = None
        self.cursor_row = 0

    # ------------------------------------------------------------ contents

    def add_column(self, label: str, *, width: int, key: str) -> None:
        self.columns[key] = Column(key, Text(label), width)
        self._forget_lines()

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def row_keys(self) -> Sequence[str]:
        return self._keys

    def get_row_at(self, row: int) -> list[Text]:
        return list(self._cells[self._keys[row]])

    def get_row(self, key: str) -> list[Text]:
        return list(self._cells[key])

    def row_index(self, key: str) -> int | None:
        if self._index is None:
            self._index = {k: i for i, k in enumerate(self._keys)}
        return self._index.get(key)

    def add_rows(self, rows: Iterable[tuple[str, Cells]]) -> None:
        """Rows at the end (a page loaded)."""
        first = len(self._keys)
        for key, cells in rows:
            if self._index is not None:
                self._index[key] = len(self._keys)
            self._keys.append(key)
            self._cells[key] = cells
        if len(self._keys) > first:
            self._resize()
            self._refresh_rows(first, len(self._keys))
            if first == 0:
                self._set_cursor(self.cursor_row, scroll=False)

    def add_row(self, *cells: Text, key: str) -> None:
        self.add_rows([(key, cells)])

    def update_row(self, key: str, cells: Cells) -> None:
        """Redraw one row: only its line is rendered again."""
        self._cells[key] = cells
        self._lines.pop(key, None)
        self._bare.pop(key, None)
        row = self.row_index(key)
        if row is not None:
            self._refresh_rows(row, row + 1)

    def update_cell(self, key: str, column: str, value: Text) -> None:
        cells = list(self._cells[key])
        cells[list(self.columns).index(column)] = value
        self.update_row(key, tuple(cells))

    def remove_row(self, key: str) -> None:
        """The rows below move up (and change stripe): they are redrawn."""
        row = self.row_index(key)
        if row is None:
            return
        del self._keys[row]
        del self._cells[key]
        self._lines.pop(key, None)
        self._bare.pop(key, None)
        self._index = None
        self._resize()
        self._refresh_rows(row, len(self._keys) + 1)
        if self._keys:
            self._set_cursor(min(self.cursor_row, len(self._keys) - 1), scroll=False)

    def clear(self) -> None:
        self._keys = []
        self._cells = {}
        self._lines = {}
        self._bare = {}
        self._index = {}
        self._highlighted = None
        self._hover_row = None
        self.cursor_row = 0
        self._resize()
        self.refresh()

    def replace_rows(self, rows: Iterable[tuple[str, Cells]]) -> None:
        """Every row anew (the list re-read), as clear() then add_rows(); a
        row whose cells are what they were keeps its drawn lines."""
        was, lines, bare = self._cells, self._lines, self._bare
        self.clear()
        rows = list(rows)
        same = [key for key, cells in rows if was.get(key) == cells]
        self._lines = {key: lines[key] for key in same if key in lines}
        self._bare = {key: bare[key] for key in same if key in bare}
        self.add_rows(rows)

    def set_label(self, key: str, label: Text) -> None:
        self.columns[key].label = label
        self._header = None
        self.refresh(Region(0, 0, self.size.width, 1))

    # -------------------------------------------------------------- cursor

    def move_cursor(self, *, row: int, scroll: bool = True) -> None:
        self._set_cursor(row, scroll=scroll)

    def _set_cursor(self, row: int, *, scroll: bool) -> None:
        row = max(0, min(row, len(self._keys) - 1)) if self._keys else 0
        old = self.cursor_row
        self.cursor_row = row
        if old != row:
            self._refresh_rows(old, old + 1)
            self._refresh_rows(row, row + 1)
        if scroll:
            self._scroll_to_row(row)
        if self._keys and self._highlighted != (row, self._keys[row]):
            self._highlighted = (row, self._keys[row])
            self.post_message(self.RowHighlighted(self, row, self._keys[row]))

    def _scroll_to_row(self, row: int, *, animate: bool = False) -> None:
        if not self.size.height:
            # Hidden (another tab) or not laid out yet: scrolled now, the row
            # would go on top, the rows above it out of view. The resize that
            # shows the table keeps the cursor in view (InboxTable.on_resize).
            return
        region = Region(0, row + 1, self.size.width, 1)
        self.scroll_to_region(region, animate=animate, spacing=Spacing(1, 0, 0, 0), force=True)

    def _keyboard(self) -> None:
        """A key was used: the mouse's faint row goes, as in a DataTable."""
        if self._hover_row is not None:
            hover, self._hover_row = self._hover_row, None
            self._refresh_rows(hover, hover + 1)

    def action_cursor_up(self) -> None:
        self._keyboard()
        self._set_cursor(self.cursor_row - 1, scroll=True)

    def action_cursor_down(self) -> None:
        self._keyboard()
        self._set_cursor(self.cursor_row + 1, scroll=True)

    def action_page_down(self) -> None:
        self._keyboard()
        height = self.scrollable_content_region.height - 1
        self.scroll_relative(y=height, animate=False, force=True)
        self._set_cursor(self.cursor_row + height, scroll=False)

    def action_page_up(self) -> None:
        self._keyboard()
        height = self.scrollable_content_region.height - 1
        self.scroll_relative(y=-height, animate=False)
        self._set_cursor(self.cursor_row - height, scroll=False)

    def action_scroll_top(self) -> None:
        self._keyboard()
        self._set_cursor(0, scroll=True)

    def action_scroll_bottom(self) -> None:
        self._keyboard()
        self._set_cursor(len(self._keys) - 1, scroll=True)

    def action_scroll_home(self) -> None:
        self._keyboard()
        self.scroll_x = 0

    def action_scroll_end(self) -> None:
        self._keyboard()
        self.scroll_x = self.max_scroll_x

    def action_select_cursor(self) -> None:
        self._keyboard()
        if self._keys:
            row = self.cursor_row
            self.post_message(self.RowSelected(self, row, self._keys[row]))

    # --------------------------------------------------------------- mouse

    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return None  # the header, or outside
        row = offset.y - 1 + int(self.scroll_y)
        return row if row < len(self._keys) else None

    async def _on_click(self, event: events.Click) -> None:
        row = self._row_at(event)
        if row is None:
            return
        again = row == self.cursor_row
        self._set_cursor(row, scroll=False)
        if again:
            self.post_message(self.RowSelected(self, row, self._keys[row]))
        self._scroll_to_row(row, animate=True)
        event.stop()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        row = self._row_at(event)
        if row != self._hover_row:
            for old in (self._hover_row, row):
                if old is not None:
                    self._refresh_rows(old, old + 1)
            self._hover_row = row

    def _on_leave(self, event: events.Leave) -> None:
        self._keyboard()

    # ------------------------------------------------------------- drawing

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._forget_lines()  # a theme or focus change: every line looks new

    def relayout_columns(self) -> None:
        """After a column's width changed: draw every line afresh."""
        self._forget_lines()
        self._resize()
        self.refresh()

    def _forget_lines(self) -> None:
        self._lines.clear()
        self._bare.clear()
        self._header = None

    def _resize(self) -> None:
        width = sum(column.render_width for column in self.columns.values())
        set_virtual_size(self, Size(width, len(self._keys) + 1))

    def _refresh_rows(self, start: int, end: int) -> None:
        """Mark rows start..end-1 for drawing, those on screen only."""
        top = int(self.scroll_y)
        height = self.size.height
        first, last = max(start, top), min(end, top + height - 1)
        if first < last:
            self.refresh(Region(0, first - top + 1, self.size.width, last - first))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        drawn_for = (width, self.get_pseudo_class_state())
        if drawn_for != self._drawn_for:
            self._drawn_for = drawn_for
            self._forget_lines()
        if y == 0:
            if self._header is None:
                header = self.get_component_styles("datatable--header").rich_style
                labels = [column.label for column in self.columns.values()]
                self._header = self._line(labels, header, Style(), width)
            return self._header
        row = y - 1 + int(self.scroll_y)
        if row >= len(self._keys):
            return Strip.blank(width, self.rich_style)
        key = self._keys[row]
        look = (row % 2 == 1, row == self.cursor_row, row == self._hover_row)
        drawn = self._lines.setdefault(key, {})
        line = drawn.get(look)
        if line is None:
            line = drawn[look] = self._row_line(self._cells[key], *look, width, key)
        return line

    def _row_line(
        self, cells: Cells, odd: bool, cursor: bool, hover: bool, width: int, key: str
    ) -> Strip:
        stripe = "datatable--odd-row" if odd else "datatable--even-row"
        row_style = self.get_component_styles(stripe).rich_style
        look = Style()
        if hover:
            look += self.get_component_rich_style("datatable--hover")
        if cursor:
            look += self.get_component_rich_style("datatable--cursor")
        bare = self._bare.get(key)
        if bare is None:
            bare = self._bare[key] = self._bare_cells(cells)
        return self._styled(bare, row_style, look, width)

    def _line(
        self, cells: Sequence[RenderableType], row_style: Style, look: Style, width: int
    ) -> Strip:
        return self._styled(self._bare_cells(cells), row_style, look, width)

    def _bare_cells(self, cells: Sequence[RenderableType]) -> list[Segment]:
        """A line of cells, each padded to its column, in no row style."""
        console, base = self.app.console, self.app.console_options
        segments: list[Segment] = []
        for column, cell in zip(self.columns.values(), cells, strict=True):
            if not column.shown:
                continue
            options = base.update_dimensions(column.render_width, 1).update(no_wrap=True)
            segments.extend(console.render_lines(Padding(cell, (0, CELL_PADDING)), options)[0])
        return segments

    def _styled(self, bare: list[Segment], row_style: Style, look: Style, width: int) -> Strip:
        """The line as a DataTable renders it: the row's style under the
        cells' own, the cursor's (or hover's) over it, its colours winning
        over the cells' (DataTable's "css" priority); what Styled does to
        each cell, done to the cells rendered once."""
        post = Style.from_color(look.color, look.bgcolor) if look else Style()
        segments = list(Segment.apply_style(bare, style=row_style + look, post_style=post))
        used = sum(column.render_width for column in self.columns.values())
        segments.append(Segment(" " * max(0, width - used), row_style + look))
        return Strip(segments).adjust_cell_length(width, self.rich_style).simplify()
