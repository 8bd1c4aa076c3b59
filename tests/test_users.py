"""Who acts: the OS account over SSH (never $USER), the signed-in user in a
browser. Sign-ins are stored as hashes; a rep in a browser cannot change
another rep's leads, whatever calls the repository."""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from leadtui.domain import filters
from leadtui.domain.errors import InvalidInput, NotAllowed
from leadtui.domain.models import ActivityKind, Stage, build_draft
from leadtui.domain.users import Role, check_user_name, default_view
from leadtui.repository import Repository, current_actor, open_repository
from tests.conftest import NOW, both_engines, frozen_clock


def _rep(target: Path | str, name: str = "anna") -> Repository:
    return open_repository(target, actor=name, clock=frozen_clock, own_leads_only=True)


def _lead(repo: Repository, name: str, owner: str | None) -> int:
    return repo.add_lead(build_draft(name=name, owner=owner))


def test_the_actor_is_the_os_account_whatever_user_and_logname_say(
    monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    import os
    import pwd

    account = pwd.getpwuid(os.getuid()).pw_name
    monkeypatch.setenv("USER", "rep2")
    monkeypatch.setenv("LOGNAME", "rep2")
    monkeypatch.setenv("LNAME", "rep2")
    monkeypatch.setenv("USERNAME", "rep2")
    assert current_actor() == account != "rep2"
    assert open_repository(db_path).actor == account


@pytest.mark.parametrize(
    ("typed", "stored"), [("anna", "anna"), (" Maria.K ", "maria.k"), ("_svc-1", "_svc-1")]
)
def test_user_names_are_like_os_account_names(typed: str, stored: str) -> None:
    assert check_user_name(typed) == stored


@pytest.mark.parametrize("typed", ["", "1anna", "an na", "a" * 33, "anna;rm", "ánna", "a/b"])
def test_a_bad_user_name_is_one_line(typed: str) -> None:
    with pytest.raises(InvalidInput, match=r"^user name .*letters, digits"):
        check_user_name(typed)


@both_engines
def test_a_sign_in_link_works_once_and_makes_a_session(repo: Repository) -> None:
    token = repo.users.add("anna", Role.REP)
    user = repo.users.link_user(token)
    assert user is not None and (user.name, user.role, user.link_pending) == ("anna", "rep", True)
    redeemed = repo.users.redeem_link(token)
    assert redeemed is not None
    session, signed_in = redeemed
    assert signed_in.name == "anna" and signed_in.sessions == 1
    assert repo.users.redeem_link(token) is None  # once
    assert repo.users.link_user(token) is None
    found = repo.users.session_user(session)
    assert found is not None and found.name == "anna"
    assert repo.users.session_user(token) is None  # a link is not a session
    repo.users.end_session(session)
    assert repo.users.session_user(session) is None


@both_engines
def test_links_and_sessions_expire(repo: Repository) -> None:
    token = repo.users.add("anna", Role.REP)
    later = open_repository(repo.target, clock=lambda: NOW + timedelta(days=8))
    assert later.users.redeem_link(token) is None  # a week old
    fresh = repo.users.new_link("anna")
    redeemed = repo.users.redeem_link(fresh)
    assert redeemed is not None
    idle = open_repository(repo.target, clock=lambda: NOW + timedelta(days=31))
    assert idle.users.session_user(redeemed[0]) is None


@both_engines
def test_a_new_link_replaces_the_unused_one(repo: Repository) -> None:
    first = repo.users.add("anna", Role.MANAGER)
    second = repo.users.new_link("anna")
    assert repo.users.redeem_link(first) is None
    assert repo.users.redeem_link(second) is not None


@both_engines
def test_only_hashes_of_tokens_and_session_ids_are_stored(repo: Repository) -> None:
    token = repo.users.add("anna", Role.REP)
    unused = repo.users.add("maria", Role.REP)
    redeemed = repo.users.redeem_link(token)
    assert redeemed is not None
    with repo.engine.connect() as db:  # every text in both tables, on either engine
        dump = "\n".join(
            str(row)
            for table in ("users", "web_sessions")
            for row in db.execute(f"SELECT * FROM {table}").fetchall()
        )
    for secret in (token, unused, redeemed[0]):
        assert secret not in dump
    assert "anna" in dump and len(dump.splitlines()) == 3  # two users, one session


@both_engines
def test_removing_a_user_ends_their_sessions(repo: Repository) -> None:
    token = repo.users.add("anna", Role.REP)
    redeemed = repo.users.redeem_link(token)
    assert redeemed is not None
    repo.users.remove("anna")
    assert repo.users.session_user(redeemed[0]) is None
    assert repo.users.all() == []
    with pytest.raises(InvalidInput, match="no user 'anna'"):
        repo.users.remove("anna")


@both_engines
def test_adding_a_user_twice_is_refused(repo: Repository) -> None:
    repo.users.add("anna", Role.REP)
    with pytest.raises(InvalidInput, match="exists; 'leadtui user link anna'"):
        repo.users.add("Anna", Role.MANAGER)
    assert [(u.name, u.role) for u in repo.users.all()] == [("anna", Role.REP)]


# ------------------------------------------------------ owner:me and mine


@both_engines
def test_owner_me_and_mine_are_the_actor(repo: Repository) -> None:
    for name, owner in (("A", "anna"), ("M", "maria"), ("U", None), ("E", "")):
        _lead(repo, name, owner or None)
    anna = open_repository(repo.target, actor="anna", clock=frozen_clock)

    def names(text: str) -> set[str]:
        only = filters.parse(text)
        return {lead.name for lead in anna.leads_in_stage(Stage.NEW, only=only, limit=10)}

    assert names("owner:me") == {"A"}
    assert names("mine") == {"A", "U", "E"}
    assert names("owner:maria") == {"M"}
    assert filters.parse("mine owner:me").text() == "owner:me mine"
    assert default_view(Role.REP) == filters.parse("mine")
    assert not default_view(Role.MANAGER)


# ------------------------------------------------- a rep's own leads only


@both_engines
def test_a_rep_cannot_change_another_reps_lead(repo: Repository) -> None:
    theirs = _lead(repo, "Maria's", "maria")
    anna = _rep(repo.target)
    before = anna.lead_page(theirs, limit=-1)
    attempts: list[Callable[[], object]] = [
        lambda: anna.advance(theirs),
        lambda: anna.lose(theirs, "no budget"),
        lambda: anna.update_fields(theirs, {"owner": "anna"}),
        lambda: anna.update_fields(theirs, {"tags": "mine"}),
        lambda: anna.log_touch(theirs, ActivityKind.CALL, "hi"),
        lambda: anna.set_follow_up(theirs, NOW),
        lambda: anna.hide_until(theirs, NOW + timedelta(days=2)),
        lambda: anna.pin_temperature(theirs, None),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed, match=r"^#\d+ is maria's lead: a rep changes only"):
            attempt()
    after = anna.lead_page(theirs, limit=-1)
    assert (after[0], after[1]) == (before[0], before[1])  # nothing changed, nothing journaled


@both_engines
def test_a_rep_changes_their_own_and_unassigned_leads(repo: Repository) -> None:
    own, free = _lead(repo, "Anna's", "ANNA"), _lead(repo, "Nobody's", None)
    anna = _rep(repo.target)
    assert anna.advance(own).stage is Stage.CONTACTED
    assert anna.update_fields(free, {"owner": "anna"}).owner == "anna"
    assert anna.log_touch(free, ActivityKind.CALL, "hi").last_touch_at is not None
    assert {e.actor for e in anna.lead_page(free)[1]} >= {"anna"}


@both_engines
def test_a_bulk_move_with_another_reps_lead_moves_none(repo: Repository) -> None:
    own, theirs = _lead(repo, "Anna's", "anna"), _lead(repo, "Maria's", "maria")
    anna = _rep(repo.target)
    with pytest.raises(NotAllowed):
        anna.move_many("advance", [(own, None), (theirs, None)])
    assert anna.get_lead(own).stage is Stage.NEW


@both_engines
def test_a_rep_cannot_merge_away_another_reps_lead(repo: Repository) -> None:
    own = _lead(repo, "Jane Doe", "anna")
    theirs = repo.add_lead(build_draft(name="Jane Doe", owner="maria"))
    with pytest.raises(NotAllowed):
        _rep(repo.target).merge_leads(own, theirs)
    assert repo.get_lead(theirs).name == "Jane Doe"


@both_engines
def test_rescoring_a_teammates_lead_is_no_change_of_theirs(repo: Repository) -> None:
    theirs = _lead(repo, "Maria's", "maria")
    anna = open_repository(
        repo.target, actor="anna", clock=lambda: NOW + timedelta(days=60), own_leads_only=True
    )
    anna.refresh_scores()  # time-window rules due: no NotAllowed
    assert anna.get_lead(theirs).owner == "maria"


@both_engines
def test_without_the_rule_anyone_changes_anything(repo: Repository) -> None:
    """Over SSH on a shared file (README says so): no rule."""
    theirs = _lead(repo, "Maria's", "maria")
    anna = open_repository(repo.target, actor="anna", clock=frozen_clock)
    assert anna.advance(theirs).stage is Stage.CONTACTED
