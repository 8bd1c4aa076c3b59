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
    ("name", "keys"),
    [
        ("inbox", ()),
        ("pipeline", ("2",)),
        ("pipeline_moved", ("2", "l", "j", "a")),
        ("lead", ("2", "l", "l", "enter")),
        ("kpis", ("4",)),
        ("quick_add_error", ("n", *"Ann", "tab", *"ann@", "enter")),
        ("lose_prompt", ("x",)),
        ("log_touch", ("l", *"Asked for pricing")),
        ("keys_help", ("question_mark",)),
        # The one-liner's preview, with a duplicate of a sample lead caught.
        ("quick_add_line", ("n", *"Sam Osei <samuel.osei@accrahealth.gh> $5k #vip !fri")),
        # The c form, and the Lead tab after it: SQL, high fit, budget yes
        # with a note, authority no.
        ("classify", ("c", "s", "down", "h", "down", "y", "down", *"approved Q1", "down", "n")),
        ("lead_classified", CLASSIFY_TOP_LEAD),
        ("edit_form", ("e",)),
        # Two cards marked for a bulk move under a filter (its line on top),
        # then the one confirmation with the count.
        ("board_marked_filtered", ("2", "exclamation_mark", "space", "space")),
        ("bulk_confirm", ("2", "space", "space", "a")),
        # Sorted by age (Age▲), and the s prompt.
        ("inbox_by_age", ("o", "o", "o")),
        ("snooze_prompt", ("s",)),
    ],
)
def test_snapshot(
    name: str, keys: tuple[str, ...], snap_compare: SnapCompare, sample_repo: Repository
) -> None:
    assert snap_compare(
        LeadApp(sample_repo), terminal_size=SIZE, run_before=keys_then_settle(*keys)
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


def test_snapshot_lead_tab_wide(snap_compare: SnapCompare, sample_repo: Repository) -> None:
    """The Lead tab at 160x50: every block side by side or in full."""
    assert snap_compare(
        LeadApp(sample_repo),
        terminal_size=(160, 50),
        run_before=keys_then_settle(*CLASSIFY_TOP_LEAD),
    )
