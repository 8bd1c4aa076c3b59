"""The web server: pages, sign-in, and one websocket per browser tab, each
relaying a leadtui process (spawn.py).

Every request is checked in this order: the Host it names (on loopback, only
this server's own names), a session cookie for the page and the websocket,
the websocket's Origin (a page of this server, never another site's), and
the cap on sessions. The database calls (a session look-up, a link used up)
run in a thread, off the event loop that relays every tab's keys."""

import asyncio
import json
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from importlib import resources as package_files
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from leadtui.domain.users import SESSION_LIFETIME, User
from leadtui.repository import Repository
from leadtui.serve.options import COOKIE, ServeOptions, same_origin
from leadtui.serve.pages import SECURITY_HEADERS, message_page, sign_in_page, terminal_page
from leadtui.serve.tabs import ATTACH_SECONDS, Tab

log = logging.getLogger("leadtui.serve")
# The most a browser may say at once (a paste is a few KB).
MAX_MESSAGE_BYTES = 256 * 1024
# A terminal larger than this is not a real window.
MAX_CELLS = 1000
# A session's first app starts at this size (cells), until its page says.
DEFAULT_SIZE = (120, 32)
NOT_SIGNED_IN = (
    "Open the sign-in link you were given. Whoever runs leadtui makes one with"
    " 'leadtui user add NAME', or a new one with 'leadtui user link NAME'."
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _page(status: int, html: str) -> web.Response:
    return web.Response(status=status, text=html, content_type="text/html", charset="utf-8")


def _clamp(value: object, default: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return default
    return min(max(number, 1), MAX_CELLS)


def textual_static() -> Path:
    """textual-serve's client files (xterm.js, its stylesheet, the font)."""
    return Path(str(package_files.files("textual_serve") / "static"))


def own_static() -> Path:
    return Path(__file__).with_name("static")


class Server:
    def __init__(self, options: ServeOptions, repo: Repository) -> None:
        self.options = options
        self.users = repo.users
        self.tabs: dict[str, Tab] = {}  # every tab's app, by the id in its page
        # Each session's last terminal size: a reloaded page's app starts at it.
        self._sizes: dict[str, tuple[int, int]] = {}
        self._sockets: set[web.WebSocketResponse] = set()
        self._ending: set[asyncio.Future[None]] = set()  # apps being started or ended
        self._ready: Tab | None = None  # a started app, waiting for the next page
        self._starting = False

    # ----------------------------------------------------------- the app

    def application(self) -> web.Application:
        app = web.Application(middlewares=[self._known_host])
        app.router.add_get("/", self.index)
        app.router.add_get("/signin", self.sign_in_form)
        app.router.add_post("/signin", self.sign_in)
        app.router.add_post("/signout", self.sign_out)
        app.router.add_get("/ws", self.websocket)
        app.router.add_get("/ws/{tab}", self.websocket)
        app.router.add_static("/static/textual", textual_static())
        app.router.add_static("/static/leadtui", own_static())
        app.on_response_prepare.append(self._headers)
        app.on_startup.append(self._start_first)
        app.on_shutdown.append(self._close_all)
        app.on_cleanup.append(self._wait_for_apps)
        return app

    @web.middleware
    async def _known_host(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        allowed = self.options.allowed_hosts()
        if allowed is not None and request.host.lower() not in allowed:
            return _page(
                421, message_page("Unknown host", "This server does not answer to that name.")
            )
        return await handler(request)

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.startswith("/static/"):
            # Kept, and checked again each time (a 304 when unchanged): the
            # browser then also keeps the terminal's script compiled.
            response.headers["Cache-Control"] = "no-cache"

    async def _start_first(self, app: web.Application) -> None:
        self._keep_one_ready()

    async def _close_all(self, app: web.Application) -> None:
        for socket in list(self._sockets):
            await socket.close(message=b"server stopping")

    async def _wait_for_apps(self, app: web.Application) -> None:
        """Every app has quit (or been killed) before the server exits."""
        for tab in list(self.tabs.values()):
            self._ending.add(asyncio.ensure_future(self._end(tab)))
        ready, self._ready = self._ready, None
        if ready is not None:
            self._ending.add(asyncio.ensure_future(ready.end()))
        if self._ending:
            await asyncio.gather(*self._ending, return_exceptions=True)

    # ------------------------------------------------------------ helpers

    def _secure(self, request: web.Request) -> bool:
        """Behind TLS (directly, or a proxy saying so): the cookie is Secure."""
        return (
            request.secure
            or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
            or self.options.base_url.startswith("https://")
        )

    async def _user(self, request: web.Request, *, touch: bool = False) -> tuple[str, User] | None:
        session = request.cookies.get(COOKIE, "")
        if not session or len(session) > 100:
            return None
        user = await asyncio.to_thread(self.users.session_user, session, touch=touch)
        return (session, user) if user else None

    def _full(self) -> web.Response | None:
        cap = self.options.max_sessions
        if len(self.tabs) < cap:
            return None
        response = _page(
            503,
            message_page(
                "leadtui is full",
                f"All {cap} sessions are in use. Close a leadtui tab you no longer need,"
                " or try again in a few minutes.",
            ),
        )
        response.headers["Retry-After"] = "60"
        return response

    # ------------------------------------------------------------- pages

    async def index(self, request: web.Request) -> web.StreamResponse:
        found = await self._user(request)
        if found is None:
            return _page(401, message_page("Not signed in", NOT_SIGNED_IN))
        full = self._full()
        if full is not None:
            return full
        session, user = found
        # The app is given its user now, and starts beside the page's loading.
        width, height = self._sizes.get(session, DEFAULT_SIZE)
        tab = await self._claim(session, user.name, width, height)
        asyncio.get_running_loop().call_later(ATTACH_SECONDS, self._end_if_unattached, tab)
        # The session was used now (a write: after the app has started).
        await asyncio.to_thread(self.users.session_user, session, touch=True)
        scheme = "wss" if self._secure(request) else "ws"
        return _page(200, terminal_page(f"{scheme}://{request.host}/ws/{tab.id}"))

    async def sign_in_form(self, request: web.Request) -> web.StreamResponse:
        return _page(200, sign_in_page())

    async def sign_in(self, request: web.Request) -> web.StreamResponse:
        if not same_origin(request.headers.get("Origin"), request.host):
            return _page(403, message_page("Refused", "Sign in from this server's own page."))
        form = await request.post()
        token = str(form.get("token", ""))[:100]
        redeemed = await asyncio.to_thread(self.users.redeem_link, token) if token else None
        if redeemed is None:
            return _page(
                403,
                message_page(
                    "This sign-in link does not work",
                    "It was used already, has expired (links last 7 days), or was copied"
                    " incompletely. Ask for a new one: leadtui user link NAME.",
                ),
            )
        session, user = redeemed
        log.info("%s signed in (%s)", user.name, user.role.value)
        response = web.Response(status=303, headers={"Location": "/"})
        response.set_cookie(
            COOKIE,
            session,
            max_age=int(SESSION_LIFETIME.total_seconds()),
            path="/",
            httponly=True,
            samesite="Strict",
            secure=self._secure(request),
        )
        return response

    async def sign_out(self, request: web.Request) -> web.StreamResponse:
        if not same_origin(request.headers.get("Origin"), request.host):
            return _page(403, message_page("Refused", "Sign out from this server's own page."))
        found = await self._user(request)
        if found is not None:
            await asyncio.to_thread(self.users.end_session, found[0])
        response = _page(200, message_page("Signed out", "Open your sign-in link to come back."))
        response.del_cookie(COOKIE, path="/")
        return response

    # --------------------------------------------------------- the app

    async def _claim(self, session: str, name: str, width: int, height: int) -> Tab:
        """The ready app (or a new one) for this user. Its slot is taken
        before any await, so the cap holds under a burst."""
        ready, self._ready = self._ready, None
        if ready is not None and not ready.app.alive:
            self._later(ready.end())
            ready = None
        tab = ready or Tab(self.options)
        self.tabs[tab.id] = tab
        log.info("%s opened a session (%d of %d)", name, len(self.tabs), self.options.max_sessions)
        try:
            if ready is None:
                await tab.start(width, height)
            await tab.claim(session, name, width, height)
        except BaseException:
            self._later(self._end(tab))
            raise
        self._keep_one_ready()
        return tab

    def _keep_one_ready(self) -> None:
        """Start the next tab's process now, so it has done its imports by
        the time a page asks for it."""
        if self.options.keep_ready and self._ready is None and not self._starting:
            self._starting = True
            self._later(self._start_ready())

    async def _start_ready(self) -> None:
        tab = Tab(self.options)
        try:
            await tab.start(*DEFAULT_SIZE)
        finally:
            self._starting = False
        self._ready = tab

    def _later(self, work: Awaitable[None]) -> None:
        """Run `work` beside the requests, and wait for it before exiting."""
        future = asyncio.ensure_future(work)
        self._ending.add(future)
        future.add_done_callback(self._ending.discard)

    def _end_if_unattached(self, tab: Tab) -> None:
        if tab.socket is None and self.tabs.get(tab.id) is tab:
            log.info("%s's page never connected; its app is ended", tab.user)
            self._later(self._end(tab))

    async def _end(self, tab: Tab) -> None:
        """End the tab's app and free its slot, once (from any of the paths)."""
        if self.tabs.get(tab.id) is not tab:
            return
        try:
            await tab.end()
        finally:
            if self.tabs.pop(tab.id, None) is not None:
                log.info("%s closed a session", tab.user)

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        if not same_origin(request.headers.get("Origin"), request.host):
            log.warning("refused a websocket from origin %r", request.headers.get("Origin"))
            return _page(403, message_page("Refused", "Open leadtui from its own page."))
        found = await self._user(request)
        if found is None:
            return _page(401, message_page("Not signed in", NOT_SIGNED_IN))
        session, user = found
        width = _clamp(request.query.get("width", "80"), 80)
        height = _clamp(request.query.get("height", "24"), 24)
        self._sizes[session] = (width, height)
        tab = self.tabs.get(request.match_info.get("tab", ""))
        fresh = tab is None or tab.session != session or tab.socket is not None
        if fresh:
            # A page without an app of its own (restored from history, say).
            full = self._full()
            if full is not None:
                return full
            tab = await self._claim(session, user.name, width, height)
        assert tab is not None
        socket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE_BYTES)
        watchdog: asyncio.Task[None] | None = None
        try:
            await socket.prepare(request)
            self._sockets.add(socket)
            await tab.attach(socket, width, height)
            tab.seen = time.monotonic()
            watchdog = asyncio.create_task(self._end_when_idle(socket, tab))
            await self._relay(socket, tab)
        finally:
            if watchdog is not None:
                watchdog.cancel()
            self._sockets.discard(socket)
            # Shielded: aiohttp cancels this handler when the browser goes
            # away, and the app must still be ended and its slot freed.
            ending = asyncio.ensure_future(self._end(tab))
            self._ending.add(ending)
            ending.add_done_callback(self._ending.discard)
            await asyncio.shield(ending)
        return socket

    async def _relay(self, socket: web.WebSocketResponse, tab: Tab) -> None:
        """The browser's messages to the app: keys and clicks, size, focus."""
        app = tab.app
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope: Any = json.loads(message.data)
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                tab.seen = time.monotonic()
                await app.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                size = _clamp(data.get("width"), 80), _clamp(data.get("height"), 24)
                self._sizes[tab.session] = size
                await app.set_terminal_size(*size)
            elif kind == "ping" and isinstance(data, str):
                await socket.send_json(["pong", data[:40]])
            elif kind == "focus":
                await app.focus()
            elif kind == "blur":
                await app.blur()

    async def _end_when_idle(self, socket: web.WebSocketResponse, tab: Tab) -> None:
        """Close the tab's session after the idle timeout with no key or click."""
        limit = self.options.idle_minutes * 60
        while not socket.closed:
            idle = time.monotonic() - tab.seen
            if idle >= limit:
                log.info("%s's session ended after %.0f idle minutes", tab.user, idle / 60)
                await socket.close(message=b"idle")
                return
            await asyncio.sleep(min(limit - idle, 30.0))


async def serve(options: ServeOptions, repo: Repository, ready: Callable[[str], None]) -> None:
    """Serve until SIGINT or SIGTERM; `ready` is told the address listened on."""
    server = Server(options, repo)
    runner = web.AppRunner(
        server.application(), access_log_format='%a "%r" %s %b %Tfs', handle_signals=False
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, options.host, options.port)
        await site.start()
        # --port 0 takes a free port: the Host check must know which.
        server.options = replace(options, port=runner.addresses[0][1])
        ready(server.options.base_url)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()
