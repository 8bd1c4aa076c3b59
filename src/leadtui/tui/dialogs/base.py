"""What every dialog is: a modal screen, centred by one rule of the
stylesheet (`Dialog` in styles/leadtui.tcss), whatever its size. A dialog
built on ModalScreen directly would open in the top-left corner over the
header: tests/test_dialogs.py holds every modal screen of the TUI to this
base and measures that each box is centred."""

from typing import TypeVar

from textual.containers import VerticalScroll
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal over the main screen that returns its answer by dismiss()."""


class FieldsScroll(VerticalScroll, can_focus=False):
    """A dialog's scrolling box of fields. Not focusable itself, as a plain
    VerticalScroll is: shift+tab from the first field (up, in the merge
    dialog) focused the box, which shows no focus, and what was typed there
    went nowhere. A field scrolls itself into view as it takes focus, and
    the page keys still scroll the box from inside it."""
