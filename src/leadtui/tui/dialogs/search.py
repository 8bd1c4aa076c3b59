"""`/`: find a lead by any word of its name, company, email, phone or notes,
or by its id ("#808" that lead alone, "808" that lead first).
Results follow every keystroke (an FTS5 query in a worker, newest wins);
↓ moves into them, enter opens one, esc closes. An enter typed before the
results of what was typed are back opens the first of them once they are,
and the keys typed after it wait till then (tui/typeahead.py)."""

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from leadtui.domain.models import Lead
from leadtui.domain.sanitize import shown_name
from leadtui.domain.search import id_asked
from leadtui.repository import Repository
from leadtui.tui.cells import plain
from leadtui.tui.dbwork import run_db
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField
from leadtui.tui.render import card_value
from leadtui.tui.typeahead import HeldKeys

RESULT_LIMIT = 50


@dataclass(frozen=True)
class Found:
    """The lead chosen, and every lead the search listed (for [ and ])."""

    lead_id: int
    listed: tuple[int, ...]


def result_line(lead: Lead) -> Content:
    """The lead's #id (two Jane Does are two leads), name in bold, then
    company, stage, value with its currency as on a card ("5,000" alone
    could be dollars or yen), email and phone: literal."""
    details = " · ".join(
        plain(part)
        for part in (lead.company, lead.stage.label, card_value(lead), lead.email, lead.phone)
        if part
    )
    return Content.assemble(
        (f"#{lead.id} ", "$foreground-muted"),
        (plain(shown_name(lead.name)), "bold"),
        "  ",
        (details, "$foreground-muted"),
    )


class SearchScreen(Dialog[Found | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("down", "into_results", show=False),
    ]

    def __init__(self, repo: Repository) -> None:
        super().__init__()
        self.repo = repo
        self.listed: list[int] = []
        self.listed_for = ""  # the text `listed` is the result of
        # Held by an enter typed ahead of its results, till they are back.
        self.opening_first = HeldKeys(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="search-dialog", classes="dialog"):
            yield TextField(placeholder="Find: #id, name, company, email, phone", id="search-text")
            yield Static("", id="search-count", markup=False)
            yield OptionList(id="search-results")
            yield Static("↓ results · enter open · esc close", classes="dialog-hint")

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self._look_up(event.value)

    def _look_up(self, text: str) -> None:
        run_db(
            self,
            lambda repo: repo.search(text, limit=RESULT_LIMIT),
            lambda leads: self._show(text, leads),
            key="search",
            on_error=self.opening_first.let_go,
        )

    def _show(self, text: str, leads: list[Lead]) -> None:
        if text != self.query_one("#search-text", Input).value:
            return  # typed on meanwhile: a newer search is on its way
        results = self.query_one("#search-results", OptionList)
        # In one step: clearing, then adding, changed the list's height twice,
        # each a layout of the whole screen, on every keystroke. The same
        # number of results (50+ while a prefix is vague) needs none.
        results.set_options(Option(result_line(lead), id=str(lead.id)) for lead in leads)
        self.listed, self.listed_for = [lead.id for lead in leads], text
        more = "+" if len(leads) == RESULT_LIMIT else ""
        counted = f"{len(leads)}{more} found" if text.strip() else ""
        if not leads and (asked := id_asked(text)) is not None and asked.only:
            counted = asked.missing()  # "#808" asks for one lead: say it is not there
        # One line, always (styles: #search-count): no layout for a new count.
        self.query_one("#search-count", Static).update(counted, layout=False)
        if self.opening_first.held:
            self._open_first()

    @on(Input.Submitted)
    def _open_first(self) -> None:
        if self.listed_for != self.query_one("#search-text", Input).value:
            # Typed ahead of the results: open the first once they are back.
            self.opening_first.take()
            return
        if self.listed:
            self.dismiss(Found(self.listed[0], tuple(self.listed)))
        self.opening_first.let_go()

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(Found(int(event.option.id or 0), tuple(self.listed)))

    def action_into_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if self.focused is not results and results.option_count:
            results.focus()
            results.highlighted = 0
