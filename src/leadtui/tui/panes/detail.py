"""The Lead tab: one lead's fields and its history, newest first."""

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.widgets import DataTable, Static

from leadtui.domain import score_text
from leadtui.domain.models import HistoryEntry, Lead, Stage
from leadtui.domain.results import ScoreDetails
from leadtui.repository import Repository
from leadtui.tui import render
from leadtui.tui.cells import plain_lines
from leadtui.tui.dbwork import app_team_now, run_db
from leadtui.tui.dialogs.entry import EntryScreen
from leadtui.tui.dialogs.help import with_ids
from leadtui.tui.typeahead import HeldKeys

HISTORY_LIMIT = 200
Loaded = tuple[Lead, list[HistoryEntry], ScoreDetails]
NO_LEAD = "No lead selected. Pick one in the Inbox or Pipeline and press enter."


class HistoryTable(DataTable[object]):
    """The lead's history lines; j/k move like the arrow keys, as in the
    inbox and on the board."""

    BINDINGS = with_ids(
        [
            Binding("j", "cursor_down", "Down", show=False, tooltip="Next history line"),
            Binding("k", "cursor_up", "Up", show=False, tooltip="Previous history line"),
            Binding("g", "scroll_top", "First", show=False, tooltip="Newest history line"),
            Binding("G", "scroll_bottom", "Last", show=False, tooltip="Oldest line loaded"),
        ]
    )


class FieldBlock(Static):
    """Labelled fields whose long values wrap under themselves, for the
    width the block has (again after a resize): a long name or email wrapped
    to the left edge, under the labels."""

    def __init__(self, id: str) -> None:
        super().__init__(id=id, markup=False)
        self._make: Callable[[int | None], Content] | None = None
        self._width = 0

    def show(self, make: Callable[[int | None], Content]) -> None:
        """`make(width)`: the block for a width (None: not laid out yet)."""
        self._make, self._width = make, self.size.width
        self.update(make(self._width or None))

    def on_resize(self) -> None:
        # A new width only: a new height is this block's own doing.
        if self._make is not None and self.size.width != self._width:
            self._width = self.size.width
            self.update(self._make(self._width))


# The history's What column at least (a 60-column terminal has 22 past
# When and Who).
MIN_WHAT = 20


def what_width(terminal_width: int) -> int:
    """The What column's width: what the terminal leaves past When and Who
    (their cells and padding, the pane's padding and scrollbar)."""
    return max(MIN_WHAT, terminal_width - 36)


class DetailPane(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static(NO_LEAD, id="no-lead", markup=False)
        with Horizontal(id="lead-fields"):
            yield FieldBlock(id="lead-who")
            yield FieldBlock(id="lead-standing")
        yield Static(id="lead-contacts", markup=False)
        yield Static(id="lead-qualification", markup=False)
        yield Static(id="lead-notes", markup=False)
        yield Static(id="lead-custom", markup=False)
        with Horizontal(id="lead-scores"):
            yield Static(id="lead-rule-score", markup=False)
            yield Static(id="lead-learned-score", markup=False)
        yield Static("History", id="history-title", classes="section-title")
        yield HistoryTable(id="history", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.lead_id: int | None = None
        self.shown_id: int | None = None  # the lead whose page is on screen
        self._opening = HeldKeys(self)
        self._loading = False  # a re-read is under way
        self._shown_waiters: list[Callable[[], None]] = []  # see when_shown
        self.shown_stage: Stage | None = None  # the stage on screen, for moves
        self.entries: list[HistoryEntry] = []
        self._fetching = False
        self._complete = True  # the whole history is on screen
        self._cursor_moved = False  # by the user, since the lead was loaded
        # When and who, then what: as wide as the terminal (and again after
        # a resize, _fit_history). The columns are made once: re-adding them
        # on each load raced with rendering. At 60 columns a What of 40 ran
        # 14 cells past the screen's edge, cut there with no "…"; enter
        # shows a line whole.
        history = self.query_one("#history", DataTable)
        for label, width in (("When", 16), ("Who", 10)):
            history.add_column(label, width=width)
        self._what = history.add_column("What", width=what_width(self.app.size.width))

    def on_resize(self) -> None:
        self._fit_history()

    def _fit_history(self) -> None:
        """The What column follows the terminal's width. A column's width
        takes effect when the table lays its rows out again, so the rows on
        screen are put back (the cursor on its line)."""
        history: DataTable[object] = self.query_one("#history", DataTable)
        column = history.columns[self._what]
        width = what_width(self.app.size.width)
        if column.width == width:
            return
        column.width = width
        row = history.cursor_row
        history.clear()
        for entry in self.entries:
            history.add_row(*render.history_row(entry))
        if self.entries:
            history.move_cursor(row=min(row, len(self.entries) - 1), animate=False)

    @on(DataTable.RowHighlighted, "#history")
    def _follow_the_cursor(self, event: DataTable.RowHighlighted) -> None:
        """Keep the history line under the cursor in view. The history sits
        below the fields, scores and reasons: in a terminal under about 40
        rows it starts past the bottom, and moving its cursor is how the
        keyboard gets there. A load's own highlight of the first line is
        left alone, so a lead opens at its fields."""
        if event.cursor_row == 0 and not self._cursor_moved:
            return
        self._cursor_moved = True
        # After the next refresh: a page just loaded has not been laid out
        # yet, and the table's place and the pane's height would be stale.
        self.call_after_refresh(self._scroll_to_cursor)

    def _scroll_to_cursor(self) -> None:
        history = self.query_one("#history", DataTable)
        top = history.virtual_region.y + history.header_height - round(history.scroll_y)
        self.scroll_to_region(Region(0, top + history.cursor_row, 1, 1), animate=False)

    @on(DataTable.RowHighlighted, "#history")
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        """A long history loads a page at a time, as the cursor nears its end."""
        lead_id, loaded = self.lead_id, len(self.entries)
        if lead_id is None or self._fetching or self._complete:
            return
        if event.cursor_row < loaded - 10:
            return
        self._fetching = True

        def more(entries: list[HistoryEntry]) -> None:
            self._fetching = False
            if self.lead_id != lead_id or len(self.entries) != loaded:
                return  # another lead (or a reload) meanwhile
            history: DataTable[object] = self.query_one("#history", DataTable)
            self._complete = len(entries) < HISTORY_LIMIT  # a short page is the last
            self.entries += entries
            for entry in entries:
                history.add_row(*render.history_row(entry))

        run_db(
            self,
            lambda repo: repo.history(lead_id, limit=HISTORY_LIMIT, skip=loaded),
            more,
            key="detail-more",
            on_error=self._fetch_failed,
        )

    def _fetch_failed(self) -> None:
        self._fetching = False

    @on(DataTable.RowSelected, "#history")
    def _show_entry(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.entries):
            self.app.push_screen(EntryScreen(self.entries[event.cursor_row]))

    def show_lead(self, lead_id: int | None) -> None:
        self.lead_id = lead_id
        self.reload()

    def reload(self) -> None:
        lead_id = self.lead_id
        if lead_id is None:
            self._show_loaded(None)
            return

        def job(repo: Repository) -> Loaded:
            return repo.lead_page(lead_id, limit=HISTORY_LIMIT)

        if lead_id != self.shown_id:
            # Keys typed behind enter (or `]`) are meant for this lead's
            # page: j would move the cursor of a history about to be replaced.
            self._opening.take()
        self._loading = True
        run_db(self, job, self._show_loaded, key="detail", on_error=self._load_failed)

    def when_shown(self, then: Callable[[], None]) -> None:
        """`then` once the re-read under way is on screen (or has failed),
        at once if none is: the keys typed behind a write on this lead wait
        for the stage it left (moves.py). A newer re-read supersedes an
        older one, whose result never comes: the newer one calls it."""
        if self._loading:
            self._shown_waiters.append(then)
        else:
            then()

    def _load_failed(self) -> None:
        self._opening.let_go()
        self._shown()

    def _shown(self) -> None:
        """The page is back: its waiters go once it is drawn (as `_opening`)."""
        self._loading = False
        waiters, self._shown_waiters = self._shown_waiters, []
        for then in waiters:
            self.call_later(then)

    def _show_loaded(self, loaded: Loaded | None) -> None:
        history: DataTable[object] = self.query_one("#history", DataTable)
        # A reload of the lead on screen (a teammate's change, one's own
        # touch) keeps the cursor on the line it was on, wherever that line
        # now is; another lead starts at its newest.
        same_lead = loaded is not None and loaded[0].id == self.shown_id
        kept = self._line_under_cursor() if same_lead else None
        history.clear()
        self.shown_id = loaded[0].id if loaded else None
        self.call_later(self._opening.let_go)  # once the page below is drawn
        self._shown()
        if not same_lead:
            self._cursor_moved = False
            self.scroll_home(animate=False)  # another lead opens at its fields
        for selector in (
            "#lead-fields",
            "#lead-contacts",
            "#lead-qualification",
            "#lead-notes",
            "#lead-custom",
            "#lead-scores",
            "#history-title",
            "#history",
        ):
            self.query_one(selector).display = loaded is not None
        self.query_one("#no-lead").display = loaded is None
        if loaded is None:
            self.shown_stage = None
            return
        lead, entries, scores = loaded
        self.query_one("#lead-rule-score", Static).update(
            render.score_block(score_text.rule_lines(scores))
        )
        self.query_one("#lead-learned-score", Static).update(
            render.score_block(score_text.learned_lines(scores))
        )
        self.shown_stage = lead.stage
        now = app_team_now(self)
        self.query_one("#lead-who", FieldBlock).show(lambda w: render.lead_fields(lead, now, w)[0])
        self.query_one("#lead-standing", FieldBlock).show(
            lambda w: render.lead_fields(lead, now, standing_width=w)[1]
        )
        self.query_one("#lead-qualification", Static).update(render.qualification_block(lead))
        # The emails and phones a merge kept besides the lead's own.
        contacts = self.query_one("#lead-contacts", Static)
        contacts.update("Also    " + " · ".join(contact.text() for contact in lead.contacts))
        contacts.display = bool(lead.contacts)
        notes = self.query_one("#lead-notes", Static)
        notes.update(plain_lines(lead.notes))
        notes.display = bool(lead.notes)
        custom = self.query_one("#lead-custom", Static)
        custom.update(render.custom_block(lead.custom))
        custom.display = bool(lead.custom)
        self.entries = entries
        self._complete = len(entries) < HISTORY_LIMIT
        for entry in entries:
            history.add_row(*render.history_row(entry))
        if kept is not None:
            row = entries.index(kept) if kept in entries else 0
            history.move_cursor(row=row, animate=False)

    def _line_under_cursor(self) -> HistoryEntry | None:
        """The history line under the cursor, unless it is the newest (where
        a load puts it: a key may have moved it before its highlight was
        handled, so the cursor's row says more than _cursor_moved)."""
        row = self.query_one("#history", DataTable).cursor_row
        return self.entries[row] if 0 < row < len(self.entries) else None

    def selected_lead_id(self) -> int | None:
        return self.lead_id
