"""The palette's "Import file…": a path, then the same preview as
`leadtui import --dry-run` (mapping, sample rows, problems, exact counts),
then the import only when the user confirms. The caller runs the import;
this screen only reads."""

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from leadtui.domain.sanitize import clean_line, clean_text
from leadtui.importing.plan import Plan
from leadtui.repository import Repository
from leadtui.tui.dbwork import run_db
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField
from leadtui.usecases.importing import plan_import, preview_import, preview_lines


@dataclass(frozen=True)
class ImportRequest:
    """What the user confirmed: this file, mapped as previewed."""

    path: Path
    plan: Plan


def preview_text(repo: Repository, path: Path) -> tuple[Plan, Text]:
    """The dry run, as plain text (file content is never markup)."""
    shown = preview_import(repo, plan_import(path))
    # File text is already sanitised; headers are not: clean the lot.
    return shown.plan, Text(clean_text("\n".join(preview_lines(shown))))


class ImportScreen(Dialog[ImportRequest | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+y", "confirm", "Import", show=False),
    ]

    def __init__(self, repo: Repository) -> None:
        super().__init__()
        self.repo = repo
        self.plan: Plan | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog", classes="dialog"):
            yield Static(
                "Import a CSV, JSON, JSON Lines or Excel (.xlsx) file", classes="dialog-title"
            )
            yield TextField(placeholder="Path, e.g. ~/Downloads/leads.csv", id="import-path")
            yield Static("", id="import-error", classes="field-error", markup=False)
            with VerticalScroll(id="import-preview"):
                yield Static("", id="import-preview-text", markup=False)
            yield Static(
                "enter preview · ctrl+y import · esc cancel",
                classes="dialog-hint",
                id="import-hint",
            )

    @on(Input.Submitted, "#import-path")
    def look(self, event: Input.Submitted) -> None:
        path = Path(clean_line(event.value)).expanduser()
        self.plan = None
        self.query_one("#import-preview-text", Static).update("Reading…")
        self._preview(path)

    def _preview(self, path: Path) -> None:
        run_db(
            self,
            lambda repo: preview_text(repo, path),
            lambda previewed: self._show_preview(*previewed),
            key="import-preview",
            report=self._show_error,
        )

    def _show_error(self, message: str) -> None:
        error = self.query_one("#import-error", Static)
        error.update(message)
        error.display = True
        self.query_one("#import-preview-text", Static).update("")

    def _show_preview(self, plan: Plan, text: Text) -> None:
        self.query_one("#import-error", Static).display = False
        self.plan = plan
        self.query_one("#import-preview-text", Static).update(text)

    def action_confirm(self) -> None:
        if self.plan is None:
            self._show_error("Preview a file first (type its path, then enter).")
            return
        self.dismiss(ImportRequest(self.plan.table.path, self.plan))

    def action_cancel(self) -> None:
        self.dismiss(None)
