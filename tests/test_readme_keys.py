"""README's Keys table against the app: a row that names fewer choices than
the key cycles through tells a new user something untrue."""

import re
from pathlib import Path

from textual.binding import Binding

from leadtui.domain.orders import ORDERS
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.help import key_label
from leadtui.tui.key_places import PLACES
from leadtui.tui.main_screen import MainScreen
from leadtui.tui.moves import MovesScreen

README = Path(__file__).resolve().parent.parent / "README.md"

# How README's row names each order (the notification's label, shortened).
NAMED = {
    "score": "rule score",
    "chance": "learned win chance",
    "value": "value",
    "age": "age",
    "follow_up": "next follow-up",
    "touch": "last touch",
}


def keys_row(key: str) -> str:
    prefix = f"| `{key}` |"
    [row] = [line for line in README.read_text().splitlines() if line.startswith(prefix)]
    return row


def test_the_o_row_names_every_order_o_cycles_through() -> None:
    assert set(NAMED) == set(ORDERS)
    row = keys_row("o")
    assert [name for name, words in NAMED.items() if words not in row] == []
    # Ascending orders (age, follow-up, touch) mark their column ▲, not ▼.
    assert "▲" in row and "▼" in row


TABS = ("Inbox", "Pipeline", "Lead", "KPIs")


def keys_section() -> list[str]:
    """README's lines from "## Keys" to the next section."""
    text = README.read_text().split("\n## Keys\n", 1)[1]
    return text.split("\n## ", 1)[0].splitlines()


def _tabs(text: str) -> set[str]:
    """The tabs TEXT names before any aside (";", "(")."""
    named = re.split(r"[;(]", text, maxsplit=1)[0]
    return {tab for tab in TABS if re.search(rf"\b{tab}\b", named)}


def test_where_a_key_says_it_works_is_where_readme_says() -> None:
    """A key pressed where it does nothing names where it works
    (tui/key_places.py): the tabs README's Where column gives it."""
    bindings = [b for b in (*MovesScreen.BINDINGS, *MainScreen.BINDINGS) if isinstance(b, Binding)]
    checked = 0
    for binding in bindings:
        place = PLACES.get(binding.action.partition("(")[0])
        if place is None:
            continue
        label = key_label(binding.key.split(",")[0])
        row, *_ = [  # the first: `l` is the Pipeline's next column further down
            line for line in keys_section()
            if line.startswith("| ") and f"`{label}`" in line.split(" | ")[0]
            and "with marks" not in line
        ]  # fmt: skip
        where = row.split(" | ")[1]
        assert _tabs(place[1]) == _tabs(where), (binding.key, place[1], where)
        checked += 1
    assert checked == len(PLACES) + 1  # `[` and `]` share step_lead


def test_the_app_s_own_keys_are_in_the_table() -> None:
    for binding in LeadApp.BINDINGS:
        assert isinstance(binding, Binding)
        assert keys_row(binding.key).count("|") == 4
