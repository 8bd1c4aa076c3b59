"""The undo of a bulk move is written in chunks like the move
(repository/undo_set.py), and is still one action. Specification: a
chunked undo (and its redo) leaves the rollups equal to a rebuild; it lets
a teammate write between its chunks, and leaves a lead the teammate
changed meanwhile as the teammate left it (and says so). (tests/
test_moves_set.py holds the set-based path equal to the lead-by-lead one
over random histories.)"""

import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, moves_set, open_repository, schema_kpi, undo_set
from tests.test_kpi_rollups import derived


def rebuilt_alike(path: Path) -> bool:
    with sqlite3.connect(path) as db:
        kept = derived(db)
        for sql in schema_kpi.REBUILD:
            db.execute(sql)
        alike = derived(db) == kept
        db.rollback()
    return alike


def leads(repo: Repository, count: int) -> list[int]:
    owners = ["anna", "ben", None]
    return [
        repo.add_lead(build_draft(name=f"Lead {n}", source="website", owner=owners[n % 3]))
        for n in range(count)
    ]


def test_a_chunked_undo_is_one_action_and_keeps_the_rollups(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moves_set, "CHUNK", 3)
    monkeypatch.setattr(undo_set, "CHUNK", 2)
    monkeypatch.setattr(undo_set, "FROM_LEADS", 2)
    ids = leads(repo, 7)
    repo.move_count("advance", [(lead_id, Stage.NEW) for lead_id in ids])
    repo.move_count("lose", [(lead_id, Stage.CONTACTED) for lead_id in ids], reason="budget")
    assert rebuilt_alike(repo.path)

    undone = repo.undo()
    assert undone.message() == "Undid: Lose 7 leads"
    assert sorted(undone.lead_ids) == sorted(ids)
    assert {repo.get_lead(lead_id).stage for lead_id in ids} == {Stage.CONTACTED}
    assert rebuilt_alike(repo.path)
    with sqlite3.connect(repo.path) as db:
        (actions,) = db.execute("SELECT count(*) FROM actions WHERE kind = 'undo'").fetchone()
    assert actions == 1
    assert repo.redo().message() == "Redid: Lose 7 leads"
    assert {repo.get_lead(lead_id).stage for lead_id in ids} == {Stage.LOST}
    assert rebuilt_alike(repo.path)
    assert repo.undo().message() == "Undid: Lose 7 leads"
    assert repo.undo().message() == "Undid: Advance 7 leads"
    assert {repo.get_lead(lead_id).stage for lead_id in ids} == {Stage.NEW}
    assert rebuilt_alike(repo.path)


def test_a_lead_a_teammate_changes_between_chunks_is_left_as_they_left_it(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The teammate writes while the undo is under way (so the undo does
    not hold the lock between chunks), to a lead the undo has not reached:
    their change is the later one and stands; the rest is undone."""
    monkeypatch.setattr(undo_set, "CHUNK", 2)
    monkeypatch.setattr(undo_set, "FROM_LEADS", 2)
    ids = leads(repo, 6)
    repo.move_count("lose", [(lead_id, Stage.NEW) for lead_id in ids], reason="budget")
    maria = open_repository(repo.path, actor="maria", clock=lambda: repo.clock() + timedelta(1))
    later = undo_set.Chunked.later
    reached: list[int] = []

    def teammate_first(chunked: undo_set.Chunked) -> Iterator[list[int]]:
        for ids_of_chunk in later(chunked):
            if not reached:  # between the first transaction and the second
                # The first lead moved: the undo, newest first, reaches it last.
                assert ids[0] not in chunked.leads
                maria.reopen(ids[0])
                maria.advance(ids[0])
            reached.append(len(ids_of_chunk))
            yield ids_of_chunk

    monkeypatch.setattr(undo_set.Chunked, "later", teammate_first)
    undone = repo.undo()
    assert reached  # the undo took more than one transaction
    assert undone.message() == (
        f"Undid: Lose 6 leads; #{ids[0]} Lead 0 changed meanwhile, left as they are"
    )
    assert sorted(undone.lead_ids) == sorted(ids[1:])
    stages = [repo.get_lead(lead_id).stage for lead_id in ids]
    assert stages == [Stage.CONTACTED] + [Stage.NEW] * 5
    assert rebuilt_alike(repo.path)
