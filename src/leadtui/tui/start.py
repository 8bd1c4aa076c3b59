"""The start screen: the inbox's first page, up before the rest of leadtui.

Showing anything the long way needs pydantic, sqlite-utils, click and most of
leadtui imported first: about 0.4 s at any database size, over twice a bare
Textual app's start (bench/first_paint.py). This screen needs only textual,
sqlite3 and the small modules it names: it shows the rows quick_inbox.py read
in the inbox's own table, under the main screen's header, tab row and
footer. Meanwhile a thread imports the rest, reads the settings, opens the
repository and reads the same page as leads; then LeadApp.opened() puts the
main screen up, showing the same rows with the cursor on the same lead.
Arrow keys and j/k move the cursor here already; any other key typed
meanwhile, and every key after it, is kept and replayed on the main screen,
so type-ahead is never lost.
"""

import contextlib
import sys
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from leadtui.domain.clock import age_label, utc_now
from leadtui.domain.errors import LeadtuiError
from leadtui.domain.users import Identity
from leadtui.repository.first_page import QuickRow
from leadtui.tui.app import LeadApp, subtitle
from leadtui.tui.cells import inbox_cells, name_cell
from leadtui.tui.inbox_table import InboxTable

# Keys the table acts on at once; every other key waits for the main screen.
MOVING_KEYS = frozenset({"up", "down", "j", "k", "g", "G", "pageup", "pagedown", "home", "end"})
# The main screen's tabs (main_screen.py), the inbox's count still to come.
TAB_LABELS = ("1 Inbox", "2 Pipeline", "3 Lead", "4 KPIs")


def row_cells(row: QuickRow, now: datetime) -> tuple[Text, ...]:
    """The row as tui/render.py's inbox_row draws the same lead."""
    age = Text(age_label(row.created_at, now), justify="right")
    return inbox_cells(
        name_cell(row.name), row.company, row.source, row.owner, row.temperature, row.score,
        row.win_chance, row.value_cents, row.currency, age,
    )  # fmt: skip


def tab_row(width: int) -> Content:
    """The main screen's two tab lines, drawn as text: the labels, the first
    one active, and the bar under them. A TabbedContent costs a quarter of a
    bare app's start to build; the real one comes with the main screen."""
    labels = Content.assemble(
        *(
            (f" {label} ", "bold" if index == 0 else "$foreground 50%")
            for index, label in enumerate(TAB_LABELS)
        )
    )
    active = len(TAB_LABELS[0]) + 2
    bar = Content.assemble(
        ("━" * active, "$block-cursor-background"), ("━" * (width - active), "$foreground 15%")
    )
    return Content("\n").join([labels, bar])


class StartScreen(Screen[None]):
    def __init__(
        self, path: Path, rows: list[QuickRow], now: datetime, identity: Identity | None = None
    ) -> None:
        super().__init__()
        self._path, self._rows, self._now = path, rows, now
        self._identity = identity  # a browser's user, or the OS account's if it is one

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield Static(tab_row(self.app.size.width), id="start-tabs")
        with Vertical(id="inbox-pane"):
            yield InboxTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(InboxTable)
        # Ranked by score, as the inbox starts; its column says so (inbox.sort_by).
        table.set_label("score", Text("Score▼"))
        table.add_rows((str(row.id), row_cells(row, self._now)) for row in self._rows)
        self.set_focus(table)
        # After the first paint: the thread's imports hold the GIL for long
        # stretches, and would otherwise hold up the very paint this is for.
        self.call_after_refresh(
            self.run_worker, self._open_repository, thread=True, name="open the repository"
        )

    def on_key(self, event: events.Key) -> None:
        app = self.app
        assert isinstance(app, LeadApp)
        if app.screen is not self:
            # Sent here just before the main screen came up, and reached
            # only now: the keys kept are being replayed, so this one goes
            # after them, on the main screen (kept, it would be lost: the
            # `N` of "xNo budget", 1 run in about 20).
            app.key_turns.requeue(event)
        elif event.key in MOVING_KEYS and not app.typed_early:
            # Once a key waits, the keys behind it wait too: the `g` in
            # "xNo budget" is meant for the dialog `x` opens, not this table.
            return
        else:
            app.typed_early.append(event)
        event.stop()
        event.prevent_default()

    def selected_lead_id(self) -> int | None:
        table = self.query_one(InboxTable)
        return int(table.row_keys[table.cursor_row]) if table.row_count else None

    def _open_repository(self) -> None:
        """In a thread: import the rest, read the settings, open the file,
        and read the first page as the inbox will (the same rows, as leads)."""
        from leadtui.config import load_settings
        from leadtui.domain.models import Stage
        from leadtui.domain.users import default_view
        from leadtui.repository import open_repository
        from leadtui.tui.dbwork import tell_unreadable
        from leadtui.tui.panes.inbox import FirstPage

        app = self.app
        assert isinstance(app, LeadApp)
        who = self._identity
        try:
            settings = load_settings()
            if who is None or not who.signed_in:  # the OS account, as the long way opens it
                repo = open_repository(self._path, reading_allowed=True)
            else:
                repo = open_repository(
                    self._path, actor=who.name, own_leads_only=who.own_leads_only
                )
            only = default_view(who.role) if who else None
            leads = repo.leads_in_stage(
                Stage.NEW, limit=len(self._rows), awake_at=self._now, only=only
            )
            untriaged = repo.count_in_stage(Stage.NEW, awake_at=self._now, only=only)
        except LeadtuiError as error:
            app.call_from_thread(app.fail, str(error))
            return

        unreadable = repo.unreadable.news()  # the first page left them out

        def show_main() -> None:
            table = self.query_one(InboxTable)  # the main screen's starts as this is
            first = FirstPage(leads, untriaged, self.selected_lead_id(), table.scroll_y)
            app.opened(repo, settings, first)
            tell_unreadable(app, unreadable)

        app.call_from_thread(show_main)


def run(
    path: Path, rows: list[QuickRow], *, identity: Identity | None = None, theme: str | None = None
) -> None:
    """Run the app from the start screen; exits with the app's return code."""
    from leadtui.config import load_settings

    now = utc_now()
    # The saved theme before the first paint, so the screen does not change
    # colour when the rest of the settings arrive. A broken config.toml: the
    # thread says what is wrong.
    with contextlib.suppress(LeadtuiError):
        theme = theme or load_settings().theme
    try:
        app = LeadApp(
            starting=lambda: StartScreen(path, rows, now, identity), identity=identity, theme=theme
        )
    except LeadtuiError as error:
        sys.stderr.write(f"Error: {error}\n")
        sys.exit(1)
    app.sub_title = subtitle(path, identity)
    try:
        app.run()
    except LeadtuiError as error:
        sys.stderr.write(f"Error: {error}\n")  # as click says it the long way
        sys.exit(1)
    sys.exit(app.return_code or 0)
