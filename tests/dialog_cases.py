"""Every dialog of the TUI, how to open it on the sample data at 80x24, and
what (if anything) the data needs first: shared by the snapshots and the
centring test (test_dialogs.py), which also holds that no dialog is left out."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository
from leadtui.tui.dialogs.assign import AssignScreen
from leadtui.tui.dialogs.classify import ClassifyScreen, ConfirmScreen
from leadtui.tui.dialogs.edit import EditLeadScreen
from leadtui.tui.dialogs.entry import EntryScreen
from leadtui.tui.dialogs.erase import EraseScreen
from leadtui.tui.dialogs.filter import FilterScreen
from leadtui.tui.dialogs.follow_up import FollowUpScreen
from leadtui.tui.dialogs.help import KeysScreen
from leadtui.tui.dialogs.import_file import ImportScreen
from leadtui.tui.dialogs.kpi_forms import CustomWindowScreen, SpendScreen
from leadtui.tui.dialogs.learn_fields import LearnFieldsScreen
from leadtui.tui.dialogs.log_touch import LogTouchScreen
from leadtui.tui.dialogs.lose import LoseReasonScreen
from leadtui.tui.dialogs.merge import DupesScreen, MergeScreen
from leadtui.tui.dialogs.quick_add import QuickAddScreen
from leadtui.tui.dialogs.search import SearchScreen


def a_duplicate(repo: Repository) -> None:
    """The inbox's first lead again, so Find duplicates has a group."""
    lead = repo.leads_in_stage(Stage.NEW, limit=1)[0]
    repo.add_lead(build_draft(name=lead.name, company=lead.company, email="other@example.com"))


@dataclass(frozen=True)
class DialogCase:
    keys: tuple[str, ...]
    screen: type[Screen[Any]]
    prepare: Callable[[Repository], None] | None = None


PALETTE_DUPES = ("ctrl+p", *"Find duplicates", "enter")
DIALOGS: dict[str, DialogCase] = {
    "quick_add": DialogCase(("n",), QuickAddScreen),
    "quick_add_form": DialogCase(("n", *"Ann Lee =maria", "tab"), QuickAddScreen),
    "lose": DialogCase(("x",), LoseReasonScreen),
    "lose_marked": DialogCase(("space", "space", "x"), LoseReasonScreen),
    "assign_marked": DialogCase(("space", "space", "equals_sign"), AssignScreen),
    "log_touch": DialogCase(("l",), LogTouchScreen),
    "follow_up": DialogCase(("f",), FollowUpScreen),
    "snooze_follow_up": DialogCase(("z",), FollowUpScreen),
    "hide": DialogCase(("s",), FollowUpScreen),
    "classify": DialogCase(("c",), ClassifyScreen),
    "edit": DialogCase(("e",), EditLeadScreen),
    "qualify_confirm": DialogCase(("2", "l", "l", "a"), ConfirmScreen),
    "bulk_confirm": DialogCase(("2", "space", "space", "a"), ConfirmScreen),
    "filter": DialogCase(("ctrl+f",), FilterScreen),
    "search": DialogCase(("slash",), SearchScreen),
    "keys": DialogCase(("question_mark",), KeysScreen),
    "history_entry": DialogCase(("enter", "enter"), EntryScreen),
    "find_duplicates": DialogCase(PALETTE_DUPES, DupesScreen, a_duplicate),
    "merge": DialogCase((*PALETTE_DUPES, "enter"), MergeScreen, a_duplicate),
    "import": DialogCase(("ctrl+p", *"Import file", "enter"), ImportScreen),
    "erase": DialogCase(("ctrl+p", *"Erase personal data", "enter"), EraseScreen),
    "kpi_window": DialogCase(("4", "D"), CustomWindowScreen),
    "kpi_spend": DialogCase(("4", "dollar_sign"), SpendScreen),
    "learn_fields": DialogCase(
        ("ctrl+p", *"Choose what the win chance learns from", "enter"), LearnFieldsScreen
    ),
}
