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
from leadtui.importing.headers import auto_target
from leadtui.importing.plan import Overrides, Plan
from leadtui.importing.profile import NO_AMOUNT_COLUMNS
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
class Demoted:
    """A column whose header names a field but whose values mostly are not
    that field's, so it is kept as a custom field unless the user says."""

    header: str
    field: str
    note: str  # why: "not fit: 2 of the 2 values looked at are not ..."

    def label(self) -> Text:
        """'column 'Quality': values mostly not fit' (the preview says why)."""
        return Text(clean_line(f"column {self.header!r}: values mostly not {self.field}"))

    def options(self) -> list[tuple[Text, str]]:
        return [
            (Text("keep as a custom field"), KEEP),
            (Text(f"read as {self.field} anyway"), self.field),
        ]


# The amounts' decimal convention, as the dialog's Select names it.
COMMA, POINT = "comma", "point"
DECIMAL_OPTIONS = [
    (Text("1,234.56: decimal point"), POINT),
    (Text("1.234,56: decimal comma"), COMMA),
]


@dataclass(frozen=True)
class Previewed:
    plan: Plan
    text: Text
    unknown: list[Unknown]
    left_out: int  # distinct unknown values not asked about
    demoted: list[Demoted]


def preview_text(
    repo: Repository,
    path: Path,
    values: dict[str, dict[str, str]] | None = None,
    columns: dict[str, str] | None = None,
    decimal_comma: bool | None = None,
) -> Previewed:
    """The dry run, as plain text (file content is never markup), with the
    values (field → {text: value}), columns (header → field) and amounts'
    decimal convention (None: as detected) chosen in the dialog applied."""
    said = Overrides(columns=columns or {}, values=values or {}, decimal_comma=decimal_comma)
    plan = plan_import(path, said)
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
    headers, plan = shown.plan.table.headers, shown.plan
    # Not offered as a field another column already is: a "Fit" column beside
    # "Quality" keeps fit, so "read Quality as fit" would do nothing.
    demoted = [
        Demoted(header, field, target.note)
        for header, target in plan.demoted()
        if not plan.columns_for(field := auto_target(header, headers).name)
    ]
    # File text is already sanitised; headers are not: clean the lot.
    shown_text = Text(clean_text("\n".join(lines)))
    return Previewed(shown.plan, shown_text, unknown, len(found) - len(unknown), demoted)


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
        self._demoted: list[Demoted] = []  # asked once, from the first preview
        # The amounts' convention the user chose (None: as the file reads),
        # and the one the preview on display read with.
        self._decimal: bool | None = None
        self._shown_decimal: str | None = None
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
                yield Vertical(id="import-amounts")
                yield Vertical(id="import-columns")
                yield Vertical(id="import-values")
            yield Static(
                "enter preview · ctrl+y import · esc cancel",
                classes="dialog-hint",
                id="import-hint",
            )

    @on(Input.Submitted, "#import-path")
    def look(self, event: Input.Submitted) -> None:
        path = Path(clean_line(event.value)).expanduser()
        self.plan, self._path, self._asked, self._demoted = None, path, [], []
        self._decimal = self._shown_decimal = None
        self.query_one("#import-amounts").remove_children()
        self.query_one("#import-columns").remove_children()
        self.query_one("#import-values").remove_children()
        self.query_one("#import-preview", VerticalScroll).can_focus = True
        self.query_one("#import-preview-text", Static).update("Reading…")
        self._preview(path, {}, {}, first=True)

    def _chosen(self) -> dict[str, dict[str, str]]:
        """The values mapped in the dialog: field → {text: value}."""
        values: dict[str, dict[str, str]] = {}
        selects = self.query("#import-values Select").results(Select)
        for unknown, select in zip(self._asked, selects, strict=True):
            if select.value != KEEP and isinstance(select.value, str):
                values.setdefault(unknown.field, {})[unknown.text] = select.value
        return values

    def _columns_chosen(self) -> dict[str, str]:
        """The columns read as their field after all: header → field."""
        selects = self.query("#import-columns Select").results(Select)
        return {
            column.header: select.value
            for column, select in zip(self._demoted, selects, strict=True)
            if select.value != KEEP and isinstance(select.value, str)
        }

    def _all_asked(self) -> bool:
        """Every question is mounted: a Select reports its first value as it
        mounts, which is no choice."""
        columns = len(self.query("#import-columns Select"))
        return (columns, len(self.query("#import-values Select"))) == (
            len(self._demoted),
            len(self._asked),
        )

    @on(Select.Changed, "#import-amounts Select")
    def _decimal_chosen(self, event: Select.Changed) -> None:
        """Amounts read with the other decimal mark: previewed anew (the
        value and column choices kept), and imported so. (The dialog sets
        the Select without a Changed: each one is the user's.)"""
        asked = self._shown_decimal if self._decimal is None else (POINT, COMMA)[self._decimal]
        if self._path is None or event.value == asked:
            return
        self._decimal = event.value == COMMA
        self.plan = None
        self._preview(self._path, self._chosen(), self._columns_chosen(), first=False)

    @on(Select.Changed, "#import-values Select")
    def _value_chosen(self) -> None:
        if self._path is None or not self._all_asked():
            return
        self.plan = None  # until the preview with this choice is back
        self._preview(self._path, self._chosen(), self._columns_chosen(), first=False)

    @on(Select.Changed, "#import-columns Select")
    def _column_chosen(self) -> None:
        """A column read as its field after all, or kept again: its values
        are then another field's, so the value questions are asked anew
        (the choices already made kept)."""
        if self._path is None or not self._all_asked():
            return
        self.plan = None
        kept = self._chosen()
        self._preview(self._path, kept, self._columns_chosen(), first=False, values_again=kept)

    def _preview(
        self,
        path: Path,
        values: dict[str, dict[str, str]],
        columns: dict[str, str],
        *,
        first: bool,
        values_again: dict[str, dict[str, str]] | None = None,
    ) -> None:
        self._updating = True
        decimal = self._decimal
        run_db(
            self,
            lambda repo: preview_text(repo, path, values, columns, decimal),
            lambda previewed: self._show_preview(previewed, first, values_again),
            key="import-preview",
            report=self._show_error,
        )

    def _show_error(self, message: str) -> None:
        self._updating = False
        error = self.query_one("#import-error", Static)
        error.update(message)
        error.display = True
        self.query_one("#import-preview-text", Static).update("")

    def _show_preview(
        self,
        previewed: Previewed,
        first: bool,
        values_again: dict[str, dict[str, str]] | None,
    ) -> None:
        self._updating = False
        self.query_one("#import-error", Static).display = False
        self.plan = previewed.plan
        self.query_one("#import-preview-text", Static).update(previewed.text)
        self._ask_amounts(previewed.plan)
        # Later previews keep the questions (a mapped value is known then),
        # unless a column changed what its values are.
        if first:
            self._ask_columns(previewed.demoted)
        if first or values_again is not None:
            self._ask(previewed, values_again or {})

    def _ask_amounts(self, plan: Plan) -> None:
        """The amounts' decimal convention, as the preview read them, to
        change (as --decimal-comma/--decimal-point do); no line when the
        file has no amounts (a column read as value after all brings one)."""
        box = self.query_one("#import-amounts", Vertical)
        if plan.decimal.reason == NO_AMOUNT_COLUMNS:
            self._shown_decimal = None
            box.remove_children()
            return
        self._shown_decimal = COMMA if plan.decimal.comma else POINT
        # What the preview read with is shown, not chosen: no Changed, as the
        # Select is made or set (one made here posts none as it mounts).
        with self.prevent(Select.Changed):
            if selects := list(box.query(Select).results(Select)):
                selects[0].value = self._shown_decimal
            else:
                self._mount_amounts(box)

    def _mount_amounts(self, box: Vertical) -> None:
        assert self._shown_decimal is not None
        box.mount(
            Horizontal(
                Static(
                    "amounts: the decimal mark (the preview says why)",
                    classes="import-value-label",
                ),
                Select(DECIMAL_OPTIONS, value=self._shown_decimal, allow_blank=False, compact=True),
                classes="import-value import-amounts",
            )
        )
        self._questions_focus_first()

    def _ask_columns(self, demoted: list[Demoted]) -> None:
        """A line per column kept as a custom field: keep it, or read it as
        the field its header names (as `--map` does on the command line)."""
        self._demoted = demoted
        if not demoted:
            return
        rows: list[Widget] = [
            Static(
                "Columns kept as custom fields, as their values are mostly not the"
                " field their header names: keep each, or read it as that field",
                classes="import-values-title",
            )
        ]
        rows += [
            Horizontal(
                Static(column.label(), markup=False, classes="import-value-label"),
                Select(column.options(), value=KEEP, allow_blank=False, compact=True),
                classes="import-value",
            )
            for column in demoted
        ]
        self.query_one("#import-columns", Vertical).mount_all(rows)
        self._questions_focus_first()

    def _ask(self, previewed: Previewed, chosen: dict[str, dict[str, str]]) -> None:
        """A line per value it does not know, with what it should mean (as
        chosen before, if it was asked before)."""
        box = self.query_one("#import-values", Vertical)
        box.remove_children()
        self._asked = previewed.unknown
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
            value = chosen.get(unknown.field, {}).get(unknown.text, KEEP)
            rows.append(
                Horizontal(
                    Static(unknown.label(), markup=False, classes="import-value-label"),
                    Select(unknown.options(), value=value, allow_blank=False, compact=True),
                    classes="import-value",
                )
            )
        if previewed.left_out:
            rows.append(Static(f"… and {previewed.left_out:,} more values, kept as custom fields"))
        box.mount_all(rows)
        self._questions_focus_first()

    def _questions_focus_first(self) -> None:
        """Tab from the path goes straight to the first question, not to the
        preview's scroll area first: a focused question scrolls itself into
        view, and page keys still scroll the preview from the dropdowns."""
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
