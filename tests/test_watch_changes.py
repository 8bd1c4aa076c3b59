"""What a console's change watcher reads after a teammate's commit, on both
engines (repository/watch.py, pg/watch.py): the leads the new journal lines
name and nothing else; a commit no journal line names has the screen
re-read whole. On PostgreSQL the wake-up is a NOTIFY, and what it reads
is counted here statement by statement."""

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import build_draft
from leadtui.repository import (
    Repository,
    backup_database,
    copy_database,
    open_repository,
    restore_database,
)
from leadtui.repository.pg import maintenance as pg_maintenance
from leadtui.repository.pg.connection import close_idle
from leadtui.repository.watch import Changes, ChangeWatcher
from tests.conftest import both_targets, frozen_clock

EVERYONE = LeadFilter()


def _next_changes(watcher: ChangeWatcher, only: LeadFilter = EVERYONE) -> Changes:
    """The watcher's next batch: a commit reaches it shortly after it
    returns (a NOTIFY on PostgreSQL), so poll, never a fixed sleep."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        found = watcher.changes(only, "anna", frozen_clock())
        if found is not None:
            return found
        threading.Event().wait(0.01)
    raise AssertionError("no change reached the watcher")


def _open(target: Any, actor: str, tracer: Callable[[str, Any], None] | None = None) -> Repository:
    return open_repository(target, actor=actor, clock=frozen_clock, tracer=tracer)


@both_targets
def test_a_teammates_rename_reads_only_that_lead(db_target: Any) -> None:
    statements: list[tuple[str, Any]] = []
    me = _open(db_target, "anna", lambda sql, params: statements.append((sql, params)))
    maria = _open(db_target, "maria")
    ids = [maria.add_lead(build_draft(name=f"Lead {n}")) for n in range(5)]
    watcher = me.watcher()
    try:
        statements.clear()
        maria.update_fields(ids[2], {"name": "Renamed Meanwhile"})
        found = _next_changes(watcher)
        assert not found.whole
        assert found.ids == {ids[2]}
        assert found.leads[ids[2]].name == "Renamed Meanwhile"
        assert found.passing == {ids[2]}
        assert "name" in found.fields and not found.moves_totals
        if me.engine.dialect.name == "PostgreSQL":  # SQLite's watcher has its own connection
            # The journal lines after the last read, the one lead, and
            # whether the filter lets it through: nothing else is read.
            assert len(statements) == 3, statements
            assert all(ids[2] in params for _, params in statements[1:]), statements
            assert [ids[2]] == [p for p in statements[1][1] if p in ids]
    finally:
        watcher.close()


@both_targets
def test_a_commit_no_journal_line_names_re_reads_whole(db_target: Any) -> None:
    me, maria = _open(db_target, "anna"), _open(db_target, "maria")
    lead_id = maria.add_lead(build_draft(name="Ann"))
    watcher = me.watcher()
    try:
        with maria._transaction() as db:  # as a rescore writes: no journal line
            db.execute("UPDATE leads SET score = 99 WHERE id = ?", [lead_id])
        assert _next_changes(watcher).whole
        maria.advance(lead_id)  # and afterwards, incremental again
        after = _next_changes(watcher)
        assert (after.whole, set(after.ids), after.moves_totals) == (False, {lead_id}, True)
    finally:
        watcher.close()


@both_targets
def test_commits_in_quick_succession_are_each_read_once(db_target: Any) -> None:
    me, maria = _open(db_target, "anna"), _open(db_target, "maria")
    first, second = (maria.add_lead(build_draft(name=n)) for n in ("Ann", "Bo"))
    watcher = me.watcher()
    try:
        maria.update_fields(first, {"name": "Ann Two"})
        maria.update_fields(second, {"name": "Bo Two"})
        # One batch, or two: a read may take the second commit's lines
        # before its notification arrives, which then brings nothing new.
        seen = [_next_changes(watcher)]
        while set().union(*(found.ids for found in seen)) != {first, second}:
            seen.append(_next_changes(watcher))
        assert not any(found.whole for found in seen)
        assert sum(len(found.ids) for found in seen) == 2  # each lead read once
    finally:
        watcher.close()


def test_under_the_rotting_filter_postgresql_reads_only_the_lead_changed(pg_url: str) -> None:
    me, maria = _open(pg_url, "anna"), _open(pg_url, "maria")
    lead_id = maria.add_lead(build_draft(name="Ann"))
    watcher = me.watcher()
    try:
        maria.update_fields(lead_id, {"name": "Ann Two"})
        changes = _next_changes(watcher, LeadFilter(rotting=True))
        assert not changes.whole and lead_id in changes.ids
    finally:
        watcher.close()


@both_targets
def test_a_restore_has_open_consoles_re_read_whole_and_follow_on(
    db_target: Any, tmp_path: Path
) -> None:
    me, maria = _open(db_target, "anna"), _open(db_target, "maria")
    kept = maria.add_lead(build_draft(name="Kept"))
    backup_database(db_target, tmp_path / "backup")
    for n in range(3):  # journal lines the restore takes away
        maria.add_lead(build_draft(name=f"Later {n}"))
    watcher = me.watcher()  # its last line read: above every restored one
    try:
        restore_database(db_target, tmp_path / "backup")
        assert _next_changes(watcher).whole
        # The restored journal's ids start below the last line read: a
        # teammate's next write is still read, incrementally.
        _open(db_target, "maria").update_fields(kept, {"name": "Kept Renamed"})
        after = _next_changes(watcher)
        assert (after.whole, set(after.ids)) == (False, {kept})
    finally:
        watcher.close()


def test_a_pg_restore_run_by_hand_is_noticed_at_the_next_write(pg_url: str, tmp_path: Path) -> None:
    """pg_restore itself notifies no one: the first commit after it, whose
    journal span ends below the last line read, has the screen re-read."""
    me, maria = _open(pg_url, "anna"), _open(pg_url, "maria")
    kept = maria.add_lead(build_draft(name="Kept"))
    backup_database(pg_url, tmp_path / "backup")
    for n in range(3):
        maria.add_lead(build_draft(name=f"Later {n}"))
    watcher = me.watcher()
    try:
        close_idle()
        pg_maintenance.restore(pg_url, "db", tmp_path / "backup")
        _open(pg_url, "maria").update_fields(kept, {"name": "Kept Renamed"})
        assert _next_changes(watcher).whole
    finally:
        watcher.close()


def test_a_copy_into_the_database_has_its_consoles_re_read_whole(
    pg_url: str, db_path: Path
) -> None:
    _open(db_path, "maria").add_lead(build_draft(name="From The File"))
    watcher = _open(pg_url, "anna").watcher()  # a console on the empty database
    try:
        copy_database(db_path, pg_url)
        assert _next_changes(watcher).whole  # settings and users came too
    finally:
        watcher.close()
