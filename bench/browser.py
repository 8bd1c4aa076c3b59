"""leadtui in a browser (`leadtui serve`, Debian's Chromium through
Playwright) beside leadtui in a pty, in the same run on the same file:

- first paint: from navigation to the first inbox row drawn on the page's
  canvas (the page, textual-serve's client, the websocket, a leadtui
  process spawned for the tab, its first frame), against `leadtui --db` in
  an 80x24 pty from launch to the same row (bench/first_paint.py's way);
  medians of `--runs`, interleaved;
- key to screen: from keydown in the page to the first frame drawn after
  the app answered, for ↓ (j) and `a` on the board, against the same keys in
  the pty (bench/keys.py's way: until the emulated screen changes). The
  page's time is an upper bound: two animation frames after the app's
  answer arrived, one of which may follow xterm.js's drawing.

    python -m bench.browser --db /tmp/1m-copy.db [--runs 7] [--presses 20]

It writes (`a` advances leads, a manager user is added): use a copy. The
page is sized to about 80x24 cells, the pty's size, unless `--viewport
1100x700` (the line printed says the cells the terminal took).
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from tests.browser_harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SCREEN_PROBE,
    answered,
    chromium_missing,
    painted,
    quiet,
    screen_length,
    serving,
    sign_in_link,
)

from bench.first_paint import seconds_until
from bench.keys import DOWN, figures, latency, presses
from bench.ptyterm import program_in_pty
from leadtui.domain.clock import utc_now
from leadtui.domain.models import Stage
from leadtui.repository import open_repository

# About 80x24 cells of Roboto Mono at 16 px, as in the pty: the same screen.
VIEWPORT = "730x515"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="a copy: `a` writes")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--viewport", default=VIEWPORT, help=f"page size, px (default {VIEWPORT})")
    args = parser.parse_args()
    missing = chromium_missing()
    if missing:
        sys.exit(missing)
    from playwright.sync_api import sync_playwright

    repo = open_repository(args.db)
    # The inbox's first row (snoozed leads are not in the inbox).
    [top] = repo.leads_in_stage(Stage.NEW, limit=1, awake_at=utc_now())
    marker = top.name[:19]
    name = f"bench{len(repo.users.all())}"
    pty_command = [sys.executable, "-m", "leadtui", "--db", str(args.db)]
    with (
        tempfile.TemporaryDirectory() as scratch,
        serving(args.db, "--max-sessions", "4") as url,
        sync_playwright() as playwright,
    ):
        cwd = Path(scratch)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        width, height = (int(side) for side in args.viewport.split("x"))
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_init_script(SCREEN_PROBE)
        # A manager sees everyone's inbox: the same first row as the pty.
        signing = context.new_page()
        signing.goto(sign_in_link(args.db, url, name, "manager"))
        signing.wait_for_url(f"{url}/")
        painted(signing, marker)
        signing.close()
        seconds_until(pty_command, marker, cwd)  # warm-up, not counted
        pty_paint, browser_paint = [], []
        for _ in range(args.runs):
            pty_paint.append(seconds_until(pty_command, marker, cwd) * 1000)
            page = context.new_page()
            page.goto(url)
            browser_paint.append(painted(page, marker))
            page.close()

        page = context.new_page()
        sockets: list[str] = []
        page.on("websocket", lambda socket: sockets.append(socket.url))
        page.goto(url)
        painted(page, marker)
        cells = sockets[0].split("?", 1)[1] if sockets and "?" in sockets[0] else "?"
        page.click("#terminal")
        seen = screen_length(page)
        page.keyboard.press("2")
        painted(page, "Contacted", since=seen)
        quiet(page)
        browser_j = browser_keys(page, "ArrowDown", args.presses)
        page.keyboard.press("g")
        quiet(page)
        browser_a = browser_keys(page, "a", args.presses)
        page.close()
        browser.close()

        # The browser's `a` moved some.
        [top] = repo.leads_in_stage(Stage.NEW, limit=1, awake_at=utc_now())
        with program_in_pty(pty_command, cwd) as app:
            app.wait_for(top.name[:19])
            app.type("2")
            app.wait_for("Contacted")
            latency(app, DOWN, settle=1.0)
            pty_j = presses(app, DOWN, args.presses)
            app.type("g")
            latency(app, "a", settle=0.3)
            pty_a = presses(app, "a", args.presses)

    leads = repo.count_leads()
    size = f"{args.viewport} px, {cells.replace('&', ' ')}"
    print(f"browser (Chromium, {size}) beside a pty (80x24), {leads:,} leads")
    print(
        f"  first paint, pty:      median {statistics.median(pty_paint):6.0f} ms  {runs(pty_paint)}"
    )
    print(
        f"  first paint, browser:  median {statistics.median(browser_paint):6.0f} ms"
        f"  {runs(browser_paint)}"
    )
    ratio = statistics.median(browser_paint) / statistics.median(pty_paint)
    print(f"    browser / pty: {ratio:.2f}x")
    print(f"  j on the board, pty:      {figures(pty_j)}")
    print(f"  j on the board, browser:  {figures([ms / 1000 for ms in browser_j])}")
    print(f"  a on the board, pty:      {figures(pty_a)}")
    print(f"  a on the board, browser:  {figures([ms / 1000 for ms in browser_a])}")


def browser_keys(page: object, key: str, count: int) -> list[float]:
    """`count` presses of `key`, each once the screen has been quiet for
    150 ms; the page's own key-to-paint times, in ms."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.evaluate("window.__latencies = []")
    for done in range(1, count + 1):
        page.keyboard.press(key)
        answered(page, done)
        quiet(page)
    return [float(ms) for ms in page.evaluate("window.__latencies")]


def runs(samples: list[float]) -> str:
    return "(" + ", ".join(f"{sample:.0f}" for sample in samples) + ")"


if __name__ == "__main__":
    main()
