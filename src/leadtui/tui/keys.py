"""The ids of every key config.toml's [keys] can remap. Kept apart from the
app (which checks a keymap before the main screen is imported) and from the
main screen (which must not import the app)."""

from textual.binding import Binding

from leadtui.tui.app import LeadApp
from leadtui.tui.inbox_table import InboxTable
from leadtui.tui.main_screen import MainScreen
from leadtui.tui.moves import MovesScreen
from leadtui.tui.panes.board import BoardPane, CardList
from leadtui.tui.panes.kpi import KpiPane


def binding_ids() -> set[str]:
    """Every id config.toml's [keys] can remap."""
    owners = (LeadApp, MovesScreen, MainScreen, InboxTable, CardList, BoardPane, KpiPane)
    return {
        binding.id
        for owner in owners
        for binding in owner.BINDINGS
        if isinstance(binding, Binding) and binding.id
    }
