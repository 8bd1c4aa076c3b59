"""What `leadtui serve` was asked for, and the checks on where requests come
from. Pure: no aiohttp here."""

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from leadtui.domain.errors import InvalidInput

COOKIE = "leadtui_session"


@dataclass(frozen=True)
class ServeOptions:
    db_path: Path | str  # a file, or a PostgreSQL URL
    host: str = "127.0.0.1"
    port: int = 8000
    max_sessions: int = 20
    idle_minutes: float = 30.0
    theme: str | None = None
    # The address browsers use, when it is not host:port (behind a proxy).
    public_url: str | None = None
    # One app process started ahead of the next page (spawn.py); tests that
    # start no app turn it off.
    keep_ready: bool = True

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def allowed_hosts(self) -> frozenset[str] | None:
        """Host headers this server answers to, or None for any. On loopback
        only its own names: a page on another site that points its own
        domain at 127.0.0.1 (DNS rebinding) is refused."""
        hosts = set()
        if self.public_url:
            hosts.add(netloc(self.public_url))
        if not self.loopback and not self.public_url:
            return None
        for name in ("127.0.0.1", "localhost", "[::1]", self.host):
            hosts.add(f"{name}:{self.port}".lower())
        return frozenset(hosts)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def netloc(url: str) -> str:
    """host:port of a URL, lower case, the port only when not the scheme's."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(parts.scheme)
    host = (parts.hostname or "").lower()
    host = f"[{host}]" if ":" in host else host
    try:
        port = parts.port
    except ValueError:
        return ""
    return host if port in (None, default) else f"{host}:{port}"


def same_origin(origin: str | None, host: str | None) -> bool:
    """The websocket's Origin names the host the request was made to: a page
    of this server, not of another site."""
    if not origin or not host or origin == "null":
        return False
    return netloc(origin) == host.lower() and urlsplit(origin).scheme in ("http", "https")


def check_public_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise InvalidInput(
            f"--public-url {url[:60]!r}: give scheme and host, e.g. https://crm.example.com"
        )
    return url.rstrip("/")
