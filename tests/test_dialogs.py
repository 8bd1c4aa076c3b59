"""Every dialog is a Dialog (tui/dialogs/base.py), centred by the one rule
of the stylesheet that centres Dialog, at 80x24, 120x40 and 60x20; its text
fields clean what is typed or pasted (TextField, TextBox), and their
placeholders fit them. No modal screen
of the TUI is left out of the cases (tests/dialog_cases.py), which the
snapshots share."""

import importlib
import pkgutil

import pytest
from rich.cells import cell_len
from textual.screen import ModalScreen
from textual.widgets import Input, TextArea

import leadtui.tui
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextBox, TextField
from leadtui.tui.dialogs.kpi_forms import _Form
from leadtui.tui.dialogs.lead_form import LeadFormScreen
from tests.dialog_cases import DIALOGS
from tests.tui_helpers import SIZE, settle

# Many apps or servers started: part of the full suite, not the quick loop.
pytestmark = pytest.mark.slow

ABSTRACT = {Dialog, _Form, LeadFormScreen}


def modal_screens() -> set[type[ModalScreen[object]]]:
    """Every modal screen class the TUI defines."""
    for module in pkgutil.walk_packages(leadtui.tui.__path__, "leadtui.tui."):
        importlib.import_module(module.name)
    found: set[type[ModalScreen[object]]] = set()
    pending: list[type[ModalScreen[object]]] = [ModalScreen]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.startswith("leadtui."):
                found.add(subclass)
    return found


def test_every_modal_screen_is_a_dialog_and_has_a_case() -> None:
    screens = modal_screens()
    assert all(issubclass(screen, Dialog) for screen in screens)
    assert screens - ABSTRACT == {case.screen for case in DIALOGS.values()}


@pytest.mark.parametrize("name", DIALOGS)
async def test_the_dialog_is_centred_and_its_fields_clean_text(
    name: str, sample_repo: Repository
) -> None:
    case = DIALOGS[name]
    if case.prepare:
        case.prepare(sample_repo)
    app = LeadApp(sample_repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in case.keys:
            await pilot.press(key)
            await settle(pilot)
        dialog = app.screen
        assert type(dialog) is case.screen
        assert all(isinstance(field, TextField) for field in dialog.query(Input))
        assert all(isinstance(box, TextBox) for box in dialog.query(TextArea))
        # 60x20 too: a dialog wider than the terminal lost its right edge.
        for width, height in (SIZE, (120, 40), (60, 20)):
            await pilot.resize_terminal(width, height)
            await settle(pilot)
            box = dialog.query(".dialog").first().region
            margins = (box.x, width - box.right, box.y, height - box.bottom)
            left, right, top, bottom = margins
            assert abs(left - right) <= 1 and abs(top - bottom) <= 1, (width, height, margins)
            assert min(margins) >= 0
            # An empty box's placeholder fits it: the filter's syntax was
            # cut at "score:50-8", the follow-up's "empty clears it" lost.
            for field in dialog.query(Input):
                room = field.content_size.width
                if room and not field.value:  # shown (a hidden form's are 0 wide)
                    assert cell_len(str(field.placeholder)) <= room, (width, field.id)
            # A dialog taller than the terminal scrolls: its last line (the
            # keys' hint) can be brought into view, not clipped for good.
            frame = dialog.query(".dialog").first()
            frame.scroll_end(animate=False, immediate=True)
            await settle(pilot)
            last = [child for child in frame.children if child.display][-1]
            shown = last.region  # empty when wholly out of view
            assert shown and shown.bottom <= frame.content_region.bottom, (width, height)


def test_an_example_in_an_empty_field_says_it_is_one() -> None:
    """A grey "Acme Corp" or "2027-01-31" in an empty field was read as the
    lead's own company or close date: an example value says "e.g."; only
    words that describe the field (who works the lead) go without."""
    from leadtui.tui.dialogs.edit import PLACEHOLDERS
    from leadtui.tui.dialogs.quick_add import FIELDS

    descriptions = {"source", "owner"}
    examples = [hint for field, _, hint in FIELDS if field not in descriptions]
    examples += list(PLACEHOLDERS.values())
    assert examples and all(hint.startswith("e.g. ") for hint in examples)
