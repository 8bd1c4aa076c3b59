"""A bulk move is written set-based and in chunks (repository/moves_set.py).
Specification: moving N leads at once leaves exactly what moving them one
by one leaves: the same lead rows (stage, reasons, lifecycle, scores, the
KPI columns), the same journal lines for each lead in the same order, the
same KPI figures and rollups; one `u` takes the whole move back, however
many transactions wrote it, to what N undos of the single moves leave. A
move that does not apply to one lead, or one whose lead was moved since it
was seen, changes nothing and says which lead."""

import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadtui.domain.errors import IllegalMove, StaleLead
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, moves_set, open_repository, schema_kpi, undo_set
from tests.conftest import NOW
from tests.hang_up import hang_up_at_call
from tests.test_kpi_rollups import (
    OWNERS,
    SOURCES,
    Clock,
    Step,
    derived,
    play,
    rollup_rows,
    steps,
    windows,
)

HOWS = ["advance", "advance", "back", "win", "lose", "reopen"]


def copy(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as a, sqlite3.connect(target) as b:
        a.backup(b)


def state(path: Path) -> dict[str, Any]:
    """Everything a move writes, comparable across two files: lead rows,
    each lead's journal lines in order (without ids and groups, which
    differ), the rollups (without rows counting nothing; their float sums
    rounded, as the set-based path adds them in another order)."""
    with sqlite3.connect(path) as db:
        found: dict[str, Any] = {"leads": db.execute("SELECT * FROM leads ORDER BY id").fetchall()}
        found["journal"] = db.execute(
            "SELECT lead_id, field, old, new, note, at, actor, stay, prev_new, prev_same_at,"
            " cancelled_with IS NULL FROM journal ORDER BY lead_id, id"
        ).fetchall()
        found.update(rollup_rows(db))
    return found


def assert_rebuilt_alike(path: Path) -> None:
    """The KPI columns and rollups kept equal a rebuild from the journal."""
    with sqlite3.connect(path) as db:
        kept = derived(db)
        for sql in schema_kpi.REBUILD:
            db.execute(sql)
        assert derived(db) == kept
        db.rollback()


def reports(repo: Repository) -> list[Any]:
    return [repo.kpi_report(w, owner) for w in windows(repo.clock()) for owner in (None, "anna")]


def move(repo: Repository, how: str, ids: list[int], seen: dict[int, Stage]) -> None:
    leads = [(lead_id, seen[lead_id]) for lead_id in ids]
    repo.move_many(how, leads, reason="budget" if how == "lose" else "")


@pytest.mark.slow
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    history=steps,
    how=st.sampled_from(HOWS),
    picks=st.lists(st.integers(0, 40), min_size=2, max_size=12, unique=True),
    chunk=st.sampled_from([1, 3, 5_000]),
)
def test_a_bulk_move_writes_what_single_moves_write(
    history: list[Step], how: str, picks: list[int], chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moves_set, "CHUNK", chunk)
    monkeypatch.setattr(undo_set, "CHUNK", chunk)
    # The bulk move's undo and redo set-based; a single move's line by line.
    monkeypatch.setattr(undo_set, "FROM_LEADS", 2)
    with tempfile.TemporaryDirectory() as tmp:
        bulk_path, single_path = Path(tmp) / "bulk.db", Path(tmp) / "single.db"
        clock = Clock(NOW - timedelta(days=60, seconds=-1234))
        bulk = open_repository(bulk_path, actor="rep", clock=clock)
        for number in range(4):  # at least a few leads to move
            bulk.add_lead(build_draft(name=f"Base {number}", source=SOURCES[number],
                                      owner=OWNERS[number % 3]))  # fmt: skip
        play(bulk, clock, history)
        clock.now += timedelta(hours=1)
        leads = sorted(bulk.all_leads(), key=lambda lead: lead.id)
        chosen = list(dict.fromkeys(leads[pick % len(leads)].id for pick in picks))
        if len(chosen) < 2:
            return
        seen = {lead.id: lead.stage for lead in leads}
        copy(bulk_path, single_path)
        single = open_repository(single_path, actor="rep", clock=clock)
        before = state(bulk_path)

        try:
            move(bulk, how, chosen, seen)
        except IllegalMove as refused:
            # Nothing moved, and the message names the first lead it does not apply to.
            assert state(bulk_path) == before
            for lead_id in chosen:
                try:
                    move(single, how, [lead_id], seen)
                except IllegalMove as error:
                    assert str(refused) == f"{single.get_lead(lead_id).tag()}: {error}"
                    return
            raise AssertionError("the bulk move was refused, each single move applied") from None
        for lead_id in chosen:
            move(single, how, [lead_id], seen)
        assert state(bulk_path) == state(single_path)
        assert reports(bulk) == reports(single)
        assert_rebuilt_alike(bulk_path)

        undone = bulk.undo()
        assert sorted(undone.lead_ids) == sorted(chosen)
        for _ in chosen:
            single.undo()
        assert state(bulk_path) == state(single_path)
        assert reports(bulk) == reports(single)
        assert {lead.id: lead.stage for lead in bulk.all_leads()} == seen
        assert_rebuilt_alike(bulk_path)

        redone = bulk.redo()
        assert sorted(redone.lead_ids) == sorted(chosen)
        for _ in chosen:
            single.redo()
        assert state(bulk_path) == state(single_path)
        assert reports(bulk) == reports(single)
        assert_rebuilt_alike(bulk_path)


def test_a_lead_moved_since_it_was_seen_stops_the_whole_move(repo: Repository) -> None:
    ids = [repo.add_lead(build_draft(name=f"Lead {n}", source="website")) for n in range(5)]
    repo.advance(ids[3])  # a teammate's move
    with pytest.raises(StaleLead, match=f"#{ids[3]} Lead 3 was moved to Contacted"):
        repo.move_many("advance", [(lead_id, Stage.NEW) for lead_id in ids])
    assert [repo.get_lead(lead_id).stage for lead_id in ids] == [Stage.NEW] * 3 + [
        Stage.CONTACTED,
        Stage.NEW,
    ]


def test_a_chunked_move_is_one_action(repo: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(moves_set, "CHUNK", 2)
    ids = [repo.add_lead(build_draft(name=f"Lead {n}", source="website")) for n in range(7)]
    assert repo.move_count("advance", [(lead_id, Stage.NEW) for lead_id in ids]) == 7
    assert {repo.get_lead(lead_id).stage for lead_id in ids} == {Stage.CONTACTED}
    assert repo.undo().message() == "Undid: Advance 7 leads"
    assert {repo.get_lead(lead_id).stage for lead_id in ids} == {Stage.NEW}


def test_a_move_cut_short_is_named_for_what_it_wrote(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hang-up between chunks: the chunks written stay (one `u` takes
    them back), and the action says how many of how many it moved."""
    monkeypatch.setattr(moves_set, "CHUNK", 2)
    ids = [repo.add_lead(build_draft(name=f"Lead {n}", source="website")) for n in range(5)]
    hang_up_at_call(monkeypatch, moves_set, "_write", 2)  # in the second chunk
    with pytest.raises(KeyboardInterrupt):
        repo.move_count("advance", [(lead_id, Stage.NEW) for lead_id in ids])
    stages = [repo.get_lead(lead_id).stage for lead_id in ids]
    assert stages == [Stage.CONTACTED] * 2 + [Stage.NEW] * 3
    assert repo.undo().message() == "Undid: Advance 2 of 5 leads"
    assert {repo.get_lead(lead_id).stage for lead_id in ids} == {Stage.NEW}


def test_a_bulk_undo_stops_at_a_lead_changed_since_and_says_who(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(undo_set, "FROM_LEADS", 2)
    ids = [repo.add_lead(build_draft(name=f"Lead {n}", source="website")) for n in range(4)]
    repo.move_count("lose", [(lead_id, Stage.NEW) for lead_id in ids], reason="budget")
    open_repository(repo.path, actor="maria").reopen(ids[2])  # a teammate's, since
    with pytest.raises(StaleLead, match=f"#{ids[2]} Lead 2: maria changed stage to 'new'"):
        repo.undo()
    stages = [repo.get_lead(lead_id).stage for lead_id in ids]
    assert stages == [Stage.LOST, Stage.LOST, Stage.NEW, Stage.LOST]  # nothing undone
