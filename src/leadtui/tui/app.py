"""LeadApp: the application object. Kept light (textual and leadtui's own
small modules only) so that `leadtui` can paint the inbox's first page before
the models, sqlite-utils and the screens are imported (tui/start.py); the
main screen and the palette's commands are imported when first needed."""

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.command import Provider
from textual.driver import Driver
from textual.screen import Screen

from leadtui import __version__, resources
from leadtui.config import Settings, config_path, save_theme
from leadtui.domain.errors import InvalidInput, LeadtuiError
from leadtui.tui.cells import file_label, plain, plain_lines

if TYPE_CHECKING:
    from leadtui.repository import Repository
    from leadtui.tui.main_screen import MainScreen
    from leadtui.tui.panes.inbox import FirstPage


def _lead_commands() -> type[Provider]:
    from leadtui.tui.commands import LeadCommands

    return LeadCommands


def _import_commands() -> type[Provider]:
    from leadtui.tui.commands import ImportCommands

    return ImportCommands


class LeadApp(App[None]):
    TITLE = "leadtui"
    SUB_TITLE = __version__
    CSS_PATH = str(resources.stylesheet())
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {_import_commands, _lead_commands}

    def __init__(
        self,
        repo: "Repository | None" = None,
        settings: Settings | None = None,
        *,
        starting: Callable[[], Screen[None]] | None = None,
    ) -> None:
        """With a repository, the main screen at once. Without one, `starting`
        makes the first screen, which calls opened() when the repository is
        ready (tui/start.py)."""
        super().__init__()
        if repo is None and starting is None:
            raise ValueError("LeadApp needs a repository or a starting screen")
        self._repo = repo
        self._starting = starting
        self.settings = settings or Settings()
        # Why the app ended early (fail()): raised by run() once the
        # terminal is restored, to be printed as the CLI prints errors.
        self.failure: str | None = None
        # Keys typed before the main screen is up, replayed on it.
        self.typed_early: list[events.Key] = []
        # The theme config.toml holds (see watch_theme).
        self._saved_theme = self.theme
        if repo is not None:
            self.sub_title = file_label(repo.path)
            self._check_keymap()
            self._use_theme()
        self.set_keymap(self.settings.keymap)

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:
        """Every notification as text fit for a terminal, whatever it quotes:
        a lead's name as stored, a file's path."""
        super().notify(plain_lines(message), title=plain(title), **kwargs)

    def get_driver_class(self) -> type[Driver]:
        from leadtui.tui.paste import paste_safe

        return paste_safe(super().get_driver_class())

    @property
    def repo(self) -> "Repository":
        if self._repo is None:
            raise RuntimeError("the repository is still opening")
        return self._repo

    def _check_keymap(self) -> None:
        from leadtui.tui.keys import binding_ids

        known = binding_ids()
        unknown = sorted(set(self.settings.keymap) - known)
        if unknown:
            raise InvalidInput(
                f"{config_path()}: [keys] {unknown[0]!r} is not a key's id;"
                f" the ids are {', '.join(sorted(known))} (and ? shows them)"
            )

    def _use_theme(self) -> None:
        """The theme picked last time (config.toml's [ui] theme)."""
        theme = self.settings.theme
        if theme is None:
            return
        if theme not in self.available_themes:
            raise InvalidInput(
                f"{config_path()}: [ui] theme {theme!r} is not a theme; the themes are"
                f" {', '.join(sorted(self.available_themes))}"
            )
        self._saved_theme = theme
        self.theme = theme

    def watch_theme(self, theme: str) -> None:
        """A theme picked (ctrl+p, "Change theme") is kept for next time."""
        if theme == self._saved_theme:
            return
        try:
            save_theme(theme)
        except InvalidInput as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self._saved_theme = theme
        self.settings = replace(self.settings, theme=theme)

    def get_default_screen(self) -> Screen[None]:
        if self._repo is None and self._starting is not None:
            return self._starting()
        from leadtui.tui.main_screen import MainScreen

        return MainScreen(self.repo, self.settings)

    def action_command_palette(self) -> None:
        # The palette's commands act on the main screen: before it is up,
        # ctrl+p waits with the other keys typed early.
        if self._repo is None:
            self.typed_early.append(events.Key(self.COMMAND_PALETTE_BINDING, None))
        else:
            super().action_command_palette()

    def opened(self, repo: "Repository", settings: Settings, first: "FirstPage") -> None:
        """The repository is open: the main screen replaces the start screen,
        showing the page already read, and the keys typed meanwhile replay
        once it is up."""
        from leadtui.tui.main_screen import MainScreen

        self._repo, self.settings = repo, settings
        try:
            self._check_keymap()
            self._use_theme()
        except InvalidInput as error:
            self.fail(str(error))
            return
        self.set_keymap(settings.keymap)
        self.call_later(self._show_main, MainScreen(repo, settings, first=first))

    def fail(self, message: str) -> None:
        """End the app; run() then raises `message` (see there)."""
        self.failure = plain(message)  # it may quote a hostile path
        self.exit(return_code=1)

    def run(self, *args: Any, **kwargs: Any) -> None:
        """Run the app. An app ended by fail() (a file it cannot open or
        read, a broken keymap) raises its message as a LeadtuiError once the
        terminal is restored: the CLI prints it as the one line it prints for
        any such error, and exits 1."""
        result = super().run(*args, **kwargs)
        if self.failure is not None:
            raise LeadtuiError(self.failure)
        return result

    async def _show_main(self, screen: "MainScreen") -> None:
        # Pushed over the start screen, not switched for it: Textual cannot
        # switch out the default screen. The start screen stays below, idle
        # (its work is done), and nothing ever pops the main screen.
        await self.push_screen(screen)
        typed, self.typed_early = self.typed_early, []
        for key in typed:
            self.post_message(events.Key(key.key, key.character))
