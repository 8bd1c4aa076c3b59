"""`=` and the palette's "Assign to…": the marked leads (or the selected one)
to an owner typed with completion, a name nobody has warned of, one
notification, and one `u` taking the whole reassignment back."""

import pytest
from textual.widgets import Input, Static

from leadtui.domain.models import build_draft
from leadtui.repository import Repository, open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.assign import AssignScreen
from tests.conftest import both_engines_full, frozen_clock
from tests.notifications import notes
from tests.tui_helpers import SIZE, inbox_names, run_palette, settle


def _leads(repo: Repository, owners: list[str]) -> list[int]:
    # Scores tie, so the inbox lists the newest first: Lead 4, Lead 3, ...
    return [
        repo.add_lead(build_draft(name=f"Lead {n}", owner=owner))
        for n, owner in enumerate(owners, start=1)
    ]


def _shown(widget: Static) -> bool:
    return widget.display


def _owners(repo: Repository, ids: list[int]) -> list[str | None]:
    return [repo.get_lead(lead_id).owner for lead_id in ids]


@both_engines_full
async def test_marked_leads_go_to_the_owner_typed_and_u_takes_them_all_back(
    repo: Repository,
) -> None:
    ids = _leads(repo, ["anna", "anna", "anna", "ben"])
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "space")  # Lead 4, 3 and 2
        await pilot.press("equals_sign")
        await settle(pilot)
        assert isinstance(app.screen, AssignScreen)
        title = str(app.screen.query_one(".dialog-title", Static).render())
        assert title == "Assign 3 marked leads to…"
        # Completion from the team's owners: "b" offers "ben", → takes it.
        await pilot.press("b", "right")
        assert app.screen.query_one(Input).value == "ben"
        await pilot.press("enter")
        await settle(pilot)
        assert _owners(repo, ids) == ["anna", "ben", "ben", "ben"]
        assert notes(app)[-1].message == ("Assigned 2 leads to ben (1 already ben's); u undoes it")
        assert "marked" not in app.sub_title
        assert not inbox_names(app)[0].startswith("●")
        await pilot.press("u")
        await settle(pilot)
        assert _owners(repo, ids) == ["anna", "anna", "anna", "ben"]
        assert notes(app)[-1].message == "Undid: Assign 3 leads to ben"
        await pilot.press("U")
        await settle(pilot)
        assert _owners(repo, ids) == ["anna", "ben", "ben", "ben"]


@both_engines_full
@pytest.mark.slow
async def test_the_selected_lead_from_the_palette_with_a_warning_for_nobodys_name(
    repo: Repository,
) -> None:
    ids = _leads(repo, ["anna", "ben"])
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await run_palette(pilot, "Assign to")
        assert isinstance(app.screen, AssignScreen)
        assert "Assign #2 Lead 2 to…" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("a")  # the start of "anna": no warning while it completes
        warning = app.screen.query_one("#assign-warning", Static)
        assert not _shown(warning)
        await pilot.press("backspace", "B", "e", "n")  # "Ben" beside "ben": case counts
        assert _shown(warning)
        assert str(warning.render()) == "no lead has owner 'Ben'; owners: anna, ben"
        await pilot.press("enter")  # assigned all the same: a new rep is legitimate
        await settle(pilot)
        assert _owners(repo, ids) == ["anna", "Ben"]
        assert notes(app)[-1].message == "Assigned 1 lead to Ben; u undoes it"


@both_engines_full
async def test_an_empty_name_is_an_inline_error_and_esc_changes_nothing(
    repo: Repository,
) -> None:
    ids = _leads(repo, ["anna"])
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("equals_sign")
        await settle(pilot)
        await pilot.press("enter")
        error = app.screen.query_one("#assign-error", Static)
        assert isinstance(app.screen, AssignScreen) and error.display
        assert str(error.render()) == "Type the new owner's name."
        await pilot.press("escape")
        await settle(pilot)
        assert not any(isinstance(screen, AssignScreen) for screen in app.screen_stack)
        assert _owners(repo, ids) == ["anna"]


@both_engines_full
@pytest.mark.slow
async def test_a_reps_refused_reassignment_is_one_notification_and_the_marks_stay(
    repo: Repository,
) -> None:
    """A rep in a browser hands on their own leads and unassigned ones: one of
    a teammate's among the marked refuses them all, in one line."""
    ids = _leads(repo, ["anna", "ben"])
    rep = open_repository(repo.target, actor="anna", clock=frozen_clock, own_leads_only=True)
    app = LeadApp(rep)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "equals_sign")
        await settle(pilot)
        await pilot.press(*"carla", "enter")
        await settle(pilot)
        assert notes(app)[-1].message == (
            f"#{ids[1]} is ben's lead: a rep reassigns only their own leads and unassigned"
            " ones; nothing changed"
        )
        assert _owners(repo, ids) == ["anna", "ben"]
        assert "2 marked" in app.sub_title


async def test_a_rep_takes_back_a_mistaken_hand_over_with_u_until_the_new_owner_writes(
    repo: Repository,
) -> None:
    ids = _leads(repo, ["anna", "anna"])
    rep = open_repository(repo.target, actor="anna", clock=frozen_clock, own_leads_only=True)
    app = LeadApp(rep)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("equals_sign")  # the selected lead: Lead 2
        await settle(pilot)
        await pilot.press(*"ben", "enter")
        await settle(pilot)
        assert _owners(repo, ids) == ["anna", "ben"]
        await pilot.press("u")
        await settle(pilot)
        assert notes(app)[-1].message == "Undid: Assign 1 lead to ben"
        assert _owners(repo, ids) == ["anna", "anna"]
        await pilot.press("U")
        await settle(pilot)
        assert _owners(repo, ids) == ["anna", "ben"]
        ben = open_repository(repo.target, actor="ben", clock=frozen_clock, own_leads_only=True)
        ben.update_fields(ids[1], {"email": "lead2@example.com"})
        await pilot.press("u")
        await settle(pilot)
        assert notes(app)[-1].message == (
            f"#{ids[1]} Lead 2 is ben's lead now: ben changed its email 0s ago,"
            " so only they or a manager can change it back; nothing was changed"
        )
        assert _owners(repo, ids) == ["anna", "ben"]
