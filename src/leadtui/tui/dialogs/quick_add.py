"""The `n` prompt: one line understood as you type, or (tab) a small form.

    Jane Doe <jane@acme.io> @Acme Corp $5k #referral #vip !fri =maria +44 20 7946 0001 "met at expo"

A live preview shows how the line was read, field by field, and a background
check looks for the same person already in the database. The modal only
reads; it returns what the rep chose (add, open the duplicate, or merge into
it) and the caller writes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from leadtui.domain import quickadd
from leadtui.domain.dedupe import duplicate_line
from leadtui.domain.models import Lead, LeadDraft, Source
from leadtui.repository import Repository
from leadtui.tui.cells import plain
from leadtui.tui.dbwork import run_db
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField
from leadtui.tui.typeahead import HeldKeys

# (the form's field, its label, a placeholder): every field the line has.
# Examples read as examples ("e.g."): a grey "Acme Corp" in an empty field
# was taken for the lead's company.
FIELDS: tuple[tuple[str, str, str], ...] = (
    ("name", "Name *", "e.g. Jane Doe"),
    ("email", "Email", "e.g. jane@acme.io"),
    ("phone", "Phone", "e.g. +44 20 7946 0001"),
    ("company", "Company", "e.g. Acme Corp"),
    ("source", "Source", "referral, website, event… (→ completes)"),
    ("owner", "Owner", "who works the lead"),
    ("value", "Value", "e.g. 5000, 5k or 1.2m"),
    ("tags", "Tags", "e.g. vip, expo"),
    ("follow_up", "Follow-up", "e.g. fri, 3d, 2w or 2026-12-01"),
    ("note", "Note", "e.g. met at expo"),
)
# quickadd.check's error keys (model fields) by the form's field.
ERROR_KEYS = {"value": "value_cents", "note": "notes"}
LINE_HINT = "enter save · tab form · esc cancel"
FORM_HINT = "enter save · ↑/↓ or tab move · esc cancel"


@dataclass(frozen=True)
class NewLead:
    draft: LeadDraft
    tags: tuple[str, ...] = ()
    follow_up_at: datetime | None = None
    # The line as the rep left it (a form's fields as their line): a save
    # that fails (a full disk, a read-only file) reopens the prompt with it.
    typed: str = ""


@dataclass(frozen=True)
class OpenLead:
    lead_id: int


@dataclass(frozen=True)
class MergeInto:
    lead_id: int
    new: NewLead


QuickAddResult = NewLead | OpenLead | MergeInto
Duplicates = list[tuple[Lead, str]]


class QuickAddScreen(Dialog[QuickAddResult | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+o", "open_duplicate", "Open duplicate", show=False),
        Binding("ctrl+g", "merge_duplicate", "Merge into duplicate", show=False),
    ]

    def __init__(
        self, repo: Repository, now: Callable[[], datetime], *, owner: str = "", line: str = ""
    ) -> None:
        """`owner`: the lead's owner unless the line names one (`=name`);
        `line`: what the prompt opens holding (a save that failed)."""
        super().__init__()
        self.repo = repo
        self.typed = line
        self.now = now
        self.owner = owner
        self.currency = repo.team_currency()  # a bare `$` is the team's dollar
        self._attempted = False  # show errors only after the first Enter
        self._form_mode = False
        self._duplicates: Duplicates = []
        self._checked: tuple[Any, ...] | None = None  # what the duplicates are for
        self._warned: tuple[Any, ...] | None = None  # enter again adds anyway
        # Held by an enter typed ahead of the duplicate check: the keys
        # typed after it go on once the check is back (tui/typeahead.py).
        self._submit_when_checked = HeldKeys(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="quick-add", classes="dialog"):
            yield Static("Add a lead", classes="dialog-title")
            yield TextField(
                # At most 54 cells: what the box holds at 60 columns.
                placeholder='Jane Doe <jane@acme.io> @Acme $5k #referral !fri "met"',
                id="qa-line",
            )
            yield Static("", id="qa-line-error", classes="field-error", markup=False)
            yield Static("", id="qa-preview", markup=False)
            with Vertical(id="qa-form"):
                for field, label, placeholder in FIELDS:
                    suggester = (
                        SuggestFromList([s.value for s in Source], case_sensitive=False)
                        if field == "source"
                        else None
                    )
                    with Horizontal(classes="qa-row"):
                        yield Label(label, classes="field-label")
                        yield TextField(
                            placeholder=placeholder, id=f"qa-{field}", suggester=suggester
                        )
                    yield Static("", id=f"qa-{field}-error", classes="field-error", markup=False)
            yield Static("", id="qa-dupes", classes="field-error", markup=False)
            yield Static(LINE_HINT, classes="dialog-hint", id="qa-hint")

    def on_mount(self) -> None:
        self.query_one("#qa-form").display = False
        self.query_one("#qa-preview").display = False
        self.query_one("#qa-dupes").display = False
        field = self.query_one("#qa-line", Input)
        field.focus()
        if self.typed:
            field.value = self.typed

    # ------------------------------------------------------------ line mode

    def _line(self) -> str:
        return self.query_one("#qa-line", Input).value

    def _understood(self) -> quickadd.Understood:
        return quickadd.understand(
            self._line(), self.now(), owner=self.owner, currency=self.currency
        )

    @on(Input.Changed, "#qa-line")
    def line_changed(self, event: Input.Changed) -> None:
        understood = self._understood()
        preview = self.query_one("#qa-preview", Static)
        preview.update(Text("\n".join(quickadd.preview_lines(understood))))
        preview.display = bool(event.value.strip())
        if self._attempted:
            self._show_line_errors(understood)
        self._look_for_duplicates(self._identity(understood.line))

    def _show_line_errors(self, understood: quickadd.Understood) -> None:
        names = {"value_cents": "value", "follow_up": "follow-up"}
        message = "; ".join(
            f"{names.get(field, field)}: {text}" for field, text in understood.errors.items()
        )
        error = self.query_one("#qa-line-error", Static)
        error.update(message)
        error.display = bool(message)

    def on_key(self, event: Any) -> None:
        # tab in the line switches to the form, carrying what was typed;
        # in the form, ↑/↓ move between fields as tab does.
        if event.key == "tab" and not self._form_mode:
            event.prevent_default()
            event.stop()
            self._to_form()
        elif event.key in ("up", "down") and self._form_mode:
            event.stop()
            if event.key == "down":
                self.focus_next()
            else:
                self.focus_previous()

    def _to_form(self) -> None:
        """Every field the line gave (and the owner it falls to) into the form."""
        line = quickadd.parse(self._line())
        texts = quickadd.line_texts(line) | {"owner": line.owner or self.owner}
        for field, _, _ in FIELDS:
            self.query_one(f"#qa-{field}", Input).value = texts[field]
        self._form_mode = True
        for selector in ("#qa-line", "#qa-line-error", "#qa-preview"):
            self.query_one(selector).display = False
        self.query_one("#qa-form").display = True
        self.query_one("#qa-hint", Static).update(FORM_HINT)
        # The name came from the line: carry on with the next field.
        self.query_one("#qa-email", Input).focus()
        if self._attempted:
            self._validate_form()

    # ------------------------------------------------------------ form mode

    def values(self) -> dict[str, str]:
        return {field: self.query_one(f"#qa-{field}", Input).value for field, _, _ in FIELDS}

    def _form_understood(self) -> quickadd.Understood:
        # The owner is in the form, as shown: emptied, the lead has none.
        return quickadd.check(quickadd.form_line(self.values()), self.now(), currency=self.currency)

    def _validate_form(self) -> quickadd.Understood:
        understood = self._form_understood()
        for field, _, _ in FIELDS:
            message = understood.errors.get(ERROR_KEYS.get(field, field), "")
            error_line = self.query_one(f"#qa-{field}-error", Static)
            error_line.update(message)
            error_line.display = bool(message)
        return understood

    @on(Input.Changed, "#qa-form Input")
    def form_changed(self) -> None:
        if self._attempted:
            self._validate_form()
        self._look_for_duplicates(self._current_identity())

    # --------------------------------------------------------------- saving

    def _proposed(self) -> NewLead | None:
        """What enter would add, or None (errors shown) if it is not valid."""
        if self._form_mode:
            understood = self._validate_form()
            if understood.draft is None:
                shown = [
                    f for f, _, _ in FIELDS if self.query_one(f"#qa-{f}-error", Static).display
                ]
                if shown:
                    self.query_one(f"#qa-{shown[0]}", Input).focus()
                else:  # an error of no field the form has: said, never lost
                    self.notify(next(iter(understood.errors.values())), severity="error")
                return None
        else:
            understood = self._understood()
            self._show_line_errors(understood)
            if understood.draft is None:
                return None
        assert understood.draft is not None
        typed = quickadd.render(understood.line) if self._form_mode else self._line()
        return NewLead(
            understood.draft, tuple(understood.line.tags), understood.follow_up_at, typed
        )

    def _identity(self, line: quickadd.QuickLine) -> tuple[Any, ...]:
        return (line.email, line.phone, line.name, line.company)

    def _current_identity(self) -> tuple[Any, ...]:
        if self._form_mode:
            return self._identity(quickadd.form_line(self.values()))
        return self._identity(quickadd.parse(self._line()))

    @on(Input.Submitted)
    def save(self) -> None:
        self._attempted = True
        proposed = self._proposed()
        if proposed is None:
            return
        identity = self._current_identity()
        if self._checked != identity:
            # The duplicate check has not caught up with the last keystroke:
            # decide when it has; the keys typed after the enter wait for it.
            self._submit_when_checked.take()
            self._look_for_duplicates(identity)
            return
        if self._duplicates and self._warned != identity:
            self._warned = identity
            self._show_duplicates(warn=True)
            return
        self.dismiss(proposed)

    # ----------------------------------------------------------- duplicates

    def _look_for_duplicates(self, identity: tuple[Any, ...]) -> None:
        email, phone, name, company = identity
        run_db(
            self,
            lambda repo: repo.possible_duplicates(
                email=email or None, phone=phone or None, name=name or None, company=company or None
            ),
            lambda found: self._duplicates_found(identity, found),
            key="duplicates",
            on_error=self._check_failed,
        )

    def _check_failed(self) -> None:
        # The check could not run (the error is on screen): enter saves
        # without it rather than waiting for an answer that never comes.
        self._submit_when_checked.let_go()

    def _duplicates_found(self, identity: tuple[Any, ...], found: Duplicates) -> None:
        if identity != self._current_identity():
            return  # typed on since: a newer check is coming
        self._checked, self._duplicates = identity, found
        self._show_duplicates(warn=False)
        if self._submit_when_checked.held:
            # Let go first (the keys go on in a later turn of the app, after
            # this save), so that a save that must wait again holds anew.
            self._submit_when_checked.let_go()
            self.save()

    def _show_duplicates(self, *, warn: bool) -> None:
        dupes = self.query_one("#qa-dupes", Static)
        if not self._duplicates:
            dupes.display = False
            return
        lines = [plain(duplicate_line(lead, why)) for lead, why in self._duplicates]
        first = self._duplicates[0][0].id
        lines.append(
            f"{'enter again' if warn else 'enter twice'} adds anyway · ctrl+o opens #{first}"
            f" · ctrl+g merges into #{first}"
        )
        dupes.update(Text("\n".join(lines)))
        dupes.display = True

    def action_open_duplicate(self) -> None:
        if self._duplicates:
            self.dismiss(OpenLead(self._duplicates[0][0].id))

    def action_merge_duplicate(self) -> None:
        if not self._duplicates:
            return
        self._attempted = True
        proposed = self._proposed()
        if proposed is not None:
            self.dismiss(MergeInto(self._duplicates[0][0].id, proposed))

    def action_cancel(self) -> None:
        self.dismiss(None)
