"""Where a key works, said when it is pressed where it does nothing.

A lead key on the KPIs tab, `s` off the inbox's New leads, `[` or `]` off
the Lead tab: Textual drops a key whose action is disabled there
(MainScreen.check_action), so the key did nothing, with no word. Now a
short notification names where it works ("a: advance works on the Inbox,
Pipeline and Lead tabs"), as README's keys table says.
"""

from collections.abc import Iterable, Mapping

from textual import events
from textual.binding import Binding, BindingType

from leadtui.tui.dialogs.help import key_label

# MainScreen's tabs, the inbox's two lists apart ("due": its Due list).
LEAD_TABS = ("inbox", "due", "pipeline", "lead")
EVERY_LEAD_TAB = "the Inbox, Pipeline and Lead tabs"

# An action's name (without its arguments): the tabs it works on, in words.
PLACES: dict[str, tuple[tuple[str, ...], str]] = {
    **{
        action: (LEAD_TABS, EVERY_LEAD_TAB)
        for action in (
            "advance", "lose", "win", "back", "pin_temperature", "edit", "classify",
            "follow_up", "snooze", "assign",
        )
    },
    "reopen": (("pipeline", "lead"), "the Pipeline and Lead tabs"),
    # On the Pipeline `l` is the next column; `L` logs there.
    "log_touch": (LEAD_TABS, "the Inbox and Lead tabs (on the Pipeline, L)"),
    "mark": (("inbox", "due", "pipeline"), "the Inbox and Pipeline tabs"),
    "mark_all": (("inbox", "due", "pipeline"), "the Inbox and Pipeline tabs"),
    # The inbox's New leads only (`d` switches the Due list back to them).
    "hide": (("inbox",), "the Inbox tab's New leads"),
    "step_lead": (("lead",), "the Lead tab"),
}  # fmt: skip


def _keys(binding: Binding, keymap: Mapping[str, str]) -> list[str]:
    remapped = keymap.get(binding.id or "")
    return (remapped or binding.key).split(",")


def where_it_works(
    event: events.Key,
    tab: str,
    bindings: Iterable[BindingType],
    keymap: Mapping[str, str],
) -> str | None:
    """The line to show for a key that nothing took on TAB (one of
    LEAD_TABS, or "kpis"), if one of BINDINGS names it and works elsewhere;
    None for any other key."""
    for binding in bindings:
        if not isinstance(binding, Binding):
            continue
        keys = _keys(binding, keymap)
        # A binding's key is a character ("[", "V") or a name ("space",
        # "equals_sign"): the event's character matches the one, its key the other.
        if event.key not in keys and (event.character is None or event.character not in keys):
            continue
        place = PLACES.get(binding.action.partition("(")[0])
        if place is None or tab in place[0]:
            return None
        return f"{key_label(event.key)}: {binding.description.lower()} works on {place[1]}"
    return None
