"""The writes MainScreen (main_screen.py) makes on the selected lead
through a dialog or the palette: log a touch, edit, classify, follow-ups,
snoozes and hides, pinned temperatures, the quick-add, merging duplicates,
erasing a person's data and importing a file. Each dialog only answers; the write runs here, in a
thread worker, and ends with a re-read of what is on screen."""

from collections.abc import Callable
from datetime import datetime

from leadtui.domain.clock import team_day
from leadtui.domain.models import BANT_PREFIX, Lead, Temperature
from leadtui.domain.results import DuplicateGroups
from leadtui.domain.sanitize import shown_name
from leadtui.repository import Repository
from leadtui.tui.dbwork import run_db
from leadtui.tui.dialogs.classify import ClassifyScreen
from leadtui.tui.dialogs.edit import EditLeadScreen
from leadtui.tui.dialogs.erase import EraseScreen
from leadtui.tui.dialogs.follow_up import (
    FollowUpAnswer,
    FollowUpScreen,
    HideAnswer,
    SnoozeAnswer,
)
from leadtui.tui.dialogs.import_file import ImportRequest, ImportScreen
from leadtui.tui.dialogs.lead_form import LeadFormScreen
from leadtui.tui.dialogs.log_touch import LogTouchScreen, TouchInput
from leadtui.tui.dialogs.merge import DupesScreen, MergeRequest, MergeScreen
from leadtui.tui.dialogs.quick_add import (
    MergeInto,
    NewLead,
    OpenLead,
    QuickAddResult,
    QuickAddScreen,
)
from leadtui.tui.list_view import ListViewScreen
from leadtui.tui.me import BROWSER_IMPORT_REFUSED, in_browser
from leadtui.tui.panes.inbox import InboxPane
from leadtui.tui.typeahead import hold_keys
from leadtui.usecases.importing import run_import


def pin_said(lead: Lead) -> str:
    how = "pinned (t changes it)" if lead.temperature_pinned else "follows the score again"
    return f"{lead.tag()}: {lead.temperature.value}, {how}"


def follow_up_said(lead: Lead, now: datetime) -> str:
    """What a follow-up change says; a day already past is allowed, but said."""
    if lead.follow_up_at is None:
        return f"{lead.tag()}: no follow-up"
    day = team_day(lead.follow_up_at, now)
    late = " (in the past)" if day < now.date() else ""
    return f"{lead.tag()}: follow up {day:%a %d %b}{late}"


class LeadWritesScreen(ListViewScreen):
    # Provided by MainScreen.
    def open_lead(self, lead_id: int) -> None:
        raise NotImplementedError

    def action_log_touch(self) -> None:
        self._with_lead(self.selected_lead_id(), self._ask_touch)

    def _ask_touch(self, lead: Lead, again: TouchInput | None = None) -> None:
        """The `l` prompt; `again`: a touch whose save failed, to try again."""

        def logged(touch: TouchInput | None) -> None:
            if touch is not None:
                self._save(
                    lambda repo: repo.log_touch(
                        lead.id,
                        touch.kind,
                        touch.note,
                        touch.direction,
                        at=touch.at,
                        body=touch.body,
                    ),
                    lambda saved: (
                        f"{saved.tag()}: {touch.kind.value} logged;"
                        f" score {saved.score} ({saved.temperature.value})"
                    ),
                    # Not saved (the notification says why): what was typed comes back.
                    failed=lambda: self._ask_touch(lead, touch),
                )

        self.app.push_screen(LogTouchScreen(lead, self.repo.clock, again), logged)

    def action_classify(self) -> None:
        self._open_form(
            ClassifyScreen,
            lambda saved, _: (
                f"{saved.tag()}: {saved.lifecycle.label},"
                f" fit {saved.fit.value}, BANT {saved.bant_yes()} of 4 yes"
            ),
        )

    def action_edit(self) -> None:
        self._open_form(
            EditLeadScreen,
            lambda saved, changes: f"{saved.tag()}: saved {', '.join(changes)}",
        )

    def _open_form(
        self,
        form: Callable[[Lead, dict[str, str] | None], LeadFormScreen],
        said: Callable[[Lead, dict[str, str]], str],
        lead_id: int | None = None,
        again: dict[str, str] | None = None,
    ) -> None:
        """The e and c forms: on the selected lead as read now; what changed
        is saved against that very reading. A save that fails (a teammate
        changed a field meanwhile, a full disk) opens the form again on the
        lead as it is then, holding what the rep typed (`again`)."""

        def ask(lead: Lead) -> None:
            def answered(changes: dict[str, str] | None) -> None:
                self._update(
                    lead,
                    changes,
                    lambda saved: said(saved, changes or {}),
                    failed=lambda: self._open_form(form, said, lead.id, changes),
                )

            self.app.push_screen(form(lead, again), answered)

        self._with_lead(self.selected_lead_id() if lead_id is None else lead_id, ask)

    def _update(
        self,
        lead: Lead,
        changes: dict[str, str] | None,
        said: Callable[[Lead], str],
        failed: Callable[[], None] | None = None,
    ) -> None:
        """Save fields a form or the palette changed on `lead` as it was shown
        (`seen`): a field a teammate changed meanwhile is refused, not
        overwritten; their other changes are kept."""
        if changes:
            self._save(lambda repo: repo.update_fields(lead.id, changes, seen=lead), said, failed)

    def _palette_lead(self) -> int | None:
        """The lead a palette command acts on, or None (and say so)."""
        lead_id = self.selected_lead_id()
        if lead_id is None:
            self.notify("Select a lead first (Inbox, Pipeline or Lead tab)", timeout=3)
        return lead_id

    def action_follow_up(self) -> None:
        self._ask_follow_up(snooze=False)

    def action_snooze(self) -> None:
        self._ask_follow_up(snooze=True)

    def action_hide(self) -> None:
        self._ask_follow_up(snooze=False, hide=True)

    def _ask_follow_up(self, *, snooze: bool, hide: bool = False) -> None:
        def said(saved: Lead) -> str:
            return follow_up_said(saved, self.repo.team_now())

        def ask(lead: Lead) -> None:
            def answered(answer: FollowUpAnswer | SnoozeAnswer | HideAnswer | None) -> None:
                if isinstance(answer, SnoozeAnswer):
                    days = answer.days
                    self._save(lambda repo: repo.snooze(lead.id, days), said)
                elif isinstance(answer, FollowUpAnswer):
                    when = answer.when
                    self._save(lambda repo: repo.set_follow_up(lead.id, when), said)
                elif isinstance(answer, HideAnswer):
                    self._hide(lead, answer.until)

            screen = FollowUpScreen(
                shown_name(lead.name),
                self.repo.team_now,
                snooze=snooze,
                hide=hide,
                follow_up=lead.follow_up_at,
            )
            self.app.push_screen(screen, answered)

        self._with_lead(self.selected_lead_id(), ask)

    def erase_selected(self) -> None:
        """The palette's "Erase personal data…": asks for the word, erases,
        says what went and where the text may still be."""

        def ask(lead: Lead) -> None:
            def confirmed(erase: bool | None) -> None:
                if not erase:
                    return
                engine = self.repo.engine.dialect.name

                def said(message: str) -> None:
                    self.notify(message, markup=False, timeout=8)
                    self.reload_all()

                self._write_job(lambda repo: repo.erase_lead(lead.id).message(engine), said)

            self.app.push_screen(EraseScreen(lead.tag()), confirmed)

        self._with_lead(self._palette_lead(), ask)

    def _hide(self, lead: Lead, until: datetime) -> None:
        """Out of the inbox until a day: gone from the list at once, the
        cursor on the next lead, as with a move."""
        self.query_one(InboxPane).forget(lead.id)
        day = team_day(until, self.repo.team_now())
        self._save(
            lambda repo: repo.hide_until(lead.id, until),
            lambda saved: f"{saved.tag()}: hidden until {day:%a %d %b}; u brings it back",
        )

    def action_pin_temperature(self) -> None:
        lead_id = self.selected_lead_id()
        if lead_id is None:
            return
        self._save(lambda repo: repo.pin_next(lead_id), pin_said)

    def pin_as(self, temperature: str) -> None:
        """The palette's "Temperature: hot" (or "auto": the score's again)."""
        lead_id = self._palette_lead()
        if lead_id is None:
            return
        pinned = None if temperature == "auto" else Temperature(temperature)
        self._save(lambda repo: repo.pin_temperature(lead_id, pinned), pin_said)

    def _save(
        self,
        job: Callable[[Repository], Lead],
        message: Callable[[Lead], str],
        failed: Callable[[], None] | None = None,
    ) -> None:
        """A write that keeps the lead where it is: say what happened, re-read."""

        def saved(lead: Lead) -> None:
            self.notify(message(lead), markup=False, timeout=3)
            self.reload_all()

        self._write_job(job, saved, failed=failed)

    def action_quick_add(self, line: str = "") -> None:
        def submitted(result: QuickAddResult | None) -> None:
            if isinstance(result, OpenLead):
                self.open_lead(result.lead_id)
            elif isinstance(result, MergeInto):
                self._merge_quick_add(result)
            elif isinstance(result, NewLead):
                self._add_quick_add(result)

        # The signed-in user in a browser, not the account the server runs as.
        screen = QuickAddScreen(self.repo, self.repo.team_now, owner=self.repo.actor, line=line)
        self.app.push_screen(screen, submitted)

    def _add_quick_add(self, new: NewLead) -> None:
        draft = new.draft

        def added(lead_id: int) -> None:
            self.notify(f"Added #{lead_id} {draft.name}", markup=False, timeout=3)
            # The inbox puts its cursor on the new lead, wherever it ranks.
            self.query_one(InboxPane).reload(select=lead_id)
            if self.active_tab != "inbox":
                self.reload_all()

        self._write_job(
            lambda repo: repo.add_lead(draft, tags=new.tags, follow_up_at=new.follow_up_at),
            added,
            # Not saved (the notification says why): the rep's line comes back.
            failed=lambda: self.action_quick_add(new.typed),
        )

    def _merge_quick_add(self, merge: MergeInto) -> None:
        def merged(lead: Lead) -> None:
            self.notify(f"Merged the new details into {lead.tag()}", markup=False)
            self.open_lead(lead.id)

        new = merge.new
        self._write_job(
            lambda repo: repo.merge_details(
                merge.lead_id, new.draft, tags=new.tags, follow_up_at=new.follow_up_at
            ),
            merged,
            failed=lambda: self.action_quick_add(new.typed),
        )

    def find_duplicates(self) -> None:
        """The palette's "Find duplicates": groups, then compare and merge."""

        def merge(request: MergeRequest | None) -> None:
            if request is not None:
                keep, other = request.keep, request.other
                self._save(
                    lambda repo: repo.merge_leads(
                        keep.id, other.id, picks=request.picks, seen=(keep, other)
                    ),
                    lambda lead: f"{lead.tag()}: merged {other.tag()} in",
                )

        def chosen(leads: list[Lead] | None) -> None:
            if leads and len(leads) > 1:
                self.app.push_screen(MergeScreen(leads[0], leads[1]), merge)

        # Keys typed meanwhile are for the list it opens (tui/typeahead.py).
        release = hold_keys(self)

        def found(groups: DuplicateGroups) -> None:
            try:
                self.app.push_screen(DupesScreen(groups), chosen)
            finally:
                release()

        run_db(self, lambda repo: repo.find_duplicates(), found, key="dupes", on_error=release)

    def classify_as(self, field: str, value: str) -> None:
        """A palette classification ("Lifecycle: SQL", "BANT need: yes") for
        the selected lead; a BANT answer keeps its note."""

        def apply(lead: Lead) -> None:
            text = value
            if field.startswith(BANT_PREFIX):
                note = lead.bant_answer(field.removeprefix(BANT_PREFIX)).note
                text = f"{value}: {note}" if note else value
            self._update(
                lead,
                {field: text},
                lambda saved: f"{saved.tag()}: {field} {saved.field_text(field)}",
            )

        if (lead_id := self._palette_lead()) is not None:
            self._with_lead(lead_id, apply)

    def start_import(self) -> None:
        """The palette's "Import file…": preview, confirm, then one transaction.
        Not in a browser: the path would name a file on the server, which a
        browser's user must not reach (its passwords, a teammate's exports),
        and a rejects file would be written beside it."""
        if in_browser(self.app):
            self.notify(BROWSER_IMPORT_REFUSED, severity="error", markup=False)
            return

        def confirmed(request: ImportRequest | None) -> None:
            if request is None:
                return

            def run(repo: Repository) -> str:
                result = run_import(repo, request.plan)
                text = result.summary()
                if result.rejects is not None:
                    text += f"; the rows not imported are in {result.rejects}"
                return text

            def done(text: str) -> None:
                self.notify(text, title="Import", markup=False, timeout=10)
                self.reload_all()

            self._write_job(run, done)

        self.app.push_screen(ImportScreen(self.repo), confirmed)
