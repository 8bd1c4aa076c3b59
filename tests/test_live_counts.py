"""The inbox tab's count under a filter, followed live (tui/follow.py).
Specification: whatever a teammate changes that lets a New lead into the
filtered inbox or out of it (its owner, an undone reassignment, its
source, its pinned temperature, a snooze), the tab's count moves with it,
both ways, to what a count read afresh says; and it stays true after `j`
and a trip to another tab and back."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from textual.widgets import TabbedContent

from leadtui.domain.filters import parse
from leadtui.domain.models import Stage, Temperature, build_draft
from leadtui.repository import Repository, open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.panes.inbox import PAGE_SIZE, InboxPane
from tests.conftest import NOW, frozen_clock
from tests.tui_helpers import SIZE, main_screen, settle, wait_until

# The demo set's New leads: ben owns #8 (partner, hot), #4, #34, #6, #3,
# #38; anna owns #2 (event, hot), #1 (referral, hot) and the rest.
Write = Callable[[Repository], object]


def _assign(owner: str, lead_id: int, was: str) -> Write:
    return lambda teammate: teammate.assign_many(owner, [(lead_id, was)])


def _undo(teammate: Repository) -> object:
    return teammate.undo()


def _hide(lead_id: int) -> Write:
    return lambda teammate: teammate.hide_until(lead_id, NOW + timedelta(days=3))


# In turn, on one console: the filter, the teammate's write, the lead it
# concerns, how the count moves.
STEPS: list[tuple[str, Write, int, int]] = [
    ("owner:me", _assign("dev", 8, "ben"), 8, -1),
    ("owner:me", _assign("ben", 2, "anna"), 2, +1),
    ("owner:me", _undo, 2, -1),  # that reassignment undone
    ("owner:me", _hide(4), 4, -1),
    ("mine", _assign("carla", 6, "ben"), 6, -1),
    ("source:referral", lambda t: t.update_fields(1, {"source": "website"}), 1, -1),
    ("source:referral", lambda t: t.update_fields(43, {"source": "referral"}), 43, +1),
    ("hot", lambda t: t.pin_temperature(41, Temperature.COLD), 41, -1),
    ("hot", lambda t: t.pin_temperature(3, Temperature.HOT), 3, +1),
    ("", _hide(34), 34, -1),
]  # fmt: skip


def inbox_label(app: LeadApp) -> str:
    return str(main_screen(app).query_one(TabbedContent).get_tab("inbox").content)


def shown_ids(app: LeadApp) -> list[int]:
    return [lead.id for lead in main_screen(app).query_one(InboxPane).loaded()]


@pytest.mark.slow  # about 8 s: many teammates' writes, each awaited on screen
async def test_a_teammates_changes_move_the_filtered_count_both_ways(
    sample_repo: Repository,
) -> None:
    console = open_repository(sample_repo.path, actor="ben", clock=frozen_clock)
    teammate = open_repository(sample_repo.path, actor="anna", clock=frozen_clock)
    app = LeadApp(console)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for text, write, lead_id, moved in STEPS:
            only = parse(text)
            if only != main_screen(app).only:
                main_screen(app).apply_filter(only)
                await settle(pilot)

            def truth() -> int:
                return console.count_in_stage(Stage.NEW, awake_at=NOW, only=only)  # noqa: B023

            before = truth()
            assert inbox_label(app) == f"1 Inbox {before:,}"
            was_shown = lead_id in shown_ids(app)
            write(teammate)
            assert truth() == before + moved
            # The row goes or comes (it did before the count followed).
            await wait_until(pilot, lambda: (lead_id in shown_ids(app)) != was_shown)  # noqa: B023
            await settle(pilot)
            assert inbox_label(app) == f"1 Inbox {truth():,}", (text, lead_id)
        await pilot.press("j", "2")
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert inbox_label(app) == f"1 Inbox {console.count_in_stage(Stage.NEW, awake_at=NOW):,}"


async def test_a_lead_arriving_below_the_loaded_pages_is_counted(repo: Repository) -> None:
    """At 100k leads most arrive where no page is loaded: no page is
    re-read for them, and the count was read only with a page."""
    arriving = repo.add_lead(build_draft(name="Oldest", owner="dev"))  # listed last
    for n in range(PAGE_SIZE + 5):
        repo.add_lead(build_draft(name=f"Lead {n}", owner="tester"))
    only = parse("owner:me")
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        main_screen(app).apply_filter(only)
        await settle(pilot)
        assert inbox_label(app) == f"1 Inbox {PAGE_SIZE + 5}"
        teammate = open_repository(repo.target, actor="anna", clock=frozen_clock)
        teammate.assign_many("tester", [(arriving, "dev")])
        await wait_until(pilot, lambda: inbox_label(app) == f"1 Inbox {PAGE_SIZE + 6}")
        assert arriving not in shown_ids(app)  # (beyond the pages loaded)
