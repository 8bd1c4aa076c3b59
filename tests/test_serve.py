"""`leadtui serve` over HTTP: nothing without a session, no websocket from
another site, sign-in links used once, a cap on sessions, idle sessions
ended, and pages that load nothing from elsewhere; on both engines. A real
browser drives it in test_serve_browser.py."""

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, unused_port

from leadtui.domain.users import Role
from leadtui.repository import Repository, copy_database, open_repository
from leadtui.serve import server
from leadtui.serve.options import COOKIE, ServeOptions, same_origin
from leadtui.serve.server import Server
from leadtui.serve.spawn import app_command
from tests.conftest import ENGINES, frozen_clock

# Many apps or servers started: part of the full suite, not the quick loop.
pytestmark = pytest.mark.slow

Client = TestClient[web.Request, web.Application]


@asynccontextmanager
async def serving(repo: Repository, **options: Any) -> AsyncIterator[Client]:
    """The server on a free loopback port, knowing that port (as `leadtui
    serve` does: its own Host names are checked)."""
    port = unused_port()
    server = Server(ServeOptions(repo.target, port=port, **options), repo)
    client = TestClient(TestServer(server.application(), host="127.0.0.1", port=port))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture(params=ENGINES)
def served(request: pytest.FixtureRequest, sample_repo: Repository) -> Repository:
    """The demo data set on each engine (copied into PostgreSQL with `db
    copy`): sign-ins, sessions and the app a tab spawns work on both."""
    if request.param == "sqlite":
        return sample_repo
    url: str = request.getfixturevalue("pg_url")
    copy_database(sample_repo.target, url)
    return open_repository(url, actor="tester", clock=frozen_clock)


@pytest.fixture
async def client(served: Repository) -> AsyncIterator[Client]:
    async with serving(served, keep_ready=False) as client:
        yield client


def own_origin(client: Client) -> str:
    return f"http://127.0.0.1:{client.port}"


async def sign_in(client: Client, repo: Repository, name: str = "anna") -> str:
    """Sign in through a fresh link; returns the session cookie's value."""
    token = repo.users.add(name, Role.REP)
    response = await client.post(
        "/signin", data={"token": token}, headers={"Origin": own_origin(client)},
        allow_redirects=False,
    )  # fmt: skip
    assert response.status == 303 and response.headers["Location"] == "/"
    return response.cookies[COOKIE].value


async def refused_websocket(client: Client, **headers: str) -> int:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws", headers=headers)
    return refused.value.status


async def test_nothing_without_a_session(client: Client) -> None:
    page = await client.get("/")
    assert page.status == 401
    text = await page.text()
    assert "leadtui user add NAME" in text and "textual.js" not in text and "/ws" not in text
    assert await refused_websocket(client, Origin=own_origin(client)) == 401
    client.session.cookie_jar.update_cookies({COOKIE: "made-up"})
    assert (await client.get("/")).status == 401
    assert await refused_websocket(client, Origin=own_origin(client)) == 401


async def test_a_sign_in_link_sets_a_strict_http_only_cookie_once(
    client: Client, served: Repository
) -> None:
    token = served.users.add("anna", Role.REP)
    response = await client.post(
        "/signin", data={"token": token}, headers={"Origin": own_origin(client)},
        allow_redirects=False,
    )  # fmt: skip
    assert response.status == 303
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP on loopback: a Secure cookie would not come back
    page = await client.get("/")
    assert page.status == 200
    assert f'data-session-websocket-url="ws://127.0.0.1:{client.port}/ws/' in await page.text()
    again = await client.post(
        "/signin", data={"token": token}, headers={"Origin": own_origin(client)}
    )
    assert again.status == 403 and "used already" in await again.text()


async def test_behind_tls_the_cookie_is_secure(client: Client, served: Repository) -> None:
    token = served.users.add("anna", Role.REP)
    response = await client.post(
        "/signin",
        data={"token": token},
        headers={"Origin": own_origin(client), "X-Forwarded-Proto": "https"},
        allow_redirects=False,
    )
    assert "Secure" in response.headers["Set-Cookie"]


async def test_a_sign_in_posted_from_another_site_is_refused(
    client: Client, served: Repository
) -> None:
    token = served.users.add("anna", Role.REP)
    for origin in ("http://evil.example", "null", ""):
        response = await client.post("/signin", data={"token": token}, headers={"Origin": origin})
        assert response.status == 403
    assert served.users.link_user(token) is not None  # not used up


async def test_a_websocket_from_another_origin_is_refused(
    client: Client, served: Repository
) -> None:
    await sign_in(client, served)
    for origin in ("http://evil.example", f"http://127.0.0.1:{(client.port or 0) + 1}", "null"):
        assert await refused_websocket(client, Origin=origin) == 403
    assert await refused_websocket(client) == 403  # no Origin at all


async def test_a_host_that_is_not_this_server_is_refused(client: Client) -> None:
    """A site that points its own name at 127.0.0.1 (DNS rebinding) gets nothing."""
    response = await client.get("/", headers={"Host": f"evil.example:{client.port}"})
    assert response.status == 421
    assert (await client.get("/", headers={"Host": f"localhost:{client.port}"})).status == 401


async def test_every_page_loads_only_this_servers_files(client: Client, served: Repository) -> None:
    for path in ("/signin", "/"):
        response = await client.get(path)
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
    await sign_in(client, served)
    page = await (await client.get("/")).text()
    urls = re.findall(r'(?:href|src)="([^"]+)"', page)
    assert urls and all(url.startswith("/static/") or url in ("data:,", "/") for url in urls)
    assert "googleapis" not in page and "http://" not in page and "https://" not in page
    for url in urls[1:-1]:
        assert (await client.get(url)).status == 200, url
    css = await (await client.get("/static/leadtui/page.css")).text()
    assert 'url("/static/textual/fonts/RobotoMono' in css and "http" not in css


async def test_sessions_are_capped_and_idle_ones_end(served: Repository) -> None:
    """One session allowed: the next is refused with a page saying so; the
    first ends by itself after the idle timeout, and the slot is free again."""
    # A tab's app on PostgreSQL starts the long way (the quick first page
    # reads a file): give it longer than its start before it counts as idle.
    idle = 0.05 if served.engine.dialect.name == "SQLite" else 0.25
    async with serving(served, max_sessions=1, idle_minutes=idle) as client:
        await sign_in(client, served)
        socket = await open_tab(client)
        full = await client.get("/")
        assert full.status == 503 and "All 1 sessions are in use" in await full.text()
        assert await refused_websocket(client, Origin=own_origin(client)) == 503
        # Idle: no key for 3 s (15 s) closes it (the app's output is not activity).
        async with asyncio.timeout(30):
            async for _ in socket:
                pass
        assert socket.close_code is not None
        address = await slot_freed(client)
        # Closing the tab ends the session too.
        socket = await attach(client, address)
        assert (await client.get("/")).status == 503
        await socket.close()
        await slot_freed(client)


async def open_tab(client: Client) -> aiohttp.ClientWebSocketResponse:
    """What the page does: load, then connect its websocket to the app that
    started with it."""
    return await attach(client, await tab_address(client))


async def attach(client: Client, address: str) -> aiohttp.ClientWebSocketResponse:
    """The page's websocket; returns once the app's first screen has come."""
    socket = await client.ws_connect(address, headers={"Origin": own_origin(client)})
    message = await socket.receive(timeout=60)
    assert message.type is aiohttp.WSMsgType.BINARY
    return socket


async def tab_address(client: Client) -> str:
    page = await client.get("/")
    assert page.status == 200, await page.text()
    return websocket_path(await page.text())


def websocket_path(page: str) -> str:
    found = re.search(r'data-session-websocket-url="ws://[^/]+(/ws/[^"]+)"', page)
    assert found, page
    return found.group(1)


async def slot_freed(client: Client) -> str:
    """The app has quit and its slot is free: a page is served again (with
    an app of its own: its websocket address is returned)."""
    async with asyncio.timeout(15):
        while (page := await client.get("/")).status != 200:
            await asyncio.sleep(0.1)
    return websocket_path(await page.text())


async def test_the_app_starts_with_its_page_and_only_that_session_gets_it(
    served: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's app holds its slot from the page on; another session
    naming its tab does not get it; a page whose websocket never comes has
    its app ended."""
    monkeypatch.setattr(server, "ATTACH_SECONDS", 2.0)
    async with serving(served, max_sessions=1) as client:
        await sign_in(client, served, "anna")
        address = await tab_address(client)
        assert (await client.get("/")).status == 503  # the page's app holds the slot
        anna = client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE].value
        await sign_in(client, served, "maria")
        assert await refused_websocket_at(client, address) == 503  # not maria's
        client.session.cookie_jar.update_cookies({COOKIE: anna})
        await slot_freed(client)  # never connected: ended after 2 s


async def refused_websocket_at(client: Client, address: str) -> int:
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect(address, headers={"Origin": own_origin(client)})
    return refused.value.status


def test_the_app_is_spawned_as_a_signed_in_session(served: Repository) -> None:
    command = app_command(ServeOptions(served.target, theme="nord"))
    assert command.startswith("exec ")
    if served.engine.dialect.name == "SQLite":
        assert command.endswith(f"-m leadtui --serve-session --db {served.target} --theme nord")
    else:  # a URL (it may hold a password) travels in $LEADTUI_DB, not on the command line
        assert command.endswith("-m leadtui --serve-session --theme nord")
        assert str(served.target) not in command


@pytest.mark.parametrize(
    ("origin", "host", "same"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("https://crm.example.com", "crm.example.com", True),
        ("https://crm.example.com:443", "crm.example.com", True),
        ("http://127.0.0.1:8001", "127.0.0.1:8000", False),
        ("http://evil.example", "127.0.0.1:8000", False),
        ("null", "127.0.0.1:8000", False),
        (None, "127.0.0.1:8000", False),
        ("file://", "", False),
        ("chrome-extension://abc", "abc", False),
    ],
)
def test_same_origin(origin: str | None, host: str, same: bool) -> None:
    assert same_origin(origin, host) is same


async def test_signing_out_ends_the_session(client: Client, served: Repository) -> None:
    await sign_in(client, served)
    refused = await client.post("/signout", headers={"Origin": "http://evil.example"})
    assert refused.status == 403
    assert (await client.post("/signout", headers={"Origin": own_origin(client)})).status == 200
    assert (await client.get("/")).status == 401
