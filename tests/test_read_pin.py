"""Reads in a row on one connection (repository/pinned.py), and the inbox's
count from the stage rollup. Specification: within `reading()` a thread's
reads take one connection between them, another thread's reads are not
drawn in, and outside each read takes its own (kept open or new); the count of a stage's
leads (less those hidden) is what listing them gives, after moves and
hides, on both engines."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, connection, sqlite_engine
from tests.conftest import both_engines


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The thread of every SQLite connection taken from here on."""
    threads: list[str] = []
    original = connection.connect

    @contextmanager
    def counted(path: Path, tracer: Any = None, read_only: Any = None) -> Iterator[Any]:
        threads.append(threading.current_thread().name)
        with original(path, tracer, read_only) as db:
            yield db

    taking: Any = counted  # the engine's connect, counted
    monkeypatch.setattr(sqlite_engine, "connect", taking)
    return threads


def reads(repo: Repository) -> None:
    repo.stage_totals()
    repo.count_in_stage(Stage.NEW, awake_at=repo.clock())
    repo.leads_in_stage(Stage.NEW, limit=5)


def test_reads_within_reading_share_one_connection(
    sample_repo: Repository, opened: list[str]
) -> None:
    reads(sample_repo)
    assert len(opened) == 3
    opened.clear()
    with sample_repo.reading():
        reads(sample_repo)
        with sample_repo.reading():  # nested: still the one
            reads(sample_repo)
        other = threading.Thread(target=reads, args=(sample_repo,), name="other")
        other.start()
        other.join()
    assert opened.count("other") == 3  # that thread's reads open their own
    assert len([name for name in opened if name != "other"]) == 1
    opened.clear()
    reads(sample_repo)  # unpinned again
    assert len(opened) == 3


@both_engines
def test_the_inbox_count_is_the_stages_rows_less_the_hidden(repo: Repository) -> None:
    ids = [repo.add_lead(build_draft(name=f"Lead {n}")) for n in range(6)]
    now = repo.clock()

    def counted() -> int:  # the rows the inbox lists
        return len(repo.leads_in_stage(Stage.NEW, awake_at=now, limit=100))

    assert repo.count_in_stage(Stage.NEW, awake_at=now) == counted() == 6
    repo.advance(ids[0])
    repo.hide_until(ids[1], now + timedelta(days=3))
    assert repo.count_in_stage(Stage.NEW, awake_at=now) == counted() == 4
    assert repo.count_in_stage(Stage.NEW) == 5
    assert repo.count_in_stage(Stage.NEW, awake_at=now + timedelta(days=4)) == 5
    repo.back(ids[0])
    assert repo.count_in_stage(Stage.NEW, awake_at=now) == counted() == 5
