"""The Pipeline tab: one column per stage, cards paged in from SQL.

Each column holds a window of at most WINDOW_PAGES pages of cards, wherever
in the stage it is scrolled: pages are fetched by keyset (after the last
card going down, before the first going up) and the far end of the window
is dropped, so memory stays bounded at any size; G fetches the stage's true
last page, g its first."""

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll, Vertical
from textual.widgets import Static
from textual.widgets.option_list import Option

from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Lead, Stage
from leadtui.domain.pipeline import BOARD_STAGES
from leadtui.repository import Changes, PageCursor, Repository, page_key
from leadtui.tui import column_header, live, render
from leadtui.tui.card_list import LineCards
from leadtui.tui.column_header import CARD_WIDTH
from leadtui.tui.dbwork import app_now, run_db
from leadtui.tui.dialogs.help import with_ids
from leadtui.tui.selection import Selection, WholeList

PAGE_SIZE = 50
# Cards a column keeps in memory: this many pages around the cursor.
WINDOW_PAGES = 4
PREFETCH_MARGIN = 5

Totals = dict[Stage, tuple[int, int]]
Others = dict[Stage, dict[str, int]]  # other currencies' values per stage
BoardTotals = tuple[Totals, Others]


class CardList(LineCards):
    """One column's cards; j/k move like the arrow keys."""

    BINDINGS = with_ids(
        [
            Binding("j", "cursor_down", "Down", show=False, tooltip="Next card"),
            Binding("k", "cursor_up", "Up", show=False, tooltip="Previous card"),
            Binding("g", "first", "First", show=False, tooltip="First card of the stage"),
            Binding("G", "last", "Last", show=False, tooltip="Last card of the stage"),
        ]
    )

    def action_first(self) -> None:
        column = self.parent
        if isinstance(column, StageColumn) and column.has_before:
            column.jump(last=False)  # the top is not loaded: fetch it
        else:
            super().action_first()

    def action_last(self) -> None:
        column = self.parent
        if isinstance(column, StageColumn) and column.has_more:
            column.jump(last=True)  # the bottom is not loaded: fetch it
        else:
            super().action_last()


class StageColumn(Vertical):
    """A header with the stage's true count and value, and its cards."""

    def __init__(self, stage: Stage, selection: Selection) -> None:
        super().__init__(id=f"column-{stage.value}", classes="stage-column")
        self.stage = stage
        self._selection = selection
        # Cards say "overdue" and "rotting" as of this hour.
        self._drawn_at: datetime | None = None
        # Each card's text, by lead id, with what it was made from (hour,
        # mark, lead): a re-read column builds only the cards that changed.
        self._texts: dict[int, tuple[datetime, bool, Lead, Text]] = {}
        self._totals: tuple[int, int, tuple[tuple[str, int], ...]] | None = None
        self.leads: list[Lead] = []  # the window: at most WINDOW_PAGES pages
        self.has_more = False  # cards after the window
        self.has_before = False  # cards before it (it does not start at the top)
        self.fetching = False
        self._cards: CardList | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.stage.label, classes="column-header", markup=False)
        yield self.cards

    @property
    def cards(self) -> CardList:
        # Made once (not queried on every key and every teammate's change).
        if self._cards is None:
            self._cards = CardList(id=f"cards-{self.stage.value}")
        return self._cards

    def set_total(self, count: int, value_cents: int, others: dict[str, int]) -> None:
        """The stage's true totals: count, value, and the value weighted by
        the stage's win probability (what the pipeline is likely worth).
        The value is the team currency's alone: leads valued in `others`
        (currency → hundredths) are never added into it; the header says
        how many other currencies there are and its tooltip lists them."""
        totals = (count, value_cents, tuple(sorted(others.items())))
        if totals == self._totals:
            return  # a move elsewhere: an update would cost a relayout for nothing
        self._totals = totals
        lines, tooltip = column_header.header(self.stage, count, value_cents, others)
        header = self.query_one(".column-header", Static)
        header.update(lines, layout=False)  # two lines of a fixed-width column, whatever they say
        header.tooltip = tooltip

    def show(self, leads: list[Lead], *, append: bool = False) -> None:
        hour = app_now(self).replace(minute=0, second=0, microsecond=0)
        if not append and leads == self.leads and self._drawn_at == hour:
            # A reload after a move elsewhere: this column did not change, and
            # redrawing its cards would hold up the next key for nothing.
            return
        self._drawn_at = hour
        cards = self.cards
        highlighted, kept_id = cards.highlighted, self.selected_lead_id()
        now = app_now(self)
        options = [Option(self._card(lead, now), id=str(lead.id)) for lead in leads]
        if append:
            self.leads += leads
            cards.add_options(options)
        else:
            self.leads = list(leads)
            cards.set_options(options)
            self._forget_texts()
        if not append and cards.option_count:
            # Same card if it is still here (a teammate's change), else same place.
            ids = [lead.id for lead in self.leads]
            row = ids.index(kept_id) if kept_id in ids else highlighted or 0
            cards.highlighted = min(row, cards.option_count - 1)

    def _redraw(self, window: list[Lead], keep: int | None) -> None:
        """Show exactly `window`, the cursor on lead `keep` (or the top)."""
        self.leads = window
        cards, now = self.cards, app_now(self)
        cards.set_options(Option(self._card(lead, now), id=str(lead.id)) for lead in window)
        self._forget_texts()
        ids = [lead.id for lead in window]
        if ids:
            cards.highlighted = ids.index(keep) if keep in ids else 0

    def _ranking(self) -> tuple[str, LeadFilter]:
        board = self.parent
        if isinstance(board, BoardPane):
            return board.order, board.only
        return "score", LeadFilter()

    def fetch_next(self) -> None:
        """The page after the window, as the cursor nears its end."""
        self._fetch(page_key(self.leads[-1], self._ranking()[0]), at_end=True)

    def fetch_previous(self) -> None:
        """The page before the window, as the cursor nears its top."""
        self._fetch(page_key(self.leads[0], self._ranking()[0]), at_end=False)

    def _fetch(self, cursor: PageCursor, *, at_end: bool) -> None:
        (order, only), stage = self._ranking(), self.stage
        after, before = (cursor, None) if at_end else (None, cursor)
        self.fetching = True

        def job(repo: Repository) -> list[Lead]:
            return repo.leads_in_stage(
                stage, after=after, before=before, limit=PAGE_SIZE, order=order, only=only
            )

        def done(leads: list[Lead]) -> None:
            self.fetching = False
            self._extend(leads, at_end=at_end)

        run_db(self, job, done, key=f"board-page-{stage.value}")

    def _extend(self, leads: list[Lead], *, at_end: bool) -> None:
        """Add a page at one end of the window, dropping pages at the other
        end beyond WINDOW_PAGES; the cursor stays on its card."""
        full = len(leads) == PAGE_SIZE
        if at_end:
            self.has_more = full
        else:
            self.has_before = full
        window = self.leads + leads if at_end else leads + self.leads
        excess = len(window) - WINDOW_PAGES * PAGE_SIZE
        if excess <= 0 and at_end:
            self.show(leads, append=True)
            return
        if excess > 0:
            window = window[excess:] if at_end else window[:-excess]
            if at_end:
                self.has_before = True
            else:
                self.has_more = True
        self._redraw(window, self.selected_lead_id())

    def jump(self, *, last: bool) -> None:
        """g / G when that end is not loaded: the stage's first or true last
        page, in place of the window."""
        (order, only), stage = self._ranking(), self.stage

        def job(repo: Repository) -> list[Lead]:
            return repo.leads_in_stage(stage, limit=PAGE_SIZE, order=order, only=only, last=last)

        def done(leads: list[Lead]) -> None:
            full = len(leads) == PAGE_SIZE
            self.has_more, self.has_before = (False, full) if last else (full, False)
            end = leads[-1 if last else 0].id if leads else None
            self._redraw(leads, end)

        run_db(self, job, done, key=f"board-page-{stage.value}")

    def _card(self, lead: Lead, now: datetime) -> Text:
        """The card's text; the one made before if nothing it shows changed
        (cards say "overdue" and "rotting" as of the hour)."""
        marked, hour = lead.id in self._selection, now.replace(minute=0, second=0, microsecond=0)
        known = self._texts.get(lead.id)
        if known is not None and known[:3] == (hour, marked, lead):
            return known[3]
        text = render.card(lead, CARD_WIDTH, now, marked=marked)
        self._texts[lead.id] = (hour, marked, lead, text)
        return text

    def _forget_texts(self) -> None:
        """Only the cards in the window are kept."""
        ids = {lead.id for lead in self.leads}
        self._texts = {key: known for key, known in self._texts.items() if key in ids}

    def show_marks(self, lead_ids: list[int]) -> None:
        """Redraw the cards of leads just marked or unmarked."""
        wanted, now = set(lead_ids), app_now(self)
        for lead in self.leads:
            if lead.id in wanted:
                self.cards.replace_option_prompt(str(lead.id), self._card(lead, now))

    def selected_lead_id(self) -> int | None:
        cards = self.cards
        if cards.highlighted is None or not cards.option_count:
            return None
        option_id = cards.get_option_at_index(cards.highlighted).id
        return int(option_id) if option_id else None

    def step(self, step: int) -> int | None:
        """Move to the card above or below; its lead, or None at either end."""
        cards = self.cards
        index = (cards.highlighted or 0) + step
        if cards.highlighted is None or not 0 <= index < cards.option_count:
            return None
        cards.highlighted = index
        return self.selected_lead_id()

    def replace(self, index: int, lead: Lead) -> None:
        """Redraw card `index` with the lead as it is now (live refresh)."""
        self.leads[index] = lead
        self.cards.replace_option_prompt(str(lead.id), self._card(lead, app_now(self)))

    def apply_changes(self, changes: Changes, order: str) -> None:
        """Live refresh: drop the cards of leads that left the column, redraw
        those still in place, and put a lead that entered the window (or
        moved within it) where it sorts now, as a re-read would show it;
        one that sorts beyond an end not loaded is read when scrolled to."""

        def belongs(lead_id: int) -> Lead | None:
            lead = changes.leads.get(lead_id)
            ok = lead is not None and lead.stage is self.stage and lead_id in changes.passing
            return lead if ok else None

        kept = self.selected_lead_id()
        for lead_id in [shown.id for shown in self.leads if shown.id in changes.ids]:
            if belongs(lead_id) is None:
                self.forget(lead_id)
        for lead_id in sorted(changes.ids):
            now = belongs(lead_id)
            if now is None:
                continue
            index = next((i for i, shown in enumerate(self.leads) if shown.id == lead_id), None)
            if index is not None and live.stays_put(self.leads, index, now, order):
                self.replace(index, now)
                continue
            if index is not None:
                self.forget(lead_id)  # moved within the window: in again where it sorts
            if live.falls_within(
                self.leads, now, order, more_above=self.has_before, more_below=self.has_more
            ):
                self._insert(now, order)
        cards = self.cards
        ids = [lead.id for lead in self.leads]
        if kept in ids:
            cards.highlighted = ids.index(kept)  # the cursor follows its card
        elif cards.highlighted is None and cards.option_count:
            cards.highlighted = 0

    def _insert(self, lead: Lead, order: str) -> None:
        index = live.place(self.leads, lead, order)
        self.leads.insert(index, lead)
        self.cards.insert_option(index, Option(self._card(lead, app_now(self)), id=str(lead.id)))
        last = self.leads[-1]
        if len(self.leads) > WINDOW_PAGES * PAGE_SIZE and self.selected_lead_id() != last.id:
            self.forget(last.id)  # the window stays bounded: read again when scrolled to
            self.has_more = True

    def forget(self, lead_id: int) -> None:
        """Remove a card that is moving elsewhere, ahead of the write."""
        if any(lead.id == lead_id for lead in self.leads):
            self.leads = [lead for lead in self.leads if lead.id != lead_id]
            self._texts.pop(lead_id, None)
            self.cards.remove_option(str(lead_id))


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

    def compose(self) -> ComposeResult:
        for stage in BOARD_STAGES:
            yield StageColumn(stage, self._selection)

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
            column.stage: max(PAGE_SIZE, len(column.leads))
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

        self._reading = True
        run_db(self, job, done, key="board", on_error=self._read_failed)

    def _read_failed(self) -> None:
        self._reading = False

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

    def action_fold_lost(self) -> None:
        """Hide the Lost column (or show it again): closed-lost leads rarely
        need a glance, and the open stages get the room."""
        lost = self.query_one(f"#column-{Stage.LOST.value}", StageColumn)
        if lost.display and self.focused_column() is lost:
            self.action_column(-1)
        lost.display = not lost.display

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
