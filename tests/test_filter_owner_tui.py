"""ctrl+f with an owner nobody is (`owner:bne` for ben): the dialog warns as
you type, naming the owners; once applied, the filter's line keeps saying
so over the inbox and the board, and the empty inbox says that nothing
matches the filter (not "inbox zero"), under its header. On both engines."""

import pytest
from textual.widgets import Input, Static

from leadtui.domain.models import build_draft
from leadtui.domain.users import Role
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.filter import FilterScreen
from leadtui.tui.panes.inbox import InboxPane
from tests.conftest import both_engines, both_engines_full
from tests.tui_helpers import SIZE, column, inbox_names, main_screen, settle

WARNING = "no lead has owner 'bne'; owners: anna, ben, carla, dev"


def _team(repo: Repository) -> None:
    for name, owner in (("Ann", "anna"), ("Bo", "ben"), ("Cy", "carla")):
        repo.add_lead(build_draft(name=name, owner=owner))
    repo.users.add("dev", Role.REP)  # a user with no lead yet is someone


def _shown(screen: object, selector: str) -> str | None:
    """A line of the filter dialog, if shown."""
    assert isinstance(screen, FilterScreen)
    widget = screen.query_one(selector, Static)
    return str(widget.render()) if widget.display else None


@both_engines_full
async def test_an_owner_nobody_is_warned_of_as_it_is_typed(repo: Repository) -> None:
    _team(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"owner:bne")
        await settle(pilot)
        assert _shown(app.screen, "#filter-warning") == WARNING
        assert _shown(app.screen, "#filter-error") is None
        # Compared as the filter compares: case aside, ben is ben.
        app.screen.query_one(Input).value = "owner:BEN hot"
        await settle(pilot)
        assert _shown(app.screen, "#filter-warning") is None
        # A syntax error is said alone.
        app.screen.query_one(Input).value = "owner:bne score:x"
        await settle(pilot)
        assert _shown(app.screen, "#filter-warning") is None
        assert _shown(app.screen, "#filter-error") is not None


@pytest.mark.slow  # over 3 s a case
@both_engines
async def test_an_applied_filter_that_names_nobody_says_so_on_both_tabs(
    repo: Repository,
) -> None:
    _team(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"owner:bne", "enter")  # a warning: enter still applies
        await settle(pilot)
        assert inbox_names(app) == []
        bar = main_screen(app).query_one("#filter-bar", Static)
        assert str(bar.render()) == f"Filter owner:bne  {WARNING}  ctrl+f change · empty clears"
        pane = main_screen(app).query_one(InboxPane)
        empty = pane.query_one("#inbox-empty", Static)
        assert str(empty.render()) == (
            "No new lead matches the filter: ctrl+f changes it, an empty filter clears it."
        )
        # The table's header sits above the message, not below it.
        assert pane.table.region.y < empty.region.y
        await pilot.press("2")
        await settle(pilot)
        assert column(app, "new").cards.option_count == 0
        assert WARNING in str(bar.render()) and bar.display
        # A filter naming someone clears the warning.
        await pilot.press("ctrl+f", "ctrl+u", *"owner:ben", "enter")
        await settle(pilot)
        assert column(app, "new").cards.option_count == 1
        assert str(bar.render()) == "Filter owner:ben  ctrl+f change · empty clears"


@pytest.mark.slow
async def test_what_is_typed_over_the_filter_in_effect_replaces_it(repo: Repository) -> None:
    _team(repo)
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *"mine", "enter")
        await settle(pilot)
        await pilot.press("ctrl+f", *"owner:ben")
        await settle(pilot)
        assert app.screen.query_one(Input).value == "owner:ben"
        assert _shown(app.screen, "#filter-error") is None
        await pilot.press("escape")
        # A palette filter's start is gone on from, not replaced.
        main = main_screen(app)
        main.filter_by("score", "")
        await settle(pilot)
        await pilot.press(*"50+")
        assert app.screen.query_one(Input).value == "mine score:50+"


@both_engines_full
@pytest.mark.parametrize("typed", ["émile", "ÉMILE", "strasse"])
@pytest.mark.slow
async def test_the_warning_says_what_the_filter_will_match(repo: Repository, typed: str) -> None:
    """The filter matches owners with the database's lower(): SQLite's
    folds A-Z only, so `owner:émile` finds no Émile, where casefold (the
    warning's before) said it would and warned nothing over an empty list.
    Whatever the engine, warned means nothing matches, and the reverse."""
    repo.add_lead(build_draft(name="Ann", owner="Émile"))
    repo.add_lead(build_draft(name="Bo", owner="Straße"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f", *f"owner:{typed}")
        await settle(pilot)
        warning = _shown(app.screen, "#filter-warning")
        await pilot.press("enter")
        await settle(pilot)
        bar = str(main_screen(app).query_one("#filter-bar", Static).render())
        if inbox_names(app):
            assert warning is None and "no lead has owner" not in bar
        else:
            said = f"no lead has owner '{typed}'; owners: Straße, Émile"
            assert warning == said and said in bar
