"""`leadtui user`: who may sign in to `leadtui serve`, and their links."""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import click

from leadtui.cli import common
from leadtui.domain.errors import InvalidInput
from leadtui.domain.users import LINK_LIFETIME, Role

ENV_URL = "LEADTUI_URL"
DEFAULT_URL = "http://127.0.0.1:8000"


def _url_option(command: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--url",
        help=f"The address browsers open leadtui at (default ${ENV_URL}, else {DEFAULT_URL}).",
    )(command)


def _link(base: str, token: str) -> str:
    """The sign-in link: the token after '#', which browsers never send to a
    server (so it stays out of logs and link previews)."""
    return f"{base}/signin#{token}"


def _base(url: str | None) -> str:
    """The address links start with, checked before anything is written: a
    link to javascript: or ftp:// would add a user no browser can sign in."""
    said = f"--url {url!r}" if url else f"${ENV_URL} {os.environ.get(ENV_URL)!r}"
    base = url or os.environ.get(ENV_URL) or DEFAULT_URL
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{said}: give scheme and host, e.g. https://crm.example.com")
    return base.rstrip("/")


@click.group("user")
def user() -> None:
    """Who may sign in to `leadtui serve` (rep or manager)."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.REP.value,
    show_default=True,
    help="A rep sees their own and unassigned leads, and changes only theirs.",
)
@_url_option
@common.db_option
def add_user(db_path: Path | None, name: str, role: str, url: str | None) -> None:
    """Add a user; prints their one-time sign-in link."""
    base = _base(url)
    users = common.repository(db_path).users
    token = users.add(name, Role(role))
    added = users.link_user(token)
    shown = added.name if added else name
    common.echo(f"added {shown} ({role}); sign-in link, good once for {LINK_LIFETIME.days} days:")
    common.echo(_link(base, token))


@user.command("link")
@click.argument("name")
@_url_option
@common.db_option
def link_user(db_path: Path | None, name: str, url: str | None) -> None:
    """A new one-time sign-in link for NAME (a new browser, a lost cookie)."""
    base = _base(url)
    token = common.repository(db_path, existing=True).users.new_link(name)
    common.echo(_link(base, token))


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@common.db_option
def list_users(db_path: Path | None, as_json: bool) -> None:
    """Every user: role, browsers signed in, whether a link waits to be used."""
    users = common.repository(db_path, reading=True).users.all()
    if as_json:
        records = [
            {
                "name": u.name,
                "role": u.role.value,
                "created_at": u.created_at.isoformat(),
                "sessions": u.sessions,
                "link_pending": u.link_pending,
            }
            for u in users
        ]
        common.echo(json.dumps(records, indent=2))
        return
    if not users:
        common.echo("no users yet: leadtui user add NAME [--role manager]")
    for u in users:
        pending = "  (sign-in link not used yet)" if u.link_pending else ""
        common.echo(f"{u.name:<20} {u.role.value:<8} {u.sessions} signed in{pending}")


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice([role.value for role in Role]))
@common.db_option
def user_role(db_path: Path | None, name: str, role: str) -> None:
    """Make NAME a rep or a manager (a tab already open keeps the role it
    started with until it is reloaded)."""
    users = common.repository(db_path, existing=True).users
    before = users.set_role(name, Role(role))
    name = name.strip().lower()
    if before.value == role:
        common.echo(f"{name} is already a {role}")
        return
    common.echo(f"{name}: {before.value} → {role}")
    # The role is read when a tab starts (a rep's view and guards with it).
    common.echo(f"{name}'s open tabs keep {before.value} until they are reloaded")


@user.command("remove")
@click.argument("name")
@common.db_option
def remove_user(db_path: Path | None, name: str) -> None:
    """Remove NAME: their link stops working and their browsers are signed
    out. The leads they own stay theirs (reassign them with `leadtui assign
    NEW --from NAME`)."""
    owned = common.repository(db_path, existing=True).users.remove(name)
    name = name.strip().lower()
    common.echo(f"removed {name}")
    if owned:
        common.echo(
            f"{name} still owns {owned:,} lead{'s' * (owned != 1)}; they stay {name}'s"
            f" ('leadtui assign NEW --from {name}' hands over the open ones)"
        )
