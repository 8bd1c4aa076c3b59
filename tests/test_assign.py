"""Reassigning many leads at once (repository/assign_set.py): one action for
undo and redo, journaled per lead as an owner edit, written in chunks, all
or none on a bad id, a teammate's later reassignment left as it is, and a
rep hands on only their own leads and unassigned ones."""

from collections.abc import Callable
from pathlib import Path

import pytest

from leadtui.domain.errors import InvalidInput, LeadNotFound, NotAllowed, StaleLead
from leadtui.domain.filters import parse
from leadtui.domain.models import ActivityKind, HistoryEntry, Stage, build_draft
from leadtui.repository import Repository, assign_set, open_repository
from tests.conftest import both_engines, both_targets, frozen_clock
from tests.hang_up import hang_up_at_call
from tests.test_kpi_rollups import assert_same_figures


def _leads(repo: Repository, owners: list[str | None]) -> list[int]:
    return [
        repo.add_lead(build_draft(name=f"Lead {n}", owner=owner, value_cents=(n + 1) * 100_000))
        for n, owner in enumerate(owners)
    ]


def _owners(repo: Repository, ids: list[int]) -> list[str | None]:
    return [repo.get_lead(lead_id).owner for lead_id in ids]


@both_engines
def test_many_leads_go_to_one_owner_as_one_action_that_undo_and_redo_replay(
    repo: Repository,
) -> None:
    ids = _leads(repo, ["anna", "anna", None, "ben"])
    done = repo.assign_many("carla", [(lead_id, None) for lead_id in ids])
    assert (done.changed, done.unchanged, done.left) == (ids, [], [])
    assert _owners(repo, ids) == ["carla"] * 4
    # Journaled per lead as the edit `set ID owner NAME` writes, one action.
    lines = [(e.lead_id, e.entry.field, e.entry.old, e.entry.new) for e in _journal(repo)]
    assert sorted(lines) == [
        (ids[0], "owner", "anna", "carla"), (ids[1], "owner", "anna", "carla"),
        (ids[2], "owner", None, "carla"), (ids[3], "owner", "ben", "carla"),
    ]  # fmt: skip
    assert repo.owners() == ["carla"]
    undone = repo.undo()
    assert undone.label == "Assign 4 leads to carla"
    assert _owners(repo, ids) == ["anna", "anna", None, "ben"]
    assert repo.owners() == ["anna", "ben"]
    repo.redo()
    assert _owners(repo, ids) == ["carla"] * 4
    assert repo.stage_totals(parse("owner:carla"))[Stage.NEW] == (4, 10_000_00)


class _Line:
    def __init__(self, lead_id: int, entry: HistoryEntry) -> None:
        self.lead_id, self.entry = lead_id, entry


def _journal(repo: Repository) -> list[_Line]:
    return [
        _Line(lead_id, entry)
        for lead_id, _, entry in repo.journal(actor="tester")
        if entry.field == "owner"
    ]


@both_engines
def test_a_lead_already_theirs_is_counted_apart_and_a_lead_given_twice_once(
    repo: Repository,
) -> None:
    ids = _leads(repo, ["carla", "anna"])
    done = repo.assign_many("carla", [(ids[0], None), (ids[1], None), (ids[1], None)])
    assert (done.changed, done.unchanged) == ([ids[1]], [ids[0]])
    assert len(_journal(repo)) == 1


@both_engines
def test_an_unknown_id_changes_nothing(repo: Repository) -> None:
    ids = _leads(repo, ["anna", "anna"])
    with pytest.raises(LeadNotFound):
        repo.assign_many("ben", [(ids[0], None), (999, None), (ids[1], None)])
    assert _owners(repo, ids) == ["anna", "anna"]
    with pytest.raises(InvalidInput):
        repo.assign_many("  ", [(ids[0], None)])


@both_engines
def test_a_lead_a_teammate_reassigned_since_it_was_seen_is_left_and_named(
    repo: Repository,
) -> None:
    ids = _leads(repo, ["anna", "anna", "anna"])
    repo.update_fields(ids[1], {"owner": "dev"})  # the teammate's, after the rep saw "anna"
    done = repo.assign_many("ben", [(lead_id, "anna") for lead_id in ids])
    assert (done.changed, done.left) == ([ids[0], ids[2]], [ids[1]])
    assert done.left_text == f"#{ids[1]} Lead 1"
    assert _owners(repo, ids) == ["ben", "dev", "ben"]
    repo.undo()
    assert _owners(repo, ids) == ["anna", "dev", "anna"]


@both_engines
def test_in_chunks_it_is_still_one_action(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assign_set, "CHUNK", 2)
    ids = _leads(repo, ["anna", "ben", "anna", None, "ben"])
    done = repo.assign_many("dev", [(lead_id, None) for lead_id in reversed(ids)])
    assert sorted(done.changed) == ids
    assert _owners(repo, ids) == ["dev"] * 5
    assert repo.undo().message() == "Undid: Assign 5 leads to dev"
    assert _owners(repo, ids) == ["anna", "ben", "anna", None, "ben"]
    with pytest.raises(InvalidInput, match="nothing to undo"):
        repo.undo()


def test_a_reassignment_cut_short_is_named_for_what_it_wrote(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assign_set, "CHUNK", 2)
    ids = _leads(repo, ["anna", "ben", "anna", None, "ben"])
    hang_up_at_call(monkeypatch, assign_set, "_write", 2)  # in the second chunk
    with pytest.raises(KeyboardInterrupt):
        repo.assign_many("dev", [(lead_id, None) for lead_id in ids])
    assert _owners(repo, ids) == ["dev", "dev", "anna", None, "ben"]
    assert repo.undo().message() == "Undid: Assign 2 of 5 leads to dev"
    assert _owners(repo, ids) == ["anna", "ben", "anna", None, "ben"]


@both_engines
def test_a_rep_hands_on_their_own_and_unassigned_leads_not_a_teammates(
    repo: Repository,
) -> None:
    ids = _leads(repo, ["anna", None, "ben"])
    rep = open_repository(repo.target, actor="anna", clock=frozen_clock, own_leads_only=True)
    with pytest.raises(NotAllowed, match=f"#{ids[2]} is ben's lead"):
        rep.assign_many("carla", [(lead_id, None) for lead_id in ids])
    assert _owners(repo, ids) == ["anna", None, "ben"]
    rep.assign_many("carla", [(ids[0], None), (ids[1], None)])
    assert _owners(repo, ids) == ["carla", "carla", "ben"]


@pytest.mark.slow
def test_the_owner_kpis_follow_a_reassignment_and_its_undo(db_path: Path, pg_url: str) -> None:
    """The per-owner rollups are kept by the triggers on the lead rows:
    every figure equals the reference's scan after each step, and
    PostgreSQL's triggers keep what SQLite's keep."""
    from datetime import timedelta

    from tests.conftest import NOW
    from tests.test_kpi_rollups import Clock, play, same_on_both

    clocks = [Clock(NOW - timedelta(days=30)) for _ in range(2)]  # one each: play moves it
    targets: list[Path | str] = [db_path, pg_url]
    repos = [
        open_repository(target, actor="tester", clock=clock)
        for target, clock in zip(targets, clocks, strict=True)
    ]
    for repo, clock in zip(repos, clocks, strict=True):
        play(repo, clock, [("add", n % 3, 5) for n in range(9)])
        play(repo, clock, [("advance", 1, 3), ("win", 2, 4), ("lose", 4, 2), ("advance", 5, 1)])
        clock.now += timedelta(hours=3)
    steps: list[Callable[[Repository], object]] = [
        lambda repo: repo.assign_many(
            "anna", [(lead.id, None) for lead in list(repo.all_leads())[:7]]
        ),
        lambda repo: repo.undo(),
        lambda repo: repo.redo(),
    ]
    for step in steps:
        for repo in repos:
            step(repo)
        now = clocks[0].now + timedelta(seconds=1234)
        assert_same_figures(repos[0], now)
        same_on_both(repos[0], repos[1], now)
        for clock in clocks:
            clock.now += timedelta(hours=1)


@both_engines
def test_the_undo_leaves_a_lead_a_teammate_reassigned_since_and_names_it(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a bulk move's undo: the teammate's change is the later one, so it
    stands, and the undo of the rest is still one action (in chunks too)."""
    monkeypatch.setattr(assign_set, "CHUNK", 2)
    ids = _leads(repo, ["anna", None, "ben", "anna", "ben"])
    repo.assign_many("carla", [(lead_id, None) for lead_id in ids])
    teammate = open_repository(repo.target, actor="dev", clock=frozen_clock)
    teammate.update_fields(ids[3], {"owner": "dev"})
    undone = repo.undo()
    assert undone.message() == (
        f"Undid: Assign 5 leads to carla; #{ids[3]} Lead 3 changed meanwhile, left as they are"
    )
    assert _owners(repo, ids) == ["anna", None, "ben", "dev", "ben"]
    repo.redo()
    assert _owners(repo, ids) == ["carla", "carla", "carla", "dev", "carla"]
    repo.undo()
    assert _owners(repo, ids) == ["anna", None, "ben", "dev", "ben"]


@both_targets
def test_a_rule_on_the_owner_rescores_the_reassigned_leads_and_their_undo(
    db_target: Path | str,
) -> None:
    """The owner is a field a scoring rule may name (and a feature the win
    chance may learn from): a reassignment rescores, as an owner edit does."""
    from leadtui.domain.scoring_rules import LoadedRules, parse_rules

    text = '[[rules]]\nlabel = "carla\'s"\npoints = 30\nfield = "owner"\nequals = "carla"\n'
    rules = LoadedRules(parse_rules(text, "test"), "test", text)
    repo = open_repository(db_target, actor="tester", clock=frozen_clock, rules=rules)
    ids = _leads(repo, ["anna", "ben", "carla"])
    assert [repo.get_lead(i).score for i in ids] == [0, 0, 30]
    repo.assign_many("carla", [(lead_id, None) for lead_id in ids[:2]])
    assert [repo.get_lead(i).score for i in ids] == [30, 30, 30]
    repo.undo()
    assert [repo.get_lead(i).score for i in ids] == [0, 0, 30]


@both_engines
def test_a_rep_takes_back_a_lead_they_handed_on_until_its_new_owner_writes_on_it(
    repo: Repository,
) -> None:
    """`=` then `u`: the lead is ben's at once, but anna's undo gives it
    back (and her redo hands it on again) while nobody wrote on it since;
    once ben did, it is his and the undo is refused in one line."""
    ids = _leads(repo, ["anna", "anna"])
    anna = open_repository(repo.target, actor="anna", clock=frozen_clock, own_leads_only=True)
    ben = open_repository(repo.target, actor="ben", clock=frozen_clock, own_leads_only=True)
    anna.assign_many("ben", [(ids[0], "anna")])
    assert anna.undo().lead_ids == (ids[0],)
    assert _owners(repo, ids) == ["anna", "anna"]
    anna.redo()
    assert _owners(repo, ids) == ["ben", "anna"]
    anna.undo()
    anna.redo()
    ben.update_fields(ids[0], {"email": "lead0@example.com"})
    with pytest.raises(NotAllowed) as refused:
        anna.undo()
    assert str(refused.value) == (
        f"#{ids[0]} Lead 0 is ben's lead now: ben changed its email 0s ago,"
        " so only they or a manager can change it back; nothing was changed"
    )
    assert _owners(repo, ids) == ["ben", "anna"]
    # Handed on together: the lead ben wrote on is his, the other comes back.
    more = _leads(repo, ["anna", "anna"])
    anna.assign_many("ben", [(lead_id, "anna") for lead_id in more])
    ben.log_touch(more[0], ActivityKind.CALL, "called back")
    assert anna.undo().message() == (
        f"Undid: Assign 2 leads to ben; #{more[0]} Lead 0 changed meanwhile, left as they are"
    )
    assert _owners(repo, more) == ["ben", "anna"]


@both_engines
def test_a_rep_hands_on_their_lead_by_editing_its_owner(repo: Repository) -> None:
    """The edit form's owner field, as `=` does: the guard checks each
    journal line against the owner the lead had, so the owner goes last."""
    (lead_id,) = _leads(repo, ["anna"])
    anna = open_repository(repo.target, actor="anna", clock=frozen_clock, own_leads_only=True)
    anna.update_fields(lead_id, {"owner": "ben", "email": "lead@example.com"})
    assert repo.get_lead(lead_id).owner == "ben"
    with pytest.raises(NotAllowed, match="is ben's lead"):
        anna.update_fields(lead_id, {"email": "other@example.com"})


@both_engines
def test_a_reps_redo_of_a_hand_over_a_manager_changed_since_is_refused_in_one_line(
    repo: Repository,
) -> None:
    (lead_id,) = _leads(repo, ["anna"])
    anna = open_repository(repo.target, actor="anna", clock=frozen_clock, own_leads_only=True)
    anna.assign_many("ben", [(lead_id, "anna")])
    anna.undo()
    repo.update_fields(lead_id, {"owner": "carla"})  # a manager, after the undo
    with pytest.raises(StaleLead) as refused:
        anna.redo()
    assert str(refused.value) == (
        f"#{lead_id} Lead 0: tester changed owner to 'carla' 0s ago; nothing was changed"
    )
    assert _owners(repo, [lead_id]) == ["carla"]
