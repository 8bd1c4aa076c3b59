"""Marks that stay true while teammates work (tui/stale_marks.py).
Specification: a marked lead a teammate takes out of the list (moved on,
reassigned out of the filter), whether live refresh names it or must look
it up (a bulk move of many), is unmarked, so that the header's "N marked"
is the number of marked leads the list still holds."""

import pytest

from leadtui.domain.filters import parse
from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, open_repository, watch
from leadtui.tui.app import LeadApp
from tests.conftest import NOW, both_engines, frozen_clock
from tests.test_live_counts import inbox_label, shown_ids
from tests.tui_helpers import SIZE, main_screen, settle, wait_until

# The demo set's New leads that ben owns.
BENS = {8, 4, 34, 6, 3, 38}


@pytest.mark.parametrize("named", [True, False], ids=["named", "looked-up"])
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
