"""A Pipeline column: a stage's header (its true totals) and its cards.

The column holds a window of at most WINDOW_PAGES pages of cards, wherever
in the stage it is scrolled: pages are fetched by keyset (after the last
card going down, before the first going up) and the far end of the window
is dropped, so memory stays bounded at any size; G fetches the stage's true
last page, g its first."""

from collections.abc import Callable
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static
from textual.widgets.option_list import Option

from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Lead, Stage
from leadtui.repository import Changes, PageCursor, Repository, page_key
from leadtui.tui import column_header, live, render
from leadtui.tui.card_list import LineCards
from leadtui.tui.column_header import CARD_WIDTH
from leadtui.tui.dbwork import app_team_now, run_db
from leadtui.tui.dialogs.help import with_ids
from leadtui.tui.selection import Selection

PAGE_SIZE = 50
# Cards a column keeps in memory: this many pages around the cursor.
WINDOW_PAGES = 4
# A column's border (1), its cards' scrollbar (1) and padding (2).
COLUMN_GUTTER = 4
COLUMN_WIDTH = CARD_WIDTH + COLUMN_GUTTER  # the narrowest (styles/leadtui.tcss)


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

    def __init__(
        self, stage: Stage, selection: Selection, ranked: Callable[[], tuple[str, LeadFilter]]
    ) -> None:
        super().__init__(id=f"column-{stage.value}", classes="stage-column")
        self.stage = stage
        self._selection = selection
        self._ranked = ranked  # the board's order and filter
        # Cards say "overdue" and "rotting" as of this hour.
        self._drawn_at: datetime | None = None
        # Each card's text, by lead id, with what it was made from (hour,
        # mark, lead): a re-read column builds only the cards that changed.
        self._texts: dict[int, tuple[datetime, bool, Lead, Text]] = {}
        self._totals: tuple[int, int, tuple[tuple[str, int], ...]] | None = None
        # The cards' width: the column's, which shares the board's width
        # (styles/leadtui.tcss), less its border, padding and scrollbar.
        self.card_width = CARD_WIDTH
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

    def on_resize(self) -> None:
        """A wider or narrower column (the terminal's width, the Lost column
        folded): its cards and header drawn again for the width."""
        width = max(CARD_WIDTH, self.outer_size.width - COLUMN_GUTTER)
        if width == self.card_width:
            return
        self.card_width = width
        self._texts = {}
        if self._totals is not None:
            count, value_cents, others = self._totals
            self._totals = None
            self.set_total(count, value_cents, dict(others))
        if self.leads:
            self._redraw(self.leads, self.selected_lead_id())

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
        lines, tooltip = column_header.header(
            self.stage, count, value_cents, others, self.card_width
        )
        header = self.query_one(".column-header", Static)
        header.update(lines, layout=False)  # two lines of a fixed-width column, whatever they say
        header.tooltip = tooltip

    def show(self, leads: list[Lead], *, append: bool = False) -> None:
        hour = app_team_now(self).replace(minute=0, second=0, microsecond=0)
        if not append and leads == self.leads and self._drawn_at == hour:
            # A reload after a move elsewhere: this column did not change, and
            # redrawing its cards would hold up the next key for nothing.
            return
        self._drawn_at = hour
        cards = self.cards
        highlighted, kept_id = cards.highlighted, self.selected_lead_id()
        now = app_team_now(self)
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
        cards, now = self.cards, app_team_now(self)
        cards.set_options(Option(self._card(lead, now), id=str(lead.id)) for lead in window)
        self._forget_texts()
        ids = [lead.id for lead in window]
        if ids:
            cards.highlighted = ids.index(keep) if keep in ids else 0

    def _ranking(self) -> tuple[str, LeadFilter]:
        """The board's order and filter, as they are now."""
        return self._ranked()

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
        text = render.card(lead, self.card_width, now, marked=marked)
        self._texts[lead.id] = (hour, marked, lead, text)
        return text

    def _forget_texts(self) -> None:
        """Only the cards in the window are kept."""
        ids = {lead.id for lead in self.leads}
        self._texts = {key: known for key, known in self._texts.items() if key in ids}

    def show_marks(self, lead_ids: list[int]) -> None:
        """Redraw the cards of leads just marked or unmarked."""
        wanted, now = set(lead_ids), app_team_now(self)
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
        self.cards.replace_option_prompt(str(lead.id), self._card(lead, app_team_now(self)))

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
        self.cards.insert_option(
            index, Option(self._card(lead, app_team_now(self)), id=str(lead.id))
        )
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
