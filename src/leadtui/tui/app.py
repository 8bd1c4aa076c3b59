"""LeadApp: the application object. Kept light (textual and leadtui's own
small modules only) so that `leadtui` can paint the inbox's first page before
the models, sqlite-utils and the screens are imported (tui/start.py); the
main screen and the palette's commands are imported when first needed."""

import asyncio
import contextlib
import gc
import signal
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.driver import Driver
from textual.screen import Screen
from textual.theme import Theme

from leadtui import __version__, resources
from leadtui.config import Settings, config_path, save_theme
from leadtui.domain.errors import InvalidInput, LeadtuiError
from leadtui.domain.users import Identity
from leadtui.tui.cells import file_label, plain, plain_lines
from leadtui.tui.esc_keys import esc_then_key, forget_opt_signs
from leadtui.tui.themed import rich_theme
from leadtui.tui.typeahead import KeyHandled, KeyTurns, ScreenReady, Typed

if TYPE_CHECKING:
    from leadtui.domain.filters import LeadFilter
    from leadtui.repository import Repository
    from leadtui.tui.main_screen import MainScreen
    from leadtui.tui.panes.inbox import FirstPage


# Signals that end the app as `q` does (LeadApp.on_load).
ENDING_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


def _lead_commands() -> type[Provider]:
    from leadtui.tui.commands import LeadCommands

    return LeadCommands


def _import_commands() -> type[Provider]:
    from leadtui.tui.commands import ImportCommands

    return ImportCommands


def subtitle(path: Path | str, identity: Identity | None, read_only: bool = False) -> str:
    """The header's second line: the file (and whether it can only be read),
    and in a browser who is signed in."""
    shown = f"{file_label(path)} (read-only)" if read_only else file_label(path)
    if identity is None or not identity.signed_in:
        return shown
    return f"{plain(identity.name)} ({identity.role.value}) · {shown}"


class LeadApp(App[None]):
    TITLE = "leadtui"
    SUB_TITLE = __version__
    CSS_PATH = str(resources.stylesheet())
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {_import_commands, _lead_commands}
    # ctrl+z suspends, as in any terminal program (`fg` brings it back,
    # redrawn); Textual binds it to nothing, and raw mode takes the
    # terminal's own ctrl+z away.
    BINDINGS = [
        Binding(
            "ctrl+z", "suspend_process", "Suspend", id="suspend", show=False,
            tooltip="Suspend to the shell (fg brings it back; not in a browser)",
        ),
    ]  # fmt: skip

    def __init__(
        self,
        repo: "Repository | None" = None,
        settings: Settings | None = None,
        *,
        starting: Callable[[], Screen[None]] | None = None,
        identity: Identity | None = None,
        theme: str | None = None,
    ) -> None:
        """With a repository, the main screen at once. Without one, `starting`
        makes the first screen, which calls opened() when the repository is
        ready (tui/start.py). `identity`: a browser's signed-in user, or
        the OS account when it is a user too (None: the OS account, no user,
        seeing everyone's leads). `theme`: this run's theme,
        over the one saved."""
        super().__init__()
        forget_opt_signs()  # esc 1 in one read is esc, then 1 (esc_keys.py)
        self.identity = identity
        if repo is None and starting is None:
            raise ValueError("LeadApp needs a repository or a starting screen")
        self._repo = repo
        self._starting = starting
        self.settings = settings or Settings()
        # Why the app ended early (a start-screen launch only): printed by
        # tui/start.py after the terminal is restored, as the CLI prints errors.
        self.failure: str | None = None
        # Keys typed before the main screen is up, replayed on it.
        self.typed_early: list[events.Key] = []
        # Set by run(): the app is the process's own (see main_screen_up).
        self.whole_process = False
        # The signal that ended the app (see on_load); run() exits 128+it.
        self.ended_by: int | None = None
        self.key_turns = KeyTurns(self, super().on_event)
        if repo is not None:
            self.sub_title = subtitle(repo.target, identity, bool(repo.cannot_write()))
            self._check_keymap()
        self.set_keymap(self.settings.keymap)
        self._rich_styled = False
        self._use_theme(theme or self.settings.theme)
        self._saved_theme = self.theme  # a change from this is the user's choice

    # --------------------------------------------------------------- themes

    def _use_theme(self, name: str | None) -> None:
        if name and name not in self.available_themes:
            names = ", ".join(sorted(self.available_themes))
            raise InvalidInput(f"theme {name[:40]!r} is not a theme; one of {names}")
        if name:
            self.theme = name
        self.watch_theme(self.theme)

    def watch_theme(self, name: str) -> None:
        """Rich text (table cells, cards) names theme variables too (themed.py)."""
        if self._rich_styled:
            self.console.pop_theme()
        self.console.push_theme(rich_theme(self.get_css_variables()))
        self._rich_styled = True

    def on_load(self) -> None:
        """A `kill` (SIGTERM), a hang-up (SIGHUP) or SIGINT ended the process
        at once, without its exit handlers: the terminal stayed in the
        alternate screen, with mouse tracking on and the cursor hidden, and
        a write under way could be lost. Now each ends the app as `q` does.
        Set before the driver takes the terminal over, and only in a process
        of the app's own (tests run apps in pytest's)."""
        if not self.whole_process:
            return
        loop = asyncio.get_running_loop()
        for signum in ENDING_SIGNALS:
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(signum, self._end_by_signal, signum)

    def _end_by_signal(self, signum: int) -> None:
        if self.ended_by is not None:
            return  # already ending: a write under way still finishes
        self.ended_by = signum
        self._quit_as_q()

    async def action_quit(self) -> None:
        """ctrl+q and the palette's "Quit" end as `q` does, after a save in
        progress: Textual's ended the app at once."""
        self._quit_as_q()

    def _quit_as_q(self) -> None:
        if self._repo is None:  # the start screen: nothing written yet
            self.exit()
            return
        from leadtui.tui.main_screen import MainScreen

        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            self.exit()
        else:  # on the screen's own queue, as its `q` runs
            main.call_later(main.action_quit)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._keep_theme)

    async def on_event(self, event: events.Event) -> None:
        # Keys and pastes take turns (tui/typeahead.py): type-ahead reaches
        # the dialog the key before it opened.
        if KeyTurns.takes(event):
            assert isinstance(event, Typed)
            if isinstance(event, events.Key):  # esc 1 in one read: esc_keys.py
                remapped = ",".join(self.settings.keymap.values()).split(",")
                for key in esc_then_key(event, remapped):
                    await self.key_turns.arrived(key)
            else:
                await self.key_turns.arrived(event)
        elif isinstance(event, Typed) and not self.screen_stack:
            # A key still on its way up as the app closes (typed after `q`):
            # Textual's bindings would look for a screen that is gone.
            return
        else:
            await super().on_event(event)

    def on_key(self, event: events.Key) -> None:
        self.key_turns.came_back(event)
        self._say_where_it_works(event)

    def _say_where_it_works(self, event: events.Key) -> None:
        """A key that reached the app with no binding to take it (the
        bindings act next), pressed on a tab where it does nothing: a word
        on where it works (tui/key_places.py)."""
        if self._repo is None:
            return
        from leadtui.tui.main_screen import MainScreen

        screen = self.screen
        if not isinstance(screen, MainScreen):
            return  # a dialog: its keys are its own
        from leadtui.tui.key_places import PLACES, where_it_works
        from leadtui.tui.panes.inbox import InboxPane

        taken = screen.active_bindings.get(event.key)
        if taken is not None and taken.enabled:
            # `=` stays on where no lead is selected, for marked leads: with
            # none marked either, it too has nothing to act on.
            idle = not screen.selection and screen.selected_lead_id() is None
            if not (idle and taken.binding.action.partition("(")[0] in PLACES):
                return

        tab = screen.active_tab
        if tab == "inbox" and screen.query_one(InboxPane).view == "due":
            tab = "due"
        # The screen's own and those of the classes it builds on (MovesScreen's).
        bindings = [b for kind in type(screen).__mro__ for b in vars(kind).get("BINDINGS", [])]
        said = where_it_works(event, tab, bindings, self.settings.keymap)
        if said is not None:
            self.notify(said, timeout=3)

    async def on_key_handled(self, probe: KeyHandled) -> None:
        await self.key_turns.key_handled(probe)

    async def on_screen_ready(self, message: ScreenReady) -> None:
        await self.key_turns.screen_ready(message.pushed)

    def _keep_theme(self, theme: Theme) -> None:
        """A theme chosen in the app (ctrl+p, "Change theme") holds: saved for
        the signed-in user in a browser, else in config.toml."""
        if theme.name == self._saved_theme:
            return
        self._saved_theme = theme.name
        who = self.identity
        if who is not None and who.signed_in and self._repo is not None:
            users = self._repo.users
            self.run_worker(
                lambda: users.set_theme(who.name, theme.name), thread=True, name="keep the theme"
            )
            return
        try:
            save_theme(theme.name, config_path())
        except LeadtuiError as error:
            self.notify(f"Theme not kept: {error}", severity="warning", markup=False)

    def _view(self) -> "LeadFilter | None":
        """The inbox and board at start: a rep sees their own and unassigned leads."""
        from leadtui.domain.users import default_view

        return default_view(self.identity.role) if self.identity else None

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:
        """Every notification as text fit for a terminal, whatever it quotes:
        a lead's name as stored, a file's path."""
        super().notify(plain_lines(message), title=plain(title), **kwargs)

    def get_driver_class(self) -> type[Driver]:
        from leadtui.tui.paste import paste_safe
        from leadtui.tui.shell_settings import shell_settings_kept

        return shell_settings_kept(paste_safe(super().get_driver_class()))

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

    def get_default_screen(self) -> Screen[None]:
        if self._repo is None and self._starting is not None:
            return self._starting()
        from leadtui.tui.main_screen import MainScreen

        return MainScreen(self.repo, self.settings, view=self._view())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's palette commands, but none that says something untrue:
        its "Keys" opened Textual's key panel, not the `?` list (the main
        screen's own "Keys" command is in the palette); "Screenshot" writes
        the leads on screen to an SVG file without asking where, and said only
        "Failed to save screenshot" when it could not;
        "Quit" said "as soon as possible", where it waits for a save in
        progress (action_quit)."""
        for command in super().get_system_commands(screen):
            if command.title in ("Keys", "Screenshot"):
                continue
            if command.title == "Quit":
                command = command._replace(help="Quit (waits for a save in progress)")
            yield command

    def action_suspend_process(self) -> None:
        if self.is_web:  # a browser tab has no shell to go back to
            self.notify("ctrl+z suspends leadtui in a terminal; in a browser it does nothing")
            return
        super().action_suspend_process()

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
        if repo.cannot_write():
            self.sub_title = subtitle(repo.target, self.identity, read_only=True)
        try:
            self._check_keymap()
        except InvalidInput as error:
            self.fail(str(error))
            return
        self.set_keymap(settings.keymap)
        self.call_later(self._show_main, MainScreen(repo, settings, first=first, view=self._view()))

    def main_screen_up(self) -> None:
        """In a process of its own, what is alive once the main screen is up
        (the modules, the stylesheet, the screens) lives until exit. Frozen
        out of the cyclic collector's reach, a full collection no longer walks
        it again: on the board at 100k leads the longest held the keys 92-140
        ms, 68-69 ms with this, and their total halved (bench/README.md, "The
        collector's pauses"). What is garbage at that moment is kept too,
        about 5,600 objects: collecting it first would hold the keys for a
        whole collection."""
        if self.whole_process:
            gc.freeze()

    def fail(self, message: str) -> None:
        self.failure = plain(message)  # it may quote a hostile path
        self.exit(return_code=1)

    def run(self, *args: Any, **kwargs: Any) -> None:
        """Run the app. An app ended by fail() (a file it cannot open or
        read, a broken keymap) raises its message as a LeadtuiError once the
        terminal is restored: the CLI prints it as the one line it prints for
        any such error, and exits 1."""
        self.whole_process = True  # tests run many apps in one process: run_test
        result = super().run(*args, **kwargs)
        if self.failure is not None:
            raise LeadtuiError(self.failure)
        if self.ended_by is not None:
            # As a shell reports a program a signal ended: 143 for SIGTERM.
            raise SystemExit(128 + self.ended_by)
        return result

    async def _show_main(self, screen: "MainScreen") -> None:
        # Pushed over the start screen, not switched for it: Textual cannot
        # switch out the default screen. The start screen stays below, idle
        # (its work is done), and nothing ever pops the main screen.
        await self.push_screen(screen)
        # Ahead of keys typed while the screen was being put up: posted
        # afresh, they would queue behind those.
        typed, self.typed_early = self.typed_early, []
        await self.key_turns.replay(typed)
