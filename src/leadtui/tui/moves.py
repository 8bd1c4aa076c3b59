"""The keys that move leads through the pipeline (a x w b r), for the lead
under the cursor or for every marked one (`space`, `V`) as one action, and
undo/redo (`u`/`U`). MainScreen (main_screen.py) builds on this screen.

Every write runs in the app's write queue, in key order (write_jobs.py,
dbwork.run_db), and ends with a re-read of what is on screen; a refused
write (a teammate moved the lead, nothing to undo) is one notification and
changes nothing.
"""

import threading
from collections.abc import Callable

from textual.binding import Binding

from leadtui.config import Settings
from leadtui.domain import pipeline
from leadtui.domain.errors import DatabaseUnavailable, IllegalMove
from leadtui.domain.models import Lead, Stage
from leadtui.domain.results import Replayed
from leadtui.domain.sanitize import shown_name
from leadtui.repository import MOVE_CHUNK, Repository
from leadtui.tui.app import LeadApp, subtitle
from leadtui.tui.assigning import assign_leads
from leadtui.tui.cut_short import tell_cut_short
from leadtui.tui.dbwork import run_db
from leadtui.tui.dialogs.classify import ConfirmScreen
from leadtui.tui.dialogs.lose import LoseReasonScreen
from leadtui.tui.panes.board import BoardPane
from leadtui.tui.panes.detail import DetailPane
from leadtui.tui.panes.inbox import InboxPane
from leadtui.tui.selection import Selection, WholeList
from leadtui.tui.stale_marks import refused_bulk
from leadtui.tui.typeahead import hold_keys
from leadtui.tui.write_jobs import ShowsWrites, WriteJobsScreen

# Moves by name (as Repository.move_many takes them), with the word a
# notification uses for several leads.
MOVED = {
    "advance": "Advanced",
    "back": "Moved back",
    "win": "Won",
    "lose": "Lost",
    "reopen": "Reopened",
}
# The longest a save waits for the redraw it follows (a frame is 17 ms;
# an app that is quitting never draws it).
PAINT_FIRST_SECONDS = 0.1
# How many marked leads a confirmation names before "and N more".
NAMED_IN_CONFIRMATION = 5
# `V` marks a whole list up to this many leads. A bulk move is written
# set-based, 5,000 leads a transaction (repository/moves_set.py), so
# teammates' saves wait for a chunk, not for the whole move.
MARK_ALL_LIMIT = 100_000


class MovesScreen(WriteJobsScreen):
    BINDINGS = [
        Binding("a", "advance", "Advance", id="advance", tooltip="Move the lead to the next stage"),
        Binding("x", "lose", "Lose", id="lose", tooltip="Mark the lead lost, with a reason"),
        # Rarer, and the footer has 80 columns; `?` lists every key.
        Binding("w", "win", "Win", id="win", show=False, tooltip="Mark the lead won"),
        # Rare (only closed leads), so left out of the footer; `?` lists it.
        Binding("b", "back", "Back", id="back", show=False, tooltip="Move the lead back one stage"),
        Binding(
            "r", "reopen", "Reopen", id="reopen", show=False, tooltip="Reopen a won or lost lead"
        ),
        Binding(
            "space", "mark", "Mark", id="mark", show=False,
            tooltip="Mark the lead for a bulk move (again: unmark)",
        ),
        Binding(
            "V", "mark_all", "Mark all", id="mark-all", show=False,
            tooltip="Mark every lead in this list or column, as filtered (up to 100,000)",
        ),
        Binding("escape", "unmark", "Unmark", id="unmark", show=False, tooltip="Unmark all"),
        Binding(
            "equals_sign", "assign", "Assign", id="assign", show=False,
            tooltip="Give the marked (or selected) leads to an owner",
        ),
        Binding("u", "undo", "Undo", id="undo", tooltip="Undo your last change"),
        Binding("U", "redo", "Redo", id="redo", show=False, tooltip="Redo what you undid"),
    ]  # fmt: skip

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.selection = Selection()
        self._lead_read_hold: Callable[[], None] | None = None

    def on_mount(self) -> None:
        # (Textual runs every class's on_mount, MainScreen's too.)
        tell_cut_short(self)

    # Provided by MainScreen.
    def selected_lead_id(self) -> int | None:
        raise NotImplementedError

    def selected_stage(self) -> Stage | None:
        raise NotImplementedError

    def reload_all(self) -> None:
        raise NotImplementedError

    @property
    def active_tab(self) -> str:
        raise NotImplementedError

    def _with_lead(self, lead_id: int | None, then: Callable[[Lead], None]) -> None:
        """Read the lead fresh (a dialog names it), then carry on with it.
        Keys typed meanwhile wait: they are meant for the dialog `then`
        opens (tui/typeahead.py)."""
        if lead_id is None:
            return
        # A newer read supersedes this one (run_db's key): the older result
        # never comes, so its hold ends here, not at the give-up.
        if self._lead_read_hold is not None:
            self._lead_read_hold()
        release = self._lead_read_hold = hold_keys(self)

        def carry_on(lead: Lead) -> None:
            try:
                then(lead)
            finally:
                release()

        run_db(
            self, lambda repo: repo.get_lead(lead_id), carry_on, key="lead-lookup", on_error=release
        )

    # ---------------------------------------------------------- marking

    def action_mark(self) -> None:
        """Mark (or unmark) the lead under the cursor, then step to the next,
        so that `space space space` marks a run of leads."""
        lead = self._lead_under_cursor()
        if lead is None:
            return
        self.selection.toggle(lead)
        self._show_marks([lead.id])
        self._list_step(1)

    def action_mark_all(self) -> None:
        """Mark the whole inbox or the board's focused column, as filtered
        (up to MARK_ALL_LIMIT leads): the loaded ones at once, the rest as
        soon as they are read. (The Due list: its loaded leads.)"""
        if self.active_tab == "inbox":
            inbox = self.query_one(InboxPane)
            loaded, whole = inbox.loaded(), inbox.whole_list()
        elif self.active_tab == "pipeline":
            column = self.query_one(BoardPane).focused_column()
            loaded, whole = column.leads, self.query_one(BoardPane).whole_column(column)
        else:
            return
        for lead in loaded:
            self.selection.add(lead)
        self._show_marks([lead.id for lead in loaded])
        if whole is not None:
            self._mark_whole(whole)

    def _mark_whole(self, whole: WholeList) -> None:
        def job(repo: Repository) -> tuple[Selection, list[int], int]:
            # Marked into a selection of the worker's own, merged on the UI
            # thread: the screen's is only ever touched there.
            marks = Selection()
            return marks, whole.mark(repo, marks, MARK_ALL_LIMIT), whole.count(repo)

        def done(result: tuple[Selection, list[int], int]) -> None:
            marks, ids, total = result
            self.selection.merge(marks)
            self._show_marks(ids)
            if total > len(ids):
                self.notify(
                    f"Marked the first {len(ids):,} of {total:,} in {whole.stage.label}:"
                    f" a bulk move takes at most {MARK_ALL_LIMIT:,} leads (ctrl+f narrows"
                    " the list)",
                    markup=False,
                    severity="warning",
                    timeout=6,
                )

        run_db(self, job, done, key="mark-all")

    def _lead_under_cursor(self) -> Lead | None:
        """The inbox row or board card under the cursor, as it was loaded."""
        lead_id = self.selected_lead_id()
        if self.active_tab == "inbox":
            leads = self.query_one(InboxPane).loaded()
        elif self.active_tab == "pipeline":
            leads = self.query_one(BoardPane).focused_column().leads
        else:
            return None
        return next((lead for lead in leads if lead.id == lead_id), None)

    def action_unmark(self) -> None:
        self._show_marks(self.selection.clear())

    def _show_marks(self, lead_ids: list[int]) -> None:
        self.query_one(InboxPane).show_marks(lead_ids)
        self.query_one(BoardPane).show_marks(lead_ids)
        self._show_status()

    def _list_step(self, step: int) -> None:
        if self.active_tab == "inbox":
            self.query_one(InboxPane).step(step)
        else:
            self.query_one(BoardPane).focused_column().step(step)

    # ------------------------------------------------------------ moves

    def action_advance(self) -> None:
        def advance(repo: Repository, lead_id: int, seen: Stage | None) -> Lead:
            return repo.advance(lead_id, seen=seen)

        if self.selection:
            self._confirm_bulk("advance")
            return
        lead_id, seen = self.selected_lead_id(), self.selected_stage()
        if lead_id is None or seen is None or not pipeline.qualifies(seen):
            self._write_selected(advance)
            return

        def check_bant(lead: Lead) -> None:
            """Qualifying on thin BANT is allowed, but asked first."""
            question = pipeline.qualify_question([lead])
            if question is None:
                self._write(lead.id, seen, advance)
                return
            self.app.push_screen(
                ConfirmScreen(question, "c sets the BANT answers."),
                lambda yes: self._write(lead.id, seen, advance) if yes else None,
            )

        self._with_lead(lead_id, check_bant)

    def action_win(self) -> None:
        self._move("win")

    def action_back(self) -> None:
        self._move("back")

    def action_reopen(self) -> None:
        self._move("reopen")

    def _move(self, how: str) -> None:
        """A move that asks nothing of one lead, and one confirmation of many."""
        if self.selection:
            self._confirm_bulk(how)
            return
        self._write_selected(lambda repo, lead_id, seen: repo.move_many(how, [(lead_id, seen)])[0])

    def action_lose(self) -> None:
        if self.selection:
            count = len(self.selection)
            self.app.push_screen(
                LoseReasonScreen(f"{count:,} marked leads"),
                lambda reason: self._bulk_move("lose", reason) if reason else None,
            )
            return
        lead_id, seen = self.selected_lead_id(), self.selected_stage()

        def ask(lead: Lead) -> None:
            def chosen(reason: str | None) -> None:
                if reason:
                    self._write(
                        lead.id,
                        seen,
                        lambda repo, _, seen: repo.lose(
                            lead.id, repo.spell_lost_reason(reason), seen=seen
                        ),
                    )

            self.app.push_screen(LoseReasonScreen(shown_name(lead.name)), chosen)

        self._with_lead(lead_id, ask)

    def _confirm_bulk(self, how: str) -> None:
        """One confirmation for a bulk move, with the count and some names."""
        count = len(self.selection)
        names = self.selection.names(NAMED_IN_CONFIRMATION)
        more = f" and {count - len(names):,} more" if count > len(names) else ""
        question = f"{how.capitalize()} {count:,} marked lead{'s' * (count != 1)}?"
        if count <= MOVE_CHUNK:  # one transaction
            after = "All move, or none does; u undoes it in one go."
        else:
            # Chunks keep teammates' saves waiting for one, not for all: a
            # session that ends midway (an ssh drop) leaves those written.
            after = (
                f"Written {MOVE_CHUNK:,} at a time: if the session ends midway, those"
                " written stay moved. u undoes it in one go."
            )
        detail = f"{', '.join(names)}{more}. {after}"
        thin = self.selection.qualify_question()
        if how == "advance" and thin:
            detail = f"{thin} {detail}"
        self.app.push_screen(
            ConfirmScreen(question, detail),
            lambda yes: self._bulk_move(how) if yes else None,
        )

    def _bulk_move(self, how: str, reason: str = "") -> None:
        seen = self.selection.seen()

        def done(moved: int) -> None:
            self._show_marks(self.selection.clear())
            self.notify(f"{MOVED[how]} {moved:,} leads", timeout=3)
            self.reload_all()

        # Refused: the marks stay, but for those a teammate moved meanwhile
        # (stale_marks.py), to fix the cause and try again.
        self._write_job(
            # The reason in the team's spelling of it, so the KPI's reasons
            # don't splinter by case.
            lambda repo: repo.move_count(
                how, seen, reason=repo.spell_lost_reason(reason) if reason else reason
            ),
            done,
            failed=lambda: refused_bulk(self, how, len(seen)),
        )

    def _write_selected(self, change: Callable[[Repository, int, Stage | None], Lead]) -> None:
        lead_id = self.selected_lead_id()
        if lead_id is not None:
            self._write(lead_id, self.selected_stage(), change)

    def _write(
        self,
        lead_id: int,
        seen: Stage | None,
        change: Callable[[Repository, int, Stage | None], Lead],
    ) -> None:
        """Every move takes the lead out of its current list, so drop it there
        at once; the cursor lands on the next lead before the write returns,
        and a second keypress can never hit the same lead twice. `seen` is the
        stage the user saw: if a teammate moved the lead since, the repository
        refuses (StaleLead) and the notification says who and when."""
        # (The Due list keeps a moved lead while its follow-up is due; there
        # the stage check stops a second keypress from moving it twice.) On
        # the Lead tab the lead stays, and a followed card stays under the
        # cursor: the keys typed behind this one wait for its new stage.
        tab = self.active_tab
        follows = tab == "pipeline" and self._follows_moved_card()
        shown_by: ShowsWrites | None = self.query_one(BoardPane) if follows else None
        dropped = tab in ("inbox", "pipeline") and self.query_one(InboxPane).view == "new"
        if dropped:
            self.query_one(InboxPane).forget(lead_id)
            self.query_one(BoardPane).forget(lead_id)

        def done(lead: Lead) -> None:
            self.notify(f"{lead.tag()} → {lead.stage.label}", markup=False, timeout=3)
            if follows and self.active_tab == "pipeline":
                self.query_one(BoardPane).reload(select=lead.id)
                self.query_one(InboxPane).recount()
            else:
                self.reload_all()

        # The card's leaving is painted first: the save's thread would
        # otherwise share the interpreter with that redraw, and the eye waits
        # for the redraw, not for the save. The save's worker starts now all
        # the same (and waits), so quitting at once still waits for it.
        painted = threading.Event()
        if dropped:
            self.call_after_refresh(painted.set)
        else:
            painted.set()

        def save(repo: Repository) -> Lead:
            painted.wait(PAINT_FIRST_SECONDS)
            try:
                return change(repo, lead_id, seen)
            except IllegalMove as error:
                # The toast names the lead: the card left under the cursor
                # may not be the one the rep meant ("r" on an open lead).
                if str(error).startswith("#"):
                    raise
                raise IllegalMove(f"{repo.get_lead(lead_id).tag()}: {error}") from None
            except DatabaseUnavailable as error:
                # The card has left its list already, and with the server
                # gone the reload that brings it back fails too: said, so a
                # rep does not take the empty place for a saved move.
                raise type(error)(f"#{lead_id} not moved: {error}") from None

        self._write_job(save, done, failed=self.reload_all, shown_by=shown_by or self._lead_tab())

    def _follows_moved_card(self) -> bool:
        """config.toml's [board] follow_moved_card: the cursor goes with a
        moved card to its new column (else it stays, to sweep a column)."""
        return self.settings.follow_moved_card

    def action_assign(self) -> None:
        assign_leads(self)  # tui/assigning.py

    # ----------------------------------------------------- undo and redo

    def action_undo(self) -> None:
        self._replay(lambda repo: repo.undo())

    def action_redo(self) -> None:
        self._replay(lambda repo: repo.redo())

    def _replay(self, job: Callable[[Repository], Replayed]) -> None:
        def done(replayed: Replayed) -> None:
            self.notify(replayed.message(), markup=False, timeout=4)
            self.reload_all()

        # The Lead tab's next key acts on the stage the undo left.
        self._write_job(job, done, shown_by=self._lead_tab())

    def _lead_tab(self) -> DetailPane | None:
        """The Lead tab, if it is up: a write leaves its lead on screen."""
        return self.query_one(DetailPane) if self.active_tab == "lead" else None

    def _show_status(self) -> None:
        """The header's subtitle: who (in a browser), the file, marked leads,
        a save pending."""
        app = self.app
        who = app.identity if isinstance(app, LeadApp) else None
        parts = [subtitle(self.repo.target, who, bool(self.repo.cannot_write()))]
        if self.selection:
            parts.append(f"{len(self.selection):,} marked")
        if self._saving_shown:
            parts.append("saving…")
        self.app.sub_title = " · ".join(parts)
