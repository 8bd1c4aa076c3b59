"""Shared fixtures: isolated user dirs, frozen time, seeded databases."""

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadtui import resources
from leadtui.demo import build_sample_database
from leadtui.repository import Repository, open_repository
from tests.notifications import record_notifications

# Frozen "now" for everything that shows ages or timestamps (snapshots).
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def frozen_clock() -> datetime:
    return NOW


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """No test may read or write the real user's data dir or database."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("LEADTUI_DB", raising=False)
    monkeypatch.delenv("LEADTUI_RULES", raising=False)
    yield home


@pytest.fixture(autouse=True)
def recorded_notifications(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every app's notifications, for `tests.notifications.notes(app)`."""
    record_notifications(monkeypatch)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "leads.db"


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A database path for CLI tests, as the string a user would type."""
    return str(tmp_path / "cli.db")


@pytest.fixture
def repo(db_path: Path) -> Repository:
    return open_repository(db_path, actor="tester", clock=frozen_clock)


@pytest.fixture
def sample_repo(tmp_path: Path) -> Repository:
    """The demo data set from sample_data/, as of NOW (32 leads, all stages)."""
    path = tmp_path / "sample.db"
    build_sample_database(path, resources.sample_data_dir(), NOW)
    return open_repository(path, actor="tester", clock=frozen_clock)


def query_plan(path: Path, sql: str) -> str:
    """SQLite's plan for `sql`, as one line: to assert an index is used."""
    with sqlite3.connect(path) as conn:
        return " ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
