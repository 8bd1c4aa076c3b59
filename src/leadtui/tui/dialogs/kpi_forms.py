"""The KPI tab's two small forms: a custom window (from/to dates) and a
source's spend for a month. Each validates inline before it closes."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Select, Static

from leadtui.domain.currency import format_money, parse_money
from leadtui.domain.errors import InvalidInput
from leadtui.domain.kpis import WINDOW_DAYS, Window, check_month, parse_day
from leadtui.domain.models import Source
from leadtui.repository import Repository
from leadtui.tui.dbwork import run_db
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField

T = TypeVar("T")


class _Form(Dialog[T | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def refuse(self, message: str) -> None:
        error = self.query_one(".field-error", Static)
        error.update(message)
        error.display = True

    def action_cancel(self) -> None:
        self.dismiss(None)


def days_of(window: Window, today: date) -> tuple[date, date]:
    """The first and last day the window on screen covers, for the form to
    start from: `D` then adjusts it instead of starting over at 30 days. A
    rolling window of N days is the N days up to today; all time, which has
    no first day, offers the last 30."""
    if window.since is None:
        return today - timedelta(days=29), today
    if window.name in WINDOW_DAYS:
        return today - timedelta(days=WINDOW_DAYS[window.name] - 1), today
    return window.since.date(), (window.until - timedelta(seconds=1)).date()


class CustomWindowScreen(_Form[Window]):
    def __init__(self, first: date, last: date) -> None:
        super().__init__()
        self.first, self.last = first, last

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("KPI window", classes="dialog-title")
            yield TextField(value=str(self.first), id="window-from")
            yield TextField(value=str(self.last), id="window-to")
            yield Static("", classes="field-error", markup=False)
            yield Static(
                "from and to days, both included · enter show · esc cancel", classes="dialog-hint"
            )

    @on(Input.Submitted)
    def submit(self) -> None:
        try:
            window = Window.between(
                parse_day(self.query_one("#window-from", Input).value, "from"),
                parse_day(self.query_one("#window-to", Input).value, "to"),
            )
        except InvalidInput as error:
            self.refuse(str(error))
            return
        except OverflowError:  # the day after the last one the calendar holds
            self.refuse("to: the window must end before 9999-12-31")
            return
        self.dismiss(window)


@dataclass(frozen=True)
class SpendInput:
    source: str
    month: str
    amount: str


class SpendScreen(_Form["SpendInput"]):
    # The amount takes the first key typed behind `$` (Textual's default
    # focus, the source's dropdown, took it; see log_touch.py).
    AUTO_FOCUS = "#spend-amount"

    def __init__(self, month: str, again: SpendInput | None = None, source: str = "") -> None:
        """`month` and `source`: the ones in view (the window's last month,
        the by-source row highlighted) to start on. `again`: a spend whose
        save was refused (the notification says why), shown as it was
        typed to be put right."""
        super().__init__()
        self.typed = again or SpendInput(source or Source.ADS.value, month, "")
        self.recorded: dict[tuple[str, str], int] | None = None  # till read

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Marketing spend", classes="dialog-title")
            yield Select(
                [(source.value, source.value) for source in Source],
                value=self.typed.source,
                allow_blank=False,
                id="spend-source",
            )
            yield TextField(value=self.typed.month, id="spend-month")
            yield TextField(
                value=self.typed.amount, placeholder="Amount, e.g. 1200 or 5k", id="spend-amount"
            )
            yield Static("", id="spend-was", markup=False)
            yield Static("", classes="field-error", markup=False)
            yield Static("enter save · esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        def read(repo: Repository) -> dict[tuple[str, str], int]:
            return {(e.source.value, e.month): e.amount_cents for e in repo.spend_entries()}

        run_db(self, read, self._recorded_read, key="spend-recorded")

    def _recorded_read(self, recorded: dict[tuple[str, str], int]) -> None:
        self.recorded = recorded
        self._say_what_it_replaces()

    @on(Select.Changed)
    @on(Input.Changed, "#spend-month")
    def _say_what_it_replaces(self) -> None:
        """Enter replaces the figure of that source and month: which one,
        said before it is (`$ 2 enter` turned 15,000 into 2 unsaid)."""
        if self.recorded is None:
            return
        source = self.query_one("#spend-source", Select).value
        month = self.query_one("#spend-month", Input).value.strip()
        before = self.recorded.get((str(source), month))
        self.query_one("#spend-was", Static).update(
            f"replaces {format_money(before)} recorded for {source} {month}"
            if before is not None
            else f"nothing recorded for {source} {month} yet"
        )

    @on(Input.Submitted)
    def submit(self) -> None:
        month = self.query_one("#spend-month", Input).value
        amount = self.query_one("#spend-amount", Input).value
        try:
            check_month(month)
            parse_money(amount)
        except InvalidInput as error:
            self.refuse(str(error))
            return
        source = self.query_one("#spend-source", Select).value
        assert isinstance(source, str)
        self.dismiss(SpendInput(source, month.strip(), amount))
