"""`leadtui serve`: the app in a browser (leadtui.serve)."""

import asyncio
import errno
import logging
import sys
from pathlib import Path

import click

from leadtui.cli import common
from leadtui.cli.params import shown_path
from leadtui.domain.errors import LeadtuiError

PLAIN_HTTP_WARNING = (
    "warning: serving plain HTTP beyond this machine. Cookies and keys cross the network"
    " unencrypted: put a TLS reverse proxy (Caddy, nginx) in front, or have users reach"
    " 127.0.0.1 through 'ssh -L'. See README, 'In a browser'."
)


def _host(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """An empty address ("" from an unset shell variable) would listen on
    every interface: that is said as 0.0.0.0, never left to an empty string."""
    if not value.strip():
        raise click.BadParameter("an empty address; 0.0.0.0 listens on every interface")
    return value.strip()


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    callback=_host,
    help="Address to listen on (0.0.0.0: every interface).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 1000),
    default=20,
    show_default=True,
    help="Browser tabs open at once; the next is refused with a page saying so.",
)
@click.option(
    "--idle-timeout",
    "idle_minutes",
    type=click.FloatRange(0.01, 7 * 24 * 60),
    default=30.0,
    show_default=True,
    help="Minutes without a key or click before a tab's session ends.",
)
@click.option("--theme", help="The theme for users who have not chosen one.")
@click.option(
    "--public-url",
    help="The address browsers use, behind a reverse proxy (e.g. https://crm.example.com).",
)
@common.db_option
def serve(
    db_path: Path | None,
    host: str,
    port: int,
    max_sessions: int,
    idle_minutes: float,
    theme: str | None,
    public_url: str | None,
) -> None:
    """Serve leadtui to browsers: each signed-in user gets the whole app,
    acting as themselves (leadtui user add NAME makes a sign-in link)."""
    try:
        from leadtui.serve.options import ServeOptions, check_public_url, is_loopback
        from leadtui.serve.server import serve as run_server
    except ImportError as error:
        raise LeadtuiError(
            f"leadtui serve needs the serve extra ({error.name} is missing):"
            " pip install 'leadtui[serve]'"
        ) from None
    repo = common.repository(db_path)  # checked and migrated before anyone connects
    if why := repo.cannot_write():
        # Every sign-in writes its session: refuse now, not at each sign-in.
        raise LeadtuiError(f"cannot serve {repo.engine.shown}: {why}; sign-ins need to write it")
    if theme:
        _check_theme(theme)
    options = ServeOptions(
        repo.target,
        host=host,
        port=port,
        max_sessions=max_sessions,
        idle_minutes=idle_minutes,
        theme=theme,
        public_url=check_public_url(public_url) if public_url else None,
    )
    if not is_loopback(host):
        common.echo(PLAIN_HTTP_WARNING, err=True)
    # Sign-ins, sessions opened and ended, refusals, and an access log (which
    # never holds a token: it travels after '#' and in a POST body).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)

    def ready(url: str) -> None:
        common.echo(f"leadtui serving {shown_path(repo.shown)} at {url}")
        common.echo(
            f"  up to {max_sessions} sessions; a session ends after {idle_minutes:g} idle"
            " minutes. Sign-in links: leadtui user add NAME. Ctrl+C stops.",
        )
        sys.stdout.flush()

    try:
        asyncio.run(run_server(options, repo, ready))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise LeadtuiError(f"cannot listen on {host}:{port}: the address is in use") from None
        raise LeadtuiError(f"cannot listen on {host}:{port}: {error.strerror}") from None


def _check_theme(name: str) -> None:
    from leadtui.tui.themed import theme_names  # the themes the app knows

    if name not in theme_names():
        raise LeadtuiError(f"theme {name[:40]!r} is not a theme; one of {', '.join(theme_names())}")
