"""A dialog's scrolling box of fields never takes focus itself: shift+tab
from the edit form's name (up from the merge dialog's first row) focused the
box, which shows no focus, and what was typed there went nowhere."""

import pytest
from textual.widgets import Input

from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.merge import MergeScreen, PickRow
from tests.tui_helpers import SIZE, open_edit_form, settle, wait_until


@pytest.mark.slow
async def test_shift_tab_from_the_name_reaches_the_last_field(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", company="Acme"))
    repo.update_fields(lead_id, {"custom.Region": "North"})
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_edit_form(app, pilot)
        name = form.query_one("#edit-0", Input)
        assert app.focused is name
        await pilot.press("shift+tab")
        region = form.query_one(f"#edit-{len(form.fields) - 1}", Input)
        assert form.fields[-1] == ("custom.Region", "Region")
        assert app.focused is region
        await pilot.press("Q", "Q")
        assert region.value == "NorthQQ"
        await pilot.press("tab")
        assert app.focused is name


async def test_up_from_the_first_merge_row_stays_on_a_row(repo: Repository) -> None:
    keep = repo.add_lead(build_draft(name="Ann", email="ann@acme.io"))
    other = repo.add_lead(build_draft(name="Ann Lee", email="ann@acme.io"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(MergeScreen(repo.get_lead(keep), repo.get_lead(other)))
        await wait_until(pilot, lambda: isinstance(app.focused, PickRow))
        rows = list(app.screen.query(PickRow))
        assert app.focused is rows[0]
        await pilot.press("up")
        assert app.focused is rows[-1]
