"""One leadtui process per browser tab, run by textual-serve's AppService.

The process is `python -m leadtui --serve-session --db FILE` (a
PostgreSQL URL comes in its $LEADTUI_DB, never on its command line). It imports
what it needs, then waits for one line on its stdin, a pipe only this
server holds: the browser's session id and the terminal's size. The browser
sends keys, never a command line, a variable or that line. The app checks
the session against the database and acts as its user (launch.py).

Because the line comes after the imports, a process can be started before
anyone asks for it (server.py keeps one ready): a tab then waits only for
the part of the start that needs its user.
"""

import asyncio
import contextlib
import shlex
import sys
from asyncio.subprocess import Process
from collections.abc import Awaitable, Callable

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from leadtui.paths import ENV_DB, is_url
from leadtui.serve.options import ServeOptions

# How long a quitting app may take before it is killed.
QUIT_GRACE_SECONDS = 5.0


def app_command(options: ServeOptions) -> str:
    """The shell command AppService runs (it starts a shell). A PostgreSQL
    URL goes in the app's environment instead (SessionApp): a command line
    is readable by every local user (ps), and a URL may hold a password."""
    words = [sys.executable, "-m", "leadtui", "--serve-session"]
    if not is_url(options.db_path):
        words += ["--db", str(options.db_path)]
    if options.theme:
        words += ["--theme", options.theme]
    return "exec " + shlex.join(words)


def hello_line(session: str, width: int, height: int) -> bytes:
    """What the app reads first: who, and the size to start at."""
    return f"{session} {width} {height}\n".encode()


class SessionApp(AppService):
    """AppService, told its session through the process's stdin alone."""

    def __init__(
        self,
        options: ServeOptions,
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
        self.process: Process | None = None
        self._db = options.db_path

    # textual-serve's hook for starting the process (pinned to 1.1.x in
    # pyproject): kept, so that an app that will not quit can be killed.
    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        self.process = await super()._open_app_process(width, height)
        return self.process

    # textual-serve's hook for the app's environment (pinned, as above).
    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        if is_url(self._db):
            environment[ENV_DB] = str(self._db)
        return environment

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def hello(self, session: str, width: int, height: int) -> None:
        """Tell the waiting app who it is for (the first line of its stdin)."""
        self.stdin.write(hello_line(session, width, height))
        await self.stdin.drain()

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
