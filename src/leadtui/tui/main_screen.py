"""MainScreen: the tabs, the selected lead, and the keys that act on it (the
writes through dialogs are in lead_writes.py, the moves in moves.py).

Data flows one way: a key becomes an action; the action calls the repository
in a thread worker (dbwork.run_db); the result comes back to the UI thread and
the panes re-read what they show. Widgets never build SQL.
"""

from typing import Protocol

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import (
    DataTable,
    Header,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
)

from leadtui.config import Settings
from leadtui.domain.filters import LeadFilter
from leadtui.domain.kpis import DEFINITIONS
from leadtui.domain.models import Stage
from leadtui.repository import Repository, interrupt_reads
from leadtui.tui.app import LeadApp
from leadtui.tui.broken_rules import refresh_scores, tell_broken_rules
from leadtui.tui.card_list import LineCards
from leadtui.tui.dbwork import WATCH_GROUP, WRITE_GROUP, end_app, run_db
from leadtui.tui.dialogs.help import KeysScreen, describe, with_ids
from leadtui.tui.dialogs.search import Found, SearchScreen
from leadtui.tui.follow import Followed, Wanted, follow
from leadtui.tui.inbox_table import InboxTable
from leadtui.tui.key_footer import KeyFooter
from leadtui.tui.lead_writes import LeadWritesScreen
from leadtui.tui.line_table import LineTable
from leadtui.tui.moves import MovesScreen
from leadtui.tui.panes.board import BoardPane
from leadtui.tui.panes.detail import DetailPane
from leadtui.tui.panes.inbox import FirstPage, InboxPane
from leadtui.tui.panes.kpi import KpiPane
from leadtui.tui.stale_marks import follow_marks
from leadtui.tui.tab_label import relabel

# How often to look for other processes' commits: "within about a second".
WATCH_INTERVAL_SECONDS = 0.5
LEAD_ACTIONS = {
    "advance",
    "lose",
    "win",
    "reopen",
    "back",
    "open_lead",
    "pin_temperature",
    "log_touch",
    "follow_up",
    "snooze",
    "edit",
    "classify",
    "hide",
    "mark",
    "mark_all",
}
# Time-window rules change scores as days pass; due leads are rescored this often.
SCORE_REFRESH_SECONDS = 60


class SteppableList(Protocol):
    """A list the Lead tab was opened from (the inbox, a board column)."""

    def step(self, step: int) -> int | None: ...


class FoundList:
    """The leads a search listed, for [ and ] after opening one of them."""

    def __init__(self, found: Found) -> None:
        self.ids, self.index = found.listed, found.listed.index(found.lead_id)

    def step(self, step: int) -> int | None:
        if not 0 <= self.index + step < len(self.ids):
            return None
        self.index += step
        return self.ids[self.index]


# The Lead tab's fields side by side need a name column of about 44 cells
# beside the 28 of the stage's: a 60-column terminal wrapped an email under
# its label.
NARROW_BELOW = 76


class MainScreen(LeadWritesScreen):
    """The four tabs. Its bindings (and the moves' in MovesScreen) do not
    apply while a dialog is open."""

    # Below 76 columns the screen has the class -narrow (the stylesheet
    # stacks the Lead tab's two field columns there).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW_BELOW, "-normal")]

    BINDINGS = with_ids([
        Binding("enter", "open_lead", "Open", tooltip="Show the lead in the Lead tab"),
        Binding("l,L", "log_touch", "Log", tooltip="Log an email, call, ... (Pipeline: L)"),
        Binding(
            "t",
            "pin_temperature",
            "Pin temp",
            show=False,
            tooltip="Pin hot/warm/cold, or unpin",
        ),
        Binding("e", "edit", "Edit", show=False, tooltip="Edit the lead's fields"),
        Binding("c", "classify", "Classify", show=False, tooltip="Lifecycle, fit and BANT"),
        Binding("f", "follow_up", "Follow up", show=False, tooltip="Set the next follow-up day"),
        Binding("z", "snooze", "Snooze follow-up", show=False, tooltip="Snooze the follow-up"),
        Binding("d", "due", "Due", show=False, tooltip="Inbox: New leads / follow-ups due"),
        Binding("s", "hide", "Snooze", id="hide", tooltip="Inbox: snooze the lead until a day"),
        Binding("n", "quick_add", "Add", tooltip="Add a lead"),
        Binding("slash", "search", "Find", key_display="/", tooltip="Find a lead by any word"),
        Binding(
            "ctrl+f",
            "filter",
            "Filter",
            id="filter",
            show=False,  # the footer's 80 columns go to the commoner keys
            tooltip="Filter the inbox and board: source, owner, temperature, score, ...",
        ),
        Binding(
            "exclamation_mark",
            "toggle_filter('overdue')",
            "Overdue",
            key_display="!",
            id="filter-overdue",
            show=False,
            tooltip="Filter: only overdue follow-ups (again: all)",
        ),
        Binding(
            "tilde",
            "toggle_filter('rotting')",
            "Rotting",
            key_display="~",
            id="filter-rotting",
            show=False,
            tooltip="Filter: only rotting leads (again: all)",
        ),
        Binding(
            "o",
            "toggle_order",
            "Sort",
            show=False,
            tooltip="Rank by score, win chance, value, age, follow-up, last touch",
        ),
        Binding(
            "[",
            "step_lead(-1)",
            "Previous lead",
            id="previous-lead",
            show=False,
            tooltip="Lead tab: previous lead in the list",
        ),
        Binding(
            "]", "step_lead(1)", "Next lead", id="next-lead", show=False,
            tooltip="Lead tab: next lead in the list",
        ),
        Binding("1", "show_tab('inbox')", "Inbox", id="tab-inbox", show=False, tooltip="Inbox tab"),
        Binding(
            "2", "show_tab('pipeline')", "Pipeline", id="tab-pipeline", show=False,
            tooltip="Pipeline tab",
        ),
        Binding("3", "show_tab('lead')", "Lead", id="tab-lead", show=False, tooltip="Lead tab"),
        Binding("4", "show_tab('kpis')", "KPIs", id="tab-kpis", show=False, tooltip="KPIs tab"),
        Binding("question_mark", "keys", "Keys", key_display="?", tooltip="Show every key"),
        Binding("q", "quit", "Quit", tooltip="Quit (waits for a save in progress)"),
    ])  # fmt: skip

    def __init__(
        self,
        repo: Repository,
        settings: Settings,
        *,
        first: FirstPage | None = None,
        view: LeadFilter | None = None,
    ) -> None:
        super().__init__(settings, view)
        self.repo = repo
        self._first = first  # the inbox page the start screen showed
        self._came_from: SteppableList | None = None
        self._bindings_for: tuple[str, str, bool] | None = None  # see _selection_moved

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static("", id="filter-bar")
        with TabbedContent(initial="inbox"):
            with TabPane("1 Inbox", id="inbox"):
                yield InboxPane(
                    self.repo.team_now, self.selection, first=self._first, only=self.only,
                    id="inbox-pane",
                )  # fmt: skip
            with TabPane("2 Pipeline", id="pipeline"):
                yield BoardPane(self.selection, only=self.only, id="board")
            with TabPane("3 Lead", id="lead"):
                yield DetailPane(id="detail")
            with TabPane("4 KPIs", id="kpis"):
                yield KpiPane(id="kpi-pane")
        yield KeyFooter()

    def on_mount(self) -> None:
        # Live refresh: when another rep (or the CLI, or cron) commits to the
        # file, re-read what is on screen. Dialogs are separate screens, so a
        # refresh never disturbs typing in a form.
        self._watcher = self.repo.watcher()
        self.set_interval(WATCH_INTERVAL_SECONDS, self._look_for_changes)
        # Scores kept current with no cron job: at start (which also applies a
        # changed rules file) and then every minute for the leads due.
        self._refresh_scores()
        self.set_interval(SCORE_REFRESH_SECONDS, self._refresh_scores)
        self.look_for_model()
        if isinstance(self.app, LeadApp):
            self.call_after_refresh(self.app.main_screen_up)

    def _refresh_scores(self) -> None:
        # A lead rescored here is a commit like any other: live refresh
        # re-reads the screen, so the inbox order always reflects the decay.
        # After a rules change the first refresh can take a while; never
        # start a second one beside it.
        if any(worker.group == "scores" and worker.is_running for worker in self.workers):
            return
        if self.repo.cannot_write():
            return  # nothing can be saved: the scores stay as last written
        run_db(self, refresh_scores, lambda said: tell_broken_rules(self.app, said), key="scores")

    def on_unmount(self) -> None:
        self._watcher.close()

    def _look_for_changes(self) -> None:
        """Live refresh: what other processes changed since the last look
        (repository/watch.py), applied to the pane shown; only a change the
        journal does not name (a rescore, a merge) re-reads it whole."""
        look, clock = self._watcher.changes, self.repo.team_now
        counting = self.query_one(InboxPane).view == "new"
        wanted = Wanted(self.only, self.repo.actor, self.active_tab == "pipeline", counting)
        run_db(
            self,
            lambda repo: follow(repo, look, wanted, clock()),
            self._apply_changes,
            key=WATCH_GROUP,
        )

    def _apply_changes(self, followed: Followed | None) -> None:
        # The app may be closing: the screen is still attached while its
        # panes are already removed (a teammate's change, or a rescore,
        # landing as the rep quits).
        if followed is None or not self.is_attached or not self.query(InboxPane):
            return
        changes, untriaged = followed.changes, followed.untriaged
        follow_marks(self, changes)  # marked leads a teammate moved away are unmarked
        if changes.whole:
            self.reload_all()
            return
        tab = self.active_tab
        if tab == "inbox":
            self.query_one(InboxPane).apply_changes(changes, untriaged)
        elif tab == "pipeline":
            self.query_one(BoardPane).apply_changes(changes, followed.totals)
        elif tab == "lead" and self.query_one(DetailPane).lead_id in changes.ids:
            self.query_one(DetailPane).reload()
        elif tab == "kpis":  # touches, follow-ups and scores count too
            self.query_one(KpiPane).reload()
        if untriaged is not None:
            inbox = self.query_one(InboxPane)
            if tab != "inbox":  # (the inbox takes its count with the changes)
                inbox.counted(untriaged)
            # Relabelled now, in the same redraw as the rest (not when the
            # inbox's message comes back, a redraw of its own).
            self._label_inbox(inbox.view, untriaged)

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active

    # -------------------------------------------------------------- tabs

    def action_show_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        # Focus now, not on the TabActivated message: keys typed right after
        # the digit must already reach the new tab.
        self._focus_tab(tab)

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        tab = self.active_tab
        self._show_filter()
        self._focus_tab(tab)  # also for tabs chosen with the mouse
        # A pane reads the database when it is shown (this also fires for the
        # first tab at start-up), so start-up loads only the inbox.
        self._pane(tab).reload()
        self._refresh_footer(force=True)

    def _focus_tab(self, tab: str) -> None:
        """Focus the tab's main widget synchronously (Widget.focus() is
        deferred, so type-ahead keys would still reach the old widget)."""
        targets: dict[str, Widget] = {
            "inbox": self.query_one(InboxPane).table,
            "pipeline": self.query_one(BoardPane).focused_column().cards,
            "lead": self.query_one("#history", DataTable),
            "kpis": self.query_one(KpiPane),
        }
        self.set_focus(targets[tab])

    # ------------------------------------------------- the selected lead

    def selected_lead_id(self) -> int | None:
        pane = self._pane(self.active_tab)
        return None if isinstance(pane, KpiPane) else pane.selected_lead_id()

    def selected_stage(self) -> Stage | None:
        """The stage the user sees the selected lead in."""
        tab = self.active_tab
        if tab == "inbox":
            return self.query_one(InboxPane).selected_stage()
        if tab == "pipeline":
            return self.query_one(BoardPane).focused_column().stage
        return self.query_one(DetailPane).shown_stage if tab == "lead" else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Lead keys apply only where a lead is selected (hidden from the footer
        elsewhere); enter on the Lead tab has nothing further to open."""
        if action == "step_lead":
            return self.active_tab == "lead"
        if action == "hide":
            inbox = self.query_one(InboxPane)
            on_inbox = self.active_tab == "inbox" and inbox.view == "new"
            return on_inbox and inbox.selected_lead_id() is not None
        if action in ("mark", "mark_all"):
            return self.active_tab in ("inbox", "pipeline") and self.selected_lead_id() is not None
        if action == "unmark":
            return bool(self.selection)
        if action in LEAD_ACTIONS:
            if action == "open_lead" and self.active_tab == "lead":
                return False
            return self.selected_lead_id() is not None
        return True

    @on(LineTable.RowHighlighted, "#inbox-table")
    @on(LineCards.Highlighted)
    @on(OptionList.OptionHighlighted)
    def _selection_moved(self) -> None:
        self._refresh_footer()

    def _refresh_footer(self, *, force: bool = False) -> None:
        """The footer shows the lead keys only while a lead is selected. Each
        refresh_bindings has every binding checked again and the footer's
        hints compared, so refresh only when that changes, not on every j, k
        or a. What it was
        last built for is recorded on every refresh, forced or not: a forced
        one while a list is cleared for reloading leaves the lead keys hidden
        until the rows are back."""
        shown = (
            self.active_tab,
            self.query_one(InboxPane).view,
            self.selected_lead_id() is not None,
        )
        if force or shown != self._bindings_for:
            self._bindings_for = shown
            self.refresh_bindings()

    @on(LineTable.RowSelected, "#inbox-table")
    @on(LineCards.Selected)
    @on(OptionList.OptionSelected)
    def _enter_pressed(self) -> None:
        # The inbox's table and the cards consume enter themselves; treat it as "open".
        self.action_open_lead()

    def action_open_lead(self) -> None:
        lead_id = self.selected_lead_id()
        if lead_id is not None:
            # Remember the list it came from: [ and ] step through it.
            tab = self.active_tab
            if tab == "inbox":
                self._came_from = self.query_one(InboxPane)
            elif tab == "pipeline":
                self._came_from = self.query_one(BoardPane).focused_column()
            self.query_one(DetailPane).lead_id = lead_id
            self.action_show_tab("lead")

    def action_search(self) -> None:
        def found(result: Found | None) -> None:
            if result is not None:
                self._came_from = FoundList(result)
                self.open_lead(result.lead_id)

        self.app.push_screen(SearchScreen(self.repo), found)

    def action_step_lead(self, step: int) -> None:
        """The previous or next lead of the list the Lead tab was opened from,
        without going back to it (its cursor follows, as if you had)."""
        if self._came_from is None:
            self.notify("Open a lead from the Inbox or a Pipeline column to step through it")
            return
        lead_id = self._came_from.step(step)
        if lead_id is None:
            self.notify("No more leads that way", timeout=2)
            return
        self.query_one(DetailPane).show_lead(lead_id)

    # ----------------------------------------------------------- writes

    def action_due(self) -> None:
        """The inbox between New leads and the Due list (follow-ups up to today)."""
        inbox = self.query_one(InboxPane)
        inbox.show_view("new" if inbox.view == "due" and self.active_tab == "inbox" else "due")
        self._label_inbox(inbox.view, inbox.untriaged)
        self.action_show_tab("inbox")
        # The footer follows when the list is back (InboxPane.Counted): s
        # (snooze) applies to New leads only, and the lead keys to a selection.

    @on(InboxPane.Unreadable)
    def _unreadable(self, event: InboxPane.Unreadable) -> None:
        # The CLI refuses a file it cannot read with one line; so does the TUI.
        end_app(self, event.message)

    @on(InboxPane.Counted)
    def _inbox_counted(self, event: InboxPane.Counted) -> None:
        # Posted after every load: the rows (and the selection) are back.
        self._label_inbox(self.query_one(InboxPane).view, event.untriaged)
        self._refresh_footer()

    def _label_inbox(self, view: str, untriaged: int) -> None:
        """ "1 Inbox 12": the untriaged count, true at any size; "1 Due"."""
        label = "1 Due" if view == "due" else f"1 Inbox {untriaged:,}"
        relabel(self.query_one(TabbedContent).get_tab("inbox"), label)

    def open_lead(self, lead_id: int) -> None:
        if self.active_tab == "lead":  # no tab change, so no reload of its own
            self.query_one(DetailPane).show_lead(lead_id)
            return
        self.query_one(DetailPane).lead_id = lead_id
        self.action_show_tab("lead")

    def reload_all(self) -> None:
        """After a write: re-read what is on screen; the other panes re-read
        anyway when they are next shown. The inbox's count is on screen on
        every tab (its label): it is re-counted too."""
        self._pane(self.active_tab).reload()
        if self.active_tab != "inbox":
            self.query_one(InboxPane).recount()

    def _pane(self, tab: str) -> InboxPane | BoardPane | DetailPane | KpiPane:
        if tab == "inbox":
            return self.query_one(InboxPane)
        if tab == "pipeline":
            return self.query_one(BoardPane)
        return self.query_one(DetailPane) if tab == "lead" else self.query_one(KpiPane)

    # ------------------------------------------------------------ other

    def action_keys(self) -> None:
        def actions(bindings: list[Binding], lead_keys: bool) -> list[Binding]:
            return [b for b in bindings if (b.action in LEAD_ACTIONS) == lead_keys]

        keymap = self.settings.keymap
        own = [b for b in (*MovesScreen.BINDINGS, *self.BINDINGS) if isinstance(b, Binding)]
        stepping = [b for b in own if b.action.startswith("step_lead")]
        own = [b for b in own if b not in stepping]
        groups = {
            "Any tab": describe([*actions(own, lead_keys=False), *LeadApp.BINDINGS], keymap),
            "Inbox, Pipeline and Lead: the selected lead": describe(
                actions(own, lead_keys=True), keymap
            ),
            "Lead tab": [*describe(stepping, keymap), ("enter", "A history line in full")],
            "Moving around": [
                *describe(InboxTable.BINDINGS, keymap),
                *describe(BoardPane.BINDINGS, keymap),
                ("↑ ↓ pgup pgdn", "Move in a list"),
            ],
            "KPIs tab": [
                *describe(KpiPane.BINDINGS, keymap),
                ("tab", "Next section; its definitions show at the bottom"),
            ],
            "Dialogs": [("enter", "Save"), ("esc", "Cancel"), ("tab", "Next field")],
        }
        if self.active_tab == "kpis":
            groups["What each KPI means"] = [
                (key.replace("_", " "), text) for key, text in DEFINITIONS.items()
            ]
        self.app.push_screen(KeysScreen(groups))

    async def action_quit(self) -> None:
        # Let a write that is still running finish: quitting never loses a change.
        # (Only if there is one: Textual reads an empty list as "every worker".)
        if writes := [w for w in self.app.workers if w.group == WRITE_GROUP]:
            await self.app.workers.wait_for_complete(writes)
        # Reads still running (a KPI query at a million leads takes seconds)
        # are stopped rather than waited for, and a background rescore ends
        # after its current batch.
        self.repo.stop()
        interrupt_reads()
        self.app.exit()
