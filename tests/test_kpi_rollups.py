"""The KPIs, the team's and each owner's, come from per-day rollups kept by
triggers (schema_kpi.py, repository/kpi_rollups.py). Specification: after
any history of adds, moves, backs, reopens, undos, redos, edits,
reassignments, merges and imports, every figure the rollups give equals
what the reference queries (kpi_queries.py, straight from the leads and the
journal, with kpis.standing deciding which stage changes stand) give, for
the team and for every owner, for windows that end now, end in the past, or
span one day; and the rollups, and the columns they are built from, equal a
rebuild from scratch."""

import re
import sqlite3
import tempfile
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadtui.domain.errors import LeadtuiError
from leadtui.domain.filters import parse
from leadtui.domain.imported import ImportedLead
from leadtui.domain.kpi_format import kpi_record
from leadtui.domain.kpis import Window
from leadtui.domain.models import Source, Stage, build_draft
from leadtui.repository import Repository, open_repository, schema_kpi
from leadtui.repository import kpi_queries as reference
from leadtui.repository import kpi_rollups as rollups
from leadtui.repository.pg import schema_kpi as pg_schema_kpi
from tests.conftest import NOW
from tests.pg_cluster import Cluster

HOUR = timedelta(hours=1)
# (what, lead index, hours the clock moves on first)
Step = tuple[str, int, int]
# Backs, reopens and undos weigh double: each may cancel a move; a slip is
# a move taken back an hour later (by `back`, undo or a reopen).
steps = st.lists(
    st.tuples(
        st.sampled_from(
            ["add", "add", "advance", "advance", "advance", "win", "lose", "back", "back",
             "reopen", "reopen", "undo", "undo", "redo", "slip", "slip", "value", "source",
             "owner", "assign", "merge", "import"]
        ),
        st.integers(0, 7),
        st.integers(0, 24 * 12),
    ),
    max_size=40,
)  # fmt: skip
SOURCES = [source.value for source in Source][:4]
# None: a lead nobody owns (in the team's figures only).
OWNERS = ["anna", "ben", None]


def imported(number: int, index: int, created: datetime) -> ImportedLead:
    """A converted import row: New, Contacted, Won or Lost, created then."""
    stage = [Stage.NEW, Stage.CONTACTED, Stage.WON, Stage.LOST][index % 4]
    draft = build_draft(
        name=f"Imported {number}", source=SOURCES[index % 4], owner=OWNERS[number % 3]
    )
    lost_reason = "imported" if stage is Stage.LOST else None
    return ImportedLead(
        line=2, draft=draft, stage=stage, lost_reason=lost_reason, pinned=None,
        created_at=created, follow_up_at=None, last_touch_at=None, custom={}, values=[],
    )  # fmt: skip


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def play(repo: Repository, clock: Clock, history: list[Step]) -> None:
    ids: list[int] = []
    for count, (what, index, hours) in enumerate(history):
        clock.now += hours * HOUR
        if what == "import":  # created in the past, maybe closed: one journal line each
            lead = imported(count, index, clock.now - timedelta(days=index * 3, hours=hours))
            before = repo.count_leads()
            repo.import_leads([lead], on_duplicate="create")
            ids.append(max(lead.id for lead in repo.all_leads()))
            assert repo.count_leads() == before + 1
            continue
        if what == "add" or not ids:
            source, owner = SOURCES[count % len(SOURCES)], OWNERS[index % 3]
            draft = build_draft(name=f"Lead {count}", source=source, owner=owner)
            ids.append(repo.add_lead(draft))
            continue
        lead_id, other_id = ids[index % len(ids)], ids[(index + 1) % len(ids)]
        try:
            if what == "slip":
                move, cancel = [("advance", "back"), ("advance", "undo"), ("win", "reopen")][
                    index % 3
                ]
                act(repo, move, lead_id, other_id, index)
                clock.now += HOUR
                what = cancel
            act(repo, what, lead_id, other_id, index)
        except LeadtuiError:
            continue  # a move the pipeline refuses, nothing to undo, ...
        if what == "merge" and other_id != lead_id:
            ids.remove(lead_id)


def act(repo: Repository, what: str, lead_id: int, other_id: int, index: int) -> object:
    if what in ("advance", "win", "back", "reopen"):
        return getattr(repo, what)(lead_id)
    if what == "lose":
        return repo.lose(lead_id, f"reason {index % 3}")
    if what in ("undo", "redo"):
        return getattr(repo, what)()
    if what == "value":
        return repo.update_fields(lead_id, {"value": f"{index + 1}k"})
    if what == "source":
        return repo.update_fields(lead_id, {"source": SOURCES[index % 4]})
    if what == "owner":  # reassigned, or left with nobody
        return repo.update_fields(lead_id, {"owner": OWNERS[index % 3] or ""})
    if what == "assign":  # a bulk reassignment (assign_set.py), of two leads or one
        return repo.assign_many(["anna", "ben"][index % 2], [(lead_id, None), (other_id, None)])
    assert what == "merge"
    return repo.merge_leads(other_id, lead_id)


def windows(now: datetime) -> list[Window]:
    # `now` is 1234 s past the hour the history moves on: no change falls
    # exactly on a week's edge, where the reference's julianday division
    # can land a week off (kpi_rollups.velocity).
    return [
        Window.last("7d", now),
        Window.last("30d", now),
        Window.last("all", now),
        Window.last("30d", now - timedelta(days=9)),  # ended in the past
        Window(now - timedelta(days=40, hours=5), now - timedelta(days=39), "within a day"),
        Window(now - 3 * HOUR, now - 2 * HOUR, "an hour"),
    ]


ROLLUPS = (
    "kpi_created", "kpi_closed", "kpi_stays", "kpi_stage_totals", "kpi_score_bands",
    "kpi_owner_created", "kpi_owner_closed", "kpi_owner_stays", "kpi_owner_qualified",
    "kpi_owner_stage_totals",
)  # fmt: skip


def rollup_rows(db: Any) -> dict[str, list[tuple[Any, ...]]]:
    tables = ROLLUPS
    return {
        table: sorted(
            tuple(round(value, 6) if isinstance(value, float) else value for value in row)
            for row in db.execute(f"SELECT * FROM {table} WHERE n != 0")
        )
        for table in tables
    }


def derived(db: Any) -> tuple[Any, ...]:
    """Everything the triggers keep: the rollups, each lead's KPI columns and
    each stage change's (a sqlite3 connection, or one an engine gives)."""
    leads = db.execute(
        "SELECT id, top_rank, last_stage_at, last_stage_to, last_stage_from, last_stage_reason"
        " FROM leads ORDER BY id"
    ).fetchall()
    lines = db.execute(
        "SELECT id, stay, prev_new, prev_same_at, cancelled_with FROM journal ORDER BY id"
    )
    rounded = [(i, stay and round(stay, 9), *rest) for i, stay, *rest in lines]
    return rollup_rows(db), leads, rounded


def assert_same_figures(repo: Repository, now: datetime) -> None:
    with repo._connection() as db:
        for owner in [None, *(owner for owner in OWNERS if owner)]:
            assert_same_for(db, now, owner)
        counted = db.execute("SELECT stage, count(*), sum(value_cents) FROM leads GROUP BY stage")
        assert repo.stage_totals() == {Stage(stage): (n, value) for stage, n, value in counted}
        banded = db.execute(
            "SELECT min(score / 10, 9) AS band, count(*), sum(stage = 'won') FROM leads"
            " WHERE stage IN ('won', 'lost') GROUP BY band ORDER BY band DESC"
        )
        assert [(row.closed, row.won) for row in repo.calibration()] == [
            (closed, won) for _, closed, won in banded
        ]
        owned = db.execute("SELECT DISTINCT owner FROM leads WHERE owner IS NOT NULL ORDER BY 1")
        assert repo.owners() == [owner for (owner,) in owned]


def assert_same_for(db: Any, now: datetime, owner: str | None) -> None:
    """Every figure of the team's report (owner None) or one owner's."""
    for window in [*windows(now), *filter(None, (w.previous() for w in windows(now)))]:
        context = (window, owner)
        assert rollups.created_by_source(db, window, owner) == reference.created_by_source(
            db, window, owner
        ), context
        assert rollups.count_created(db, window, owner) == reference.count_created(
            db, window, owner
        ), context
        fast, fast_sources = rollups.outcomes_by_source(db, window, owner)
        slow, slow_sources = reference.outcomes_by_source(db, window, owner)
        assert fast_sources == slow_sources, context
        assert (fast.won, fast.lost, fast.revenue_cents) == (
            slow.won,
            slow.lost,
            slow.revenue_cents,
        ), context
        assert fast.cycle_total_days == pytest.approx(slow.cycle_total_days), context
        assert fast.median_cycle_days == pytest.approx(slow.median_cycle_days), context
        assert fast.lost_reasons == slow.lost_reasons, context
        assert fast.lost_by_stage == slow.lost_by_stage, context
        fast_stays = rollups.time_in_stage(db, window, owner)
        assert fast_stays == pytest.approx(reference.time_in_stage(db, window, owner)), context
        assert rollups.velocity(db, window.until, owner) == reference.velocity(
            db, window.until, owner
        ), context
    money = reference.money(db, owner)
    assert rollups.money(db, owner) == money, owner
    assert rollups.health(db, now, money.open_leads, owner) == reference.health(db, now, owner)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=steps)
def test_the_rollups_give_the_reference_figures(history: list[Step]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        clock = Clock(NOW - timedelta(days=120))
        repo = open_repository(Path(scratch) / "kpi.db", actor="tester", clock=clock)
        play(repo, clock, history)
        now = clock.now + timedelta(seconds=1234)
        assert_same_figures(repo, now)
        # Kept by the triggers == recomputed from nothing.
        with sqlite3.connect(repo.path) as db:
            kept = derived(db)
            for sql in schema_kpi.REBUILD:
                db.execute(sql)
            assert derived(db) == kept


def test_the_demo_data_comes_with_the_columns_the_triggers_keep(
    sample_repo: Repository,
) -> None:
    """The demo builder writes each history's KPI columns itself (the
    triggers are off while it loads) and then fills the rollups."""
    assert_same_figures(sample_repo, NOW)
    with sqlite3.connect(sample_repo.path) as db:
        rollups_kept, leads, lines = derived(db)
        for sql in schema_kpi.REBUILD:
            db.execute(sql)
        rollups_rebuilt, leads_rebuilt, lines_rebuilt = derived(db)
    assert leads == leads_rebuilt
    assert [(i, *rest) for i, _, *rest in lines] == [(i, *rest) for i, _, *rest in lines_rebuilt]
    assert [line[1] for line in lines] == pytest.approx([line[1] for line in lines_rebuilt])
    assert rollups_kept.keys() == rollups_rebuilt.keys()
    for table, rows in rollups_kept.items():
        exact, floats = split_floats(rows)
        exact_rebuilt, floats_rebuilt = split_floats(rollups_rebuilt[table])
        assert exact == exact_rebuilt, table
        assert floats == pytest.approx(floats_rebuilt), table  # day sums, added in another order


def split_floats(rows: list[tuple[Any, ...]]) -> tuple[list[list[Any]], list[float]]:
    exact = [[value for value in row if not isinstance(value, float)] for row in rows]
    return exact, [value for row in rows for value in row if isinstance(value, float)]


@pytest.mark.parametrize("owner", [None, "anna"])
def test_a_report_scans_neither_the_leads_nor_the_journal(
    sample_repo: Repository, owner: str | None
) -> None:
    """What keeps the team's report and one owner's instant at 1M leads
    (bench/kpi.py): every statement is a rollup read or an index range,
    never a pass over every lead or change. The one walk allowed is the
    median's: the won leads' cycle index, in order, up to its middle."""
    statements: list[tuple[str, Any]] = []
    traced = open_repository(
        sample_repo.path, tracer=lambda sql, params: statements.append((sql, params))
    )
    for name in ("30d", "all"):
        traced.kpi_report(Window.last(name, NOW), owner)
    traced.owners()  # the KPI tab's owner choice
    plans = []
    with sqlite3.connect(sample_repo.path) as db:
        for sql, params in statements:
            if sql.lstrip().upper().startswith("SELECT"):
                rows = db.execute(f"EXPLAIN QUERY PLAN {sql}", params or [])
                plan = " ".join(row[-1] for row in rows)
                plans.append(plan)
                walk = re.sub(r"SCAN leads USING INDEX leads(_owner)?_won_cycle", "", plan)
                assert "SCAN leads" not in walk and "SCAN journal" not in walk, (sql, plan)
    assert len(plans) > 20  # every figure was read (and planned) here


def test_a_big_import_rebuilds_the_rollups_it_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import as big as the file drops the indexes and the KPI triggers
    while it writes (import_store._defer_indexes), then rebuilds both."""
    from leadtui.repository import import_store

    monkeypatch.setattr(import_store, "_DEFER_INDEXES_FROM", 1)
    clock = Clock(NOW)
    repo = open_repository(tmp_path / "big.db", actor="tester", clock=clock)
    play(repo, clock, [("add", 0, 0), ("win", 0, 5)])
    leads = [imported(line, line, NOW - timedelta(days=line * 5)) for line in range(2, 12)]
    repo.import_leads(leads, expected_rows=len(leads))
    with sqlite3.connect(repo.path) as db:
        triggers = {
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        assert {name for name, _ in schema_kpi.TRIGGERS} <= triggers
        kept = derived(db)
        for sql in schema_kpi.REBUILD:
            db.execute(sql)
        assert derived(db) == kept
    assert sum(row[3] for row in kept[0]["kpi_created"]) == 11
    assert_same_figures(repo, NOW + timedelta(seconds=1234))


# ------------------------------------------------------ the same on PostgreSQL


def same_on_both(sqlite_repo: Repository, pg_repo: Repository, now: datetime) -> None:
    """Every figure, rollup row and KPI column PostgreSQL keeps is SQLite's
    (the floats summed in another order: equal to within rounding), and
    each whole report is the same record, as `kpi --json` prints it."""
    with sqlite_repo._connection() as lite, pg_repo._connection() as pg:
        assert derived(pg) == derived(lite)
        for owner in [None, *(owner for owner in OWNERS if owner)]:
            for window in [*windows(now), *filter(None, (w.previous() for w in windows(now)))]:
                context = (window, owner)
                for figures in (rollups.created_by_source, rollups.count_created):
                    assert figures(pg, window, owner) == figures(lite, window, owner), context
                fast, by_source = rollups.outcomes_by_source(pg, window, owner)
                slow, slow_by_source = rollups.outcomes_by_source(lite, window, owner)
                assert by_source == slow_by_source, context
                assert fast.cycle_total_days == pytest.approx(slow.cycle_total_days), context
                assert fast.median_cycle_days == pytest.approx(slow.median_cycle_days), context
                assert replace(fast, cycle_total_days=0, median_cycle_days=0) == replace(
                    slow, cycle_total_days=0, median_cycle_days=0
                ), context
                assert rollups.time_in_stage(pg, window, owner) == pytest.approx(
                    rollups.time_in_stage(lite, window, owner)
                ), context
                assert rollups.velocity(pg, window.until, owner) == rollups.velocity(
                    lite, window.until, owner
                ), context
            money = rollups.money(lite, owner)
            assert rollups.money(pg, owner) == money
            assert rollups.health(pg, now, money.open_leads, owner) == rollups.health(
                lite, now, money.open_leads, owner
            )
    for owner in [None, "anna"]:
        for name in ("30d", "all"):
            window = Window.last(name, now)
            assert kpi_record(pg_repo.kpi_report(window, owner)) == kpi_record(
                sqlite_repo.kpi_report(window, owner)
            ), (name, owner)
    assert pg_repo.stage_totals() == sqlite_repo.stage_totals()
    for text in ("owner:anna", "owner:ANNA", "owner:ben", "owner:nobody", "mine"):
        # The board's column totals under an owner filter (test_owner_totals).
        assert pg_repo.stage_totals(parse(text)) == sqlite_repo.stage_totals(parse(text)), text
    assert pg_repo.calibration() == sqlite_repo.calibration()
    assert pg_repo.owners() == sqlite_repo.owners()


def rebuilt_on_postgresql(repo: Repository) -> tuple[Any, ...]:
    """What PostgreSQL's rebuild from the journal gives (rolled back)."""
    with repo.engine.connect() as db:
        db.execute("BEGIN")
        try:
            for sql in pg_schema_kpi.REBUILD:
                db.execute(sql)
            return derived(db)
        finally:
            db.execute("ROLLBACK")


@pytest.mark.slow
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(history=steps)
def test_postgresql_keeps_what_sqlite_keeps(pg_cluster: Cluster, history: list[Step]) -> None:
    """The same history on both engines, merges included: the same
    rollups, columns and figures; and PostgreSQL's triggers keep what its
    rebuild computes from nothing."""
    with tempfile.TemporaryDirectory() as scratch:
        repos = []
        for target in (Path(scratch) / "kpi.db", pg_cluster.new_database()):
            clock = Clock(NOW - timedelta(days=120))
            repo = open_repository(target, actor="tester", clock=clock)
            play(repo, clock, history)
            repos.append(repo)
        same_on_both(repos[0], repos[1], clock.now + timedelta(seconds=1234))
        with repos[1].engine.connect() as db:
            kept = derived(db)
        assert rebuilt_on_postgresql(repos[1]) == kept


def test_a_big_import_on_postgresql_rebuilds_the_rollups_once(
    pg_cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import big for its database defers PostgreSQL's KPI triggers
    (import_store._defer_kpis) and rebuilds the rollups at the end: the same
    rollups, columns and figures as SQLite's, and the triggers work again
    afterwards (the win after the import is counted)."""
    from leadtui.repository import import_store

    monkeypatch.setattr(import_store, "_PG_DEFER_KPIS_FROM", 2)
    repos = []
    for target in (tmp_path / "import.db", pg_cluster.new_database()):
        clock = Clock(NOW)
        repo = open_repository(target, actor="tester", clock=clock)
        play(repo, clock, [("add", 0, 0), ("win", 0, 5)])
        leads = [imported(line, line, NOW - timedelta(days=line * 5)) for line in range(2, 14)]
        repo.import_leads(leads, expected_rows=len(leads))
        first_new = repo.leads_in_stage(Stage.NEW)[0].id
        clock.now += timedelta(hours=3)
        repo.win(first_new)
        repos.append(repo)
    same_on_both(repos[0], repos[1], NOW + timedelta(days=1))
    with repos[1].engine.connect() as db:
        kept = derived(db)
    assert rebuilt_on_postgresql(repos[1]) == kept
    assert sum(row[3] for row in kept[0]["kpi_created"]) == 13
