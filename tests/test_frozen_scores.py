"""The undo of a bulk loss keeps the frozen scores that stand
(repository/frozen_scores.py). Specification: after the undo, every lead
it reopened holds exactly what scoring it afresh now gives (score,
temperature, win chance, due time); it is scored afresh only when that
could differ (its score was due meanwhile, it was written on since the
move, the rules or the model changed), and kept otherwise."""

import shutil
import sqlite3
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

import pytest

from leadtui.demo import build_synthetic_database
from leadtui.domain import pipeline
from leadtui.domain.models import ActivityKind, Stage, build_draft
from leadtui.repository import Repository, moves_set, open_repository, undo_set
from leadtui.repository.scores import read_model, rescore
from leadtui.repository.store import Repository as Store
from tests.conftest import NOW
from tests.test_score_repository import RULES_A, Clock, with_rules

DAY = timedelta(days=1)
SCORES = "SELECT id, score, temperature, win_chance, score_due_at FROM leads WHERE id IN ({})"

# The same rules but a referral is worth more: another version.
RULES_B = RULES_A.replace("points = 40", "points = 45")


def scores(path: Path, ids: Iterable[int]) -> set[tuple[object, ...]]:
    """The stored scores of the leads `ids`."""
    with sqlite3.connect(path) as db:
        return set(db.execute(SCORES.format(", ".join(map(str, ids)))).fetchall())


def rescored(
    path: Path, ids: Iterable[int], repo: Repository, tmp: Path
) -> set[tuple[object, ...]]:
    """The scores of the leads `ids` as scoring them afresh now gives them (on a copy)."""
    copy = tmp / "rescored.db"
    shutil.copyfile(path, copy)
    db = open_repository(copy, clock=repo.clock, rules=repo.loaded_rules)
    with db._transaction() as conn:
        rescore(conn, list(ids), db.rules, read_model(conn), repo.clock())
    return scores(copy, ids)


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the leads scored afresh."""
    rescored: list[int] = []
    real = Store._rescore

    def spy(self: Store, db: object, lead_ids: list[int], now: object) -> None:
        rescored.extend(lead_ids)
        real(self, db, lead_ids, now)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "_rescore", spy)
    monkeypatch.setattr(moves_set, "CHUNK", 3)
    monkeypatch.setattr(undo_set, "CHUNK", 2)
    monkeypatch.setattr(undo_set, "FROM_LEADS", 2)
    return rescored


def leads_due_apart(repo: Repository, clock: Clock) -> dict[str, int]:
    """Leads whose scores fall due at different times (RULES_A: 30 days
    without a touch cost 20 points; a meeting counts for 30 days)."""
    ids = {"old": repo.add_lead(build_draft(name="Old", source="referral"))}
    clock.now = NOW + 10 * DAY
    ids["newer"] = repo.add_lead(build_draft(name="Newer", source="referral"))
    ids["met"] = repo.add_lead(build_draft(name="Met", source="website"))
    repo.log_touch(ids["met"], ActivityKind.MEETING, "Demo", "inbound")
    ids["touched"] = repo.add_lead(build_draft(name="Touched", source="referral"))
    ids["edited"] = repo.add_lead(build_draft(name="Edited", source="website"))
    return ids


def scored_by_rules_a(db_path: Path, clock: Clock) -> tuple[Repository, dict[str, int]]:
    repo = with_rules(db_path, RULES_A, clock)
    assert repo.refresh_scores() == 0
    return repo, leads_due_apart(repo, clock)


def lose_all(repo: Repository, ids: dict[str, int]) -> None:
    repo.move_count("lose", [(lead_id, Stage.NEW) for lead_id in ids.values()], reason="budget")


def test_an_undo_keeps_the_scores_that_stand_and_rescores_the_others(
    db_path: Path, tmp_path: Path, spied: list[int]
) -> None:
    clock = Clock(NOW)
    repo, ids = scored_by_rules_a(db_path, clock)
    clock.now = NOW + 20 * DAY
    lose_all(repo, ids)
    # "old" falls due at day 30, the others at day 40: time passes beyond
    # the first; a teammate writes on two leads while they are lost.
    clock.now = NOW + 35 * DAY
    teammate = open_repository(db_path, actor="maria", clock=clock, rules=repo.loaded_rules)
    teammate.log_touch(ids["touched"], ActivityKind.CALL, "Still no budget", "outbound")
    teammate.update_fields(ids["edited"], {"title": "CTO"})
    spied.clear()

    undone = repo.undo()

    assert sorted(undone.lead_ids) == sorted(ids.values())
    assert {repo.get_lead(lead_id).stage for lead_id in ids.values()} == {Stage.NEW}
    assert scores(db_path, ids.values()) == rescored(db_path, ids.values(), repo, tmp_path)
    assert sorted(spied) == sorted([ids["old"], ids["touched"], ids["edited"]])
    due = {lead.id: lead for lead in repo.all_leads()}
    assert due[ids["newer"]].score == 40  # kept, due again at day 40
    assert due[ids["old"]].score == 20  # rescored: no touch for 30 days


def test_an_undo_after_the_rules_changed_rescores_every_lead(
    db_path: Path, tmp_path: Path, spied: list[int]
) -> None:
    clock = Clock(NOW)
    repo, ids = scored_by_rules_a(db_path, clock)
    lose_all(repo, ids)
    clock.now += DAY
    changed = with_rules(db_path, RULES_B, clock)
    changed.refresh_scores()  # the open leads rescored, the lost ones frozen
    spied.clear()

    changed.undo()

    assert sorted(spied) == sorted(ids.values())
    assert scores(db_path, ids.values()) == rescored(db_path, ids.values(), changed, tmp_path)
    assert changed.get_lead(ids["newer"]).score == 45


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough closed leads to learn from, built once."""
    path = tmp_path_factory.mktemp("frozen") / "synthetic.db"
    build_synthetic_database(path, 600, 3, NOW)
    return path


@pytest.fixture
def learned(synthetic: Path, tmp_path: Path) -> Repository:
    """A copy of the synthetic leads (as of NOW) with a model trained on
    them, an hour before the clock."""
    path = tmp_path / "learned.db"
    shutil.copyfile(synthetic, path)
    clock = Clock(NOW)
    repo = open_repository(path, actor="tester", clock=clock)
    # Scored and trained by this clock (the file was built by the real one).
    repo.rescore_open_leads()
    assert repo.train_model().model is not None
    clock.now += timedelta(hours=1)
    return repo


def open_leads(repo: Repository) -> list[tuple[int, Stage]]:
    return [(lead.id, lead.stage) for lead in repo.all_leads() if pipeline.is_open(lead.stage)]


def undo_a_loss_of_all_a_day_on(
    repo: Repository, spied: list[int], *, train_between: bool
) -> list[int]:
    """Every open lead lost in one bulk move, undone a day later (the model
    trained again meanwhile, or not), `spied` holding the undo's rescores
    only. The leads moved."""
    clock = repo.clock
    assert isinstance(clock, Clock)
    moved = open_leads(repo)
    repo.move_count("lose", moved, reason="budget")
    clock.now += DAY
    if train_between:
        repo.train_model()
    spied.clear()
    repo.undo()
    return [lead_id for lead_id, _ in moved]


@pytest.mark.slow
def test_an_undo_after_training_rescores_every_lead(
    learned: Repository, tmp_path: Path, spied: list[int]
) -> None:
    ids = undo_a_loss_of_all_a_day_on(learned, spied, train_between=True)
    assert sorted(spied) == sorted(ids)
    assert scores(learned.path, ids) == rescored(learned.path, ids, learned, tmp_path)


@pytest.mark.slow
def test_an_undo_keeps_what_a_model_trained_before_the_move_gave(
    learned: Repository, tmp_path: Path, spied: list[int]
) -> None:
    ids = undo_a_loss_of_all_a_day_on(learned, spied, train_between=False)
    assert len({lead.win_chance for lead in learned.all_leads()}) > 1  # the model's, not 0
    assert scores(learned.path, ids) == rescored(learned.path, ids, learned, tmp_path)
    kept = set(ids) - set(spied)
    assert len(kept) > len(ids) // 2  # most: few fell due in a day
