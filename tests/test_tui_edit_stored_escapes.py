"""The `e` form over a lead another program (sqlite3, a script) wrote
escape sequences into: the form shows them cleaned, and saving writes only
the fields the rep changed, never the cleaned text of those left alone, and
never a second custom field beside one whose name holds an escape."""

import sqlite3
from pathlib import Path

from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.edit import EditLeadScreen
from leadtui.tui.dialogs.fields import TextField
from tests.tui_helpers import open_edit_form, settle, wait_until

KEY = "cf\x1b[31m"


async def test_only_the_field_changed_is_saved(repo: Repository, db_path: Path) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", email="a@y.com", owner="anna"))
    repo.update_fields(lead_id, {"custom.cf": "v"})
    with sqlite3.connect(db_path) as conn:  # as another program would
        conn.execute(
            "UPDATE leads SET email = ?, owner = ? WHERE id = ?",
            ("x\x1b[5m@y.com", "anna\x1b[31m", lead_id),
        )
        conn.execute("UPDATE custom_fields SET name = ?, value = ?", (KEY, "val\x1b[32m\x07"))
    app = LeadApp(repo)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_edit_form(app, pilot)
        index = [field for field, _ in form.fields].index("value")
        form.query_one(f"#edit-{index}", TextField).value = "5k"
        assert form.changes() == {"value": "5k"}
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, EditLeadScreen))
        await settle(pilot)
    lead = repo.get_lead(lead_id)
    assert lead.value_cents == 500_000
    assert (lead.email, lead.owner) == ("x\x1b[5m@y.com", "anna\x1b[31m")  # left alone
    assert lead.custom == {KEY: "val\x1b[32m\x07"}
    # One journal line, the value's, besides the setup's custom field.
    assert [entry.field for entry in repo.history(lead_id) if entry.field] == [
        "value",
        "custom.cf",
    ]


def test_a_custom_field_named_with_an_escape_is_written_where_it_is(
    repo: Repository, db_path: Path
) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.update_fields(lead_id, {"custom.cf": "v"})
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE custom_fields SET name = ?", (KEY,))
    repo.update_fields(lead_id, {f"custom.{KEY}": "new"})
    assert repo.get_lead(lead_id).custom == {KEY: "new"}
    repo.update_fields(lead_id, {"custom.Region ": "EU"})  # a new name is still cleaned
    assert repo.get_lead(lead_id).custom == {KEY: "new", "Region": "EU"}
