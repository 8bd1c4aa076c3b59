"""README's Keys table against the app: a row that names fewer choices than
the key cycles through tells a new user something untrue."""

from pathlib import Path

from leadtui.domain.orders import ORDERS

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
