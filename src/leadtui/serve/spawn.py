"""One leadtui process per browser tab, run by textual-serve's AppService.

The process is `python -m leadtui --serve-session --db FILE`, and the
browser's session id is in its environment, set here and nowhere else: the
browser sends keys, never a command line or a variable. The app checks the
session against the database and acts as its user (launch.py)."""

import asyncio
import contextlib
import shlex
import sys
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from leadtui.domain.users import ENV_SESSION
from leadtui.serve.options import ServeOptions

# How long a quitting app may take before it is killed.
QUIT_GRACE_SECONDS = 5.0
# Variables a spawned app must not inherit from the server's shell: who it
# is comes from the session alone.
_DROPPED = ("LEADTUI_DB", ENV_SESSION)


def app_command(options: ServeOptions) -> str:
    """The shell command AppService runs (it starts a shell)."""
    words = [sys.executable, "-m", "leadtui", "--serve-session", "--db", str(options.db_path)]
    if options.theme:
        words += ["--theme", options.theme]
    return "exec " + shlex.join(words)


class SessionApp(AppService):
    """AppService, with the signed-in session given to the process alone."""

    def __init__(
        self,
        options: ServeOptions,
        session: str,
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
    ) -> None:
        super().__init__(
            app_command(options),
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=DownloadManager(),
        )
        self._session = session
        self.process: Process | None = None

    # textual-serve's hook for the environment (pinned to 1.1.x in pyproject).
    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        for name in _DROPPED:
            environment.pop(name, None)
        environment[ENV_SESSION] = self._session
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        self.process = await super()._open_app_process(width, height)
        return self.process

    async def end(self) -> None:
        """Ask the app to quit; kill it if it has not within the grace time."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop(), QUIT_GRACE_SECONDS)
        process = self.process
        if process is None or process.returncode is not None:
            return
        try:
            await asyncio.wait_for(process.wait(), 1.0)
        except TimeoutError:
            process.kill()
            await process.wait()
