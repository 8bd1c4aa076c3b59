"""The `?` screen: every key, grouped, read from the bindings themselves so
the help can never drift from what the keys really do."""

from collections.abc import Iterable, Mapping
from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from leadtui.tui.dialogs.base import Dialog


def with_ids(bindings: Iterable[Binding], prefix: str = "") -> list[BindingType]:
    """Every binding with an id (its action's name, "open_lead" -> "open-lead",
    unless it has one), by which config.toml's [keys] remaps it."""
    return [
        replace(binding, id=binding.id or prefix + binding.action.replace("_", "-"))
        for binding in bindings
    ]


def describe(
    bindings: Iterable[BindingType], keymap: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(keys, what they do [id]) for each binding, keys as remapped."""
    rows: list[tuple[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        remapped = (keymap or {}).get(binding.id or "")
        shown = remapped.split(",") if remapped else binding.key.split(",")
        display = binding.key_display if not remapped else None
        keys = ", ".join(display or key for key in shown)
        what = binding.tooltip or binding.description
        rows.append((keys, f"{what} [{binding.id}]" if binding.id else what))
    return rows


class KeysScreen(Dialog[None]):
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
        parts.append(("esc or ? closes this", "$foreground-muted"))
        with VerticalScroll(id="keys", classes="dialog"):
            yield Static(Content.assemble(*parts))

    def action_close(self) -> None:
        self.dismiss(None)
