"""Undo and redo from the journal: a user's own actions, whole groups, never
over someone else's newer change, and the history reads the same journal."""

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.clock import parse_follow_up
from leadtui.domain.errors import IllegalMove, StaleLead
from leadtui.domain.models import ActivityKind, Stage, Temperature, build_draft
from leadtui.repository import Repository, open_repository, schema
from leadtui.repository.connection import register_key_functions
from leadtui.repository.undo_store import NothingToUndo
from tests.conftest import both_engines


def _lead(repo: Repository, name: str = "Ann", **fields: str) -> int:
    return repo.add_lead(build_draft(name=name, **fields))


@both_engines
def test_undo_and_redo_a_move_restore_every_field_it_touched(repo: Repository) -> None:
    ann = _lead(repo, email="ann@acme.io")
    before = repo.get_lead(ann)
    repo.lose(ann, "no budget")
    assert repo.undo().message() == f"Undid: Lose #{ann} Ann"
    after = repo.get_lead(ann)
    assert (after.stage, after.lost_reason, after.stage_entered_at, after.lifecycle) == (
        before.stage, None, before.stage_entered_at, before.lifecycle,
    )  # fmt: skip
    assert repo.redo().message() == f"Redid: Lose #{ann} Ann"
    again = repo.get_lead(ann)
    assert (again.stage, again.lost_reason) == (Stage.LOST, "no budget")
    # The history is the journal: the move, its undo and its redo, in order.
    lines = [(e.action, e.summary()) for e in repo.history(ann)]
    assert lines[:3] == [
        ("redo", "New → Lost (no budget)"), ("undo", "Lost → New"), (None, "New → Lost (no budget)")
    ]  # fmt: skip


@both_engines
def test_undo_walks_back_through_actions_and_a_new_action_ends_redo(repo: Repository) -> None:
    ann = _lead(repo)
    repo.advance(ann)  # Contacted, lifecycle pushed to IQL
    repo.advance(ann)  # Engaged, MQL
    repo.undo()
    repo.undo()
    lead = repo.get_lead(ann)
    assert (lead.stage, lead.lifecycle.label) == (Stage.NEW, "Prospect")
    repo.redo()
    assert repo.get_lead(ann).stage is Stage.CONTACTED
    repo.update_fields(ann, {"company": "Acme"})  # something new: the second advance is gone
    with pytest.raises(NothingToUndo, match="nothing to redo"):
        repo.redo()
    repo.undo()
    assert repo.get_lead(ann).company is None
    repo.undo()
    assert repo.get_lead(ann).stage is Stage.NEW
    with pytest.raises(NothingToUndo, match="nothing to undo"):
        repo.undo()  # adding a lead is not an action `u` takes back


@both_engines
def test_a_bulk_move_is_one_action_all_or_nothing(repo: Repository) -> None:
    ids = [_lead(repo, f"Lead {n}") for n in range(3)]
    repo.move_many("lose", [(i, Stage.NEW) for i in ids], reason="spam")
    assert {repo.get_lead(i).stage for i in ids} == {Stage.LOST}
    assert repo.undo().message() == "Undid: Lose 3 leads"
    assert {repo.get_lead(i).stage for i in ids} == {Stage.NEW}
    repo.win(ids[1])
    # One lead the move does not apply to (won) stops them all, named.
    with pytest.raises(IllegalMove, match=rf"#{ids[1]} Lead 1: cannot lose a won lead"):
        repo.move_many("lose", [(i, None) for i in ids], reason="spam")
    # So does one moved by someone else since it was seen.
    with pytest.raises(StaleLead, match="was moved to Won"):
        repo.move_many("advance", [(i, Stage.NEW) for i in ids])
    assert [repo.get_lead(i).stage for i in ids] == [Stage.NEW, Stage.WON, Stage.NEW]


@both_engines
def test_undo_never_overwrites_someone_elses_newer_change(repo: Repository) -> None:
    ann = _lead(repo)
    repo.update_fields(ann, {"company": "Acme"})
    maria = Repository(repo.target, clock=repo.clock, actor="maria")
    maria.update_fields(ann, {"company": "Acme Corp"})
    with pytest.raises(StaleLead, match="maria changed company to 'Acme Corp'"):
        repo.undo()
    assert repo.get_lead(ann).company == "Acme Corp"
    # Maria's undo is hers: it takes back her change, not mine.
    maria.undo()
    assert repo.get_lead(ann).company == "Acme"
    # A change to another field does not stand in the way.
    maria.update_fields(ann, {"title": "CEO"})
    repo.undo()
    assert (repo.get_lead(ann).company, repo.get_lead(ann).title) == (None, "CEO")


@both_engines
def test_a_refused_undo_writes_nothing(repo: Repository) -> None:
    ids = [_lead(repo, f"Lead {n}") for n in range(2)]
    repo.move_many("advance", [(i, None) for i in ids])
    Repository(repo.target, clock=repo.clock, actor="maria").advance(ids[1])
    with pytest.raises(StaleLead, match="maria changed stage to 'engaged'"):
        repo.undo()
    assert [repo.get_lead(i).stage for i in ids] == [Stage.CONTACTED, Stage.ENGAGED]
    with repo.engine.connect() as db:
        assert db.execute("SELECT count(*) FROM actions WHERE kind = 'undo'").fetchone() == (0,)


@both_engines
def test_undo_a_touch_and_redo_it(repo: Repository) -> None:
    ann = _lead(repo)
    earlier = repo.clock() - timedelta(days=2)
    repo.log_touch(ann, ActivityKind.CALL, "first call", at=earlier)
    score_before = repo.get_lead(ann).score
    repo.log_touch(ann, ActivityKind.MEETING, "demo", body="minutes")
    repo.undo()
    lead = repo.get_lead(ann)
    assert (lead.last_touch_at, lead.score) == (earlier, score_before)
    history = repo.history(ann)
    assert ("demo", True) in [(e.note, e.undone) for e in history if e.type == "touch"]
    repo.redo()
    touches = [e for e in repo.history(ann) if e.type == "touch" and not e.action]
    assert (touches[0].note, touches[0].body, touches[0].undone) == ("demo", "minutes", False)
    assert repo.get_lead(ann).last_touch_at == repo.clock()


@both_engines
def test_follow_up_and_pin_undo(repo: Repository) -> None:
    ann = _lead(repo)
    monday = parse_follow_up("mon", repo.clock())  # as `f` and every front end set it
    repo.set_follow_up(ann, monday)
    repo.set_follow_up(ann, None)
    repo.undo()
    assert repo.get_lead(ann).follow_up_at == monday
    repo.pin_temperature(ann, Temperature.HOT)
    repo.undo()
    lead = repo.get_lead(ann)
    assert not lead.temperature_pinned and lead.temperature is not Temperature.HOT
    repo.redo()
    assert repo.get_lead(ann).temperature_pinned


@both_engines
def test_an_edit_with_several_fields_undoes_as_one(repo: Repository) -> None:
    ann = _lead(repo)
    repo.update_fields(ann, {"company": "Acme", "value": "5k", "bant.need": "yes: urgent"})
    repo.undo()
    lead = repo.get_lead(ann)
    assert (lead.company, lead.value_cents, lead.bant_answer("need").text()) == (None, 0, "unknown")


def test_cli_bulk_lose_undo_redo(tmp_path: Path) -> None:
    db = str(tmp_path / "u.db")
    runner = CliRunner()
    for name in ("Ann", "Bob"):
        runner.invoke(main, ["add", name, "--db", db])
    result = runner.invoke(main, ["lose", "1", "2", "--reason", "spam", "--db", db])
    assert (result.exit_code, result.output) == (0, "#1 Ann: Lost (spam)\n#2 Bob: Lost (spam)\n")
    result = runner.invoke(main, ["undo", "--db", db])
    assert (result.exit_code, result.output) == (0, "Undid: Lose 2 leads\n")
    result = runner.invoke(main, ["redo", "--db", db])
    assert (result.exit_code, result.output) == (0, "Redid: Lose 2 leads\n")
    result = runner.invoke(main, ["redo", "--db", db])
    assert (result.exit_code, result.output) == (1, "Error: nothing to redo\n")
    # Moving a lead that is already lost stops both: nothing moves.
    result = runner.invoke(main, ["win", "1", "2", "--db", db])
    assert result.exit_code == 1 and "#1 Ann: cannot win a lost lead" in result.output


@both_engines
def test_a_lead_hidden_from_the_inbox_returns_on_its_day(repo: Repository) -> None:
    ann, bob = _lead(repo, "Ann"), _lead(repo, "Bob")
    now = repo.clock()
    monday = parse_follow_up("mon", now)
    repo.hide_until(ann, monday)
    assert [lead.id for lead in repo.leads_in_stage(Stage.NEW, awake_at=now)] == [bob]
    assert repo.count_in_stage(Stage.NEW, awake_at=now) == 1
    # The board (no awake_at) still shows it; on Monday the inbox does too.
    assert len(repo.leads_in_stage(Stage.NEW)) == 2
    assert repo.count_in_stage(Stage.NEW, awake_at=monday) == 2
    assert repo.history(ann)[0].summary() == f"hidden until: — → {monday.date().isoformat()}"
    repo.undo()
    assert repo.count_in_stage(Stage.NEW, awake_at=now) == 2


def test_a_version_4_file_keeps_its_history_in_the_journal(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    at = [f"2026-11-0{day}T10:00:00+00:00" for day in range(1, 5)]
    with sqlite3.connect(path) as conn:
        register_key_functions(sqlite_utils.Database(conn))
        for step in schema.MIGRATIONS[:4]:
            conn.executescript(step)
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 4")
        conn.execute(
            "INSERT INTO leads (id, name, stage, created_at, updated_at, stage_entered_at)"
            " VALUES (1, 'Ann', 'contacted', ?, ?, ?)",
            [at[0], at[2], at[2]],
        )
        conn.executescript(f"""
            INSERT INTO stage_changes (lead_id, from_stage, to_stage, at, actor)
                VALUES (1, NULL, 'new', '{at[0]}', 'tom'),
                       (1, 'new', 'contacted', '{at[2]}', 'tom');
            INSERT INTO activities (lead_id, kind, note, at, actor)
                VALUES (1, 'call', 'intro', '{at[1]}', 'tom');
            INSERT INTO field_changes (lead_id, field, old, new, at, actor)
                VALUES (1, 'company', NULL, 'Acme', '{at[3]}', 'maria');
        """)
    repo = open_repository(path, clock=lambda: datetime.fromisoformat(at[3]))
    assert [e.summary() for e in repo.history(1)] == [
        "company: — → Acme", "New → Contacted", "call: intro", "created → New",
    ]  # fmt: skip
    with sqlite3.connect(path) as conn:  # the KPIs' view of the journal's stage lines
        stages = conn.execute("SELECT to_stage FROM stage_changes ORDER BY at").fetchall()
    assert stages == [("new",), ("contacted",)]
    with pytest.raises(NothingToUndo):
        repo.undo()  # what happened before the journal is history, not an action


def test_a_merge_cannot_be_undone_and_ends_the_undo_history(repo: Repository) -> None:
    ann, twin = _lead(repo), _lead(repo, email="ann@acme.io")
    repo.update_fields(ann, {"company": "Acme"})
    repo.merge_leads(ann, twin)
    with pytest.raises(NothingToUndo, match=rf"Merge #{twin} into #{ann} cannot be undone"):
        repo.undo()
    assert repo.get_lead(ann).company == "Acme"


def test_merging_new_details_is_journaled_and_undoable(repo: Repository) -> None:
    ann = _lead(repo)
    details = build_draft(name="Ann", email="ann@acme.io", company="Acme", value_cents="2k")
    repo.merge_details(ann, details, tags=["vip"])
    assert {e.summary() for e in repo.history(ann)} >= {
        "email: — → ann@acme.io", "company: — → Acme", "value: — → 2,000", "tags: — → vip",
    }  # fmt: skip
    assert repo.undo().message() == f"Undid: Merge new details into #{ann} Ann"
    lead = repo.get_lead(ann)
    assert (lead.email, lead.company, lead.value_cents, repo.tags(ann)) == (None, None, 0, [])
