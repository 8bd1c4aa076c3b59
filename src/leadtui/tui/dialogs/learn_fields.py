"""The palette's "Choose what the win chance learns from": every field and
custom field with its fill rate, the ones in use ticked (the defaults until
the team stores a choice), then training with the ticked ones and how well
the result does on held-out leads (`score evaluate`'s AUC, calibration
error and leak warnings). The choice is stored with the model, as `leadtui
score train --fields` stores it.

Training runs on the screen below (the main screen), so closing the dialog
does not lose it: the outcome is said in a notification as well as here."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from leadtui.domain.errors import InvalidInput
from leadtui.domain.learned import FieldChoice, LearnableField
from leadtui.domain.results import Evaluation, TrainReport
from leadtui.domain.sanitize import clean_line
from leadtui.repository import Repository
from leadtui.tui.dbwork import WRITE_GROUP, run_db
from leadtui.tui.dialogs.base import Dialog

HINT = "space tick or untick · ctrl+s train · esc close"


@dataclass(frozen=True)
class Outcome:
    """A training with the chosen fields, then its evaluation on held-out leads."""

    report: TrainReport
    evaluation: Evaluation | None
    not_evaluated: str = ""  # why there is no evaluation


def train_and_evaluate(repo: Repository, fields: str) -> Outcome:
    report = repo.train_model(fields=fields)
    if report.model is None:
        return Outcome(report, None)
    try:
        return Outcome(report, repo.evaluate_model(fields=fields))
    except InvalidInput as error:  # trained, but too few leads to hold some out
        return Outcome(report, None, str(error))


def outcome_lines(outcome: Outcome) -> list[str]:
    """The outcome in words, plain text (field names are imported data)."""
    model = outcome.report.model
    if model is None:
        return [f"Not trained: {outcome.report.reason}"]
    lines = [
        f"Trained on {model.n_won + model.n_lost:,} closed leads ({model.n_won:,} won)"
        f" from {len(model.specs)} fields; {outcome.report.changed:,} open leads' chances changed."
    ]
    result = outcome.evaluation
    if result is None:
        return [*lines, outcome.not_evaluated]
    auc = "n/a" if result.auc is None else f"{result.auc:.3f}"
    ece = "n/a" if result.ece is None else f"{result.ece:.3f}"
    lines.append(
        f"On {result.n_test:,} held-out leads: AUC {auc} (0.5 is a coin toss),"
        f" calibration error {ece} (0 is exact)."
    )
    lines += [
        f"Warning: {leak.feature} alone predicts the outcome (AUC {leak.auc:.3f}):"
        " usually filled in after the fact; untick it."
        for leak in result.leaks
    ]
    return [clean_line(line) for line in lines]


def field_prompt(field: LearnableField) -> Text:
    """One line of the list: the field, its fill rate, why it is not a default."""
    why = f" · {field.left_out}" if field.left_out else ""
    return Text(clean_line(f"{field.label}  {field.fill_rate:.0%} filled{why}"))


class LearnFieldsScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("ctrl+s", "train", "Train"),
    ]

    def __init__(self, host: Widget, trained: Callable[[], None]) -> None:
        """`host` runs the training (it outlives this dialog); `trained` is
        called after it, on the UI thread (the main screen reloads)."""
        super().__init__()
        self.host = host
        self.trained = trained
        self.choice: FieldChoice | None = None
        self.training = False

    def compose(self) -> ComposeResult:
        with Vertical(id="learn-dialog", classes="dialog"):
            yield Static("What the win chance learns from", classes="dialog-title")
            yield Static("Reading the fields…", id="learn-status", markup=False)
            yield SelectionList[str](id="learn-fields")
            yield Static("", id="learn-outcome", markup=False)
            yield Static(HINT, classes="dialog-hint")

    def on_mount(self) -> None:
        run_db(self, lambda repo: repo.learnable_fields(), self._show, key="learn-fields")

    def _show(self, choice: FieldChoice) -> None:
        self.choice = choice
        ticked = set(choice.in_use)
        fields = self.query_one("#learn-fields", SelectionList)
        fields.add_options(
            [Selection(field_prompt(f), f.choice, f.choice in ticked) for f in choice.fields]
        )
        whose = "the defaults" if choice.chosen is None else "the team's choice"
        self._status(f"Ticked: what it learns from now ({whose}).")
        fields.focus()

    def _status(self, text: str) -> None:
        self.query_one("#learn-status", Static).update(text)

    def action_train(self) -> None:
        if self.choice is None or self.training:
            return  # still reading the fields, or already training
        picked = list(self.query_one("#learn-fields", SelectionList).selected)
        if not picked:
            self._status("Tick at least one field (space) to learn from.")
            return
        fields = self.choice.as_fields(picked)
        self.training = True
        self._status("Training on the closed leads…")
        self.query_one("#learn-outcome", Static).update("")
        job = partial(train_and_evaluate, fields=fields)
        run_db(self.host, job, self._done, key=WRITE_GROUP, on_error=self._failed)

    def _failed(self) -> None:
        """The error itself is a notification (run_db's); ticking can go on."""
        self.training = False
        if self in self.app.screen_stack:
            self._status("Not trained.")

    def _done(self, outcome: Outcome) -> None:
        self.training = False
        text = "\n".join(outcome_lines(outcome))
        failed = outcome.report.model is None
        self.app.notify(
            text, title="Win chance", severity="error" if failed else "information",
            markup=False, timeout=15,
        )  # fmt: skip
        if self in self.app.screen_stack:  # still open
            self._status("Not trained." if failed else "Trained; the choice is stored.")
            self.query_one("#learn-outcome", Static).update(text)
        self.trained()

    def action_close(self) -> None:
        self.dismiss(None)
