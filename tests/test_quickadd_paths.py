"""Every way into a lead keeps every field the one-line quick-add parses:
the line saved with enter, the form it opens into with tab, the `e` form,
and the CLI's `quick` and `add`. Each is checked field by field against one
parse (domain/quickadd.py) of the same line."""

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual.widgets import Input, TextArea

from leadtui.cli.root import main
from leadtui.domain.clock import parse_follow_up
from leadtui.domain.currency import parse_money
from leadtui.domain.models import Lead, build_draft
from leadtui.domain.quickadd import QuickLine, parse
from leadtui.repository import Repository, open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.edit import EditLeadScreen
from leadtui.tui.dialogs.quick_add import QuickAddScreen
from tests.conftest import NOW, both_clis
from tests.tui_helpers import SIZE, open_edit_form, settle, wait_until

LINE = (
    'Zed Zulu <zed@zulu.io> @Zulu Corp $5k #referral #vip !fri =rep1 +44 20 7946 0099 "met at expo"'
)
PARSED = parse(LINE)
# Every field the line sets: a path that drops one fails here.
ALL_FIELDS = ("name", "email", "company", "phone", "source", "owner", "value", "tags", "follow_up",
              "note")  # fmt: skip


def expected(line: QuickLine, now: datetime) -> dict[str, Any]:
    """What a lead made from `line` holds, field by field."""
    return {
        "name": line.name, "email": line.email, "company": line.company, "phone": line.phone,
        "source": line.source, "owner": line.owner, "value": parse_money(line.value),
        "tags": sorted(line.tags), "follow_up": parse_follow_up(line.follow_up, now),
        "note": line.note,
    }  # fmt: skip


def held(lead: Lead) -> dict[str, Any]:
    return {
        "name": lead.name, "email": lead.email, "company": lead.company, "phone": lead.phone,
        "source": lead.source.value, "owner": lead.owner, "value": lead.value_cents,
        "tags": sorted(lead.tags), "follow_up": lead.follow_up_at, "note": lead.notes,
    }  # fmt: skip


def test_the_line_sets_every_field() -> None:
    assert all(expected(PARSED, NOW)[field] for field in ALL_FIELDS)
    assert set(PARSED.fields()) - {"value", "tags", "follow_up", "note"} <= set(ALL_FIELDS)


def only_lead(repo: Repository) -> Lead:
    [lead] = list(repo.all_leads(custom=True))
    return lead


@pytest.mark.parametrize("keys", [pytest.param((), id="enter"), pytest.param(("tab",), id="form")])
async def test_quick_add_keeps_every_field(repo: Repository, keys: tuple[str, ...]) -> None:
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#qa-line", Input).value = LINE
        await pilot.press(*keys, "enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, QuickAddScreen))
        await settle(pilot)
    assert held(only_lead(repo)) == expected(PARSED, NOW)


@pytest.mark.parametrize("keys", [pytest.param((), id="enter"), pytest.param(("tab",), id="form")])
async def test_the_owner_is_the_current_user_unless_the_line_names_one(
    repo: Repository, keys: tuple[str, ...]
) -> None:
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#qa-line", Input).value = "Ann Lee"
        await pilot.press(*keys)
        if keys:  # the form shows who it falls to
            assert dialog.query_one("#qa-owner", Input).value == repo.actor
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, QuickAddScreen))
        await settle(pilot)
    assert only_lead(repo).owner == repo.actor


@pytest.mark.slow
async def test_the_edit_form_keeps_every_field_it_holds(repo: Repository) -> None:
    """e holds every field but the follow-up, which is `f`'s."""
    lead_id = repo.add_lead(build_draft(name="Placeholder"))
    texts = {
        "name": PARSED.name, "email": PARSED.email, "phone": PARSED.phone,
        "company": PARSED.company, "source": PARSED.source, "owner": PARSED.owner,
        "value": PARSED.value, "tags": ", ".join(PARSED.tags), "notes": PARSED.note,
    }  # fmt: skip
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_edit_form(app, pilot)
        for index, (field, _) in enumerate(dialog.fields):
            if field in texts:
                widget = dialog.query_one(f"#edit-{index}")
                if isinstance(widget, TextArea):
                    widget.text = texts[field]
                else:
                    assert isinstance(widget, Input)
                    widget.value = texts[field]
        dialog.query_one("#edit-0", Input).focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, EditLeadScreen))
        await settle(pilot)
        await pilot.press("f", *"fri", "enter")
        await settle(pilot)
    assert held(repo.get_lead(lead_id)) == expected(PARSED, NOW)


@both_clis
def test_the_cli_quick_keeps_every_field(db: str) -> None:
    result = CliRunner().invoke(main, ["quick", LINE, "--db", db])
    assert result.exit_code == 0, result.output
    lead = only_lead(open_repository(db))
    # stdout is the id alone (`id=$(leadtui quick …)`); what was understood is on stderr.
    assert result.stdout == f"{lead.id}\n"
    assert f"  name: {lead.name}" in result.stderr.splitlines()
    assert held(lead) | {"follow_up": None} == expected(PARSED, lead.created_at) | {
        "follow_up": None
    }
    assert lead.follow_up_at == parse_follow_up(PARSED.follow_up, lead.created_at)


def test_the_cli_add_keeps_every_field_it_takes(db: str) -> None:
    """`leadtui add` has options for the contact, source, owner and value;
    tags, the follow-up and a note are `leadtui set`'s and `follow-up`'s."""
    options = {
        "--email": PARSED.email, "--phone": PARSED.phone, "--company": PARSED.company,
        "--source": PARSED.source, "--owner": PARSED.owner, "--value": PARSED.value,
    }  # fmt: skip
    args = [arg for pair in options.items() for arg in pair]
    result = CliRunner().invoke(main, ["add", PARSED.name, *args, "--db", db])
    assert result.exit_code == 0, result.output
    taken = ("name", "email", "company", "phone", "source", "owner", "value")
    lead = held(only_lead(open_repository(Path(db))))
    want = expected(PARSED, NOW)
    assert {field: lead[field] for field in taken} == {field: want[field] for field in taken}
