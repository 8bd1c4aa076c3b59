"""Shared fixtures: isolated user dirs, frozen time, seeded databases."""

import gc
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from leadtui import resources
from leadtui.demo import build_sample_database
from leadtui.domain.models import Stage
from leadtui.repository import Repository, open_repository, sqlite_pool
from leadtui.repository.pg.connection import close_idle
from leadtui.repository.store import Repository as RepositoryClass
from tests.notifications import record_notifications
from tests.pg_cluster import TEMPLATE, Cluster, ClusterUnavailable, start_cluster

# Hypothesis's per-example deadline measures wall time, which on a shared
# 2-core machine says more about the neighbours' load than about the code.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported and collected lives to the end of the run: moved
    out of the collector's reach, each full collection no longer walks it
    again (about a tenth of the suite's CPU, most of it under Textual's
    allocation-heavy app start and stop)."""
    gc.collect()
    gc.freeze()


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
    _isolate(monkeypatch, home)
    yield home
    # As a process's exit would: no kept connection outlives its test.
    sqlite_pool.close_idle()


def _isolate(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("LEADTUI_DB", raising=False)
    monkeypatch.delenv("LEADTUI_RULES", raising=False)


@pytest.fixture(autouse=True)
def recorded_notifications(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every app's notifications, for `tests.notifications.notes(app)`."""
    record_notifications(monkeypatch)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "leads.db"


@pytest.fixture
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database for CLI tests, as the string a user would type: a file's
    path, or with both_clis a PostgreSQL URL too."""
    if getattr(request, "param", "sqlite") == "postgresql":
        url: str = request.getfixturevalue("pg_url")
        return url
    return str(tmp_path / "cli.db")


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new database with the whole schema, made once per test process:
    creating the schema takes about 0.15 s and some 240 tests start from
    it; copying the file takes a few milliseconds."""
    path = tmp_path_factory.mktemp("empty-template") / "leads.db"
    with pytest.MonkeyPatch.context() as monkeypatch:  # as sample_template
        _isolate(monkeypatch, tmp_path_factory.mktemp("empty-template-home"))
        open_repository(path, actor="tester", clock=frozen_clock)
    sqlite_pool.close_idle()  # as at a process's exit: the WAL folded into the file
    assert not Path(f"{path}-wal").exists()  # the whole database is in the one file
    return path


@pytest.fixture
def repo(request: pytest.FixtureRequest, db_path: Path, empty_template: Path) -> Repository:
    """A new empty database: a file (a copy of the template, as
    `open_repository` makes it, mode 0600), or with both_engines a
    PostgreSQL one too."""
    if getattr(request, "param", "sqlite") == "postgresql":
        return open_repository(
            request.getfixturevalue("pg_url"), actor="tester", clock=frozen_clock
        )
    shutil.copyfile(empty_template, db_path)
    db_path.chmod(empty_template.stat().st_mode & 0o777)
    return open_repository(db_path, actor="tester", clock=frozen_clock)


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo data set, built once per test process (about 0.3 s, and over
    a hundred tests use it); each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "sample.db"
    # Session fixtures run before the per-test isolation: isolate this too.
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate(monkeypatch, tmp_path_factory.mktemp("template-home"))
        build_sample_database(path, resources.sample_data_dir(), NOW)
    sqlite_pool.close_idle()
    assert not Path(f"{path}-wal").exists()  # the whole database is in the one file
    return path


@pytest.fixture
def sample_repo(tmp_path: Path, sample_template: Path) -> Repository:
    """The demo data set from sample_data/, as of NOW (44 leads in many scripts, all stages)."""
    path = tmp_path / "sample.db"
    shutil.copyfile(sample_template, path)
    return open_repository(path, actor="tester", clock=frozen_clock)


def query_plan(path: Path, sql: str) -> str:
    """SQLite's plan for `sql`, as one line: to assert an index is used."""
    with sqlite3.connect(path) as conn:
        return " ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))


# ------------------------------------------------- both engines (issue 20)

ENGINES = ("sqlite", "postgresql")
# A test of a piece ported to PostgreSQL runs on both engines: its `repo`
# (or `db_target`) is a SQLite file, then a PostgreSQL database.
both_engines = pytest.mark.parametrize("repo", ENGINES, indirect=True)
both_targets = pytest.mark.parametrize("db_target", ENGINES, indirect=True)
both_clis = pytest.mark.parametrize("db", ENGINES, indirect=True)
# The same, with the PostgreSQL run left to the full suite: CLI tests that
# start many commands, kept out of the quick loop's two minutes.
both_clis_full = pytest.mark.parametrize(
    "db", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)], indirect=True
)
# And TUI tests on both engines (a Pilot app each), the same way.
both_engines_full = pytest.mark.parametrize(
    "repo", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)], indirect=True
)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A private PostgreSQL server for this test process (tests/pg_cluster.py),
    its template database migrated once. Fails, never skips, when it cannot
    start: CI must not pass with the PostgreSQL tests unrun."""
    try:
        cluster = start_cluster()
    except (ClusterUnavailable, ImportError, OSError) as error:
        pytest.fail(f"the PostgreSQL test cluster did not start: {error}")
    try:
        open_repository(cluster.url(TEMPLATE))  # the schema, once; each test copies it
        close_idle()  # a template is copied only while nobody is connected to it
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of its own, as its URL; dropped
    after the test (tests/pg_cluster.py says why)."""
    url = pg_cluster.new_database()
    yield url
    close_idle()  # as at a process's exit: this test's kept connections go
    pg_cluster.drop_database(url)


@pytest.fixture
def db_target(request: pytest.FixtureRequest, db_path: Path) -> Path | str:
    """The database a test opens itself: a file, or with both_targets a
    PostgreSQL URL too."""
    if getattr(request, "param", "sqlite") == "postgresql":
        url: str = request.getfixturevalue("pg_url")
        return url
    return db_path


@pytest.fixture
def page_reads(monkeypatch: pytest.MonkeyPatch) -> list[Stage]:
    """The stage of every page read from here on (inbox or board): a
    change a screen follows incrementally must read none."""
    reads: list[Stage] = []
    original = RepositoryClass.leads_in_stage

    def counted(self: Repository, stage: Stage, **options: Any) -> Any:
        reads.append(stage)
        return original(self, stage, **options)

    monkeypatch.setattr(RepositoryClass, "leads_in_stage", counted)
    return reads
