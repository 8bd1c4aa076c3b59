"""A lead whose stored name reads as nothing once cleaned: another program
(sqlite3, an older import) stored only control or zero-width characters.
Every screen and command names it "(no name)", no control character
reaches the terminal, an edit of another field is not refused over the
name, and the `e` form says the name is needed and saves one typed."""

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Static

from leadtui.cli.root import main
from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.edit import EditLeadScreen
from leadtui.tui.dialogs.fields import TextField
from tests.notifications import notes
from tests.tui_helpers import column, inbox_names, settle, wait_until

NOTHING = "\u200b\x07\u200b"  # a zero-width space, a BEL, a zero-width space
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b]")


def _nameless(repo: Repository, db_path: Path) -> int:
    repo.add_lead(build_draft(name="Ann Lee"))
    lead_id = repo.add_lead(build_draft(name="Bob", email="bob@x.io", company="Acme"))
    with sqlite3.connect(db_path) as conn:  # as another program would
        conn.execute("UPDATE leads SET name = ? WHERE id = ?", (NOTHING, lead_id))
    return lead_id


def test_an_edit_of_another_field_is_not_refused_over_the_name(
    repo: Repository, db_path: Path
) -> None:
    lead_id = _nameless(repo, db_path)
    repo.update_fields(lead_id, {"email": "bob@y.io"})
    lead = repo.get_lead(lead_id)
    assert (lead.email, lead.name) == ("bob@y.io", NOTHING)  # the name left as stored
    assert lead.tag() == f"#{lead_id} (no name)"


def test_commands_name_it_no_name(repo: Repository, db_path: Path) -> None:
    lead_id = _nameless(repo, db_path)

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, [*args, "--db", str(db_path)])
        assert result.exit_code == 0, result.output
        assert not CONTROLS.search(result.output)
        return result.output

    assert f"Lead:        #{lead_id} (no name)\n" in run("show", str(lead_id))
    assert f" {lead_id}  new " in run("list")
    assert run("list").endswith("  (no name) (Acme)\n")
    assert f"{lead_id}  new         (no name) (Acme) bob@x.io" in run("search", "acme")
    assert f"#{lead_id} (no name): email bob@x.io → bob@y.io" in run(
        "set", str(lead_id), "email", "bob@y.io"
    )


@pytest.mark.slow
async def test_screens_name_it_and_the_form_asks_for_a_name(
    repo: Repository, db_path: Path
) -> None:
    lead_id = _nameless(repo, db_path)
    app = LeadApp(repo)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert inbox_names(app)[0] == "(no name)"
        await pilot.press("2")
        await settle(pilot)
        cards = column(app, "new").cards
        assert "(no name)" in str(cards.get_option_at_index(0).prompt)
        await pilot.press("1", "e")
        await wait_until(pilot, lambda: isinstance(app.screen, EditLeadScreen))
        form = app.screen
        assert isinstance(form, EditLeadScreen)
        title = str(form.query_one(".dialog-title", Static).render())
        assert title == f"Edit #{lead_id} (no name)"
        name = form.query_one("#edit-0", TextField)
        assert name.value == ""
        error = form.query_one("#edit-0-error", Static)
        assert error.display
        assert str(error.render()) == (
            'needed: the stored name ("\\u200b\\u0007\\u200b") shows nothing; type one'
        )
        form.query_one("#edit-1", TextField).value = "bob@y.io"
        await pilot.press("enter")  # refused: the name is needed
        await settle(pilot)
        assert app.screen is form and app.focused is name
        await pilot.press(*"Bob Roe", "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, EditLeadScreen))
        await settle(pilot)
        assert notes(app)[-1].message == f"#{lead_id} Bob Roe: saved name, email"
    lead = repo.get_lead(lead_id)
    assert (lead.name, lead.email) == ("Bob Roe", "bob@y.io")
