"""Marks that stay true while teammates work (tui/stale_marks.py).
Specification: a marked lead a teammate takes out of the list (moved on,
reassigned out of the filter), whether live refresh names it or must look
it up (a bulk move of many), is unmarked, so that the header's "N marked"
is the number of marked leads the list still holds."""

import threading
from typing import Any

import pytest

from leadtui.domain.filters import parse
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, open_repository, watch
from leadtui.repository.store import Repository as RepositoryClass
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.classify import ConfirmScreen
from tests.conftest import NOW, both_engines, frozen_clock
from tests.notifications import notes
from tests.test_live_counts import inbox_label, shown_ids
from tests.tui_helpers import SIZE, WAIT_LIMIT_SECONDS, main_screen, settle, wait_until

# The demo set's New leads that ben owns.
BENS = {8, 4, 34, 6, 3, 38}


@pytest.mark.parametrize("named", [True, False], ids=["named", "looked-up"])
@pytest.mark.slow
async def test_marked_leads_a_teammate_takes_away_are_unmarked(
    sample_repo: Repository, monkeypatch: pytest.MonkeyPatch, named: bool
) -> None:
    if not named:  # more leads at once than the journal names: read whole
        monkeypatch.setattr(watch, "MAX_CHANGED", 1)
    console = open_repository(sample_repo.path, actor="ben", clock=frozen_clock)
    teammate = open_repository(sample_repo.path, actor="anna", clock=frozen_clock)
    app = LeadApp(console)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"owner:me", "enter")
        await settle(pilot)
        assert set(shown_ids(app)) == BENS
        await pilot.press("V")
        await settle(pilot)
        assert "6 marked" in app.sub_title
        # Two leads moved on, out of New, in one action
        teammate.move_count("advance", [(8, Stage.NEW), (4, Stage.NEW)])
        gone = {8, 4}
        if named:
            teammate.assign_many("carla", [(34, "ben")])  # out of owner:me
            teammate.update_fields(6, {"name": "Renamed Meanwhile"})  # still here
            gone.add(34)
        here = BENS - gone
        await wait_until(pilot, lambda: set(shown_ids(app)) == here)
        await wait_until(pilot, lambda: f"{len(here)} marked" in app.sub_title)
        await settle(pilot)
        left = console.count_in_stage(Stage.NEW, awake_at=NOW, only=parse("owner:me"))
        assert inbox_label(app) == f"1 Inbox {left:,}" == f"1 Inbox {len(here)}"
        assert set(main_screen(app).selection.marks) == here


@both_engines
def test_the_marks_that_left_their_stage_are_read_a_chunk_at_a_time(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch, "MARKS_A_READ", 2)
    ids = [repo.add_lead(build_draft(name=f"Lead {n}")) for n in range(5)]
    teammate = open_repository(repo.target, actor="maria", clock=frozen_clock)
    teammate.advance(ids[3])
    teammate.advance(ids[4])
    seen: list[tuple[int, Stage | None]] = [(i, Stage.NEW) for i in ids[:4]]
    seen += [(ids[4], None), (99_999, Stage.NEW)]  # no stage seen; a lead that is not there
    assert repo.left_since_seen(seen) == [ids[3], 99_999]


@pytest.mark.slow
async def test_a_new_filter_unmarks_the_marked_leads_it_leaves_out(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marks a filter hides were kept: "4 marked" over a list of 2, and `a`
    moved all 4. Now the header and the move count what the list shows,
    and an `a` typed right behind the filter waits for that (the look at
    the marks is held back here until the `a` is typed)."""
    typed = threading.Event()
    real = RepositoryClass.left_since_seen

    def slow(repo: Repository, *args: Any) -> list[int]:
        typed.wait(WAIT_LIMIT_SECONDS)
        return real(repo, *args)

    monkeypatch.setattr(RepositoryClass, "left_since_seen", slow)
    ids = [
        repo.add_lead(build_draft(name=f"Lead {n}", source=source))
        for n, source in enumerate(["website", "referral", "website", "referral"])
    ]
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        assert "4 marked" in app.sub_title
        await pilot.press("ctrl+f", *"source:website", "enter", "a")
        typed.set()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Advance 2 marked leads?"
        assert "2 marked" in app.sub_title
        assert [note.message for note in notes(app)] == [
            "2 of the marked leads are not in the list as filtered now: unmarked. 2 still marked."
        ]
        await pilot.press("y")
        await settle(pilot)
    stages = [repo.get_lead(lead_id).stage for lead_id in ids]
    assert stages == [Stage.CONTACTED, Stage.NEW, Stage.CONTACTED, Stage.NEW]


@pytest.mark.slow
async def test_a_wider_filter_keeps_every_mark_and_says_nothing(repo: Repository) -> None:
    for n in range(3):
        repo.add_lead(build_draft(name=f"Lead {n}", source="website"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"source:website", "enter")
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        await pilot.press("ctrl+f", "ctrl+u", "enter")  # no filter: every lead
        await settle(pilot)
        assert "3 marked" in app.sub_title
        assert notes(app) == []


@both_engines
def test_the_marks_a_filter_leaves_out_are_read_on_either_engine(repo: Repository) -> None:
    ids = [repo.add_lead(build_draft(name=f"Lead {n}", owner=o)) for n, o in enumerate("ab")]
    seen: list[tuple[int, Stage | None]] = [(i, Stage.NEW) for i in ids]
    assert repo.left_since_seen(seen, parse("owner:a")) == [ids[1]]
    assert repo.left_since_seen(seen) == []
