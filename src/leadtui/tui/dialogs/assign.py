"""`=` (or the palette's "Assign to…"): give the marked leads, or the
selected one, to an owner. The name completes from the team's owners and
users, as the filter's owner does; a name nobody has (case counting, as
`leadtui set ID owner NAME` compares) is warned of under the field, and
enter assigns all the same: a new rep's first leads are legitimate."""

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from leadtui.domain.filters import unknown_owner
from leadtui.domain.sanitize import clean_line
from leadtui.repository import Repository
from leadtui.tui.cells import plain
from leadtui.tui.dbwork import run_db
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField


class AssignScreen(Dialog[str | None]):
    """Answers the owner typed (one clean line), or None on esc."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what  # "3 marked leads", "#8 Ann Lee"
        # Every lead's owner and every user, once read (None until then).
        self.owners: list[str] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="assign-dialog", classes="dialog"):
            yield Static(f"Assign {plain(self.what)} to…", classes="dialog-title", markup=False)
            yield TextField(placeholder="Owner, e.g. maria", id="assign-owner")
            yield Static("", id="assign-error", classes="field-error", markup=False)
            yield Static("", id="assign-warning", classes="field-warning", markup=False)
            yield Static(
                "enter assign · → completes · u undoes it · esc cancel",
                classes="dialog-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self.query_one("#assign-owner", Input).focus()
        run_db(self, _owners, self._owners_read, key="assign-owners")

    def _owners_read(self, owners: list[str]) -> None:
        # Stored text, offered as a terminal may show it.
        self.owners = list(dict.fromkeys(plain(name) for name in owners if plain(name)))
        field = self.query_one("#assign-owner", Input)
        field.suggester = SuggestFromList(self.owners, case_sensitive=False)
        self._check(field.value)  # what was typed meanwhile

    @on(Input.Changed, "#assign-owner")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#assign-error", Static).display = False
        self._check(event.value)

    def _check(self, text: str) -> None:
        name = clean_line(text).strip()
        warning = self.query_one("#assign-warning", Static)
        known = self.owners
        # Not while the name is still the start of one (its completion is
        # shown): "a" on the way to "anna" is no typo. "Ben" beside "ben" is.
        typing = any(other.startswith(name) for other in known or ())
        said = None
        if name and known is not None and not typing:
            said = unknown_owner(name, known, fold_case=False)
        warning.update(said or "")
        warning.display = said is not None

    @on(Input.Submitted, "#assign-owner")
    def submit(self, event: Input.Submitted) -> None:
        name = clean_line(event.value).strip()
        if not name:
            error = self.query_one("#assign-error", Static)
            error.update("Type the new owner's name.")
            error.display = True
            return
        self.dismiss(name)


def _owners(repo: Repository) -> list[str]:
    return repo.owners(with_users=True)
