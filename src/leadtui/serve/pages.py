"""The few HTML pages the server writes. Everything they load comes from
this server: textual-serve's own client (xterm.js) and its Roboto Mono
font, served from the installed package, and this package's stylesheet
and sign-in script. Nothing a user typed reaches a page unescaped."""

from html import escape

# Every page: nothing from elsewhere may load, no inline script runs, no
# other site may frame it (keys typed into a framed terminal would be its).
# Inline styles are allowed: xterm.js sizes its rows with <style> elements.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self';"
        " img-src 'self' data:; connect-src 'self'; form-action 'self';"
        " frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: with it, a form's POST says `Origin: null`, and the
    # sign-in's same-origin check could not tell this server's page.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_HEAD = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/leadtui/page.css">
{extra}</head>
"""


def terminal_page(websocket_url: str, font_size: int = 16) -> str:
    """The app: textual-serve's client connects to `websocket_url` and draws
    the terminal. The font is preloaded, so the terminal measures its cells
    in Roboto Mono and not in a fallback."""
    extra = (
        '<link rel="preload" href="/static/textual/fonts/RobotoMono-VariableFont_wght.ttf"'
        ' as="font" type="font/ttf" crossorigin>\n'
        '<link rel="stylesheet" href="/static/textual/css/xterm.css">\n'
        '<script src="/static/textual/js/textual.js"></script>\n'
    )
    return (
        _HEAD.format(title="leadtui", extra=extra)
        + f"""<body class="app">
<div id="terminal" class="textual-terminal"
  data-session-websocket-url="{escape(websocket_url)}" data-font-size="{font_size}"></div>
<div class="closed-dialog"><p>Session ended.</p><p><a href="/">Start again</a></p></div>
</body>
</html>
"""
    )


def message_page(title: str, *paragraphs: str) -> str:
    """A page that says one thing (not signed in, link used, server full)."""
    body = "\n".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    return (
        _HEAD.format(title=escape(title), extra="")
        + f'<body class="message">\n<main>\n<h1>{escape(title)}</h1>\n{body}\n</main>\n'
        + "</body>\n</html>\n"
    )


def sign_in_page() -> str:
    """The sign-in link's page. The token is in the link's #fragment, which
    browsers never send to a server: it stays out of access logs, proxies and
    link previews (which would otherwise use it up). The script posts it."""
    extra = '<script src="/static/leadtui/signin.js" defer></script>\n'
    return (
        _HEAD.format(title="Sign in to leadtui", extra=extra)
        + """<body class="message">
<main>
<h1>Sign in to leadtui</h1>
<form id="signin" method="post" action="/signin">
<input type="hidden" name="token" id="token">
<p id="missing" hidden>This page needs the whole sign-in link, with the part after #.
Ask for a new one if you no longer have it.</p>
<button type="submit" id="go">Sign in</button>
</form>
</main>
</body>
</html>
"""
    )
