"""The `?` screen: every key, grouped, read from the bindings themselves so
the help can never drift from what the keys really do."""

from collections.abc import Iterable, Mapping
from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.keys import key_to_character
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
        keys = ", ".join(display or key_label(key) for key in shown)
        what = binding.tooltip or binding.description
        rows.append((keys, f"{what} [{binding.id}]" if binding.id else what))
    return rows


def key_label(key: str) -> str:
    """A key as README and the footer write it: `=` for equals_sign, `esc`
    for escape (`?` showed Textual's names); keys named by a word (enter,
    space, tab, pageup, ctrl+f) keep their word."""
    if key == "escape":
        return "esc"
    character = key_to_character(key)
    usable = character is not None and character.isprintable() and not character.isspace()
    return character if usable and character is not None else key


Groups = dict[str, list[tuple[str, str]]]
# The keys' column: two cells of indent, then the keys, then a gap.
KEYS_CELLS = 18


def key_list(groups: Groups, width: int) -> Content:
    """Every group's keys and what they do, in `width` cells: a description
    too long for its line goes on under itself, not under the keys (at 60
    columns "[due]" and "(again: all)" began lines of their own at the
    left edge, where the keys are)."""
    lines: list[Content] = []
    for title, rows in groups.items():
        lines.append(Content.styled(title, "bold underline"))
        for keys, description in rows:
            label = Content.styled(f"  {keys:<{KEYS_CELLS - 3}} ", "bold")
            room = max(10, width - label.cell_length)
            wrapped = Content(description).wrap(room) or [Content("")]
            lines.append(label + wrapped[0])
            lines += [Content(" " * label.cell_length) + line for line in wrapped[1:]]
        lines.append(Content(""))
    lines.append(Content.styled("esc or ? closes this", "$foreground-muted"))
    return Content("\n").join(lines)


class KeyList(Static):
    """The keys, wrapped again whenever the width changes."""

    def __init__(self, groups: Groups) -> None:
        super().__init__(key_list(groups, KEYS_CELLS + 40), markup=False)
        self.groups = groups
        self.wrapped_for = 0

    def on_resize(self) -> None:
        width = self.content_size.width
        if width and width != self.wrapped_for:
            self.wrapped_for = width
            # After this layout: one asked for during it kept the old height.
            self.call_after_refresh(self.update, key_list(self.groups, width))


class KeysScreen(Dialog[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(self, groups: Groups) -> None:
        super().__init__()
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="keys", classes="dialog"):
            yield KeyList(self.groups)

    def action_close(self) -> None:
        self.dismiss(None)
