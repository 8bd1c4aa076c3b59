"""A browser tab's app, from before its page to the closed websocket.

The app's process is started before any page asks for it (server.py keeps
one ready), and given its user when a page is served: the part of leadtui's
start that needs the user then runs beside the page's own loading, and the
first inbox row is drawn sooner. What the app draws before the page's
websocket connects is kept and replayed when it attaches, then the
browser's real size is sent (a resize makes Textual draw the screen again).
A tab whose websocket never comes is ended after ATTACH_SECONDS.
"""

import secrets
import time

from aiohttp import web

from leadtui.serve.options import ServeOptions
from leadtui.serve.spawn import SessionApp

# How long a served page has to connect its websocket.
ATTACH_SECONDS = 30.0
# What an app may draw before its websocket attaches (a first screen is ~20 KB).
MAX_PENDING_BYTES = 4 * 1024 * 1024


class Tab:
    def __init__(self, options: ServeOptions) -> None:
        self.id = secrets.token_urlsafe(16)  # in the page's websocket address
        self.session, self.user = "", ""  # whose, once claimed
        self.seen = time.monotonic()  # the last key or click
        self.socket: web.WebSocketResponse | None = None
        self._pending: list[tuple[bool, bytes | str]] = []  # (binary, data) before attaching
        self._pending_bytes = 0
        self._closed = False  # the app ended before its websocket came
        self.app = SessionApp(
            options, write_bytes=self._bytes, write_str=self._text, close=self._close
        )

    async def start(self, width: int, height: int) -> None:
        """Start the process; it waits for claim() to say whose it is."""
        await self.app.start(width, height)

    async def claim(self, session: str, user: str, width: int, height: int) -> None:
        self.session, self.user = session, user
        self.seen = time.monotonic()
        await self.app.hello(session, width, height)

    async def _bytes(self, data: bytes) -> None:
        await self._send(True, data)

    async def _text(self, data: str) -> None:
        await self._send(False, data)

    async def _send(self, binary: bool, data: bytes | str) -> None:
        socket = self.socket
        if socket is None:
            self._pending.append((binary, data))
            self._pending_bytes += len(data)
            if self._pending_bytes > MAX_PENDING_BYTES:
                # Not stopped from here: this runs in the app's own reader.
                self._pending.clear()
                self._closed = True
            return
        if binary:
            await socket.send_bytes(data)  # type: ignore[arg-type]
        else:
            await socket.send_str(data)  # type: ignore[arg-type]

    async def _close(self) -> None:
        if self.socket is None:
            self._closed = True
        else:
            await self.socket.close()

    async def attach(self, socket: web.WebSocketResponse, width: int, height: int) -> None:
        """The tab's websocket: what the app drew so far, then live."""
        while self._pending:
            binary, data = self._pending.pop(0)
            if binary:
                await socket.send_bytes(data)  # type: ignore[arg-type]
            else:
                await socket.send_str(data)  # type: ignore[arg-type]
        self.socket = socket  # no await since the last check: nothing is lost between
        self._pending_bytes = 0
        if self._closed:
            await socket.close()
            return
        await self.app.set_terminal_size(width, height)

    async def end(self) -> None:
        await self.app.end()
