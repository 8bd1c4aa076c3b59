"""Reassigning from the TUI (`=`, as quick-add's `=rep1` names an owner;
the palette's "Assign to…"): the marked leads, or the selected one, to
the owner typed in AssignScreen, as one action (`u` takes it all back,
`U` puts it back). Each lead is expected with the owner it was seen
with: one a teammate reassigned meanwhile is left as they left it and
named, as a bulk move's undo leaves a lead a teammate changed
(repository/assign_set.py)."""

from typing import TYPE_CHECKING

from leadtui.domain.models import Lead
from leadtui.repository import Assigned
from leadtui.tui.cells import plain
from leadtui.tui.dialogs.assign import AssignScreen

if TYPE_CHECKING:
    from leadtui.tui.moves import MovesScreen


def assign_leads(screen: "MovesScreen") -> None:
    """Ask for the owner, then assign: the marked leads, else the selected one."""
    if screen.selection:
        count = len(screen.selection)
        seen = screen.selection.owners_seen()
        what = f"{count:,} marked lead{'s' * (count != 1)}"
        screen.app.push_screen(
            AssignScreen(what), lambda owner: _assign(screen, owner, seen, marked=True)
        )
        return

    def ask(lead: Lead) -> None:
        seen: list[tuple[int, str | None]] = [(lead.id, lead.owner or "")]
        screen.app.push_screen(
            AssignScreen(lead.tag()), lambda owner: _assign(screen, owner, seen, marked=False)
        )

    screen._with_lead(screen.selected_lead_id(), ask)


def _assign(
    screen: "MovesScreen", owner: str | None, seen: list[tuple[int, str | None]], *, marked: bool
) -> None:
    if not owner:
        return

    def done(assigned: Assigned) -> None:
        if marked:
            screen._show_marks(screen.selection.clear())
        screen.notify(message(assigned), markup=False, timeout=5)
        screen.reload_all()

    # Refused (a rep's lead that is not theirs, a lead gone): the marks stay.
    screen._write_job(lambda repo: repo.assign_many(owner, seen), done, failed=screen.reload_all)


def message(assigned: Assigned) -> str:
    """One line: how many, to whom, and what was left alone (stored names
    cleaned for the terminal)."""
    text = plain(assigned.said("u undoes it"))
    return text[:1].upper() + text[1:]
