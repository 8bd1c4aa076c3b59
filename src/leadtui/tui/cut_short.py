"""A bulk move or reassignment the last session left half done (the
terminal hung up mid-move): said once at start, in one line, with what to
press. Before, only `u` found it ("Undid: Lose 5,000 of 20,061 leads")."""

from typing import TYPE_CHECKING

from leadtui.repository import CutShort, cut_short
from leadtui.tui.dbwork import run_db
from leadtui.tui.stale_marks import MOVE_KEYS

if TYPE_CHECKING:
    from leadtui.tui.moves import MovesScreen

# The journal's verbs (pipeline.Move.verb, assign_set's "Assign") and the
# ids of the bindings that do them (config.toml may remap those keys).
BINDING_OF = {
    "Advance": "advance",
    "Move back": "back",
    "Win": "win",
    "Lose": "lose",
    "Reopen": "reopen",
    "Assign": "assign",
}
DEFAULT_KEYS = {**MOVE_KEYS, "assign": "=", "mark-all": "V", "undo": "u"}


def notice(short: CutShort, keymap: dict[str, str]) -> str:
    """The one line: what stopped where, and the two ways on."""

    def key(binding: str) -> str:
        return (keymap.get(binding) or DEFAULT_KEYS[binding]).split(",")[0]

    what = (
        f"reassignment (to {short.owner})"
        if short.owner is not None
        else f"bulk move ({short.verb})"
    )
    return (
        f"Your last {what} stopped after {short.done:,} of {short.total:,} leads:"
        f" {key('undo')} undoes those, or mark the rest ({key('mark-all')})"
        f" and press {key(BINDING_OF[short.verb])} again"
    )


def tell_cut_short(screen: "MovesScreen") -> None:
    """Look, in a worker, whether the rep's own last action was cut short."""

    def found(short: CutShort | None) -> None:
        if short is not None:
            # The owner's name is the team's data: never read as markup.
            screen.notify(
                notice(short, screen.settings.keymap), markup=False, severity="warning", timeout=20
            )

    run_db(screen, cut_short, found, key="cut-short")
