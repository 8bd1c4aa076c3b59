"""A bulk move and its undo keep the KPI columns and rollups set-based
(repository/kpi_set.py), with the KPI triggers dropped inside their
transactions, and the undo is written in chunks like the move.
Specification: the triggers are all there again after every bulk write,
whether it succeeds or fails; no other trigger fires on what is written
while they are off; a chunked undo is one action that lets a teammate
write between its chunks, leaves a lead the teammate changed meanwhile as
the teammate left it (and says so), and leaves rollups equal to a rebuild.
(tests/test_moves_set.py holds the set-based path equal to the per-row
triggers' over random histories.)"""

import re
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from leadtui.domain.errors import DatabaseUnavailable
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import (
    Repository,
    kpi_set,
    moves_set,
    open_repository,
    schema_kpi,
    undo_set,
)
from tests.test_kpi_rollups import derived

# What a bulk move or its replay writes while the KPI triggers are off:
# these lead columns, and journal lines (inserted, and their KPI columns).
_LEAD_COLUMNS = {
    "stage", "lost_reason", "stage_entered_at", "updated_at", "version", "lifecycle",
    "top_rank", "last_stage_at", "last_stage_to", "last_stage_from", "last_stage_reason",
}  # fmt: skip


def triggers(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).fetchall()


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


def test_no_other_trigger_fires_on_what_is_written_without_them(repo: Repository) -> None:
    """A trigger added later on these columns or on the journal would be
    skipped by a bulk move: kpi_set.py would have to do its work too."""
    kpi = {name for name, _ in schema_kpi.TRIGGERS}
    for name, sql in triggers(repo.path):
        if name in kpi:
            continue
        event = re.search(r"(INSERT|DELETE|UPDATE(?: OF ([\w, ]+))?) ON (\w+)", sql)
        assert event, sql
        table, columns = event.group(3), event.group(2)
        if table == "journal":
            assert event.group(1) == "DELETE", name
        elif table == "leads" and event.group(1).startswith("UPDATE"):
            assert columns, name  # an UPDATE trigger of every column
            assert not {c.strip() for c in columns.split(",")} & _LEAD_COLUMNS, name


def test_the_triggers_are_back_after_a_bulk_move_and_after_a_failed_one(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(moves_set, "CHUNK", 2)
    monkeypatch.setattr(undo_set, "FROM_LEADS", 2)
    before = triggers(repo.path)
    ids = leads(repo, 5)
    repo.move_count("advance", [(lead_id, Stage.NEW) for lead_id in ids])
    assert triggers(repo.path) == before
    repo.undo()
    assert triggers(repo.path) == before

    monkeypatch.setattr(kpi_set, "_ROLLUPS", ("SELECT no_such_column FROM leads",))
    with pytest.raises(DatabaseUnavailable, match="no_such_column"):
        repo.move_count("advance", [(lead_id, Stage.NEW) for lead_id in ids])
    assert triggers(repo.path) == before
    assert {repo.get_lead(lead_id).stage for lead_id in ids} == {Stage.NEW}


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


def test_a_block_with_two_stage_lines_for_one_lead_is_refused(repo: Repository) -> None:
    """Each line is decided against the lead's history before the block:
    two for one lead would leave wrong figures, so nothing is written."""
    (lead_id,) = leads(repo, 1)
    before = triggers(repo.path)
    count = "SELECT count(*) FROM journal WHERE lead_id = ?"
    with sqlite3.connect(repo.path) as db:
        (lines,) = db.execute(count, [lead_id]).fetchone()
    # Entered left to right, left right to left: the transaction rolls back first.
    with (
        pytest.raises(ValueError, match="two stage lines"),
        repo._transaction() as writing,
        kpi_set.set_based(writing, f"SELECT {lead_id}"),
    ):
        for old, new in (("new", "contacted"), ("contacted", "engaged")):
            writing.execute(
                "INSERT INTO journal (lead_id, field, old, new, at, actor)"
                " VALUES (?, 'stage', ?, ?, '2026-01-01T00:00:00Z', 'rep')",
                [lead_id, old, new],
            )
    assert triggers(repo.path) == before
    with sqlite3.connect(repo.path) as db:
        assert db.execute(count, [lead_id]).fetchone() == (lines,)
