"""The `c` form: a lead's lifecycle, fit and BANT, all on one screen.

Each choice is a row cycled with ←/→ (or its first letter), so a rep sets
"SQL, high fit, budget yes" in a few keys; each BANT answer has a one-line
note beside it. It returns only what changed, as the text `leadtui set`
takes ("sql", "yes: approved for Q1"), so both front ends share one path.
Also the small yes/no question asked before qualifying on thin BANT.
"""

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.events import Key
from textual.widget import Widget
from textual.widgets import Input, Static

from leadtui.domain.models import (
    BANT_CRITERIA,
    BANT_NOTE_LIMIT,
    BANT_PREFIX,
    Answer,
    BantAnswer,
    Fit,
    Lifecycle,
)
from leadtui.tui.cells import plain
from leadtui.tui.dialogs.base import Dialog
from leadtui.tui.dialogs.fields import TextField
from leadtui.tui.dialogs.lead_form import LeadFormScreen

ANSWER_STYLE = {
    Answer.YES: "$text-success",
    Answer.NO: "$text-error",
    Answer.UNKNOWN: "$foreground-muted",
}


class ChoiceRow(Widget, can_focus=True):
    """A label and one of a few choices: ←/→ or space cycle, a letter jumps."""

    BINDINGS = [
        Binding("right,space", "step(1)", "Next", show=False),
        Binding("left", "step(-1)", "Previous", show=False),
    ]

    def __init__(
        self, label: str, choices: Sequence[tuple[str, str]], value: str, *, id: str
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self.choices = list(choices)  # (value, shown)
        self.index = next((i for i, (v, _) in enumerate(self.choices) if v == value), 0)

    @property
    def value(self) -> str:
        return self.choices[self.index][0]

    def render(self) -> Content:
        shown = self.choices[self.index][1]
        style = ANSWER_STYLE.get(Answer(shown), "") if shown in Answer.__members__.values() else ""
        return Content.assemble(
            (f"{self.label:<10}", "bold"), "‹ ", (f"{shown:^11}", style or "bold"), " ›"
        )

    def action_step(self, step: int) -> None:
        self.index = (self.index + step) % len(self.choices)
        self.refresh()

    def on_key(self, event: Key) -> None:
        """A letter picks the first choice it starts (y/n/u, h/m/l, s for SQL)."""
        if event.character and event.character.isalpha():
            letter = event.character.lower()
            for offset in range(1, len(self.choices) + 1):
                index = (self.index + offset) % len(self.choices)
                if self.choices[index][1].lower().startswith(letter):
                    self.index = index
                    self.refresh()
                    event.stop()
                    return


def _lifecycle_choices() -> list[tuple[str, str]]:
    return [(stage.value, stage.label) for stage in Lifecycle]


class ClassifyScreen(LeadFormScreen):
    def compose(self) -> ComposeResult:
        lead, again = self.lead, self.again
        answers = [(a.value, a.value) for a in Answer]
        with Vertical(id="classify-dialog", classes="dialog"):
            yield Static(
                Content.assemble("Classify ", (plain(lead.tag()), "bold")),
                classes="dialog-title one-line",
            )
            yield ChoiceRow(
                "Lifecycle",
                _lifecycle_choices(),
                again.get("lifecycle", lead.lifecycle.value),
                id="choice-lifecycle",
            )
            yield ChoiceRow(
                "Fit",
                [(f.value, f.value) for f in Fit],
                again.get("fit", lead.fit.value),
                id="choice-fit",
            )
            for criterion in BANT_CRITERIA:
                typed = again.get(f"{BANT_PREFIX}{criterion}")
                answer = lead.bant_answer(criterion) if typed is None else BantAnswer.parse(typed)
                with Horizontal(classes="bant-row"):
                    yield ChoiceRow(
                        criterion.capitalize(),
                        answers,
                        answer.answer.value,
                        id=f"choice-{criterion}",
                    )
                    yield TextField(
                        answer.note,
                        placeholder="note",
                        max_length=BANT_NOTE_LIMIT,
                        id=f"note-{criterion}",
                        classes="bant-note",
                    )
            yield Static(
                "←/→ or a letter choose · ↑/↓ move · enter or ctrl+s save · esc cancel",
                classes="dialog-hint",
            )

    def changes(self) -> dict[str, str]:
        """The fields that differ from the lead as it was shown, as text."""
        wanted = {
            "lifecycle": self.query_one("#choice-lifecycle", ChoiceRow).value,
            "fit": self.query_one("#choice-fit", ChoiceRow).value,
        }
        for criterion in BANT_CRITERIA:
            answer = BantAnswer(
                answer=Answer(self.query_one(f"#choice-{criterion}", ChoiceRow).value),
                note=self.query_one(f"#note-{criterion}", Input).value,
            )
            wanted[f"{BANT_PREFIX}{criterion}"] = answer.text()
        old = {
            "lifecycle": self.lead.lifecycle.value,
            "fit": self.lead.fit.value,
            **{f"{BANT_PREFIX}{c}": self.lead.bant_answer(c).text() for c in BANT_CRITERIA},
        }
        return {field: text for field, text in wanted.items() if text != old[field]}

    @on(Input.Submitted)
    def action_save(self) -> None:
        self.dismiss(self.changes())

    def on_key(self, event: Key) -> None:
        # Enter on a choice row saves too (an Input handles its own).
        if event.key == "enter" and isinstance(self.focused, ChoiceRow):
            event.stop()
            self.action_save()


class ConfirmScreen(Dialog[bool]):
    """A yes/no question: y or enter confirms, n or esc declines."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question, self.detail = question, detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Static(
                plain(self.question), id="confirm-question", classes="dialog-title", markup=False
            )
            if self.detail:
                yield Static(plain(self.detail), id="confirm-detail", markup=False)
            yield Static("y or enter: yes · n or esc: no", classes="dialog-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
