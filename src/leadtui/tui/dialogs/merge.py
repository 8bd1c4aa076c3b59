"""The palette's "Find duplicates": the groups of likely duplicates, then
two leads side by side, a choice per differing field, and one merge."""

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from leadtui.domain.merge_plan import FieldChoice, choices
from leadtui.domain.models import Lead
from leadtui.domain.results import DuplicateGroups
from leadtui.tui.cells import plain
from leadtui.tui.dialogs.base import Dialog, FieldsScroll


def lead_line(lead: Lead) -> str:
    where = ", ".join(plain(part) for part in (lead.company, lead.stage.label) if part)
    contact = " ".join(plain(part) for part in (lead.email, lead.phone) if part)
    return f"{plain(lead.tag())} ({where}) {contact}".rstrip()


class DupesScreen(Dialog[list[Lead] | None]):
    """Each group: why, and its leads. enter picks a group to merge."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, found: DuplicateGroups) -> None:
        super().__init__()
        self.found = found
        self.groups = found.groups

    def compose(self) -> ComposeResult:
        with Vertical(id="dupes-dialog", classes="dialog"):
            count = len(self.groups)
            title = f"{count} group{'s' if count != 1 else ''} of likely duplicates"
            if self.found.left_out():  # "200 groups" of 28,298 read as all there is
                title = f"{count:,} of {self.found.counted()} groups of likely duplicates"
            yield Static(title if count else "No likely duplicates", classes="dialog-title")
            options = [
                Option(
                    Content.assemble(
                        (why, "bold"), *(("\n  " + lead_line(lead)) for lead in leads)
                    ),
                    id=str(index),
                )
                for index, (why, leads) in enumerate(self.groups)
            ]
            if options:  # else an empty box under "No likely duplicates"
                yield OptionList(*options, id="dupes-list")
            yield Static("enter compare and merge · esc close", classes="dialog-hint")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.groups[int(event.option.id or 0)][1])


class PickRow(Widget, can_focus=True):
    """One differing field: the kept lead's value on the left, the other's on
    the right; ←/→ pick a side, the picked one is highlighted."""

    BINDINGS = [
        Binding("left", "pick('keep')", "Keep", show=False),
        Binding("right", "pick('other')", "Take", show=False),
        Binding("space", "switch_side", "Switch", show=False),
    ]

    def __init__(self, choice: FieldChoice) -> None:
        super().__init__(classes="pick-row")
        self.choice = choice
        self.side = choice.default

    def render(self) -> Content:
        width = max(10, (self.size.width - 12) // 2)

        def side(text: str, name: str) -> tuple[str, str]:
            shown = plain(text) or "—"
            shown = shown if len(shown) <= width - 2 else shown[: width - 3] + "…"
            return (
                f" {shown:<{width - 1}}",
                "reverse" if self.side == name else "$foreground-muted",
            )

        return Content.assemble(
            (f"{self.choice.field:<10}", "bold"),
            side(self.choice.keep, "keep"),
            " ",
            side(self.choice.other, "other"),
        )

    def action_pick(self, side: str) -> None:
        self.side = side
        self.refresh()

    def action_switch_side(self) -> None:
        self.action_pick("other" if self.side == "keep" else "keep")


@dataclass(frozen=True)
class MergeRequest:
    keep: Lead
    other: Lead
    picks: dict[str, str]


class MergeScreen(Dialog[MergeRequest | None]):
    """Two leads compared field by field; `s` swaps which one is kept."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("enter,ctrl+s", "merge", "Merge"),
        Binding("s", "swap", "Swap"),
        Binding("down", "app.focus_next", show=False),
        Binding("up", "app.focus_previous", show=False),
    ]

    def __init__(self, keep: Lead, other: Lead) -> None:
        super().__init__()
        self.keep, self.other = keep, other

    def compose(self) -> ComposeResult:
        with FieldsScroll(id="merge-dialog", classes="dialog"):
            yield Static(id="merge-title", classes="dialog-title", markup=False)
            yield Vertical(id="merge-rows")
            yield Static(
                "←/→ pick a side · ↑/↓ move · s swap which lead is kept · enter merge · esc cancel",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        self.query_one("#merge-title", Static).update(
            f"Keep {plain(self.keep.tag())},"
            f" merge in {plain(self.other.tag())}:"
            " its touches, stage changes, tags and custom fields move over"
        )
        rows = self.query_one("#merge-rows", Vertical)
        rows.remove_children()
        found = choices(self.keep, self.other)
        rows.mount_all(PickRow(choice) for choice in found)
        if not found:
            rows.mount(Static("The two leads hold the same values.", markup=False))
        else:
            self.call_after_refresh(lambda: self.set_focus(self.query(PickRow).first()))

    def action_swap(self) -> None:
        self.keep, self.other = self.other, self.keep
        self._fill()

    def action_merge(self) -> None:
        picks = {row.choice.field: row.side for row in self.query(PickRow)}
        self.dismiss(MergeRequest(self.keep, self.other, picks))
