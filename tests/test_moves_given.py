"""A bulk move gives each stage line its KPI columns (stay, previous stage,
previous entry to the same stage) from the lead row it reads anyway, and
the stage trigger then looks nothing up (schema_kpi._STAGE_GIVEN, schema
v10). Specification: every line is written once, and what the triggers
keep is what a rebuild from the journal gives; a line written without
them (a single move, an undo, a hand-written row) is looked up as
before. tests/test_moves_set.py holds the bulk path equal to the single
moves, line by line."""

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, open_repository, schema, undo_set
from leadtui.repository.connection import register_key_functions
from tests.conftest import NOW
from tests.test_kpi_rollups import Clock, assert_same_figures
from tests.test_moves_set import assert_rebuilt_alike

# Counts each later write of a stage line (a probe, not leadtui's).
_COUNT_REWRITES = """
CREATE TABLE rewrites (n INTEGER NOT NULL);
INSERT INTO rewrites VALUES (0);
CREATE TRIGGER count_rewrites AFTER UPDATE ON journal WHEN NEW.field = 'stage' BEGIN
  UPDATE rewrites SET n = n + 1;
END;
"""


def _leads(repo: Repository, count: int) -> list[int]:
    owners = ["anna", "ben", None]
    return [
        repo.add_lead(build_draft(name=f"Lead {n}", source="website", owner=owners[n % 3]))
        for n in range(count)
    ]


def test_a_bulk_loss_writes_each_stage_line_once(repo: Repository) -> None:
    ids = _leads(repo, 6)
    for lead_id in ids[:3]:
        repo.advance(lead_id)  # a history to measure stays against
    seen = {lead.id: lead.stage for lead in repo.all_leads()}
    with sqlite3.connect(repo.path) as db:
        db.executescript(_COUNT_REWRITES)
    repo.move_count("lose", [(lead_id, seen[lead_id]) for lead_id in ids], reason="budget")
    with sqlite3.connect(repo.path) as db:
        assert db.execute("SELECT n FROM rewrites").fetchone()[0] == 0
        stays = db.execute(
            "SELECT count(*) FROM journal WHERE field = 'stage' AND new = 'lost'"
            " AND stay IS NOT NULL AND prev_new IS NOT NULL AND cancelled_with IS NULL"
        ).fetchone()[0]
        assert stays == len(ids)
    assert_rebuilt_alike(repo.path)
    assert_same_figures(repo, NOW)


def test_a_bulk_move_taking_a_change_back_is_still_looked_up(repo: Repository) -> None:
    """Leads advanced one by one, then moved back in bulk: each move back
    takes its advance back (both cancelled), which the lead row alone does
    not settle."""
    ids = _leads(repo, 3)
    for lead_id in ids:
        repo.advance(lead_id)
    repo.move_count("back", [(lead_id, Stage.CONTACTED) for lead_id in ids])
    with sqlite3.connect(repo.path) as db:
        for lead_id in ids:
            standing = db.execute(
                "SELECT old, new FROM journal WHERE field = 'stage' AND lead_id = ?"
                " AND cancelled_with IS NULL ORDER BY id",
                [lead_id],
            ).fetchall()
            assert standing == [(None, "new")]
    assert_rebuilt_alike(repo.path)


def test_a_hand_written_line_is_looked_up(repo: Repository) -> None:
    lead_id = _leads(repo, 1)[0]
    with sqlite3.connect(repo.path) as db:
        db.execute(
            "INSERT INTO journal (lead_id, field, old, new, at, actor)"
            " VALUES (?, 'stage', 'new', 'contacted', ?, 'root')",
            [lead_id, "2030-01-02T00:00:00+00:00"],
        )
        stay, prev_new = db.execute(
            "SELECT stay, prev_new FROM journal WHERE field = 'stage' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        assert prev_new == "new" and stay is not None and stay > 0
    assert_rebuilt_alike(repo.path)


def test_a_file_at_v9_migrates_and_loses_in_bulk_alike(tmp_path: Path) -> None:
    path = tmp_path / "v9.db"
    db = sqlite_utils.Database(path)
    register_key_functions(db)
    for step in schema.MIGRATIONS[:9]:
        db.executescript(step)
    db.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    db.execute("PRAGMA user_version = 9")
    db.close()
    clock = Clock(NOW)
    repo = open_repository(path, actor="tester", clock=clock)  # migrates
    fresh = open_repository(tmp_path / "fresh.db", actor="tester", clock=clock)
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    with sqlite3.connect(path) as old, sqlite3.connect(fresh.path) as new:
        assert old.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert old.execute(triggers).fetchall() == new.execute(triggers).fetchall()
    ids = _leads(repo, 4)
    repo.move_count("lose", [(lead_id, Stage.NEW) for lead_id in ids], reason="budget")
    assert_rebuilt_alike(path)
    assert_same_figures(repo, NOW)


def test_the_undo_of_a_bulk_loss_writes_each_line_it_takes_back_once(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(undo_set, "FROM_LEADS", 2)
    ids = _leads(repo, 6)
    repo.advance(ids[0])
    seen = {lead.id: lead.stage for lead in repo.all_leads()}
    repo.move_count("lose", [(lead_id, seen[lead_id]) for lead_id in ids], reason="budget")
    with sqlite3.connect(repo.path) as db:
        db.executescript(_COUNT_REWRITES)
    repo.undo()
    with sqlite3.connect(repo.path) as db:
        # The losses, marked as taken back; the undo's own lines never rewritten.
        assert db.execute("SELECT n FROM rewrites").fetchone()[0] == len(ids)
    assert {lead.id: lead.stage for lead in repo.all_leads()} == seen
    assert_rebuilt_alike(repo.path)
    assert_same_figures(repo, NOW)


def test_an_undo_after_a_hand_written_line_is_looked_up(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stage line written by hand after a bulk loss, at the same moment
    (plain sqlite3, the lead row untouched): the loss is no longer each
    lead's latest standing change, and the undo's line is decided by the
    trigger, against the hand-written one."""
    monkeypatch.setattr(undo_set, "FROM_LEADS", 2)
    ids = _leads(repo, 3)
    repo.move_count("lose", [(lead_id, Stage.NEW) for lead_id in ids], reason="budget")
    with sqlite3.connect(repo.path) as db:
        db.execute(
            "INSERT INTO journal (lead_id, field, old, new, note, at, actor)"
            " SELECT lead_id, 'stage', 'lost', 'lost', 'budget', at, 'root' FROM journal"
            " WHERE lead_id = ? AND field = 'stage' ORDER BY id DESC LIMIT 1",
            [ids[0]],
        )
    repo.undo()
    assert_rebuilt_alike(repo.path)
    assert_same_figures(repo, NOW)
