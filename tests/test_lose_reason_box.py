"""The `x` box: enter takes the reason the typed text begins (the one the
box suggests), not the text itself: `no b` + enter stored "no b" as a new
reason, a KPI Outcomes row of its own. A new reason stays one key away: a
"new reason: …" row after the suggestions, or simply text that begins none."""

import pytest
from textual.widgets import OptionList, Static

from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.lose import LoseReasonScreen, completed
from tests.tui_helpers import SIZE, settle, wait_until


async def lose_typing(repo: Repository, *keys: str) -> str | None:
    """Lose a new lead pressing x, then `keys`: its lost reason."""
    lead_id = repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, LoseReasonScreen))
        await pilot.press(*keys)
        await settle(pilot)
        assert not isinstance(app.screen, LoseReasonScreen)
    lead = repo.get_lead(lead_id)
    assert lead.stage is Stage.LOST
    return lead.lost_reason


async def test_enter_takes_the_suggested_reason_a_prefix_begins(repo: Repository) -> None:
    assert await lose_typing(repo, *"no b", "enter") == "No budget"


async def test_the_new_reason_row_keeps_what_is_typed(repo: Repository) -> None:
    # ↓ into the list: "No budget", then "new reason: no b".
    assert await lose_typing(repo, *"no b", "down", "down", "enter") == "no b"


@pytest.mark.slow
async def test_a_reason_that_begins_none_is_new(repo: Repository) -> None:
    assert await lose_typing(repo, *"Price too high", "enter") == "Price too high"


async def test_the_box_says_what_enter_takes(repo: Repository) -> None:
    repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, LoseReasonScreen))
        await pilot.press(*"no b")
        await settle(pilot)
        takes = app.screen.query_one("#lose-enter-takes", Static)
        assert str(takes.render()) == "enter: No budget"
        choices = app.screen.query_one("#lose-reasons", OptionList)
        shown = [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]
        assert shown == ["No budget", "new reason: no b"]
        await pilot.press(*"ogus")
        await settle(pilot)
        assert str(takes.render()) == "enter: new reason no bogus"


@pytest.mark.parametrize(
    ("typed", "takes"),
    [
        ("NO  BUDGET", "No budget"),
        ("no budget", "No budget"),  # spelled, not "No budget yet" that it begins too
        ("No b", "No budget yet"),  # the first it begins, as the box suggests it
        ("bad", "Bad timing"),
        ("budget", None),  # inside one, not its start: a new reason
        ("", None),
    ],
)
def test_completed(typed: str, takes: str | None) -> None:
    assert completed(typed, ["No budget yet", "No budget", "Bad timing"]) == takes
