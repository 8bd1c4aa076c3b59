"""What the inbox and the board show: the filter (ctrl+f, `!`, `~`, the
palette) with its line under the tabs, the order (`o`), the folded Lost
column. MainScreen (main_screen.py) builds on this screen; its keys are bound there,
beside the others."""

from textual.content import Content
from textual.widgets import Static

from leadtui.config import Settings
from leadtui.domain import filters
from leadtui.domain.filters import LeadFilter
from leadtui.domain.orders import ORDERS, next_order
from leadtui.tui.dbwork import run_db
from leadtui.tui.dialogs.filter import FilterScreen, owner_warning
from leadtui.tui.moves import MovesScreen
from leadtui.tui.panes.board import BoardPane
from leadtui.tui.panes.inbox import InboxPane
from leadtui.tui.stale_marks import marks_out_of_filter
from leadtui.tui.typeahead import HeldKeys


class ListViewScreen(MovesScreen):
    def __init__(self, settings: Settings, view: LeadFilter | None = None) -> None:
        super().__init__(settings)
        # What the inbox and the board show; at start, the user's default view.
        self.only = view or LeadFilter()
        self.trained = False  # a win-chance model exists (look_for_model)
        # The filter's owner names nobody: said in the filter's line, which
        # stays over the inbox and the board while their lists are empty.
        self.owner_warning = ""
        self.filter_hold = HeldKeys(self)  # keys wait while marks are checked against a new filter

    def action_filter(self, start: str | None = None) -> None:
        """The filter prompt, holding the filter in effect (or `start`)."""

        def chosen(only: LeadFilter | None) -> None:
            if only is not None:
                self.apply_filter(only)

        if start is None:  # selected: typing replaces it
            self.app.push_screen(FilterScreen(self.only.text()), chosen)
        else:  # a start to go on from
            self.app.push_screen(FilterScreen(start, select=False), chosen)

    def action_toggle_filter(self, flag: str) -> None:
        """`!` and `~`: only overdue, only rotting leads; again: all."""
        self.apply_filter(self.only.with_(**{flag: not getattr(self.only, flag)}))

    def filter_by(self, field: str, value: str) -> None:
        """A palette filter ("Filter by source: referral") added to the rest."""
        if field == "clear":
            self.apply_filter(LeadFilter())
        elif field in ("owner", "score"):
            self.action_filter(f"{self.only.text()} {field}:".lstrip())
        else:
            self.apply_filter(self.only.with_(**{field: getattr(filters.parse(value), field)}))

    def apply_filter(self, only: LeadFilter) -> None:
        self.only = only
        self.query_one(InboxPane).only = only
        self.query_one(BoardPane).filter_by(only)
        self.owner_warning = ""
        self._show_filter()
        self.reload_all()
        marks_out_of_filter(self, only, self.filter_hold)
        if only.owner is not None:
            owner = only.owner

            def read(warning: str | None) -> None:
                self.owner_warning = warning or ""
                self._show_filter()

            run_db(self, lambda repo: owner_warning(repo, owner), read, key="filter-owners")

    def _show_filter(self) -> None:
        """The filter in effect, in a line above the inbox and the board."""
        bar = self.query_one("#filter-bar", Static)
        bar.display = bool(self.only) and self.active_tab in ("inbox", "pipeline")
        bar.update(
            Content.assemble(
                ("Filter ", "bold"),
                self.only.text(),
                (f"  {self.owner_warning}" if self.owner_warning else "", "$text-warning"),
                ("  ctrl+f change · empty clears", "$foreground-muted"),
            )
        )

    def action_fold_lost(self) -> None:
        """The palette's "Fold the Lost column" (F on the board)."""
        self.query_one(BoardPane).action_fold_lost()

    def action_toggle_order(self) -> None:
        """`o`: the next order for the inbox and every column: rule score, win
        chance, value, age, next follow-up, last touch. Win chance only once
        a model is trained: before, every chance is 0 and that order would
        rank by nothing while its column said otherwise."""
        order, skipped = next_order(self.query_one(InboxPane).order), ""
        if order == "chance" and not self.trained:
            order, skipped = next_order(order), " (not by win chance: no model is trained yet)"
        self.query_one(InboxPane).sort_by(order)
        self.query_one(BoardPane).sort_by(order)
        self.reload_all()
        self.notify(f"Ranked by {ORDERS[order].label}{skipped}", timeout=3)
        self.look_for_model()  # one trained meanwhile counts from the next `o`

    def look_for_model(self) -> None:
        """Whether a win-chance model is trained (`leadtui score train`)."""

        def found(trained: bool) -> None:
            self.trained = trained

        run_db(self, lambda repo: repo.learned_model() is not None, found, key="model")
