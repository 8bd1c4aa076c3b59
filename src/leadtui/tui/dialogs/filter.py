"""`ctrl+f`: the filter for the inbox and the board, typed as one line
(`source:referral hot score:50+ overdue`) and checked as you type; enter
applies it, an empty line clears it, esc leaves it as it was. An owner no
lead has and no user is (a typo: `bne` for `ben`) is a warning, not an
error: enter still applies it, but the user has read who the owners are.
"Nobody" is asked of the database, whose lower() the filter matches with:
SQLite's folds A-Z only (`owner:émile` finds no Émile; casefold said it
would), PostgreSQL's as its locale does."""

from contextlib import suppress

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from leadtui.domain.errors import InvalidInput
from leadtui.domain.filters import ME, SYNTAX, LeadFilter, parse, unknown_owner
from leadtui.repository import Repository
from leadtui.tui.dbwork import app_repository, run_db
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField
from leadtui.tui.me import resolve_me

EXAMPLE = "e.g. source:referral hot score:50-80"


class FilterScreen(Dialog[LeadFilter | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, current: str, *, select: bool = True) -> None:
        """`select`: the text starts selected, so what is typed replaces it
        (a rep typing `owner:me` over `mine` got `mineowner:me`); off when
        the text is a start to go on from (`mine source:`)."""
        super().__init__()
        self.current = current
        self.select = select

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-dialog", classes="dialog"):
            yield Static("Filter the inbox and the board", classes="dialog-title", markup=False)
            # The syntax is longer than the box (72 characters to its 50):
            # as a placeholder it was cut at "score:50-8". It shows whole
            # under the box, wrapped if need be.
            yield TextField(
                self.current, placeholder=EXAMPLE, id="filter-text", select_on_focus=self.select
            )
            yield Static("", id="filter-error", classes="field-error", markup=False)
            yield Static("", id="filter-warning", classes="field-warning", markup=False)
            yield Static(SYNTAX, id="filter-syntax", classes="dialog-hint", markup=False)
            yield Static(
                "enter apply · empty clears · owner:me is you · esc cancel",
                classes="dialog-hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self._check(self.query_one(TextField).value)

    def _me(self) -> str:
        """Who the app acts as: the signed-in user in a browser."""
        return app_repository(self).actor

    @on(Input.Changed)
    def check(self, event: Input.Changed) -> None:
        self._check(event.value)

    def _check(self, text: str) -> None:
        error = self.query_one("#filter-error", Static)
        warning = self.query_one("#filter-warning", Static)
        try:
            owner = parse(resolve_me(text, self._me())).owner
        except InvalidInput as problem:
            error.update(str(problem).removeprefix("filter: "))
            error.display, warning.display = True, False
            return
        error.display = False

        def checked(unknown: str | None) -> None:
            warning.update(unknown or "")
            # A syntax error typed since is said alone.
            warning.display = unknown is not None and not error.display

        # One small read a key (the owners' totals and the users): the
        # newest supersedes the rest.
        run_db(self, lambda repo: owner_warning(repo, owner), checked, key="filter-owner")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        with suppress(InvalidInput):  # else the error is already shown beneath the line
            self.dismiss(parse(resolve_me(event.value, self._me())))


def owner_warning(repo: Repository, owner: str | None) -> str | None:
    """The warning for a filter's owner that names nobody: no lead's owner
    and no user the database's lower() matches (as the filter will), with
    the owners as they are spelled. None for someone, or for no owner."""
    if owner is None or owner.lower() == ME:
        return None
    if repo.owners(with_users=True, spelling=owner):
        return None
    return unknown_owner(owner, repo.owners(with_users=True), fold_case=False)
