"""Palette commands (ctrl+p) beyond Textual's own: finding duplicates, and
classifying the selected lead ("Temperature: hot", "Lifecycle: SQL", "BANT
budget: yes") without opening a form. Each calls a method of the main screen."""

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from leadtui.models import BANT_CRITERIA, BANT_PREFIX, Answer, Fit, Lifecycle

Command = tuple[str, str, Callable[[object], None]]


def _call(method: str, *args: str) -> Callable[[object], None]:
    def run(screen: object) -> None:
        target = getattr(screen, method, None)
        if target is not None:
            target(*args)

    return run


def _commands() -> Iterator[Command]:
    yield ("Find duplicates", "Groups of leads that look like one person; merge them",
           _call("find_duplicates"))  # fmt: skip
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
        for title, help_text, run in COMMANDS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, run), help=help_text)

    def _run(self, run: Callable[[object], None]) -> None:
        # The main screen is the bottom of the stack (the palette sits above it).
        run(self.app.screen_stack[0])
