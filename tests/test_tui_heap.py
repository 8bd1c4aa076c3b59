"""A leadtui process freezes its long-lived heap once the main screen is up,
so the cyclic collector's full passes stop walking it (their longest pause
on the board at 100k leads 92-140 ms, 68-69 ms frozen). Only the app's own
process: a test process runs many apps and must not keep their garbage."""

import gc

import pytest
from textual.pilot import Pilot

from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from tests.tui_helpers import settle, wait_until


@pytest.fixture
def freezes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """gc.freeze's calls, recorded instead of made."""
    calls: list[str] = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    return calls


@pytest.mark.parametrize("whole_process", [True, False])
@pytest.mark.slow
async def test_the_heap_is_frozen_once_the_main_screen_is_up_in_its_own_process(
    repo: Repository, freezes: list[str], whole_process: bool
) -> None:
    repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    app.whole_process = whole_process  # as run() sets it; run_test does not
    async with app.run_test() as pilot:
        await settle(pilot)
        if whole_process:
            await wait_until(pilot, lambda: freezes == ["freeze"])
        await pilot.press("2", "j", "1")
        await settle(pilot)
        assert freezes == (["freeze"] if whole_process else [])


def test_run_marks_the_app_as_its_processs_own(repo: Repository, freezes: list[str]) -> None:
    app = LeadApp(repo)
    assert not app.whole_process
    app.run(headless=True, auto_pilot=_quit)
    assert app.whole_process


async def _quit(pilot: Pilot[None]) -> None:
    await settle(pilot)  # the screens up: nothing left half-started
    pilot.app.exit()
