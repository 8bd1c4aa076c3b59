"""The `?` screen: every key, grouped, read from the bindings themselves so
the help can never drift from what the keys really do."""

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


def describe(bindings: Iterable[BindingType]) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = ", ".join(binding.key_display or key for key in binding.key.split(","))
        rows.append((keys, binding.tooltip or binding.description))
    return rows


class KeysScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, groups: dict[str, list[tuple[str, str]]]) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        parts: list[str | tuple[str, str]] = []
        for title, rows in self.groups.items():
            parts += [(title, "bold underline"), "\n"]
            for keys, description in rows:
                parts += [(f"  {keys:<16}", "bold"), description, "\n"]
            parts.append("\n")
        parts.append(("esc or ? closes this", "dim"))
        with VerticalScroll(id="keys", classes="dialog"):
            yield Static(Content.assemble(*parts))

    def action_close(self) -> None:
        self.dismiss(None)
