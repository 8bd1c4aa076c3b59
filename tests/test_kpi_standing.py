"""The KPIs read the stage history as it stands (DEFINITIONS["stage_history"]):
a move undone, taken back by `back` or closed and reopened counts for
nothing, with the move that cancelled it, as of now, past windows too."""

import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from leadtui.domain.kpis import DEFINITIONS, Window, standing
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, open_repository, schema, schema_kpi
from leadtui.repository.connection import register_key_functions
from leadtui.repository.engine import SQLITE
from leadtui.repository.pg import schema as pg_schema
from leadtui.repository.pg.connection import PgDatabase, open_connection
from tests.conftest import ENGINES, NOW, both_clis
from tests.pg_cluster import Cluster
from tests.test_cli import ok
from tests.test_kpi_rollups import Clock, assert_same_figures, derived, same_on_both


@both_clis
def test_the_cli_sequence_leaves_both_leads_new(db: str) -> None:
    """Two leads, one advanced and undone, the other advanced and moved
    back: both are New, and the funnel says so."""
    for command in (["add", "A"], ["add", "B"], ["advance", "1"], ["undo"], ["advance", "2"]):
        ok(*command, "--db", db)
    ok("back", "2", "--db", db)
    record = json.loads(ok("kpi", "--json", "--db", db))
    reached = {step["stage"]: step["reached"] for step in record["funnel"]}
    assert reached["new"] == 2 and reached["contacted"] == 0
    assert record["funnel"][0]["conversion_to_next"] == 0.0
    # No stay ended: each lead is still in the New it was created in.
    assert set(record["time_in_stage_days"].values()) == {None}
    text = ok("kpi", "--db", db)
    assert "Contacted           0" in text and "Contacted           2" not in text


@pytest.mark.parametrize(
    ("changes", "stands"),
    [
        # Advanced, then moved back: a mistake, both gone.
        ([(None, "new"), ("new", "contacted"), ("contacted", "new")], [True, False, False]),
        # Two steps up and two back: they pair off like brackets.
        (
            [(None, "new"), ("new", "contacted"), ("contacted", "engaged"),
             ("engaged", "contacted"), ("contacted", "new")],
            [True, False, False, False, False],
        ),
        # A back undone: the undo moves the lead forward again, and stands.
        (
            [(None, "new"), ("new", "contacted"), ("contacted", "new"), ("new", "contacted")],
            [True, False, False, True],
        ),
        # Lost, reopened, lost again: only the second loss stands.
        (
            [(None, "new"), ("new", "lost"), ("lost", "new"), ("new", "lost")],
            [True, False, False, True],
        ),
        # Created Won (no stage before it), reopened: no longer Won.
        ([(None, "won"), ("won", "new")], [False, False]),
        # A back from a stage the lead was created in takes nothing back.
        ([(None, "contacted"), ("contacted", "new")], [True, True]),
    ],
)  # fmt: skip
def test_which_changes_stand(changes: list[tuple[str | None, str]], stands: list[bool]) -> None:
    assert standing(changes) == stands


def test_the_definition_is_shown_with_the_others() -> None:
    text = DEFINITIONS["stage_history"]
    assert "undone" in text and "back" in text and "reopened" in text
    assert "standing" in DEFINITIONS["funnel"] or "stands" in DEFINITIONS["funnel"]


@pytest.fixture
def clocked(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Repository, Clock]:
    """A new database (a file, or with both_clocked PostgreSQL too) and its clock."""
    clock = Clock(NOW - timedelta(days=40))
    target: Path | str = tmp_path / "kpi.db"
    if getattr(request, "param", "sqlite") == "postgresql":
        target = request.getfixturevalue("pg_url")
    return open_repository(target, actor="tester", clock=clock), clock


both_clocked = pytest.mark.parametrize("clocked", ENGINES, indirect=True)


@both_clocked
def test_a_reopened_win_is_no_longer_won(clocked: tuple[Repository, Clock]) -> None:
    repo, clock = clocked
    lead = repo.add_lead(build_draft(name="Ann", owner="anna"))
    clock.now += timedelta(days=1)
    repo.win(lead)
    clock.now += timedelta(days=1)
    repo.reopen(lead)
    for owner in (None, "anna"):
        report = repo.kpi_report(Window.last("all", clock.now), owner)
        assert (report.outcomes.won, report.outcomes.revenue_cents) == (0, 0)
        assert [step.reached for step in report.funnel] == [1, 0, 0, 0, 0, 0]


@both_clocked
def test_a_move_cancelled_after_a_past_window_is_gone_from_it(
    clocked: tuple[Repository, Clock],
) -> None:
    """Mistakes are mistakes: the window ended while the lead was Won, but
    the win was undone since, so that window counts no win either."""
    repo, clock = clocked
    lead = repo.add_lead(build_draft(name="Ann", owner="anna"))
    clock.now += timedelta(days=1)
    repo.advance(lead)
    clock.now += timedelta(days=1)
    repo.win(lead)
    past = Window.last("7d", clock.now + timedelta(hours=1))
    assert repo.kpi_report(past).outcomes.won == 1
    clock.now += timedelta(days=3)
    repo.undo()  # the win
    clock.now += timedelta(days=1)
    repo.back(lead)  # the advance
    for owner in (None, "anna"):
        report = repo.kpi_report(past, owner)
        assert report.outcomes.won == 0
        assert [step.reached for step in report.funnel] == [1, 0, 0, 0, 0, 0]
    assert repo.get_lead(lead).stage is Stage.NEW
    if repo.engine.dialect is SQLITE:  # the reference queries read SQLite (PostgreSQL's
        # figures are held to SQLite's: test_kpi_rollups.same_on_both)
        assert_same_figures(repo, clock.now + timedelta(seconds=1234))


def _v6_file(path: Path) -> None:
    """A file as leadtui left it before stage changes could be cancelled."""
    db = sqlite_utils.Database(path)
    register_key_functions(db)
    for step in schema.MIGRATIONS[:6]:
        db.executescript(step)
    db.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    db.execute("PRAGMA user_version = 6")
    db.close()


def _old_histories(conn: Any) -> None:
    """Leads whose histories cancel changes, as a database from before
    held them (with `?` placeholders: a sqlite3 or an engine's connection)."""
    day = timedelta(days=1)

    def at(days: float) -> str:
        return (NOW - days * day).isoformat()

    for lead, owner, history in (
        # The CLI sequence: advanced and undone; advanced and moved back.
        (1, "anna", [(None, "new", 5), ("new", "contacted", 4), ("contacted", "new", 3)]),
        (2, "ben", [(None, "new", 5), ("new", "contacted", 4), ("contacted", "new", 3)]),
        # Won, reopened, advanced: an opportunity, not a win.
        (3, "anna", [(None, "new", 9), ("new", "won", 8), ("won", "new", 7),
                     ("new", "contacted", 2)]),
    ):  # fmt: skip
        stage = history[-1][1]
        conn.execute(
            "INSERT INTO leads (id, name, owner, stage, created_at, updated_at,"
            " stage_entered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [lead, f"Lead {lead}", owner, stage, at(history[0][2]), at(0), at(history[-1][2])],
        )
        for old, new, days in history:
            conn.execute(
                "INSERT INTO stage_changes (lead_id, from_stage, to_stage, at, actor)"
                " VALUES (?, ?, ?, ?, 'root')",
                [lead, old, new, at(days)],
            )


def test_a_file_from_before_is_read_as_it_stands_after_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _v6_file(path)
    with sqlite3.connect(path) as conn:
        _old_histories(conn)
    clock = Clock(NOW)
    repo = open_repository(path, actor="tester", clock=clock)  # migrates
    report = repo.kpi_report(Window.last("30d", NOW))
    assert [step.reached for step in report.funnel] == [3, 1, 0, 0, 0, 0]
    assert report.outcomes.won == 0
    anna = repo.kpi_report(Window.last("30d", NOW), "anna")
    assert [step.reached for step in anna.funnel] == [2, 1, 0, 0, 0, 0]
    assert repo.owners() == ["anna", "ben"]
    assert_same_figures(repo, NOW + timedelta(seconds=1234))
    with sqlite3.connect(path) as conn:
        migrated = derived(conn)
        for sql in schema_kpi.REBUILD:
            conn.execute(sql)
        assert derived(conn) == migrated


@pytest.mark.slow
def test_a_postgresql_database_from_before_is_read_as_it_stands_after_it_migrates(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    """A PostgreSQL database of the first schema (no KPI rollups; its KPI
    columns never filled) migrates to what a SQLite file from before
    migrates to: the same columns, rollups and figures."""
    url = pg_cluster.new_database("template0")
    with open_connection(url, url) as raw, raw.transaction():
        db = PgDatabase(raw, None)
        db.execute(pg_schema.VERSION_TABLE)
        db.execute("INSERT INTO leadtui_schema (version) VALUES (1)")
        db.execute(pg_schema.MIGRATIONS[0])
        _old_histories(db)
    migrated = open_repository(url, actor="tester", clock=Clock(NOW))  # the KPI step
    report = migrated.kpi_report(Window.last("30d", NOW))
    assert [step.reached for step in report.funnel] == [3, 1, 0, 0, 0, 0]
    anna = migrated.kpi_report(Window.last("30d", NOW), "anna")
    assert [step.reached for step in anna.funnel] == [2, 1, 0, 0, 0, 0]
    path = tmp_path / "old.db"
    _v6_file(path)
    with sqlite3.connect(path) as conn:
        _old_histories(conn)
    same_on_both(
        open_repository(path, actor="tester", clock=Clock(NOW)),
        migrated,
        NOW + timedelta(seconds=1234),
    )
