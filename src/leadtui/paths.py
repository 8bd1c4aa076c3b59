"""Where databases live by default, and what a --db value names."""

import os
from pathlib import Path

import platformdirs

ENV_DB = "LEADTUI_DB"
# A --db or $LEADTUI_DB of this form names a PostgreSQL database, not a file.
URL_SCHEMES = ("postgresql", "postgres")


def is_url(target: Path | str) -> bool:
    """A PostgreSQL URL (postgresql://…, including unix-socket URLs such as
    postgresql:///leads?host=/run/postgresql), as opposed to a file path."""
    return isinstance(target, str) and target.partition("://")[0].lower() in URL_SCHEMES


def database_target(text: str) -> Path | str:
    """What a user typed for --db or $LEADTUI_DB: a URL kept as text (a Path
    would fold its `//`), anything else a file path."""
    return text if is_url(text) else Path(text).expanduser()


def data_dir() -> Path:
    """The per-user data dir, created private (0700) on first use."""
    path = platformdirs.user_data_path("leadtui", appauthor=False)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def default_db_path() -> Path:
    """$LEADTUI_DB if set, else leads.db in the user data dir."""
    configured = os.environ.get(ENV_DB)
    return Path(configured).expanduser() if configured else data_dir() / "leads.db"


def default_db_target() -> Path | str:
    """default_db_path, or the PostgreSQL URL $LEADTUI_DB holds."""
    configured = os.environ.get(ENV_DB)
    return database_target(configured) if configured else default_db_path()


def demo_db_path() -> Path:
    """The demo database: its own file, so the real one is never touched."""
    return data_dir() / "demo.db"
