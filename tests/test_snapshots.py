"""Snapshots of each tab and dialog at 80x24, on the sample data, time frozen.

Review a changed snapshot (pytest --snapshot-update writes it; the report
shows the difference) before accepting it.
"""

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from leadtui.domain.models import build_draft
from leadtui.repository import Repository, open_repository
from leadtui.tui.app import LeadApp
from tests.conftest import frozen_clock
from tests.dialog_cases import DIALOGS
from tests.tui_helpers import SIZE, settle

SnapCompare = Callable[..., bool]


def keys_then_settle(*keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        # Blinking cursors and timed notifications would make snapshots flaky.
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


CLASSIFY_TOP_LEAD = (
    *("enter", "c", "s", "down", "h", "down", "y", "down", *"approved Q1", "down", "n"),
    *("enter", "f", *"tomorrow", "enter"),
)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param((), id="inbox"),
        pytest.param(("2",), id="pipeline"),
        pytest.param(("2", "l", "j", "a"), id="pipeline_moved", marks=pytest.mark.slow),
        pytest.param(("2", "l", "l", "enter"), id="lead"),
        pytest.param(("4",), id="kpis"),
        pytest.param(
            ("n", *"Ann", "tab", *"ann@", "enter"), id="quick_add_error", marks=pytest.mark.slow
        ),
        pytest.param(("l", *"Asked for pricing"), id="log_touch_typed", marks=pytest.mark.slow),
        # The one-liner's preview, with a duplicate of a sample lead caught.
        pytest.param(
            ("n", *"Sam Osei <samuel.osei@accrahealth.gh> $5k #vip !fri"),
            id="quick_add_line",
            marks=pytest.mark.slow,
        ),
        # The c form, and the Lead tab after it: SQL, high fit, budget yes
        # with a note, authority no.
        pytest.param(
            ("c", "s", "down", "h", "down", "y", "down", *"approved Q1", "down", "n"),
            id="classify_filled",
            marks=pytest.mark.slow,
        ),
        pytest.param(CLASSIFY_TOP_LEAD, id="lead_classified", marks=pytest.mark.slow),
        # Two cards marked for a bulk move under a filter (its line on top).
        pytest.param(
            ("2", "exclamation_mark", "space", "space"),
            id="board_marked_filtered",
            marks=pytest.mark.slow,
        ),
        # Sorted by age (Age▲), by follow-up (Due▲), and the Due list.
        pytest.param(("o", "o"), id="inbox_by_age", marks=pytest.mark.slow),
        pytest.param(("o", "o", "o"), id="inbox_by_follow_up", marks=pytest.mark.slow),
        pytest.param(("d",), id="due_list", marks=pytest.mark.slow),
    ],
)
@pytest.mark.slow
def test_snapshot(
    keys: tuple[str, ...], snap_compare: SnapCompare, sample_repo: Repository
) -> None:
    assert snap_compare(
        LeadApp(sample_repo), terminal_size=SIZE, run_before=keys_then_settle(*keys)
    )


@pytest.mark.slow  # one app per dialog; test_dialogs.py measures them too
@pytest.mark.parametrize("name", [pytest.param(name, id=name) for name in DIALOGS])
def test_dialog_snapshot(name: str, snap_compare: SnapCompare, sample_repo: Repository) -> None:
    """Every dialog, centred at 80x24 (tests/dialog_cases.py)."""
    case = DIALOGS[name]
    if case.prepare:
        case.prepare(sample_repo)
    assert snap_compare(
        LeadApp(sample_repo), terminal_size=SIZE, run_before=keys_then_settle(*case.keys)
    )


def test_snapshot_empty_database(snap_compare: SnapCompare, tmp_path: Path) -> None:
    repo = open_repository(tmp_path / "empty.db", actor="tester", clock=frozen_clock)
    assert snap_compare(LeadApp(repo), terminal_size=SIZE, run_before=keys_then_settle())


def test_snapshot_hostile_text(snap_compare: SnapCompare, tmp_path: Path) -> None:
    repo = open_repository(tmp_path / "hostile.db", actor="tester", clock=frozen_clock)
    hostile: dict[str, Any] = {
        "name": "Acme [/] Corp [@click=app.quit]x",
        "company": "[b]Lead [VIP][/b] \x1b[31mred",
    }
    repo.add_lead(build_draft(**hostile))
    assert snap_compare(LeadApp(repo), terminal_size=SIZE, run_before=keys_then_settle())


@pytest.mark.slow
def test_snapshot_lead_tab_wide(snap_compare: SnapCompare, sample_repo: Repository) -> None:
    """The Lead tab at 160x50: every block side by side or in full."""
    assert snap_compare(
        LeadApp(sample_repo),
        terminal_size=(160, 50),
        run_before=keys_then_settle(*CLASSIFY_TOP_LEAD),
    )
