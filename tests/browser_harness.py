"""Driving `leadtui serve` from a real browser (Debian's Chromium through
Playwright), for the end-to-end test and bench/browser.py.

The terminal is drawn on a canvas, so what the app shows is read from what
it sends: SCREEN_PROBE, added to every page before its own scripts, keeps
the websocket's output decoded, escape sequences removed, in
`window.__screen`, resolves
`window.__painted(text)` once `text` has arrived and the browser has drawn
two animation frames since (xterm.js draws on an animation frame), and
times each key from keydown to the first frame drawn after the app
answered (`window.__latencies`, ms).
"""

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

SCREEN_PROBE = r"""
(() => {
  const Native = window.WebSocket;
  const decoder = new TextDecoder();
  // Escape sequences (CSI, OSC, DCS...) out: what remains is the text drawn.
  const ESCAPES = new RegExp([
    "\\x1b\\[[0-9;?<>=$ ]*[ -\\/]*[@-~]",  // CSI
    "\\x1b\\][^\\x07\\x1b]*(?:\\x07|\\x1b\\\\)",  // OSC
    "\\x1b[PX^_][^\\x1b]*\\x1b\\\\",  // DCS, SOS, PM, APC
    "\\x1b[@-Z\\\\-_]",  // two-character escapes
  ].join("|"), "g");
  const waiting = [];
  let keyAt = null;
  window.__screen = "";
  window.__lastFrameAt = 0;
  window.__latencies = [];
  const afterPaint = (then) =>
    requestAnimationFrame(() => requestAnimationFrame(() => then(performance.now())));
  const check = () => {
    for (let i = waiting.length - 1; i >= 0; i--) {
      if (window.__screen.indexOf(waiting[i].text, waiting[i].from) >= 0) {
        afterPaint(waiting[i].resolve);
        waiting.splice(i, 1);
      }
    }
  };
  // Resolves with the time the text was drawn; rejects after `timeout` ms.
  window.__painted = (text, from = 0, timeout = 30000) =>
    new Promise((resolve, reject) => {
      waiting.push({ text, from, resolve });
      setTimeout(() => reject(new Error(`not on screen after ${timeout} ms: ${text}`)), timeout);
      check();
    });
  // Polled on animation frames (a page's CSP forbids Playwright's own
  // wait_for_function, which evaluates strings).
  const until = (test, what, timeout = 30000) =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      const poll = () => {
        if (test()) resolve(performance.now());
        else if (performance.now() - start > timeout) reject(new Error(`no ${what}`));
        else requestAnimationFrame(poll);
      };
      poll();
    });
  window.__quiet = (ms) =>
    until(() => performance.now() - window.__lastFrameAt > ms, `quiet ${ms} ms`);
  window.__answered = (count) =>
    until(() => window.__latencies.length >= count, `answer to key ${count}`);
  window.addEventListener("keydown", () => { keyAt = performance.now(); }, true);
  class Probe extends Native {
    constructor(...args) {
      super(...args);
      window.__openedAt = null;
      window.__firstFrameAt = null;
      this.addEventListener("open", () => { window.__openedAt = performance.now(); });
      this.addEventListener("message", (event) => {
        if (window.__firstFrameAt === null) window.__firstFrameAt = performance.now();
        if (typeof event.data === "string") return;
        const text = decoder.decode(new Uint8Array(event.data), { stream: true });
        window.__screen += text.replace(ESCAPES, "");
        window.__lastFrameAt = performance.now();
        if (keyAt !== null) {
          const pressed = keyAt;
          keyAt = null;
          afterPaint((now) => window.__latencies.push(now - pressed));
        }
        check();
      });
    }
  }
  window.WebSocket = Probe;
})();
"""


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (.ci/install-system-packages installs it)"
    return None


@contextmanager
def serving(db: Path, *extra: str) -> Iterator[str]:
    """`leadtui serve` on a free loopback port; yields its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "leadtui", "serve", "--db", str(db), "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # "leadtui serving FILE at URL"
        if " at http://" not in first:
            raise AssertionError(f"leadtui serve did not start: {first!r}")
        # Read on, or the server would block once the pipe fills (it copies
        # its apps' error output to its own).
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield first.rsplit(" at ", 1)[1].strip()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sign_in_link(db: Path, url: str, name: str, role: str = "rep") -> str:
    """A new user's sign-in link, as `leadtui user add` prints it."""
    done = subprocess.run(
        [sys.executable, "-m", "leadtui", "user", "add", name, "--role", role,
         "--db", str(db), "--url", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


def painted(page: "Page", text: str, *, since: int = 0) -> float:
    """Wait until `text` is drawn (after screen offset `since`); returns
    when, in ms since the page's navigation began."""
    return float(page.evaluate("([text, since]) => window.__painted(text, since)", [text, since]))


def screen_length(page: "Page") -> int:
    """How much the app has drawn so far: wait for text drawn after this."""
    return int(page.evaluate("window.__screen.length"))


def quiet(page: "Page", ms: int = 150) -> None:
    """Until the app has sent nothing for `ms` (it has finished drawing)."""
    page.evaluate("(ms) => window.__quiet(ms)", ms)


def answered(page: "Page", count: int) -> None:
    """Until `count` keys have each had their first answer drawn."""
    page.evaluate("(count) => window.__answered(count)", count)
