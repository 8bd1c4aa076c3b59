"""`leadtui serve` end to end, in Debian's Chromium: a rep signs in through
the printed link, sees their inbox, advances a lead (journaled under their
name), cannot advance another rep's lead, is not offered a file on the
server to import, and the page never asks anything
of another host. Needs /usr/bin/chromium (.ci/install-system-packages): in
CI a missing browser fails the test; elsewhere it is skipped."""

import base64
import http.client
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Stage
from leadtui.repository import Repository, open_repository
from tests.browser_harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREEN_PROBE,
    chromium_missing,
    painted,
    screen_length,
    serving,
    sign_in_link,
)

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    missing = chromium_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser tests must run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _websocket_status(url: str, cookie: str, origin: str | None) -> int:
    """The status a websocket handshake to `url` gets, with the session and
    `origin` (plain http.client: Playwright holds this thread's event loop)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    headers = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
        "Sec-WebSocket-Version": "13",
        "Cookie": f"leadtui_session={cookie}",
    } | ({"Origin": origin} if origin else {})
    try:
        connection.request("GET", "/ws", headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_rep_signs_in_and_works_in_the_browser(chromium: object, sample_repo: Repository) -> None:
    from playwright.sync_api import Browser, Page

    assert isinstance(chromium, Browser)
    db = sample_repo.path
    anna_first = sample_repo.leads_in_stage(Stage.NEW, only=LeadFilter(owner="anna"), limit=1)[0]
    bens = sample_repo.leads_in_stage(Stage.NEW, only=LeadFilter(owner="ben"), limit=1)[0]
    with serving(db) as url:
        context = chromium.new_context(viewport={"width": 1100, "height": 700})
        page: Page = context.new_page()
        page.add_init_script(SCREEN_PROBE)
        asked: list[str] = []
        page.on("request", lambda request: asked.append(request.url))
        page.on("websocket", lambda socket: asked.append(socket.url))

        # Without a session: a page that says so, and no app.
        unsigned = page.goto(url)
        assert unsigned is not None and unsigned.status == 401
        assert "Not signed in" in page.content() and not page.locator("#terminal").count()

        # Signed in through the printed link: the inbox, anna's leads only.
        page.goto(sign_in_link(db, url, "anna"))
        page.wait_for_url(f"{url}/")
        painted(page, anna_first.name)
        screen = page.evaluate("window.__screen")
        assert "leadtui — anna (rep) · sample.db" in screen
        assert bens.name not in screen

        # The websocket refuses another site, even with anna's cookie.
        [cookie] = [c["value"] for c in context.cookies() if c["name"] == "leadtui_session"]
        assert _websocket_status(url, cookie, "http://evil.example") == 403
        assert _websocket_status(url, cookie, None) == 403

        # `a` on the first row: advanced, journaled as anna.
        page.click("#terminal")
        seen = screen_length(page)
        page.keyboard.press("a")
        painted(page, "→ Contacted", since=seen)
        history = open_repository(db).lead_page(anna_first.id)[1]
        assert (history[0].actor, history[0].type) == ("anna", "stage_change")

        # Ben's lead, found with /: the move is refused below the screen.
        seen = screen_length(page)
        page.keyboard.press("/")
        page.keyboard.type(bens.name)
        # Its result line (the centred dialog may cut a long company short).
        painted(page, (bens.company or bens.name)[:10], since=seen)
        seen = screen_length(page)
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        assert bens.email
        painted(page, bens.email, since=seen)  # its Lead tab is up
        seen = screen_length(page)
        page.keyboard.press("a")
        painted(page, "ben's lead", since=seen)
        after = open_repository(db).get_lead(bens.id)
        assert after.stage is Stage.NEW
        assert "anna" not in {e.actor for e in open_repository(db).lead_page(bens.id)[1]}

        # Quick-add: the lead is anna's, the signed-in rep's. It fell to the
        # account the server runs as, and the rep could not save it.
        seen = screen_length(page)
        page.keyboard.press("n")
        page.keyboard.type("Zoe Browser")
        page.keyboard.press("Enter")
        painted(page, "Added #", since=seen)
        [added] = open_repository(db).search("Zoe Browser")
        assert added.owner == "anna"

        # No "Import file…": its path would name a file on the server.
        seen = screen_length(page)
        page.keyboard.press("Control+p")
        page.keyboard.type("import file")
        painted(page, "No matches found", since=seen)
        seen = screen_length(page)
        page.keyboard.press("Escape")
        painted(page, "anna (rep)", since=seen)  # the palette is gone, the header drawn again

        # The board, for the record, with the lead anna moved in Contacted.
        seen = screen_length(page)
        page.keyboard.press("2")
        # Its card's company: the name is in the toast of the move already.
        painted(page, (anna_first.company or anna_first.name)[:10], since=seen)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "board.png"))
        context.close()

    hosts = {urlsplit(address).hostname for address in asked}
    assert hosts == {"127.0.0.1"}, sorted(asked)
    assert any(address.startswith("ws://127.0.0.1") for address in asked)
