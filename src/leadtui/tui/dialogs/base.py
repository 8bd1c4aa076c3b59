"""What every dialog is: a modal screen, centred by one rule of the
stylesheet (`Dialog` in styles/leadtui.tcss), whatever its size. A dialog
built on ModalScreen directly would open in the top-left corner over the
header: tests/test_dialogs.py holds every modal screen of the TUI to this
base and measures that each box is centred."""

from typing import TypeVar

from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal over the main screen that returns its answer by dismiss()."""
