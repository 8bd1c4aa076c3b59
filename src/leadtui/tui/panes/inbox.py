"""The Inbox tab: leads in stage New, hottest first, one page at a time."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from leadtui.domain.clock import Clock, day_start, to_iso
from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Lead, Stage
from leadtui.repository import ORDERS, Changes, Repository, page_key
from leadtui.repository import first_page as quick_inbox  # the named exception: no sqlite-utils
from leadtui.tui import live, render
from leadtui.tui.dbwork import run_db
from leadtui.tui.inbox_table import InboxTable
from leadtui.tui.line_table import LineTable
from leadtui.tui.selection import Selection, WholeList

PAGE_SIZE = quick_inbox.PAGE_SIZE
# Fetch the next page when the cursor comes this close to the last loaded row.
PREFETCH_MARGIN = 10
NO_LEADS = "No leads yet: press n to add one, or import a file (ctrl+p, Import file…)."
EMPTY_INBOX = "Inbox zero: no new leads to triage. Press n to add a lead."
# The Due list: follow-ups overdue, today, and this many days ahead.
DUE_LOOKAHEAD_DAYS = 7
EMPTY_DUE = "Nothing due: no follow-ups overdue, today or this week. Press d for new leads."
# A filter that lets no lead through is no inbox zero (the leads are there).
UNMATCHED = "No {} matches the filter: ctrl+f changes it, an empty filter clears it."


@dataclass(frozen=True)
class FirstPage:
    """The first page, read before the pane exists (while the start screen
    showed it), the lead the user had selected there, and how far its table
    was scrolled."""

    leads: list[Lead]
    untriaged: int
    selected: int | None
    scroll_y: float = 0


class InboxPane(Vertical):
    class Counted(Message):
        """The number of untriaged (New) leads, after each reload."""

        def __init__(self, untriaged: int) -> None:
            super().__init__()
            self.untriaged = untriaged

    class Unreadable(Message):
        """The first read of the inbox failed: the file cannot be shown."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    untriaged = 0
    # Until a page has been shown, a failed read means the file cannot be
    # shown at all (damaged, say): not a notification over an empty inbox.
    _read_once = False

    """A table holding only the pages the user has scrolled to (keyset-
    paged SQL), so opening the inbox costs the same at 30 or 1M leads."""

    def __init__(
        self,
        clock: Clock,
        selection: Selection,
        *,
        first: FirstPage | None = None,
        only: LeadFilter | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._selection = selection
        self._first = first
        self.only = only or LeadFilter()  # set by the screen (ctrl+f, !, ~, the palette)

    def compose(self) -> ComposeResult:
        # The header above the message that the table is empty: the table
        # shrinks to its header then (the -empty class).
        yield InboxTable()
        yield Static(NO_LEADS, id="inbox-empty", markup=False)

    def on_mount(self) -> None:
        self.order = "score"  # or "chance": the learned win chance
        self.view = "new"  # or "due": open leads with a follow-up this week, soonest first
        self.sort_by(self.order)
        self._cursors: dict[str, Any] = {}  # row key -> sort key for paging
        self._leads: dict[str, Lead] = {}  # row key -> the lead shown
        self._has_more = False
        self._fetching = False
        self._select_next: int | None = None
        # Nothing is said about the file until it has been read: an empty
        # inbox's hint before then would be a guess (and for a damaged
        # file, a lie).
        self.query_one("#inbox-empty").display = False
        first = self._first
        if first and first.leads:
            # Shown at once, so swapping in this screen changes nothing on
            # screen: the same rows, cursor and scroll. Not scrolled to the
            # cursor: the table has no size yet, and that put the cursor's
            # row on top, the rows above it out of view.
            self._select_next = first.selected
            self._show(first.leads, True, first.untriaged, PAGE_SIZE, scroll=False)
            self.table.scroll_to(y=first.scroll_y, animate=False, immediate=True, force=True)

    @property
    def table(self) -> InboxTable:
        return self.query_one(InboxTable)

    def reload(self, *, select: int | None = None) -> None:
        """Re-read from the top, keeping as many rows as are loaded now so the
        cursor stays where the user left it (or moves to lead `select`)."""
        limit = max(PAGE_SIZE, self.table.row_count)
        fetch = self._fetcher()

        counting, known = self.view == "new", self.untriaged  # the Due tab shows no count
        now, only = self._clock(), self.only

        def job(repo: Repository) -> tuple[list[Lead], bool, int]:
            with repo.reading():  # one connection for the page and the count
                leads = fetch(repo, None, limit)
                untriaged = (
                    repo.count_in_stage(Stage.NEW, awake_at=now, only=only) if counting else known
                )
                return leads, bool(leads) or repo.has_leads(), untriaged

        if select is not None:
            # Kept on the pane, not in this call: a newer reload (live refresh)
            # supersedes this one and must still land on the lead.
            self._select_next = select
        run_db(
            self,
            job,
            lambda loaded: self._show(*loaded, limit),
            key="inbox",
            report=None if self._read_once else self._unreadable,
        )

    def recount(self) -> None:
        """Only the count of untriaged leads (for the tab's label), while
        another tab is shown: a lead added, moved or hidden there (or by a
        teammate) changes it, and the label must not go stale."""
        if self.view != "new":
            return  # the Due list's label has no count
        now, only = self._clock(), self.only

        run_db(
            self,
            lambda repo: repo.count_in_stage(Stage.NEW, awake_at=now, only=only),
            self.counted,
            key="inbox-count",
        )

    def counted(self, untriaged: int) -> None:
        """The count of untriaged leads, read (for the tab's label)."""
        self.untriaged = untriaged
        self.post_message(self.Counted(untriaged))

    def _unreadable(self, message: str) -> None:
        self.post_message(self.Unreadable(message))

    def _show(
        self, leads: list[Lead], any_leads: bool, untriaged: int, limit: int, *, scroll: bool = True
    ) -> None:
        """The rows read; `scroll`: to a lead selected, if it is off screen."""
        self._read_once = True
        table = self.table
        # Keep the cursor on the same lead when others appear or leave above
        # it (a teammate's change); else on the same row (the lead moved on).
        row = table.cursor_row
        ids = [lead.id for lead in leads]
        select, self._select_next = self._select_next, None
        keep = select if select is not None else self.selected_lead_id()
        if keep in ids:
            row = ids.index(keep)
        self._cursors.clear()
        self._leads.clear()
        self._append(leads, replace=True)
        self._has_more = len(leads) == limit
        if table.row_count:
            scroll = scroll and select is not None
            table.move_cursor(row=min(row, table.row_count - 1), scroll=scroll)
        if self.only:
            empty = UNMATCHED.format("follow-up due" if self.view == "due" else "new lead")
        else:
            empty = EMPTY_DUE if self.view == "due" else EMPTY_INBOX
        self.query_one("#inbox-empty", Static).update(empty if any_leads else NO_LEADS)
        self._say_if_empty()
        self.untriaged = untriaged
        self.post_message(self.Counted(untriaged))

    def _say_if_empty(self) -> None:
        """The empty list's message under the header, or the rows alone."""
        empty = self.table.row_count == 0
        self.query_one("#inbox-empty").display = empty
        self.table.set_class(empty, "-empty")

    def _append(self, leads: list[Lead], *, replace: bool = False) -> None:
        """Rows for `leads` after those shown, or (`replace`) in their place."""
        now, due, order = self._clock(), self.view == "due", self.order
        rows = []
        for lead in leads:
            key = str(lead.id)
            marked = lead.id in self._selection
            rows.append((key, render.inbox_row(lead, now, due=due, marked=marked, order=order)))
            self._cursors[key] = self._page_key(lead)
            self._leads[key] = lead
        if replace:
            self.table.replace_rows(rows)
        else:
            self.table.add_rows(rows)

    def on_line_table_row_highlighted(self, event: LineTable.RowHighlighted) -> None:
        near_end = event.cursor_row >= self.table.row_count - PREFETCH_MARGIN
        if near_end and self._has_more and not self._fetching and self.table.row_count:
            self._fetch_next_page()

    def _fetch_next_page(self) -> None:
        after = self._cursors[self.table.row_keys[-1]]
        fetch = self._fetcher()
        self._fetching = True

        def job(repo: Repository) -> list[Lead]:
            return fetch(repo, after, PAGE_SIZE)

        def done(leads: list[Lead]) -> None:
            self._fetching = False
            self._append(leads)
            self._has_more = len(leads) == PAGE_SIZE

        run_db(self, job, done, key="inbox-page")

    def _fetcher(self) -> Callable[[Repository, Any, int], list[Lead]]:
        """How this view reads a page: (repo, after, limit) -> leads."""
        now, only = self._clock(), self.only
        if self.view == "due":
            # Due today or late, then what comes up in the week ahead.
            ahead = timedelta(days=1 + DUE_LOOKAHEAD_DAYS)
            until = day_start(now) + ahead
            return lambda repo, after, limit: repo.due_leads(
                until=until, after=after, limit=limit, only=only
            )
        order = self.order
        # Leads hidden with `s` stay out until their day comes.
        return lambda repo, after, limit: repo.leads_in_stage(
            Stage.NEW, after=after, limit=limit, order=order, awake_at=now, only=only
        )

    def _page_key(self, lead: Lead) -> Any:
        if self.view == "due":
            return (to_iso(lead.follow_up_at) if lead.follow_up_at else "", lead.id)
        return page_key(lead, self.order)

    def show_view(self, view: str) -> None:
        """ "new" or "due"; the Age column says how late a follow-up is."""
        self.view = view
        self._label_columns()
        self.table.clear()
        self._cursors.clear()
        self.reload()

    def sort_by(self, order: str) -> None:
        """Rank in one of leadtui.domain.orders.ORDERS (takes effect at the
        next reload); the column it ranks by says so."""
        self.order = order
        self._label_columns()

    def _label_columns(self) -> None:
        """▼ (largest first) or ▲ (earliest first) on the column the list is
        ranked by: each order has one. The last column shows the time the
        list is ranked by (Age, Due, Touch); the Due list is by follow-up."""
        order = "follow_up" if self.view == "due" else self.order
        last = {"follow_up": "Due", "touch": "Touch"}.get(order, "Age")
        ranked = {"score": "score", "chance": "win", "value": "value"}.get(order, "age")
        mark = "▼" if ORDERS[order].descending else "▲"
        for key, title in (("score", "Score"), ("win", "Win"), ("value", "Value"), ("age", last)):
            label = title + (mark if key == ranked else "")
            self.table.set_label(key, Text(label))
        self.table.rank_by(ranked)

    def selected_lead_id(self) -> int | None:
        table = self.table
        return int(table.row_keys[table.cursor_row]) if table.row_count else None

    def step(self, step: int) -> int | None:
        """Move the cursor one lead up or down; the lead now selected, or
        None at either end (the next page loads as the cursor nears it)."""
        table = self.table
        row = table.cursor_row + step
        if not 0 <= row < table.row_count:
            return None
        table.move_cursor(row=row)
        return self.selected_lead_id()

    def selected_stage(self) -> Stage | None:
        lead = self._leads.get(str(self.selected_lead_id()))
        return lead.stage if lead else None

    def whole_list(self) -> WholeList | None:
        """The inbox beyond its loaded pages, for `V`; None when every lead is
        loaded (or in the Due list, which is not one stage's list)."""
        if self.view == "due" or not self._has_more:
            return None
        return WholeList(Stage.NEW, self.order, self.only, self._clock())

    def loaded(self) -> list[Lead]:
        """Every lead on the loaded pages, as shown."""
        return [self._leads[key] for key in self._cursors]

    def show_marks(self, lead_ids: list[int]) -> None:
        """Redraw the name cells of leads just marked or unmarked."""
        for lead_id in lead_ids:
            lead = self._leads.get(str(lead_id))
            if lead and str(lead_id) in self._cursors:
                marked = lead_id in self._selection
                self.table.update_cell(str(lead_id), "name", render.name_cell(lead, marked=marked))

    def apply_changes(self, changes: Changes, untriaged: int | None) -> None:
        """Live refresh: another process changed `changes.ids`. Rows of leads
        that left the list go, rows still in place are redrawn; a lead that
        enters the loaded range, or moves within it, re-reads the loaded
        pages (nothing else does). The Due list is re-read whole. The count
        of untriaged leads was read with the changes if a stage moved."""
        if self.view != "new":
            self.reload()
            return
        now = self._clock()

        def belongs(lead_id: int) -> Lead | None:
            lead = changes.leads.get(lead_id)
            if lead is None or lead.stage is not Stage.NEW or lead_id not in changes.passing:
                return None
            return lead if lead.snoozed_until is None or lead.snoozed_until <= now else None

        kept = self.selected_lead_id()
        gone = [i for i in changes.ids if str(i) in self._cursors and belongs(i) is None]
        for lead_id in gone:
            self.forget(lead_id)
        shown = self.loaded()
        if gone and kept in (ids := [lead.id for lead in shown]):
            self.table.move_cursor(row=ids.index(kept), scroll=False)
        position = {lead.id: index for index, lead in enumerate(shown)}
        for lead_id in changes.ids:
            lead = belongs(lead_id)
            if lead is None:
                continue
            index = position.get(lead_id)
            if index is not None and live.stays_put(shown, index, lead, self.order):
                self._redraw_row(lead, now)
            elif index is not None or live.falls_within(
                shown, lead, self.order, more_above=False, more_below=self._has_more
            ):
                self.reload()
                return
        if untriaged is not None:
            self.counted(untriaged)

    def _redraw_row(self, lead: Lead, now: datetime) -> None:
        key = str(lead.id)
        cells = render.inbox_row(
            lead, now, due=False, marked=lead.id in self._selection, order=self.order
        )
        self.table.update_row(key, cells)
        self._leads[key] = lead
        self._cursors[key] = self._page_key(lead)

    def forget(self, lead_id: int) -> None:
        """Drop a lead the user just moved out of New, before the write lands,
        so the cursor is already on the next lead (as in an email client)."""
        key = str(lead_id)
        if key in self._cursors:
            del self._cursors[key]
            self.table.remove_row(key)
            self._say_if_empty()
