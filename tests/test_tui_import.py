"""The palette's "Import file…": preview first, import on confirm, at 80x24."""

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static

from leadtui.domain.models import Stage
from leadtui.domain.users import Identity, Role
from leadtui.importing.profile import NO_AMOUNT_COLUMNS
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.import_file import CLI_OPTIONS, ImportScreen
from leadtui.tui.dialogs.import_file import preview_text as dialog_preview
from tests.notifications import notes
from tests.tui_helpers import SIZE, inbox_names, main_screen, settle, wait_until

HOSTILE_FILE = (
    "Name,Email,Tier\nAcme [/] Corp [@click=app.quit]x,acme@x.com,[b]gold\nBad Row,not-an-email,\n"
)


def palette_offers(app: LeadApp, prompt: str) -> bool:
    lists = app.screen.query(OptionList)
    return any(prompt in str(option.prompt) for options in lists for option in options.options)


def dialog_ready(app: LeadApp) -> bool:
    return isinstance(app.screen, ImportScreen) and bool(app.screen.query(Input))


async def preview(app: LeadApp, pilot: Pilot[None], source: Path) -> None:
    """The import dialog, opened from the main screen, asked to preview `source`."""
    main_screen(app).start_import()
    await wait_until(pilot, lambda: dialog_ready(app))
    app.screen.query_one(Input).value = str(source)
    await pilot.press("enter")


def preview_text(app: LeadApp) -> str:
    return str(app.screen.query_one("#import-preview-text", Static).render())


@pytest.mark.parametrize("role", [Role.REP, Role.MANAGER])
@pytest.mark.slow
async def test_in_a_browser_no_file_on_the_server_is_read(
    repo: Repository, tmp_path: Path, role: Role
) -> None:
    """A path typed in a browser names a file on the server: its passwords,
    a teammate's export. The palette does not offer the import, and the
    dialog does not open, for any role; nothing is read or written."""
    secret = tmp_path / "secret.csv"
    secret.write_text("Name,Email\nTop Secret,boss@corp.example\n", encoding="utf-8")
    app = LeadApp(repo, identity=Identity.browser("anna", role))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: palette_offers(app, "Quit"))  # every provider's list
        assert not palette_offers(app, "Import file")
        await pilot.press(*"import")
        await wait_until(pilot, lambda: palette_offers(app, "No matches found"))
        await pilot.press("escape")
        main_screen(app).start_import()
        await wait_until(pilot, lambda: bool(notes(app)))
        assert not isinstance(app.screen, ImportScreen)
        assert notes(app)[-1].message.startswith("Import file… is not offered in a browser")
        assert notes(app)[-1].severity == "error"
    assert not repo.has_leads()
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv") == ["secret.csv"]


@pytest.mark.slow
async def test_palette_import_previews_then_imports_on_confirm(
    repo: Repository, tmp_path: Path
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(HOSTILE_FILE, encoding="utf-8")
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"import")
        await wait_until(pilot, lambda: palette_offers(app, "Import file"))
        await pilot.press("enter")
        await wait_until(pilot, lambda: dialog_ready(app))
        app.screen.query_one(Input).value = str(source)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "would import 1" in preview_text(app))
        text = preview_text(app)
        assert text.startswith("read 2 rows: would import 1")
        # The same preview as `leadtui import --dry-run`: one mapping per line.
        assert re.search(r"^  Name +→ name$", text, re.M)
        assert re.search(r"^  Tier +→ custom field 'Tier'$", text, re.M)
        assert "line 3: email: not a valid email address" in text
        assert not repo.has_leads()  # the preview wrote nothing
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: not isinstance(app.screen, ImportScreen))
        await settle(pilot)
        assert inbox_names(app) == ["Acme [/] Corp [@click=app.quit]x"]
        assert (tmp_path / "leads.rejects.csv").exists()
        assert app.is_running  # the markup in the data ran nothing
        await pilot.press("enter")  # the Lead tab shows the custom field, literally
        custom = app.screen.query_one("#lead-custom", Static)
        await wait_until(pilot, lambda: "Tier: [b]gold" in str(custom.render()))


async def test_a_missing_file_is_an_inline_error(repo: Repository, tmp_path: Path) -> None:
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await preview(app, pilot, tmp_path / "nope.csv")
        error = app.screen.query_one("#import-error", Static)
        await wait_until(pilot, lambda: "no such file" in str(error.render()))
        await pilot.press("ctrl+y")  # nothing previewed: nothing to import
        assert isinstance(app.screen, ImportScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, ImportScreen)


UNKNOWN_STAGES = (
    "Name,Email,Stage\nAnn,ann@x.com,Other\nBob,bob@x.com,Other\n"
    "Cy,cy@x.com,Won\nDi,di@x.com,Contacted\nEd,ed@x.com,Lost\nFay,fay@x.com,New\n"
)


@pytest.mark.slow
async def test_values_it_does_not_know_are_mapped_in_the_dialog(
    repo: Repository, tmp_path: Path
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(UNKNOWN_STAGES, encoding="utf-8")
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await preview(app, pilot, source)
        await wait_until(pilot, lambda: bool(app.screen.query(Select)))
        text = preview_text(app)
        # No command-line option a TUI user could not apply; a question instead.
        assert "--value-map" not in text
        assert "1 value of stage it does not know: say what each means below" in text
        assert "line 2: Ann · ann@x.com · New" in text
        label = app.screen.query_one(".import-value-label", Static)
        assert str(label.render()) == "stage: 'Other' in 'Stage' (2 rows)"
        # Chosen with the keyboard, one tab from the path: the preview follows,
        # and so does the import.
        await pilot.press("tab")
        select = app.screen.query_one(Select)
        assert select.has_focus
        await pilot.press("enter", "down", "down", "down", "enter")  # keep, new, contacted, engaged
        await wait_until(pilot, lambda: "line 2: Ann · ann@x.com · Engaged" in preview_text(app))
        assert "line 3: Bob · bob@x.com · Engaged" in preview_text(app)
        await settle(pilot)
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: not isinstance(app.screen, ImportScreen))
        await settle(pilot)
    engaged = [lead.name for lead in repo.leads_in_stage(Stage.ENGAGED, limit=10)]
    assert sorted(engaged) == ["Ann", "Bob"]


async def test_the_preview_says_where_its_options_apply(repo: Repository, tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        "Name,Status\nAnn,On Hold\nBob,On Hold\nCy,Pending review\nDi,Contacted\n",
        encoding="utf-8",
    )
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await preview(app, pilot, source)
        await wait_until(pilot, lambda: "would import" in preview_text(app))
        text = preview_text(app)
        assert "--map Status=stage" in text  # a column kept as a custom field
        assert text.endswith(CLI_OPTIONS)


WEB_FORM = (
    "Name,Email,Quality\nAnn,ann@x.com,High in Relevance\n"
    "Bob,bob@x.com,Might be\nCy,cy@x.com,High in Relevance\n"
)


@pytest.mark.slow
async def test_a_column_kept_as_custom_can_be_read_as_its_field(
    repo: Repository, tmp_path: Path
) -> None:
    """`--map Quality=fit` and `--value-map`, for a rep with no command line
    (a browser's): the column read as fit after all, then its values asked."""
    source = tmp_path / "form.csv"
    source.write_text(WEB_FORM, encoding="utf-8")
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await preview(app, pilot, source)
        await wait_until(pilot, lambda: bool(app.screen.query("#import-columns Select")))
        label = app.screen.query_one("#import-columns .import-value-label", Static)
        assert str(label.render()) == "column 'Quality': values mostly not fit"
        assert not app.screen.query("#import-values Select")  # custom: no value to ask
        await pilot.press("tab")
        assert app.screen.query_one("#import-columns Select").has_focus
        await pilot.press("enter", "down", "enter")  # keep, read as fit anyway
        await wait_until(pilot, lambda: len(app.screen.query("#import-values Select")) == 2)
        assert re.search(r"^  Quality +→ fit$", preview_text(app), re.M)
        labels = [str(s.render()) for s in app.screen.query("#import-values .import-value-label")]
        assert labels == [
            "fit: 'High in Relevance' in 'Quality' (2 rows)",
            "fit: 'Might be' in 'Quality' (1 row)",
        ]
        await pilot.press("tab")
        assert app.screen.query("#import-values Select").first().has_focus
        await pilot.press("enter", "down", "enter")  # keep, high (close)
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        await wait_until(pilot, lambda: dialog.plan is not None)
        await settle(pilot)
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: not isinstance(app.screen, ImportScreen))
        await settle(pilot)
    leads = {lead.name: lead for lead in repo.all_leads(custom=True)}
    assert {name: lead.fit.value for name, lead in leads.items()} == {
        "Ann": "high",
        "Bob": "unknown",
        "Cy": "high",
    }
    # The value not mapped is kept, in its column's custom field.
    assert leads["Bob"].custom == {"Quality": "Might be"} and leads["Ann"].custom == {}


def test_a_column_is_not_offered_as_a_field_another_column_is(
    repo: Repository, tmp_path: Path
) -> None:
    """A "Fit" column beside "Quality": the import keeps Fit as fit, so
    offering "read Quality as fit" would preview a mapping that does nothing."""
    both = tmp_path / "both.csv"
    both.write_text(
        "name,Fit,Quality\nAnn,high,High in Relevance\nBo,low,Might be\n", encoding="utf-8"
    )
    assert [column.header for column in dialog_preview(repo, both).demoted] == []
    alone = tmp_path / "alone.csv"
    alone.write_text(WEB_FORM, encoding="utf-8")
    assert [column.header for column in dialog_preview(repo, alone).demoted] == ["Quality"]


SEMICOLON_AMOUNTS = "Name;Amount\nAnn;1,500\nBob;2,000\n"


async def test_the_amounts_decimal_mark_can_be_changed_and_the_import_follows(
    repo: Repository, tmp_path: Path
) -> None:
    """`--decimal-point` for a rep with no command line: the dialog shows the
    mark it read with, the preview follows another, and the import too."""
    source = tmp_path / "amounts.csv"
    source.write_text(SEMICOLON_AMOUNTS, encoding="utf-8")
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await preview(app, pilot, source)
        await wait_until(pilot, lambda: bool(app.screen.query("#import-amounts Select")))
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        select = dialog.query_one("#import-amounts Select", Select)
        assert select.value == "comma"
        assert "Amounts read as 1.234,56, a decimal comma (as the file is semicolon" in (
            preview_text(app)
        )
        assert "line 2: Ann · New · other · $1.50" in preview_text(app)
        await pilot.press("tab")
        assert select.has_focus
        await pilot.press("enter", "up", "enter")  # the point
        await wait_until(pilot, lambda: "a decimal point (as chosen)" in preview_text(app))
        assert "line 2: Ann · New · other · $1,500" in preview_text(app)
        assert select.value == "point"
        await wait_until(pilot, lambda: dialog.plan is not None)
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: not isinstance(app.screen, ImportScreen))
        await settle(pilot)
    assert {lead.name: lead.value_cents for lead in repo.all_leads()} == {
        "Ann": 150_000,
        "Bob": 200_000,
    }


def test_a_file_without_amounts_is_not_asked_about_them(repo: Repository, tmp_path: Path) -> None:
    source = tmp_path / "names.csv"
    source.write_text("Name,Email\nAnn,ann@x.com\n", encoding="utf-8")
    assert dialog_preview(repo, source).plan.decimal.reason == NO_AMOUNT_COLUMNS
    assert "Amounts read as" not in str(dialog_preview(repo, source).text)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=15), st.sampled_from([None, True, False]))
def test_any_amount_cell_previews_with_either_mark_as_plain_text(
    repo: Repository, tmp_path: Path, cell: str, comma: bool | None
) -> None:
    """All of Unicode in an amount cell, read with either mark or as
    detected: a preview, never an exception, and nothing that drives a
    terminal."""
    source = tmp_path / "any.csv"
    quoted = cell.replace('"', '""')
    source.write_text(f'Name;Amount\nAnn;"{quoted}"\nBob;12,5\n', encoding="utf-8")
    shown = dialog_preview(repo, source, decimal_comma=comma)
    if comma is not None:
        assert shown.plan.decimal.comma is comma
    assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in str(shown.text))
