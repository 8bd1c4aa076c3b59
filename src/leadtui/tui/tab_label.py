"""A tab's label changed without laying the screen out again when it keeps
its width: the inbox's count changes with every teammate's move."""

from textual.content import Content
from textual.widgets import Static, Tab


def shown_label(tab: Tab) -> str:
    """What the tab draws (its `label` is set only when the width changes)."""
    return str(tab.content)


def relabel(tab: Tab, label: str) -> None:
    shown = shown_label(tab)
    if shown == label:
        return
    if len(shown) == len(label):
        # As many cells: nothing beside the tab moves, so it is redrawn
        # alone. Tab.label's setter lays the whole screen out again, which
        # cost each console more than the rest of a teammate's move.
        Static.update(tab, Content(label), layout=False)
    else:
        tab.label = label
