"""The repository: the only code that touches SQLite."""

import multiprocessing
import os
import sqlite3
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leadtui.domain.errors import (
    DatabaseUnavailable,
    IllegalMove,
    InvalidInput,
    LeadNotFound,
    StaleLead,
)
from leadtui.domain.models import ActivityKind, Stage, build_draft
from leadtui.domain.orders import ORDERS, page_key
from leadtui.repository import Repository, connection, open_repository, schema, sqlite_pool
from leadtui.repository.connection import ENV_SYNCHRONOUS, connect
from leadtui.repository.sqlite_engine import script_statements
from tests.conftest import NOW, both_engines, both_targets, frozen_clock, query_plan


def _add(repo: Repository, name: str = "Jane Doe", **fields: object) -> int:
    return repo.add_lead(build_draft(name=name, **fields))


# ------------------------------------------------------------------ opening


def test_a_new_database_is_private_in_wal_mode_at_the_current_schema(db_path: Path) -> None:
    open_repository(db_path)
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"leads", "activities", "journal", "actions"} <= tables


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable, match=r"directory .* does not exist"):
        open_repository(tmp_path / "nope" / "leads.db")


def test_read_only_file_is_refused_even_for_root(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root bypasses permission bits, so simulate what access() reports for a user.
    open_repository(db_path)
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != db_path)
    with pytest.raises(DatabaseUnavailable, match="the file is read-only"):
        open_repository(db_path)


def test_read_only_directory_is_refused(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != db_path.parent)
    with pytest.raises(DatabaseUnavailable, match=r"directory .* is read-only"):
        open_repository(db_path)


def test_a_file_that_is_not_sqlite_is_refused_and_untouched(db_path: Path) -> None:
    db_path.write_bytes(b"name,email\nJane,jane@acme.io\n" * 100)
    before = db_path.read_bytes()
    with pytest.raises(DatabaseUnavailable, match="is not a SQLite database"):
        open_repository(db_path)
    assert db_path.read_bytes() == before


def test_another_programs_sqlite_database_is_refused(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    with pytest.raises(DatabaseUnavailable, match="not a leadtui one"):
        open_repository(db_path)


def test_a_newer_schema_is_refused_and_left_byte_for_byte_untouched(db_path: Path) -> None:
    open_repository(db_path)
    sqlite_pool.close_idle()  # leaving WAL mode takes the only connection
    with sqlite3.connect(db_path) as conn:
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
        conn.execute("PRAGMA journal_mode = DELETE")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseUnavailable, match="newer leadtui"):
        open_repository(db_path)
    assert db_path.read_bytes() == before
    assert not Path(f"{db_path}-wal").exists()


def test_a_script_is_cut_only_where_sqlite_calls_a_statement_complete() -> None:
    script = (
        "CREATE TABLE t (a TEXT);\n"
        "INSERT INTO t VALUES ('x;y'); -- a comment; with semicolons\n"
        "CREATE TRIGGER t_in AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END;\n"
        "SELECT 3 /* ; */;\n"
        "  SELECT 4  "
    )
    assert list(script_statements(script)) == [
        "CREATE TABLE t (a TEXT);",
        "INSERT INTO t VALUES ('x;y');",
        "-- a comment; with semicolons\nCREATE TRIGGER t_in AFTER INSERT ON t"
        " BEGIN SELECT 1; SELECT 2; END;",
        "SELECT 3 /* ; */;",
        "SELECT 4",
    ]
    assert list(script_statements("")) == []


def test_a_new_file_asks_sqlite_about_each_semicolon_once(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Splitting the schema's scripts asked SQLite whether the text so far
    was complete after every character (sqlite_utils' executescript inside
    a transaction, joining the text each time): 0.14 s of CPU for every
    new file, an import's included."""
    asked = 0
    complete = sqlite3.complete_statement

    def counted(text: str) -> bool:
        nonlocal asked
        asked += 1
        return complete(text)

    monkeypatch.setattr(sqlite3, "complete_statement", counted)
    open_repository(db_path)
    assert 0 < asked <= sum(step.count(";") for step in schema.MIGRATIONS)
    with sqlite3.connect(db_path) as conn:
        triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        assert triggers.fetchone()[0] > 0


def _open_in_child(path: str) -> int:
    return open_repository(Path(path)).count_leads()


@pytest.mark.slow
def test_ten_processes_starting_at_once_on_a_fresh_file_all_start(db_path: Path) -> None:
    """Each migration step is applied exactly once."""
    with multiprocessing.get_context("spawn").Pool(10) as pool:
        assert pool.map(_open_in_child, [str(db_path)] * 10) == [0] * 10
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION


# ------------------------------------------------------------------- writes


@both_engines
def test_add_then_read_back_with_score_and_creation_history(repo: Repository) -> None:
    lead_id = _add(
        repo, email="jane@acme.io", company="Acme", source="referral", value_cents="5k", title="CEO"
    )
    lead = repo.get_lead(lead_id)
    assert (lead.name, lead.stage, lead.value_cents, lead.created_at) == (
        "Jane Doe",
        Stage.NEW,
        500_000,
        NOW,
    )
    assert lead.score == 60
    [created] = repo.history(lead_id)
    assert (created.from_stage, created.to_stage, created.actor) == (None, Stage.NEW, "tester")


@both_engines
def test_moves_are_recorded_newest_first_with_actor_and_reason(repo: Repository) -> None:
    lead_id = _add(repo)
    repo.advance(lead_id)
    repo.lose(lead_id, "No budget")
    lead = repo.reopen(lead_id)
    assert lead.stage is Stage.CONTACTED  # back where it was lost from
    assert lead.lost_reason is None
    history = repo.history(lead_id)
    moves = [(e.from_stage, e.to_stage, e.reason) for e in history if e.type == "stage_change"]
    assert moves == [
        (Stage.LOST, Stage.CONTACTED, None),
        (Stage.CONTACTED, Stage.LOST, "No budget"),
        (Stage.NEW, Stage.CONTACTED, None),
        (None, Stage.NEW, None),
    ]
    assert lead.version == 4


@both_engines
def test_illegal_moves_and_unknown_ids_change_nothing(repo: Repository) -> None:
    lead_id = _add(repo)
    repo.win(lead_id)
    before = repo.get_lead(lead_id)
    with pytest.raises(IllegalMove):
        repo.advance(lead_id)
    with pytest.raises(IllegalMove):
        repo.lose(lead_id, "x")
    assert repo.get_lead(lead_id) == before
    assert len(repo.history(lead_id)) == 2
    with pytest.raises(LeadNotFound, match="no lead with id 999"):
        repo.advance(999)
    with pytest.raises(LeadNotFound):
        repo.history(999)


@both_engines
def test_empty_lost_reason_is_refused_without_a_write(repo: Repository) -> None:
    lead_id = _add(repo)
    with pytest.raises(InvalidInput):
        repo.lose(lead_id, "   ")
    assert repo.get_lead(lead_id).stage is Stage.NEW


@both_targets
def test_touches_appear_in_history_and_raise_the_score(db_target: Path | str) -> None:
    ticks = iter(range(100))
    repo = open_repository(db_target, clock=lambda: NOW + timedelta(seconds=next(ticks)))
    lead_id = _add(repo)
    before = repo.get_lead(lead_id).score
    repo.log_touch(lead_id, ActivityKind.CALL, "Discovery call", "outbound")
    entry = repo.history(lead_id)[0]
    assert (entry.type, entry.kind, entry.note) == ("touch", ActivityKind.CALL, "Discovery call")
    assert repo.get_lead(lead_id).score == before + 5


def _touch_many(target: str, lead_id: int, times: int) -> None:
    repo = open_repository(target if "://" in target else Path(target))
    for _ in range(times):
        repo.log_touch(lead_id, ActivityKind.NOTE, "parallel")


@pytest.mark.slow
@both_targets
def test_parallel_writers_lose_no_update(db_target: Path | str) -> None:
    """Four processes read-modify-write the same row."""
    lead_id = open_repository(db_target).add_lead(build_draft(name="Shared"))
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        pool.starmap(_touch_many, [(str(db_target), lead_id, 25)] * 4)
    lead = open_repository(db_target).get_lead(lead_id)
    assert lead.version == 1 + 100
    assert len(open_repository(db_target).history(lead_id, limit=500)) == 1 + 100


# -------------------------------------------------------------------- reads


@both_engines
def test_keyset_pages_cover_a_stage_once_in_score_order(repo: Repository) -> None:
    for index in range(23):
        _add(
            repo,
            f"Lead {index}",
            value_cents=str(index * 1000),
            source=["referral", "other", "website"][index % 3],
        )
    seen, after = [], None
    while page := repo.leads_in_stage(Stage.NEW, after=after, limit=5):
        seen += page
        after = (page[-1].score, page[-1].id)
    assert len({lead.id for lead in seen}) == 23
    keys = [(lead.score, lead.id) for lead in seen]
    assert keys == sorted(keys, reverse=True)


@both_targets
def test_a_page_is_one_query_that_fetches_one_page(db_target: Path | str) -> None:
    """The screens' cost does not grow with the table: one statement, LIMIT rows."""
    statements: list[str] = []
    repo = open_repository(db_target, tracer=lambda sql, params: statements.append(sql))
    for index in range(30):
        repo.add_lead(build_draft(name=f"Lead {index}"))
    statements.clear()
    page = repo.leads_in_stage(Stage.NEW, limit=10)
    assert len(page) == 10
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "LIMIT" in selects[0]


def test_inbox_query_uses_the_stage_score_index(repo: Repository) -> None:
    plan = query_plan(
        repo.path,
        "SELECT * FROM leads WHERE stage = 'new'"
        " AND (score, id) < (50, 9) ORDER BY score DESC, id DESC LIMIT 50",
    )
    assert "leads_stage_score" in plan and "TEMP B-TREE" not in plan


def test_all_leads_streams_in_batches_in_id_order(sample_repo: Repository) -> None:
    ids = [lead.id for lead in sample_repo.all_leads(batch=7)]
    assert ids == list(range(1, 45))
    assert {lead.stage for lead in sample_repo.all_leads(stage=Stage.WON)} == {Stage.WON}


def test_clock_is_injected(repo: Repository) -> None:
    assert repo.clock is frozen_clock


@both_targets
def test_a_move_based_on_a_stale_view_is_refused_and_says_who(db_target: Path | str) -> None:
    ticks = iter(range(0, 1000, 5))
    clock = lambda: NOW + timedelta(seconds=next(ticks))  # noqa: E731
    me = open_repository(db_target, actor="anna", clock=clock)
    maria = open_repository(db_target, actor="maria", clock=clock)
    lead_id = _add(me, "Ahmed Hassan")
    maria.advance(lead_id)  # anna still sees the lead in New
    with pytest.raises(StaleLead) as refused:
        me.advance(lead_id, seen=Stage.NEW)
    assert str(refused.value) == (
        f"#{lead_id} Ahmed Hassan was moved to Contacted by maria 5s ago; nothing changed"
    )
    with pytest.raises(StaleLead):
        me.lose(lead_id, "no budget", seen=Stage.NEW)
    assert me.get_lead(lead_id).stage is Stage.CONTACTED
    assert len(me.history(lead_id)) == 2


@both_engines
def test_a_change_to_other_fields_does_not_block_a_move(repo: Repository) -> None:
    lead_id = _add(repo)
    repo.log_touch(lead_id, ActivityKind.CALL, "teammate called")  # version bumps
    assert repo.advance(lead_id, seen=Stage.NEW).stage is Stage.CONTACTED


@pytest.mark.parametrize(("setting", "level"), [(None, 2), ("normal", 1), ("FULL", 2)])
def test_durability_is_full_unless_normal_is_asked_for(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str | None, level: int
) -> None:
    if setting is not None:
        monkeypatch.setenv(ENV_SYNCHRONOUS, setting)
    repo = open_repository(db_path)
    with connect(repo.path) as db:
        assert db.execute("PRAGMA synchronous").fetchone()[0] == level


def test_a_bad_durability_setting_is_a_clear_error(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_SYNCHRONOUS, "OFF")
    with pytest.raises(DatabaseUnavailable, match="must be FULL or NORMAL, not 'OFF'"):
        open_repository(db_path)


@pytest.mark.slow  # over 3 s
def test_a_lock_held_too_long_is_a_clear_error_and_changes_nothing(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    lead_id = _add(repo)
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(repo.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # someone else's write that never ends
    try:
        busy = "is busy: someone else is writing to it; try again"
        with pytest.raises(DatabaseUnavailable, match=busy):
            repo.advance(lead_id)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert repo.get_lead(lead_id).stage is Stage.NEW


def test_a_current_file_opens_and_reads_while_someone_else_writes(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening takes no lock once the schema is current: in WAL, a
    teammate's long import (or sqlite3 by hand) must not stop `list`,
    `show`, `kpi` or the TUI's start from reading."""
    lead_id = _add(repo)
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(repo.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE leads SET name = 'Not yet committed' WHERE id = ?", (lead_id,))
    try:
        reader = open_repository(repo.path)
        assert reader.get_lead(lead_id).name != "Not yet committed"
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_disk_full_during_a_write_rolls_back_and_says_so(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add(repo)
    real_connect = sqlite3.connect

    def small_disk(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn: sqlite3.Connection = real_connect(*args, **kwargs)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")  # no room to grow
        return conn

    monkeypatch.setattr(sqlite3, "connect", small_disk)
    sqlite_pool.close_idle()  # every connection from here on is a small disk's
    saved = 0
    with pytest.raises(DatabaseUnavailable, match="is full: the change was not saved"):
        for number in range(50):  # fill the last free space until a write fails
            repo.add_lead(build_draft(name=f"Filler {number}", notes="x" * 1900))
            saved += 1
    monkeypatch.undo()
    sqlite_pool.close_idle()  # and none of them afterwards
    # The failed add left nothing behind: no lead without its history, no half row.
    assert repo.count_leads() == 1 + saved
    with sqlite3.connect(repo.path) as conn:
        orphans = conn.execute(
            "SELECT count(*) FROM leads WHERE id NOT IN (SELECT lead_id FROM stage_changes)"
        ).fetchone()[0]
    assert orphans == 0
    with sqlite3.connect(repo.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
def test_the_wal_stays_bounded_while_a_watcher_is_open(repo: Repository) -> None:
    """Live refresh holds a connection open for the app's lifetime; it must
    never pin the WAL (it holds no read transaction between checks)."""
    watcher = repo.watcher()
    lead_id = _add(repo)
    try:
        for number in range(1500):
            repo.log_touch(lead_id, ActivityKind.NOTE, f"note {number} " + "x" * 300)
            watcher.changed()
    finally:
        watcher.close()
    wal = Path(f"{repo.path}-wal")
    # SQLite checkpoints every 1000 pages (4 MB); a pinned WAL would be far larger.
    assert not wal.exists() or wal.stat().st_size < 6 * 1024 * 1024


@both_engines
@pytest.mark.parametrize("order", list(ORDERS))
def test_every_order_pages_a_stage_on_its_own_index(repo: Repository, order: str) -> None:
    ids = [
        repo.add_lead(build_draft(name=f"Lead {n}", value_cents=str(n % 4 * 100))) for n in range(9)
    ]
    for lead_id in ids[::3]:
        repo.set_follow_up(lead_id, repo.clock() + timedelta(days=lead_id % 5))
        repo.log_touch(lead_id, ActivityKind.CALL, "", at=repo.clock() - timedelta(days=lead_id))
    whole = repo.leads_in_stage(Stage.NEW, limit=100, order=order)
    ranking = ORDERS[order]
    keys = [page_key(lead, order) for lead in whole]
    assert keys == sorted(keys, reverse=ranking.descending) and len(whole) == 9
    paged, after = [], None
    while page := repo.leads_in_stage(Stage.NEW, after=after, limit=2, order=order):
        paged += page
        after = page_key(page[-1], order)
    assert [lead.id for lead in paged] == [lead.id for lead in whole]
    way = "DESC" if ranking.descending else "ASC"
    sql = (
        "SELECT * FROM leads WHERE stage = 'new'"
        f" ORDER BY {repo.engine.dialect.order_sql(ranking)} {way}, id {way} LIMIT 50"
    )
    if repo.engine.dialect.name == "SQLite":
        plan = query_plan(repo.path, sql)
        assert "TEMP B-TREE" not in plan and "USING INDEX leads_stage_" in plan
        return
    with repo.engine.connect() as db:  # a planner that may scan the stage must not sort it
        db.execute("SET enable_seqscan = off")
        plan = " ".join(row[0] for row in db.execute(f"EXPLAIN {sql}").fetchall())
        db.execute("RESET enable_seqscan")
    assert "Sort" not in plan and "leads_stage_" in plan, plan
