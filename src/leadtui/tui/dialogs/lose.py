"""The `x` prompt: asks why a lead was lost. The reason is required: typed
freely, or picked from the reasons the team has already given (the most
used first, then a few common ones), so that the KPI tab's lost reasons
stay few and comparable."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from leadtui.domain.errors import InvalidInput
from leadtui.domain.pipeline import lost_reason, reason_key
from leadtui.domain.sanitize import clean_line
from leadtui.tui.cells import plain
from leadtui.tui.dbwork import run_db
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField

COMMON_REASONS = ("No budget", "Chose a competitor", "No response", "Bad timing", "Not a fit")
SHOWN_REASONS = 8


def offered(team: list[str]) -> list[str]:
    """The team's reasons, one spelling each, then the common ones it has not
    used (in any case or spacing)."""
    used = {reason_key(reason) for reason in team}
    return [*team, *(reason for reason in COMMON_REASONS if reason_key(reason) not in used)]


def completed(typed: str, reasons: list[str]) -> str | None:
    """The reason enter takes for what is typed: the one it spells (case and
    spacing aside), else the first it begins, the one the box suggests (`no
    b` is `No budget`: stored as typed, it started a KPI row of its own);
    None when it begins none, for a new reason."""
    wanted = clean_line(typed).casefold()
    if not wanted:
        return None
    key = reason_key(typed)
    spelled = [reason for reason in reasons if reason_key(reason) == key]
    begun = [reason for reason in reasons if reason.casefold().startswith(wanted)]
    return next(iter(spelled + begun), None)


# The option that keeps what is typed as a new reason, after the ones it begins.
NEW_REASON = "new-reason"


class LoseReasonScreen(Dialog[str | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "into_reasons", "Pick a reason", show=False),
    ]

    def __init__(self, lead_name: str) -> None:
        super().__init__()
        self.lead_name = lead_name
        self.reasons = offered([])

    def compose(self) -> ComposeResult:
        with Vertical(id="lose-dialog", classes="dialog"):
            yield Static(
                Content.assemble("Lose ", (plain(self.lead_name), "bold"), "?"),
                classes="dialog-title",
            )
            yield TextField(
                placeholder="Reason (required), e.g. No budget",
                id="lose-reason",
                suggester=SuggestFromList(self.reasons, case_sensitive=False),
            )
            yield Static("", id="lose-reason-error", classes="field-error", markup=False)
            yield Static("", id="lose-enter-takes", markup=False)
            yield OptionList(id="lose-reasons")
            yield Static(
                "enter lose · ↓ pick a reason already given · esc cancel", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self._show_reasons("")
        self.query_one("#lose-reason", Input).focus()
        run_db(self, lambda repo: repo.lost_reasons(), self._team_reasons, key="lost-reasons")

    def _team_reasons(self, team: list[str]) -> None:
        # Stored text, shown and offered as a terminal may show it.
        self.reasons = offered(
            list(dict.fromkeys(plain(reason) for reason in team if plain(reason)))
        )
        field = self.query_one("#lose-reason", Input)
        field.suggester = SuggestFromList(self.reasons, case_sensitive=False)
        self._show_reasons(field.value)

    @on(Input.Changed, "#lose-reason")
    def _typed(self, event: Input.Changed) -> None:
        self._show_reasons(event.value)

    def _show_reasons(self, typed: str) -> None:
        """The reasons holding what is typed (all of them for nothing), then,
        when enter would take one of them instead, what is typed as a new
        reason to pick; and under the box, what enter takes."""
        wanted = clean_line(typed)
        matching = [r for r in self.reasons if wanted.casefold() in r.casefold()]
        options = [Option(Content(reason)) for reason in matching[:SHOWN_REASONS]]
        takes = completed(typed, self.reasons)
        if takes is not None and reason_key(takes) != reason_key(typed):
            options.append(Option(Content(f"new reason: {wanted}"), id=NEW_REASON))
        choices = self.query_one("#lose-reasons", OptionList)
        choices.clear_options()
        choices.add_options(options)
        choices.display = bool(options)
        said = self.query_one("#lose-enter-takes", Static)
        said.display = bool(wanted)  # no line over the list before a key
        said.update(
            Content.assemble("enter: ", (takes, "bold"))
            if takes is not None
            else Content(f"enter: new reason {wanted}")
        )

    def action_into_reasons(self) -> None:
        choices = self.query_one("#lose-reasons", OptionList)
        if self.focused is not choices and choices.option_count:
            choices.focus()
            choices.highlighted = 0

    @on(OptionList.OptionSelected, "#lose-reasons")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == NEW_REASON:
            self._lose_for(self.query_one("#lose-reason", Input).value)
        else:
            self.dismiss(str(event.option.prompt))

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        self._lose_for(completed(event.value, self.reasons) or event.value)

    def _lose_for(self, reason: str) -> None:
        try:
            self.dismiss(lost_reason(reason))
        except InvalidInput as problem:
            error = self.query_one("#lose-reason-error", Static)
            said = str(problem)
            error.update(f"{said[:1].upper()}{said[1:]}.")
            error.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)
