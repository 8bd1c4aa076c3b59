"""The Pipeline tab: one column per stage (stage_column.py), cards paged in
from SQL, side by side, sharing the terminal's width."""

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll

from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Lead, Stage
from leadtui.domain.pipeline import BOARD_STAGES
from leadtui.repository import Changes, Repository, page_key
from leadtui.tui.card_list import LineCards
from leadtui.tui.dbwork import run_db
from leadtui.tui.dialogs.help import with_ids
from leadtui.tui.panes import stage_column
from leadtui.tui.panes.stage_column import COLUMN_WIDTH, CardList, StageColumn
from leadtui.tui.selection import Selection, WholeList

__all__ = ["BoardPane", "BoardTotals", "CardList", "StageColumn"]

PREFETCH_MARGIN = 5

Totals = dict[Stage, tuple[int, int]]
Others = dict[Stage, dict[str, int]]  # other currencies' values per stage
BoardTotals = tuple[Totals, Others]


class BoardPane(HorizontalScroll):
    """All stage columns side by side; h/l (or ←/→) move between them."""

    BINDINGS = with_ids([
        Binding("h,left", "column(-1)", "Prev column", id="column-left", show=False,
                tooltip="Column to the left"),
        Binding("l,right", "column(1)", "Next column", id="column-right", show=False,
                tooltip="Column to the right"),
        Binding("F", "fold_lost", "Fold Lost", show=False, tooltip="Fold the Lost column"),
    ])  # fmt: skip

    # "score" (rule score) or "chance" (learned win chance), set from the screen.
    order = "score"
    only = LeadFilter()  # the filter in effect, set from the screen
    _reading = False  # a re-read of the board is under way

    def sort_by(self, order: str) -> None:
        """Takes effect at the next reload (the screen reloads the visible pane)."""
        self.order = order
        self.back_to_top()

    def filter_by(self, only: LeadFilter) -> None:
        self.only = only
        self.back_to_top()

    def back_to_top(self) -> None:
        """A new order or filter: every column's window starts at the top
        again (its old place means nothing in the new ranking)."""
        for column in self.columns:
            column.has_before = False

    def __init__(
        self, selection: Selection, *, only: LeadFilter | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._selection = selection
        self.only = only or LeadFilter()
        self._columns: list[StageColumn] = []
        self._shown_waiters: list[Callable[[], None]] = []  # see when_shown

    def compose(self) -> ComposeResult:
        for stage in BOARD_STAGES:
            yield StageColumn(stage, self._selection, lambda: (self.order, self.only))

    @property
    def columns(self) -> list[StageColumn]:
        # Composed once: a query per call was most of what j cost beside drawing.
        if not self._columns:
            self._columns = list(self.query(StageColumn))
        return self._columns

    def apply_changes(self, changes: Changes, totals: BoardTotals | None) -> None:
        """Live refresh: each column updates the cards of the leads another
        process changed, with no read; `totals`, read with the changes when
        a count or value may have moved (or a filter is on), go in the
        headers in the same update. While a re-read of the board is under
        way (it may have read before these changes) it is asked again."""
        if self._reading:
            self.reload()
            return
        for column in self.columns:
            column.apply_changes(changes, self.order)
        if totals is not None:
            self.show_totals(*totals)

    def show_totals(self, totals: Totals, others: Others) -> None:
        for column in self.columns:
            column.set_total(*totals.get(column.stage, (0, 0)), others.get(column.stage, {}))

    def reload(self, *, select: int | None = None, stages: set[Stage] | None = None) -> None:
        """Totals for every header plus the first pages (as deep as already
        loaded) of every column (or only of `stages`): one aggregate query
        and one page per column. With `select`, the cursor goes to that
        lead's card if it is loaded."""
        limits = {
            column.stage: max(stage_column.PAGE_SIZE, len(column.leads))
            for column in self.columns
            if stages is None or column.stage in stages
        }
        order, only = self.order, self.only
        # A window scrolled down the stage is re-read in place, from its
        # first card; one at the top from the top.
        starts = {
            column.stage: page_key(column.leads[0], order)
            for column in self.columns
            if column.has_before and column.leads
        }

        def job(repo: Repository) -> tuple[Totals, Others, dict[Stage, list[Lead]]]:
            with repo.reading():  # one connection for the pages and totals
                pages = {
                    stage: repo.leads_in_stage(
                        stage, limit=limit, order=order, only=only, from_=starts.get(stage)
                    )
                    for stage, limit in limits.items()
                }
                return repo.stage_totals(only), repo.other_currency_values(only), pages

        def done(result: tuple[Totals, Others, dict[Stage, list[Lead]]]) -> None:
            totals, others, pages = result
            self._reading = False
            self.show_totals(totals, others)
            for column in self.columns:
                if column.stage not in pages:
                    continue
                column.show(pages[column.stage])
                column.has_more = len(pages[column.stage]) == limits[column.stage]
                ids = [lead.id for lead in column.leads]
                if select in ids and column.display:
                    column.cards.highlighted = ids.index(select)
                    self.screen.set_focus(column.cards)
            self._shown()

        self._reading = True
        run_db(self, job, done, key="board", on_error=self._read_failed)

    def when_shown(self, then: Callable[[], None]) -> None:
        """`then` once the re-read under way is on screen (or has failed),
        at once if none is: with follow_moved_card, the keys typed behind a
        move wait until the cursor has gone with the card (moves.py). A
        newer re-read supersedes an older one, whose result never comes:
        the newer one calls it."""
        if self._reading:
            self._shown_waiters.append(then)
        else:
            then()

    def _shown(self) -> None:
        self._reading = False
        waiters, self._shown_waiters = self._shown_waiters, []
        for then in waiters:
            then()

    def _read_failed(self) -> None:
        self._shown()

    def on_line_cards_highlighted(self, event: LineCards.Highlighted) -> None:
        column = event.cards.parent
        if not isinstance(column, StageColumn) or column.fetching or not column.leads:
            return
        if column.has_more and event.option_index >= len(column.leads) - PREFETCH_MARGIN:
            column.fetch_next()
        elif column.has_before and event.option_index < PREFETCH_MARGIN:
            column.fetch_previous()

    def whole_column(self, column: StageColumn) -> WholeList | None:
        """The column beyond its loaded window, for `V`; None when the
        window holds every card."""
        if not (column.has_more or column.has_before):
            return None
        return WholeList(column.stage, self.order, self.only)

    def focused_column(self) -> StageColumn:
        focused = self.screen.focused
        if focused is not None and isinstance(focused.parent, StageColumn):
            return focused.parent  # its cards: asked on every key
        for column in self.columns:
            if focused is not None and focused in column.walk_children():
                return column
        return self.columns[0]

    def on_resize(self) -> None:
        self._share_width()
        # The column with the cursor stays in view: narrowed from 200 to 60
        # columns, the board showed New while the keys acted on Lost.
        self.call_after_refresh(self._show_focused_column)

    def _show_focused_column(self) -> None:
        if self.is_attached:
            self.scroll_to_widget(self.focused_column(), animate=False)

    def _share_width(self) -> None:
        """The shown columns share the board's width, each at least
        COLUMN_WIDTH (fewer fit: the board scrolls sideways). A column's
        cards follow its width (StageColumn.on_resize). Set here, not with
        a 1fr width: in a scrolling container that gave one column the
        whole width at 80 columns."""
        shown = [column for column in self.columns if column.display]
        if not shown:
            return
        each, extra = divmod(self.size.width, len(shown))
        if each < COLUMN_WIDTH:
            each, extra = COLUMN_WIDTH, 0
        for index, column in enumerate(shown):
            column.styles.width = each + (1 if index < extra else 0)

    def action_fold_lost(self) -> None:
        """Hide the Lost column (or show it again): closed-lost leads rarely
        need a glance, and the open stages get the room."""
        lost = self.query_one(f"#column-{Stage.LOST.value}", StageColumn)
        if lost.display and self.focused_column() is lost:
            self.action_column(-1)
        lost.display = not lost.display
        self._share_width()

    def action_column(self, step: int) -> None:
        columns = [column for column in self.columns if column.display]
        index = columns.index(self.focused_column())
        target = columns[max(0, min(len(columns) - 1, index + step))]
        # Synchronous, unlike Widget.focus(): a key typed right after l must
        # act on the new column.
        self.screen.set_focus(target.cards)

    def selected_lead_id(self) -> int | None:
        return self.focused_column().selected_lead_id()

    def forget(self, lead_id: int) -> None:
        for column in self.columns:
            column.forget(lead_id)

    def show_marks(self, lead_ids: list[int]) -> None:
        for column in self.columns:
            column.show_marks(lead_ids)
