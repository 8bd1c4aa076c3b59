"""The palette's "Import file…": a path, then the same preview as
`leadtui import --dry-run` (mapping, sample rows, problems, exact counts),
then the import only when the user confirms. The caller runs the import;
this screen only reads."""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Select, Static

from leadtui.domain.sanitize import clean_line, clean_text
from leadtui.importing.choices import suggestion, values_of
from leadtui.importing.plan import Overrides, Plan
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


# A value the user leaves alone: read as leadtui reads it (the field's
# default), the text kept as a custom field.
KEEP = "keep"
# Values asked about per field; the rest are counted (as the CLI's report does).
ASKED_PER_FIELD = 20
CLI_OPTIONS = "Options written --like-this are for `leadtui import` on the command line."


@dataclass(frozen=True)
class Unknown:
    """A value of an enumerated field (stage, fit, ...) leadtui does not know."""

    field: str
    text: str
    headers: tuple[str, ...]
    rows: int

    def label(self) -> Text:
        headers = ", ".join(repr(header) for header in self.headers)
        rows = f"{self.rows:,} row{'' if self.rows == 1 else 's'}"
        return Text(clean_line(f"{self.field}: {self.text!r} in {headers} ({rows})"))

    def options(self) -> list[tuple[Text, str]]:
        """Keep it, or one of the field's values (a close one marked)."""
        guess = suggestion(self.field, self.text)
        return [
            (Text("keep as a custom field"), KEEP),
            *(
                (Text(f"{value} (close)" if value == guess else value), value)
                for value in values_of(self.field)
            ),
        ]


@dataclass(frozen=True)
class Previewed:
    plan: Plan
    text: Text
    unknown: list[Unknown]
    left_out: int  # distinct unknown values not asked about


def preview_text(
    repo: Repository, path: Path, values: dict[str, dict[str, str]] | None = None
) -> Previewed:
    """The dry run, as plain text (file content is never markup), with the
    values chosen in the dialog (field → {text: value}) applied."""
    plan = plan_import(path, Overrides(values=values or {}))
    shown = preview_import(repo, plan, unknown_lines=False)
    lines = preview_lines(shown)
    if any(" --" in line for line in lines):
        lines += ["", CLI_OPTIONS]
    found: dict[tuple[str, str], tuple[list[str], int]] = {}
    for (name, header, text), rows in shown.found.unknown.most_common():
        headers, before = found.setdefault((name, text), ([], 0))
        found[(name, text)] = (headers if header in headers else [*headers, header], before + rows)
    unknown: list[Unknown] = []
    asked: Counter[str] = Counter()
    for (name, text), (headers, rows) in found.items():
        if asked[name] < ASKED_PER_FIELD:
            asked[name] += 1
            unknown.append(Unknown(name, text, tuple(headers), rows))
    if found:
        fields = ", ".join(dict.fromkeys(name for name, _ in found))
        many = f"{len(found):,} value{'s' if len(found) > 1 else ''}"
        lines.insert(1, f"{many} of {fields} it does not know: say what each means below (tab)")
    # File text is already sanitised; headers are not: clean the lot.
    shown_text = Text(clean_text("\n".join(lines)))
    return Previewed(shown.plan, shown_text, unknown, len(found) - len(unknown))


class ImportScreen(Dialog[ImportRequest | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+y", "confirm", "Import", show=False),
    ]

    def __init__(self, repo: Repository) -> None:
        super().__init__()
        self.repo = repo
        self.plan: Plan | None = None
        self._path: Path | None = None
        self._asked: list[Unknown] = []  # one Select each, in order
        self._updating = False  # a preview is being read

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog", classes="dialog"):
            yield Static(
                "Import a CSV, JSON, JSON Lines or Excel (.xlsx) file", classes="dialog-title"
            )
            yield TextField(placeholder="Path, e.g. ~/Downloads/leads.csv", id="import-path")
            yield Static("", id="import-error", classes="field-error", markup=False)
            with VerticalScroll(id="import-preview"):
                # Counts first (they decide "import or not"), then the questions.
                yield Static("", id="import-preview-text", markup=False)
                yield Vertical(id="import-values")
            yield Static(
                "enter preview · ctrl+y import · esc cancel",
                classes="dialog-hint",
                id="import-hint",
            )

    @on(Input.Submitted, "#import-path")
    def look(self, event: Input.Submitted) -> None:
        path = Path(clean_line(event.value)).expanduser()
        self.plan, self._path, self._asked = None, path, []
        self.query_one("#import-values").remove_children()
        self.query_one("#import-preview", VerticalScroll).can_focus = True
        self.query_one("#import-preview-text", Static).update("Reading…")
        self._preview(path, {}, first=True)

    def _chosen(self) -> dict[str, dict[str, str]]:
        """The values mapped in the dialog: field → {text: value}."""
        values: dict[str, dict[str, str]] = {}
        for unknown, select in zip(self._asked, self.query(Select), strict=True):
            if select.value != KEEP and isinstance(select.value, str):
                values.setdefault(unknown.field, {})[unknown.text] = select.value
        return values

    @on(Select.Changed)
    def _value_chosen(self) -> None:
        if self._path is None or len(self._asked) != len(self.query(Select)):
            return
        self.plan = None  # until the preview with this choice is back
        self._preview(self._path, self._chosen(), first=False)

    def _preview(self, path: Path, values: dict[str, dict[str, str]], *, first: bool) -> None:
        self._updating = True
        run_db(
            self,
            lambda repo: preview_text(repo, path, values),
            lambda previewed: self._show_preview(previewed, first=first),
            key="import-preview",
            report=self._show_error,
        )

    def _show_error(self, message: str) -> None:
        self._updating = False
        error = self.query_one("#import-error", Static)
        error.update(message)
        error.display = True
        self.query_one("#import-preview-text", Static).update("")

    def _show_preview(self, previewed: Previewed, *, first: bool) -> None:
        self._updating = False
        self.query_one("#import-error", Static).display = False
        self.plan = previewed.plan
        self.query_one("#import-preview-text", Static).update(previewed.text)
        if first:  # later previews keep the questions (a mapped value is known then)
            self._ask(previewed)

    def _ask(self, previewed: Previewed) -> None:
        """A line per value it does not know, with what it should mean."""
        self._asked = previewed.unknown
        box = self.query_one("#import-values", Vertical)
        if not self._asked:
            return
        rows: list[Widget] = [
            Static(
                "Values it does not know: choose what each means, or keep it as a"
                " custom field (the field then left as it would be without it)",
                classes="import-values-title",
            )
        ]
        for unknown in self._asked:
            rows.append(
                Horizontal(
                    Static(unknown.label(), markup=False, classes="import-value-label"),
                    Select(unknown.options(), value=KEEP, allow_blank=False, compact=True),
                    classes="import-value",
                )
            )
        if previewed.left_out:
            rows.append(Static(f"… and {previewed.left_out:,} more values, kept as custom fields"))
        box.mount_all(rows)
        # Tab from the path goes straight to the first question, not to the
        # preview's scroll area first: a focused question scrolls itself into
        # view, and page keys still scroll the preview from the dropdowns.
        self.query_one("#import-preview", VerticalScroll).can_focus = False

    def action_confirm(self) -> None:
        if self.plan is None:
            if self._updating:
                self.notify("The preview is being updated: ctrl+y again once it is back.")
            else:
                self._show_error("Preview a file first (type its path, then enter).")
            return
        self.dismiss(ImportRequest(self.plan.table.path, self.plan))

    def action_cancel(self) -> None:
        self.dismiss(None)
