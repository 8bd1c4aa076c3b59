"""A bulk move or reassignment the last session left half done (the
terminal hung up mid-move) is said once at the next start, with what to
press; anything else, no notice."""

import pytest

from leadtui.domain.models import Stage, build_draft
from leadtui.repository import (
    CutShort,
    Repository,
    assign_set,
    cut_short,
    moves_set,
    open_repository,
)
from leadtui.tui.app import LeadApp
from leadtui.tui.cut_short import notice
from tests.conftest import both_engines, frozen_clock
from tests.hang_up import hang_up_at_call
from tests.notifications import notes
from tests.tui_helpers import SIZE, settle, wait_until


def _leads(repo: Repository, count: int) -> list[int]:
    return [repo.add_lead(build_draft(name=f"Lead {n}")) for n in range(count)]


def _lose_cut_short(repo: Repository, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lose 5 leads, 2 a chunk; the session hangs up in the second chunk."""
    monkeypatch.setattr(moves_set, "CHUNK", 2)
    ids = _leads(repo, 5)
    hang_up_at_call(monkeypatch, moves_set, "_write", 2)
    with pytest.raises(KeyboardInterrupt):
        repo.move_count("lose", [(i, Stage.NEW) for i in ids], reason="spam")
    return ids


async def test_a_move_cut_short_is_said_once_at_start(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    _lose_cut_short(repo, monkeypatch)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: bool(notes(app)))
        await settle(pilot)
        [note] = notes(app)
        assert note.message == (
            "Your last bulk move (Lose) stopped after 2 of 5 leads: u undoes those,"
            " or mark the rest (V) and press x again"
        )
        assert note.severity == "warning" and not note.markup


async def test_a_reassignment_cut_short_names_its_owner_as_plain_text(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assign_set, "CHUNK", 2)
    ids = _leads(repo, 5)
    hang_up_at_call(monkeypatch, assign_set, "_write", 2)
    with pytest.raises(KeyboardInterrupt):
        repo.assign_many("[b]Ann of 2 leads", [(i, None) for i in ids])
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: bool(notes(app)))
        [note] = notes(app)
        assert note.message == (
            "Your last reassignment (to [b]Ann of 2 leads) stopped after 2 of 5 leads:"
            " u undoes those, or mark the rest (V) and press = again"
        )
        assert not note.markup


async def test_nothing_is_said_when_the_last_bulk_move_was_whole(repo: Repository) -> None:
    ids = _leads(repo, 3)
    repo.move_count("advance", [(i, Stage.NEW) for i in ids])
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # the look at start is a worker: done by now
        assert notes(app) == []


def test_only_the_actors_own_last_action_counts(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _lose_cut_short(repo, monkeypatch)
    assert cut_short(repo) == CutShort("Lose", 2, 5, None)
    teammate = open_repository(repo.path, actor="maria", clock=frozen_clock)
    assert cut_short(teammate) is None  # not theirs
    repo.undo()
    assert cut_short(repo) is None  # taken back: nothing is left half done
    repo.redo()
    assert cut_short(repo) is None  # a redo writes every lead the move wrote
    repo.add_lead(build_draft(name="Later"))  # not an action: the move is still last
    repo.advance(ids[4])
    assert cut_short(repo) is None  # something came after


@both_engines
def test_a_single_lead_named_like_a_count_is_not_a_move_cut_short(repo: Repository) -> None:
    [lead_id] = [repo.add_lead(build_draft(name="2 of 5 leads"))]
    repo.advance(lead_id)
    assert cut_short(repo) is None
    repo.assign_many("ann", [(lead_id, None)])
    assert cut_short(repo) is None  # "Assign 1 lead to ann"


def test_the_notice_uses_the_keys_config_toml_gives() -> None:
    short = CutShort("Move back", 5_000, 20_061, None)
    keymap = {"back": "B,ctrl+b", "undo": "z", "mark-all": "A"}
    assert notice(short, keymap) == (
        "Your last bulk move (Move back) stopped after 5,000 of 20,061 leads:"
        " z undoes those, or mark the rest (A) and press B again"
    )
