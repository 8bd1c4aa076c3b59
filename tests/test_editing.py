"""Editing a lead's fields: `update_fields` validates the whole lead, saves
nothing when any field is bad, journals each change, and merges field by
field with a teammate's edit; `leadtui set` and the `e` form on top of it."""

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input, Static

from leadtui.cli.root import main
from leadtui.domain.errors import InvalidInput, StaleLead
from leadtui.domain.models import Source, build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.edit import EditLeadScreen
from tests.notifications import notes
from tests.tui_helpers import SIZE, main_screen, open_edit_form, wait_until


def field_changes(repo: Repository, lead_id: int) -> list[str]:
    return [e.summary() for e in repo.history(lead_id) if e.type == "field_change"]


def editing(app: LeadApp) -> bool:
    return isinstance(app.screen, EditLeadScreen)


def error_shown(line: Static) -> bool:
    return line.display


def test_fields_tags_and_custom_fields_are_saved_and_journaled(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", company="Acme"))
    lead = repo.update_fields(
        lead_id,
        {"value": "5k", "source": "referral", "tags": "VIP, expo, vip", "custom.Region": "EMEA"},
    )
    assert (lead.value_cents, lead.source, lead.tags) == (500_000, Source.REFERRAL, ["expo", "vip"])
    assert lead.custom == {"Region": "EMEA"}
    assert lead.version == 2
    assert sorted(field_changes(repo, lead_id)) == [
        "custom.Region: — → EMEA",
        "source: other → referral",
        "tags: — → expo, vip",
        "value: — → 5,000",
    ]
    repo.update_fields(lead_id, {"custom.Region": "", "company": ""})
    lead = repo.get_lead(lead_id)
    assert lead.custom == {} and lead.company is None
    assert field_changes(repo, lead_id)[:2] == ["company: Acme → —", "custom.Region: EMEA → —"]


def test_the_expected_close_day_is_set_shown_and_cleared(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", expected_close="2027-01-31"))
    assert repo.get_lead(lead_id).expected_close == date(2027, 1, 31)
    lead = repo.update_fields(lead_id, {"expected_close": " 2027-03-01 "})
    assert lead.expected_close == date(2027, 3, 1)
    assert repo.update_fields(lead_id, {"expected_close": ""}).expected_close is None
    assert field_changes(repo, lead_id) == [
        "expected_close: 2027-03-01 → —",
        "expected_close: 2027-01-31 → 2027-03-01",
    ]


def test_an_unchanged_field_writes_nothing(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", value_cents=500_000))
    lead = repo.update_fields(lead_id, {"name": "Ann", "value": "5,000"})
    assert lead.version == 1 and field_changes(repo, lead_id) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "nope"}, "email: not a valid email address"),
        ({"value": "$abc"}, "value: must be an amount of 0 or more"),
        ({"value": "-5"}, "value: must be an amount of 0 or more"),
        ({"name": ""}, "name:"),
        ({"name": "x" * 201}, "name:"),
        ({"source": "carrier pigeon"}, "source:"),
        ({"colour": "red"}, "colour: not a field you can set"),
        ({"expected_close": "next spring"}, "expected_close: a day like 2027-01-31"),
    ],
)
def test_a_bad_field_saves_nothing_at_all(
    repo: Repository, changes: dict[str, str], message: str
) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    with pytest.raises(InvalidInput, match=message):
        # The good field in the same edit is not saved either.
        repo.update_fields(lead_id, {"company": "Acme", **changes})
    lead = repo.get_lead(lead_id)
    assert lead.company is None and lead.version == 1 and field_changes(repo, lead_id) == []


def test_a_teammates_edit_to_another_field_is_kept(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", company="Acme"))
    seen = repo.get_lead(lead_id)
    Repository(repo.path, clock=repo.clock, actor="maria").update_fields(
        lead_id, {"phone": "+44 20 7946 0001"}
    )
    lead = repo.update_fields(lead_id, {"company": "Acme Ltd"}, seen=seen)
    assert (lead.company, lead.phone) == ("Acme Ltd", "+44 20 7946 0001")


def test_a_teammates_edit_to_the_same_field_is_refused_and_named(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", company="Acme"))
    seen = repo.get_lead(lead_id)
    Repository(repo.path, clock=repo.clock, actor="maria").update_fields(
        lead_id, {"company": "Acme Corp"}
    )
    with pytest.raises(
        StaleLead, match="maria changed company to 'Acme Corp' 0s ago; nothing was saved"
    ):
        repo.update_fields(lead_id, {"company": "Acme Ltd", "title": "CTO"}, seen=seen)
    lead = repo.get_lead(lead_id)
    assert (lead.company, lead.title) == ("Acme Corp", None)  # nothing of the stale edit


# One database for every example: each example edits a lead of its own.
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=250))
def test_an_edit_validates_exactly_like_a_new_lead(repo: Repository, text: str) -> None:
    """Whatever the text, an edit ends as adding it would: the same cleaned
    fields, or the same refusal with nothing saved."""
    lead_id = repo.add_lead(build_draft(name="Ann"))
    try:
        expected = build_draft(name=text, company=text, notes=text)
    except InvalidInput as refusal:
        with pytest.raises(InvalidInput) as error:
            repo.update_fields(lead_id, {"name": text, "company": text, "notes": text})
        assert str(error.value) == str(refusal)
        assert repo.get_lead(lead_id).name == "Ann"
        return
    lead = repo.update_fields(lead_id, {"name": text, "company": text, "notes": text})
    assert (lead.name, lead.company, lead.notes) == (
        expected.name,
        expected.company,
        expected.notes,
    )


def test_cli_set(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    runner = CliRunner()
    assert runner.invoke(main, ["add", "Ann", "--db", db]).exit_code == 0
    result = runner.invoke(main, ["set", "1", "value", "1.2m", "--db", db])
    assert result.exit_code == 0 and result.output == "#1 Ann: value — → 1,200,000\n"
    result = runner.invoke(main, ["set", "1", "email", "no-at-sign", "--db", db])
    assert result.exit_code == 1
    assert result.output == "Error: email: not a valid email address\n"
    result = runner.invoke(main, ["set", "1", "value", "1.2m", "--db", db])
    assert result.output == "#1 Ann: value unchanged\n"
    result = runner.invoke(main, ["show", "1", "--db", db])
    assert "value: — → 1,200,000" in result.output


async def test_e_edits_inline_errors_block_saving_until_fixed(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", company="Acme"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_edit_form(app, pilot)
        email = app.screen.query_one("#edit-1", Input)
        assert app.screen.query_one("#edit-3", Input).value == "Acme"
        email.value = "ann-at-acme"
        await pilot.press("ctrl+s")
        error = app.screen.query_one("#edit-1-error", Static)
        assert "not a valid email" in str(error.render())
        assert error.display
        assert editing(app) and email.has_focus
        email.value = "ann@acme.io"
        await pilot.pause()
        assert not error_shown(error)  # cleared as the field is fixed
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: repo.get_lead(lead_id).email == "ann@acme.io")
        assert not editing(app)
        assert field_changes(repo, lead_id) == ["email: — → ann@acme.io"]
        main_screen(app)  # back on the tabs


async def test_e_refuses_an_edit_a_teammate_overtook(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", company="Acme"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_edit_form(app, pilot)
        Repository(repo.path, clock=repo.clock, actor="maria").update_fields(
            lead_id, {"company": "Acme Corp"}
        )
        app.screen.query_one("#edit-3", Input).value = "Acme Ltd"
        await pilot.press("ctrl+s")
        await wait_until(
            pilot, lambda: any("maria changed company" in n.message for n in notes(app))
        )
        assert repo.get_lead(lead_id).company == "Acme Corp"


async def test_multi_line_notes_survive_an_edit_of_another_field(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", notes="Asked for a demo.\nCall back Tuesday."))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_edit_form(app, pilot)
        app.screen.query_one("#edit-3", Input).value = "Acme"  # company
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: repo.get_lead(lead_id).company == "Acme")
        assert repo.get_lead(lead_id).notes == "Asked for a demo.\nCall back Tuesday."
        assert field_changes(repo, lead_id) == ["company: — → Acme"]  # notes untouched


@pytest.mark.slow
async def test_e_reads_a_bare_dollar_in_the_leads_own_dollar(repo: Repository) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", value_cents="C$1k"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_edit_form(app, pilot)
        value = app.screen.query_one("#edit-7", Input)
        assert value.value == "1,000"
        value.value = "$500"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: repo.get_lead(lead_id).value_cents == 50_000)
        assert not editing(app)
        assert repo.get_lead(lead_id).currency == "CAD"


async def test_e_takes_the_first_key_typed_into_the_name(repo: Repository) -> None:
    """The form opened with the scrolling dialog focused: the first keys
    typed went nowhere."""
    lead_id = repo.add_lead(build_draft(name="Ann"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_edit_form(app, pilot)
        await pilot.press("e", "enter")
        await wait_until(pilot, lambda: repo.get_lead(lead_id).name == "Anne")


async def test_e_an_unknown_currency_is_the_values_inline_error(repo: Repository) -> None:
    """'5k XYZ': the currency's error has no field of its own in the form;
    it crashed the app (the form and what was typed lost)."""
    lead_id = repo.add_lead(build_draft(name="Ann", value_cents="5k"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await open_edit_form(app, pilot)
        value = app.screen.query_one("#edit-7", Input)
        value.value = "5k XYZ"
        await pilot.press("ctrl+s")
        error = app.screen.query_one("#edit-7-error", Static)
        await wait_until(pilot, lambda: error_shown(error))
        assert "'XYZ' is not an ISO 4217 code" in str(error.render())
        assert editing(app) and value.has_focus and app.is_running
        assert repo.get_lead(lead_id).value_cents == 500_000
