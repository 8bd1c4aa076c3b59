"""The footer's key hints, fitted to the terminal's width.

Textual's Footer lays every hint in a row and the edge cuts what does not
fit: at 60 columns "? Keys" and "/ Find" went, and "n Add" was cut to
"n A". This one goes compact (a cell less a hint) when that is what it
takes, and then leaves out the least needed hints, whole, until the rest
fit beside the palette's; `?` (which lists every key) always stays."""

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.widgets import Footer

# A binding as a hint shows it: key, action, description, enabled, tooltip.
ShownBinding = tuple[str, str, str, bool, str]
Drawing = tuple[tuple[ShownBinding, ...], tuple[bool, frozenset[str]], bool]

# The hints a rep needs most, first; a pane's own keys (the KPI tab's) come
# right after `?`, in their order, and anything else after these.
PRIORITY = ("keys", "advance", "lose", "undo", "search", "log_touch", "quick_add", "hide", "quit")
ALWAYS = "keys"
# "▏^p palette": its border, key and description, with the footer's padding.
PALETTE_CELLS = 13
PALETTE_COMPACT_CELLS = 11


def hint_cells(key: str, description: str, *, compact: bool) -> int:
    """A hint's cells as FooterKey draws it: " a Advance " side by side, or
    "a Advance" and a margin of one when compact."""
    return cell_len(key) + cell_len(description) + (2 if compact else 3)


def fit(hints: list[tuple[str, str, str]], width: int, *, palette: bool) -> tuple[bool, set[str]]:
    """Whether to draw compact, and the actions whose hints are left out, for
    `hints` (action, key, description, in the footer's order) in `width`."""

    def room(compact: bool) -> int:
        used = (PALETTE_COMPACT_CELLS if compact else PALETTE_CELLS) if palette else 0
        return width - used

    def cells(shown: list[tuple[str, str, str]], compact: bool) -> int:
        return sum(hint_cells(key, text, compact=compact) for _, key, text in shown)

    if cells(hints, compact=False) <= room(False):
        return False, set()
    if cells(hints, compact=True) <= room(True):
        return True, set()

    def rank(hint: tuple[str, str, str]) -> tuple[int, int]:
        action = hint[0]
        if action in PRIORITY:
            place = PRIORITY.index(action)
            return (0 if place == 0 else 2, place)
        return (1, hints.index(hint))  # a pane's own keys

    kept = sorted(hints, key=rank)
    while len(kept) > 1 and cells(kept, compact=True) > room(True):
        kept.pop()  # the least needed
    return True, {action for action, _, _ in hints} - {action for action, _, _ in kept}


class KeyFooter(Footer):
    """Footer with the hints that fit, most needed first (see fit)."""

    def __init__(self) -> None:
        super().__init__()
        self._drawn: Drawing | None = None  # what the hints on screen show

    def _hints(self) -> list[tuple[str, str, str]]:
        """The hints Footer would show (one per action), but the palette's."""
        shown: dict[str, tuple[str, str, str]] = {}
        for key, (_, binding, _, _) in self.screen.active_bindings.items():
            if key == self.app.COMMAND_PALETTE_BINDING or not binding.show:
                continue
            if binding.action not in shown:
                display = self.app.get_key_display(binding)
                shown[binding.action] = (binding.action, display, binding.description)
        return list(shown.values())

    def _drawing(self) -> Drawing:
        """Everything the hints show: each binding's key, text, whether it is
        enabled and its tooltip, and the plan for this width."""
        shown = tuple(
            (key, binding.action, binding.description, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show
        )
        return shown, self._plan(), self.show_command_palette

    async def recompose(self) -> None:
        # Footer rebuilds every hint on each bindings signal: each focus change
        # and each refresh of which keys are enabled, several for one key press,
        # and each rebuild mounts and styles a dozen widgets (a third of a
        # test's start-up CPU). Rebuild only when what they show changed.
        if self._drawn is not None and self._drawn == self._drawing():
            return
        await super().recompose()

    def _plan(self) -> tuple[bool, frozenset[str]]:
        palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        compact, left_out = fit(self._hints(), self.app.size.width, palette=palette)
        return compact, frozenset(left_out)

    def compose(self) -> ComposeResult:
        left_out: frozenset[str] | None = None
        for widget in super().compose():
            # Footer yields nothing until the screen's bindings are ready:
            # only then can they be read.
            if left_out is None:
                self._drawn = self._drawing()
                compact, left_out = self._drawn[1]  # the plan for this width
                self.compact = compact
            # A hint (FooterKey, not public) names its action.
            if getattr(widget, "action", None) in left_out:
                continue
            yield widget

    def on_resize(self, event: Resize) -> None:
        # Hints for the new width: recompose rebuilds only if the plan changed.
        if self._drawn is not None:
            self.call_after_refresh(self.recompose)
