"""Palette commands (ctrl+p) beyond Textual's own: every key's action by
name ("Advance lead", "Lose lead…", "Jump to lead…"), filters ("Filter by
source: referral"), finding duplicates, and classifying the selected lead
("Temperature: hot", "Lifecycle: SQL", "BANT budget: yes") without opening a
form. Each calls a method of the main screen. "Import file…" is here too, and
"Choose what the win chance learns from" (a form of its own).
Textual imports the providers only when the palette first opens."""

from collections.abc import Callable, Iterator
from functools import partial

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

from leadtui.domain.models import (
    BANT_CRITERIA,
    BANT_PREFIX,
    Answer,
    Fit,
    Lifecycle,
    Source,
    Temperature,
)
from leadtui.tui.main_screen import MainScreen
from leadtui.tui.me import in_browser

Command = tuple[str, str, Callable[[object], None]]


def _call(method: str, *args: str) -> Callable[[object], None]:
    def run(screen: object) -> None:
        target = getattr(screen, method, None)
        if target is not None:
            target(*args)

    return run


# (title, what it does, the main screen's action): every key, by name.
ACTIONS = (
    ("Jump to lead…", "By #id or any word of its name, company, email, phone", "search"),
    ("Add a lead…", "Quick-add from one line", "quick_add"),
    ("Advance lead", "Move the selected (or marked) leads to the next stage", "advance"),
    ("Lose lead…", "Mark the selected (or marked) leads lost, with a reason", "lose"),
    ("Win lead", "Mark the selected (or marked) leads won", "win"),
    ("Move lead back", "Back one stage (advanced by mistake)", "back"),
    ("Reopen lead", "Reopen a won or lost lead", "reopen"),
    ("Open lead", "Show the selected lead in the Lead tab", "open_lead"),
    ("Log a touch…", "An email, call, meeting, content sent, a note", "log_touch"),
    ("Edit lead…", "Every field of the selected lead", "edit"),
    ("Classify lead…", "Lifecycle, fit and BANT", "classify"),
    ("Set follow-up…", "When to follow the selected lead up", "follow_up"),
    ("Snooze follow-up…", "Push the follow-up by 1d, 3d, 1w, ...", "snooze"),
    ("Hide lead from the inbox…", "Out of the triage queue until a day", "hide"),
    ("Assign to…", "Give the selected (or marked) leads to an owner", "assign"),
    ("Mark lead", "Mark the selected lead for a bulk move", "mark"),
    (
        "Mark every lead in the list",
        "The whole inbox or column, as filtered (up to 100,000)",
        "mark_all",
    ),
    ("Unmark all", "Clear the marks", "unmark"),
    ("Undo", "Undo your last change", "undo"),
    ("Redo", "Redo the change you undid", "redo"),
    ("Show the Due list", "Follow-ups overdue, today and this week (again: New)", "due"),
    (
        "Rank by the next order",
        "Score, win chance, value, age, follow-up, last touch",
        "toggle_order",
    ),
    ("Filter…", "By source, owner, temperature, score, overdue, rotting", "filter"),
    ("Fold the Lost column", "Hide the Lost column on the board (again: show it)", "fold_lost"),
    ("Keys", "Every key of this screen", "keys"),
)


def _choose_learned_fields(screen: object) -> None:
    """Open the form that picks the win chance's fields (imported on first use)."""
    if isinstance(screen, MainScreen):
        from leadtui.tui.dialogs.learn_fields import LearnFieldsScreen

        screen.app.push_screen(LearnFieldsScreen(screen, screen.reload_all))


def _commands() -> Iterator[Command]:
    yield ("Find duplicates", "Groups of leads that look like one person; merge them",
           _call("find_duplicates"))  # fmt: skip
    yield ("Erase personal data…",
           "A data-protection request: the person's data out of the selected lead, for good",
           _call("erase_selected"))  # fmt: skip
    yield ("Choose what the win chance learns from",
           "Tick the fields and custom fields it learns from, then train it",
           _choose_learned_fields)  # fmt: skip
    for title, help_text, action in ACTIONS:
        yield title, help_text, _call(f"action_{action}")
    for source in Source:
        yield (f"Filter by source: {source.value}", "Only leads from this source",
               _call("filter_by", "source", f"source:{source.value}"))  # fmt: skip
    for warmth in Temperature:
        yield (f"Filter by temperature: {warmth.value}", "Only leads this warm",
               _call("filter_by", "temperature", warmth.value))  # fmt: skip
    yield ("Filter by owner…", "Only one rep's leads", _call("filter_by", "owner", ""))
    yield ("Filter by score range…", "e.g. 50-80 or 50+", _call("filter_by", "score", ""))
    yield ("Filter: overdue follow-ups", "Only leads whose follow-up has passed (again: all)",
           _call("action_toggle_filter", "overdue"))  # fmt: skip
    yield ("Filter: rotting leads", "Only leads idle longer than their stage allows (again: all)",
           _call("action_toggle_filter", "rotting"))  # fmt: skip
    yield ("Clear filter", "Show every lead again", _call("filter_by", "clear", ""))
    for temperature in ("hot", "warm", "cold", "auto"):
        yield (f"Temperature: {temperature}", "Pin the selected lead's temperature",
               _call("pin_as", temperature))  # fmt: skip
    for lifecycle in Lifecycle:
        yield (f"Lifecycle: {lifecycle.label}", "Set the selected lead's lifecycle",
               _call("classify_as", "lifecycle", lifecycle.value))  # fmt: skip
    for fit in Fit:
        yield (f"Fit: {fit.value}", "Set the selected lead's fit",
               _call("classify_as", "fit", fit.value))  # fmt: skip
    for criterion in BANT_CRITERIA:
        for answer in Answer:
            yield (f"BANT {criterion}: {answer.value}", "Answer for the selected lead",
                   _call("classify_as", f"{BANT_PREFIX}{criterion}", answer.value))  # fmt: skip


COMMANDS: tuple[Command, ...] = tuple(_commands())


class LeadCommands(Provider):
    async def discover(self) -> Hits:
        for title, help_text, run in COMMANDS[:1]:  # the rest are found by typing
            yield DiscoveryHit(title, partial(self._run, run), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        screen = main_screen_of(self.app)
        # The model is the team's: a browser's rep may not retrain it (the
        # repository refuses it too), so they are not offered it.
        rep = screen is not None and screen.repo.own_leads_only
        for title, help_text, run in COMMANDS:
            if rep and run is _choose_learned_fields:
                continue
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, run), help=help_text)

    def _run(self, run: Callable[[object], None]) -> None:
        if (screen := main_screen_of(self.app)) is not None:
            run(screen)


def main_screen_of(app: App[object]) -> MainScreen | None:
    """The screen palette commands act on, found by its type: after a normal
    launch it sits over the start screen, and the palette over it."""
    screens = [screen for screen in app.screen_stack if isinstance(screen, MainScreen)]
    return screens[0] if screens else None


class ImportCommands(Provider):
    """Puts "Import file…" in the command palette (ctrl+p)."""

    async def discover(self) -> Hits:
        if in_browser(self.app):
            return  # a browser's user does not reach the server's files
        yield DiscoveryHit("Import file…", self._open, help="Preview, then import leads")

    async def search(self, query: str) -> Hits:
        if in_browser(self.app):
            return
        matcher = self.matcher(query)
        score = matcher.match("Import file…")
        if score > 0:
            yield Hit(score, matcher.highlight("Import file…"), self._open, help="CSV, JSON")

    def _open(self) -> None:
        if (screen := main_screen_of(self.app)) is not None:
            screen.start_import()
