"""Where databases live by default."""

import os
from pathlib import Path

import platformdirs

ENV_DB = "LEADTUI_DB"


def data_dir() -> Path:
    """The per-user data dir, created private (0700) on first use."""
    path = platformdirs.user_data_path("leadtui", appauthor=False)
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def default_db_path() -> Path:
    """$LEADTUI_DB if set, else leads.db in the user data dir."""
    configured = os.environ.get(ENV_DB)
    return Path(configured).expanduser() if configured else data_dir() / "leads.db"


def demo_db_path() -> Path:
    """The demo database: its own file, so the real one is never touched."""
    return data_dir() / "demo.db"
