"""`n` with a one-liner: live preview, duplicates caught before saving, and
the three ways out (add anyway, open, merge in), at 80x24."""

import pytest
from textual import events
from textual.widgets import Input, Static

from leadtui.domain.models import build_draft
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.quick_add import QuickAddScreen
from leadtui.tui.panes.detail import DetailPane
from tests.tui_helpers import SIZE, inbox_names, main_screen, settle, wait_until


def text_of(app: LeadApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.mark.slow
async def test_a_one_liner_previews_and_adds_with_tags_and_follow_up(repo: Repository) -> None:
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.press(*"Ada Lovelace <ada@engine.io> @Analytical $5k #referral #vip !fri")
        await wait_until(pilot, lambda: "company: Analytical" in text_of(app, "#qa-preview"))
        preview = text_of(app, "#qa-preview")
        assert "value: 5,000" in preview and "tags: vip" in preview
        assert "follow-up: Fri 27 Nov 2026" in preview  # NOW is Friday 20 Nov
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, QuickAddScreen))
        await settle(pilot)
        [lead] = list(repo.all_leads(custom=True))
        assert (lead.name, lead.company, lead.value_cents, lead.tags) == (
            "Ada Lovelace", "Analytical", 500_000, ["vip"],
        )  # fmt: skip
        assert lead.follow_up_at is not None and lead.follow_up_at.day == 27
        assert inbox_names(app) == ["Ada Lovelace"]


@pytest.mark.slow
async def test_a_duplicate_is_caught_before_saving(repo: Repository) -> None:
    repo.add_lead(build_draft(name="Jane Doe", email="jane@acme.io", company="Acme"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Janet <JANE@acme.io>", "enter")
        dupes = app.screen.query_one("#qa-dupes", Static)
        await wait_until(pilot, lambda: dupes.display and "#1 Jane Doe" in str(dupes.render()))
        assert "same email" in str(dupes.render()) and "enter again adds anyway" in str(
            dupes.render()
        )
        assert repo.count_leads() == 1  # nothing saved yet
        await pilot.press("enter")  # add anyway
        await wait_until(pilot, lambda: repo.count_leads() == 2)


@pytest.mark.slow
async def test_ctrl_g_merges_the_new_details_into_the_duplicate(repo: Repository) -> None:
    repo.add_lead(build_draft(name="José Núñez", company="Acme"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"jose nunez @ACME +44 20 7946 0001 #vip")
        dupes = app.screen.query_one("#qa-dupes", Static)
        await wait_until(pilot, lambda: "same name and company" in str(dupes.render()))
        await pilot.press("ctrl+g")
        await wait_until(pilot, lambda: not isinstance(app.screen, QuickAddScreen))
        await settle(pilot)
        [lead] = list(repo.all_leads(custom=True))
        assert (lead.name, lead.phone, lead.tags) == ("José Núñez", "+44 20 7946 0001", ["vip"])
        detail = main_screen(app).query_one(DetailPane)
        assert detail.lead_id == lead.id  # the merged lead is open in the Lead tab


@pytest.mark.slow
async def test_ctrl_o_opens_the_duplicate_and_hostile_text_stays_literal(
    repo: Repository,
) -> None:
    hostile = "Evil [b]Corp[/b] [@click=app.quit]x"
    repo.add_lead(build_draft(name=hostile, email="evil@x.io"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Someone <evil@x.io>")
        dupes = app.screen.query_one("#qa-dupes", Static)
        await wait_until(pilot, lambda: hostile in str(dupes.render()))
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: not isinstance(app.screen, QuickAddScreen))
        assert main_screen(app).query_one(DetailPane).lead_id == 1
        assert repo.count_leads() == 1 and app.is_running


@pytest.mark.slow
async def test_bad_parts_are_shown_inline_and_nothing_is_saved(repo: Repository) -> None:
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Bob $abc !someday", "enter")
        error = text_of(app, "#qa-line-error")
        assert "value:" in error and "follow-up:" in error
        assert repo.count_leads() == 0 and isinstance(app.screen, QuickAddScreen)


@pytest.mark.slow
async def test_an_email_alone_asks_for_a_name_in_plain_words(repo: Repository) -> None:
    """The preview and the error say the name is required, not pydantic's
    "String should have at least 1 character"."""
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"ann@example.com")
        await wait_until(pilot, lambda: "email: ann@example.com" in text_of(app, "#qa-preview"))
        assert "name: —  ✗ required" in text_of(app, "#qa-preview")
        await pilot.press("enter")
        error = text_of(app, "#qa-line-error")
        assert "name: required" in error and "String" not in error
        assert repo.count_leads() == 0 and isinstance(app.screen, QuickAddScreen)


async def test_a_pasted_line_with_tabs_and_breaks_is_kept_whole(repo: Repository) -> None:
    """A row copied from a spreadsheet or an email signature: its tabs and
    line breaks become spaces; nothing after the first break is dropped."""
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.post_message(events.Paste("Ana\tSilva\r\nana@x.io\t+351 912 345 678\n"))
        await wait_until(pilot, lambda: "email: ana@x.io" in text_of(app, "#qa-preview"))
        assert app.screen.query_one("#qa-line", Input).value == (
            "Ana Silva ana@x.io +351 912 345 678"
        )
        assert "name: Ana Silva" in text_of(app, "#qa-preview")


async def test_the_forms_unknown_currency_is_the_values_inline_error(repo: Repository) -> None:
    """The add form (n, then tab) crashed on '5k XYZ': its error was the
    currency's, and the form has no currency field to show it under."""
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", *"Bob", "tab")
        await wait_until(pilot, lambda: bool(app.screen.query("#qa-value")))
        app.screen.query_one("#qa-value", Input).value = "5k XYZ"
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: "'XYZ' is not an ISO 4217" in text_of(app, "#qa-value-error")
        )
        assert app.screen.query_one("#qa-value", Input).has_focus
        assert repo.count_leads() == 0 and isinstance(app.screen, QuickAddScreen)
