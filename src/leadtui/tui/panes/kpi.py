"""The KPIs tab: every figure over a window, each section filling in as its
query completes (a spinner until then), with its definition on focus.

Keys: d cycles the window, D asks for dates, f cycles the owner, s sorts the
by-source table, $ records spend. Only fixed labels and numbers are rendered
here; the few lead-derived strings (owners, lost reasons) go in as plain
Content parts, never markup.
"""

from datetime import datetime, timedelta
from typing import Any

from rich.spinner import Spinner
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual.worker import Worker

from leadtui.domain import kpis
from leadtui.domain.currency import format_money
from leadtui.domain.errors import NotAllowed
from leadtui.domain.kpi_format import (
    compact,
    percent,
)
from leadtui.domain.kpis import (
    DEFINITIONS,
    SOURCE_SORTS,
    Headline,
    Window,
)
from leadtui.domain.results import KpiCore, KpiTimes
from leadtui.domain.users import managers_only
from leadtui.repository import Repository
from leadtui.tui.cells import plain
from leadtui.tui.dbwork import WRITE_GROUP, app_now, app_repository, run_db
from leadtui.tui.dialogs.help import with_ids
from leadtui.tui.dialogs.kpi_forms import CustomWindowScreen, SpendInput, SpendScreen, days_of
from leadtui.tui.panes.kpi_content import (
    NowFigures,
    calibration_content,
    funnel_content,
    headline_content,
    outcomes_content,
    time_content,
)

# Column widths of the by-source table (default 6): 71 cells in all.
SOURCE_WIDTHS = {"source": 9, "conv": 5, "win": 5, "revenue": 8, "ROI": 8}

# Which definitions each section shows when it has focus.
SECTION_DEFINITIONS: dict[str, tuple[str, ...]] = {
    "kpi-headline": (
        "new_leads",
        "win_rate",
        "revenue",
        "average_deal",
        "cycle",
        "cost_per_lead",
        "pipeline",
    ),
    "kpi-funnel": ("funnel",),
    "kpi-sources": (
        "conversion",
        "win_rate",
        "spend",
        "cost_per_lead",
        "cost_per_won",
        "roi",
        "lifetime_value",
    ),
    "kpi-outcomes": ("lost_reasons", "lost_by_stage"),
    "kpi-time": ("cycle", "time_in_stage", "velocity", "rotting", "overdue"),
    "kpi-calibration": ("score_calibration",),
}


# The spinner beside a title while its figures load: a Rich spinner, its
# frame chosen by the time each time it is drawn.
SPINNER = "dots"
SPIN_EVERY = 1 / 12  # seconds between redraws while it spins


class Spinning(Static):
    """A block that shows its title beside a spinner until its figures
    arrive. Not Textual's `loading` cover: a widget under it cannot take
    focus, and the keys of one that has it skip the tab's bindings, so a
    tab typed ahead of the figures landed short of the section counted,
    and a second `d` reached the screen (the inbox's Due list)."""

    def __init__(self, title: str, *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes, markup=False)
        self.title = title
        self.pending = False

    def wait(self) -> None:
        """A spinner until show(); the block keeps its height meanwhile, so
        that what is below it (and the scroll) stays where it was."""
        self.pending = True
        self.styles.min_height = self.size.height or None
        self.update(Spinner(SPINNER, Text(self.title, style="bold underline")))
        self.auto_refresh = SPIN_EVERY

    def show(self, content: Content) -> None:
        self.pending = False
        self.auto_refresh = None
        self.styles.min_height = None
        self.update(content)
        # Its height changed, so what is below it moved: the block focused
        # (tabs typed while the sections loaded) is brought back into view,
        # whichever section's figures come last.
        focused = self.screen.focused
        if focused is not None and focused is not self and focused.parent is self.parent:
            self.call_after_refresh(focused.scroll_visible, animate=False)


class Section(Spinning, can_focus=True):
    """A focusable block: focus shows its definitions under the tab, while
    its figures load too."""


class SourceTable(DataTable[Text], can_focus=True):
    """The by-source table; `s` changes the column it is sorted by. Cells
    carry their own leading space instead of padding, to fit 80 columns."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cell_padding=0, **kwargs)


class KpiPane(VerticalScroll):
    BINDINGS = with_ids(
        prefix="kpi-",
        bindings=[
            Binding("d", "next_window", "Window", tooltip="Next window: 7d, 30d, 90d, 365d, all"),
            Binding("D", "custom_window", "Dates", show=False, tooltip="Pick from and to dates"),
            Binding("f", "next_owner", "Owner", tooltip="Next owner (all, then each rep)"),
            Binding("s", "next_sort", "Sort", tooltip="Sort sources by the next column"),
            Binding("dollar_sign", "spend", "Spend", key_display="$", tooltip="Record spend"),
        ],
    )

    def compose(self) -> ComposeResult:
        yield Static(id="kpi-window", markup=False)
        yield Section("Headline", id="kpi-headline")
        yield Section("Funnel", id="kpi-funnel")
        yield Spinning("By source", id="kpi-sources-title", classes="kpi-title")
        yield SourceTable(id="kpi-sources", cursor_type="row", zebra_stripes=True)
        yield Section("Outcomes", id="kpi-outcomes")
        yield Section("Time", id="kpi-time")
        yield Section("Rule score vs outcome", id="kpi-calibration")
        yield Static(id="kpi-definition", markup=False)

    def on_mount(self) -> None:
        self.window = Window.last("30d", self._now())
        self.window_name = "30d"
        self.owner: str | None = None
        self.owners: list[str] = []
        self.sort_key = "revenue_cents"
        self._core: KpiCore | None = None
        self._previous: Headline | None = None
        self._now_figures: NowFigures | None = None
        self._times: KpiTimes | None = None
        self._lifetime = kpis.DEFAULT_LIFETIME_YEARS
        self._reload_pending = False
        table = self.query_one(SourceTable)
        for label in ("source", *(label for label, _ in SOURCE_SORTS), "LTV"):
            width = SOURCE_WIDTHS.get(label, 6)
            table.add_column(label, key=label, width=width)

    def _now(self) -> datetime:
        return app_now(self)

    # ------------------------------------------------------------- loading

    def reload(self) -> None:
        """Re-read on the screen's behalf (tab shown, a teammate's commit). At
        a million leads the figures take seconds, while live refresh may ask
        every half second: a reload asked for while one runs waits for it."""
        if self._loading():
            self._reload_pending = True
            return
        self._load()

    def loading_sections(self) -> bool:
        """Whether any section still waits for its figures."""
        return any(block.pending for block in self.query(Spinning))

    def _loading(self) -> bool:
        return any(
            worker.node is self and worker.is_running and worker.group.startswith("kpi-")
            for worker in self.app.workers
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # When the last section's worker has ended, run a reload asked for meanwhile.
        if event.worker.is_finished and self._reload_pending and not self._loading():
            self._reload_pending = False
            self._load()

    def _load(self) -> None:
        """Every section loads on its own worker and shows a spinner until
        its figures arrive; keys keep working meanwhile."""
        if self.window_name != "custom":
            self.window = Window.last(self.window_name, self._now())
        window, owner = self.window, self.owner
        self._show_window()
        for block in self.query(Spinning):
            block.wait()
        self._core = None  # figures of the window before: not to be shown with the new
        self._previous = self._now_figures = self._times = None
        table = self.query_one(SourceTable)
        table.styles.min_height = table.size.height or None
        table.clear()
        run_db(self, lambda repo: repo.kpi_core(window, owner), self._core_loaded, key="kpi-core")
        if _comparable(window):
            run_db(
                self,
                lambda repo: repo.kpi_previous(window, owner),
                self._previous_loaded,
                key="kpi-previous",
            )
        else:
            self._previous_loaded(None)
        run_db(self, lambda repo: repo.kpi_now(owner, window), self._now_loaded, key="kpi-now")
        run_db(
            self, lambda repo: repo.kpi_times(window, owner), self._times_loaded, key="kpi-times"
        )
        run_db(
            self,
            lambda repo: repo.calibration(),
            lambda rows: self._show("#kpi-calibration", calibration_content(rows)),
            key="kpi-calibration",
        )
        run_db(self, _lifetime_and_owners, self._setup_loaded, key="kpi-setup")

    def _show(self, selector: str, content: Content) -> None:
        self.query_one(selector, Section).show(content)

    def _core_loaded(self, core: KpiCore) -> None:
        self._core = core
        self._show("#kpi-funnel", funnel_content(core))
        self._show("#kpi-outcomes", outcomes_content(core))
        self._fill_sources()
        self._show_headline()
        self._show_time()

    def _previous_loaded(self, previous: Headline | None) -> None:
        self._previous = previous
        self._show_headline()

    def _now_loaded(self, figures: NowFigures) -> None:
        self._now_figures = figures
        self._show_headline()
        self._show_time()

    def _times_loaded(self, times: KpiTimes) -> None:
        self._times = times
        self._show_time()

    def _setup_loaded(self, loaded: tuple[float, list[str]]) -> None:
        self._lifetime, self.owners = loaded
        self._fill_sources()

    def _show_headline(self) -> None:
        core = self._core
        if core is not None:  # till then its spinner
            self._show(
                "#kpi-headline",
                headline_content(core.headline, self._previous, core, self._now_figures),
            )

    def _show_time(self) -> None:
        if self._times is not None:  # till then its spinner
            self._show("#kpi-time", time_content(self._times, self._core, self._now_figures))

    def _show_window(self) -> None:
        owner = plain(self.owner) or "all owners"
        self.query_one("#kpi-window", Static).update(
            Content.assemble(
                ("Window ", "bold"),
                self.window.label,
                "  ·  ",
                ("Owner ", "bold"),
                owner,
            )
        )

    def _fill_sources(self) -> None:
        table = self.query_one(SourceTable)
        table.clear()
        if self._core is None:
            return
        sort_label = next(label for label, key in SOURCE_SORTS if key == self.sort_key)
        for column in table.columns.values():
            name = str(column.key.value)
            marked = name + ("▼" if name == sort_label else "")
            column.label = Text(marked) if name == "source" else Text(f" {marked}", justify="right")
        # Spend is per source, not per rep: one rep's figures leave it out,
        # and a 0 there read as a rep who cost nothing.
        spend_known = self.owner is None
        for row in kpis.sort_sources(self._core.sources, self.sort_key):
            roi = "n/a" if row.roi is None else f"{row.roi:.0%}"
            figures = (
                f"{row.leads:,}",
                percent(row.conversion, 0),
                percent(row.win_rate, 0),
                compact(row.revenue_cents),
                compact(row.average_deal_cents),
                compact(row.spend_cents) if spend_known else "n/a",
                compact(row.cost_per_lead_cents),
                compact(row.cost_per_won_cents),
                roi,
                compact(row.lifetime_value_cents(self._lifetime)),
            )
            table.add_row(
                Text(row.source.value),
                *(Text(f" {figure}", justify="right") for figure in figures),
            )
        table.styles.min_height = None
        # A bare header over nothing reads as a table still loading.
        empty = "" if table.row_count else "  no leads and no spend in this window"
        self.query_one("#kpi-sources-title", Spinning).show(
            Content.assemble(("By source", "bold underline"), (empty, "$foreground-muted"))
        )

    # --------------------------------------------------------------- keys

    def action_next_window(self) -> None:
        choices = kpis.WINDOW_CHOICES
        current = choices.index(self.window_name) if self.window_name in choices else -1
        self.window_name = choices[(current + 1) % len(choices)]
        self._load()

    def action_custom_window(self) -> None:
        def chosen(window: Window | None) -> None:
            if window is not None:
                self.window, self.window_name = window, "custom"
                self._load()

        first, last = days_of(self.window, self._now().date())
        self.app.push_screen(CustomWindowScreen(first, last), chosen)

    def action_next_owner(self) -> None:
        choices: list[str | None] = [None, *self.owners]
        current = choices.index(self.owner) if self.owner in choices else 0
        self.owner = choices[(current + 1) % len(choices)]
        self._load()

    def action_next_sort(self) -> None:
        keys = [key for _, key in SOURCE_SORTS]
        self.sort_key = keys[(keys.index(self.sort_key) + 1) % len(keys)]
        self._fill_sources()

    def action_spend(self, again: SpendInput | None = None) -> None:
        try:  # a browser's rep: refused before a dialog is typed into
            managers_only(app_repository(self).own_leads_only, "recording spend")
        except NotAllowed as error:
            self.app.notify(str(error), severity="error", markup=False)
            return

        def entered(spend: SpendInput | None) -> None:
            if spend is None:
                return

            def save(repo: Repository) -> int | None:
                return repo.set_spend(spend.source, spend.month, spend.amount)

            def saved(before: int | None) -> None:
                was = "" if before is None else f" (was {format_money(before)})"
                self.app.notify(
                    f"Spend recorded: {spend.source} {spend.month} {spend.amount}{was}",
                    markup=False,
                    timeout=3,
                )
                self._load()

            # Refused (an amount in another currency than the team's, a full
            # disk: the notification says why): what was typed comes back.
            run_db(self, save, saved, key=WRITE_GROUP, on_error=lambda: self.action_spend(spend))

        # The month in view (a window's last) and the highlighted source.
        month = (self.window.until - timedelta(microseconds=1)).strftime("%Y-%m")
        table = self.query_one(SourceTable)
        source = table.get_row_at(table.cursor_row)[0].plain if table.row_count else ""
        self.app.push_screen(SpendScreen(month, again, source), entered)

    # --------------------------------------------------------- definitions

    def on_descendant_focus(self, event: Any) -> None:
        widget: Widget | None = getattr(event, "widget", None)
        keys = SECTION_DEFINITIONS.get(widget.id or "", ()) if widget else ()
        text = "  ".join(f"{key.replace('_', ' ')}: {DEFINITIONS[key]}." for key in keys)
        self.query_one("#kpi-definition", Static).update(Content.styled(text, "italic"))


def _comparable(window: Window) -> bool:
    """Whether the window before this one exists: before a window from year
    1 there is none (the calendar starts there), so no arrows are shown."""
    try:
        window.previous()
    except OverflowError:
        return False
    return True


def _lifetime_and_owners(repo: Repository) -> tuple[float, list[str]]:
    return repo.lifetime_years(), repo.owners()
