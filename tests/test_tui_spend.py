"""`$` on the KPI tab: it starts on the by-source row highlighted and the
month in view (it always started on ads, this month), says which figure it
replaces before enter and in the notification, and a spend change is its
recorder's action that `u` says it does not take back, where `u` undid an
older move of theirs on another tab instead, unsaid."""

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Input, Select, Static

from leadtui.cli.root import main
from leadtui.domain.errors import NotAllowed
from leadtui.domain.models import Stage
from leadtui.domain.users import Identity, Role
from leadtui.repository import Repository, open_repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.kpi_forms import SpendScreen
from leadtui.tui.dialogs.learn_fields import LearnFieldsScreen
from leadtui.tui.panes.kpi import SourceTable
from tests.conftest import frozen_clock
from tests.kpi_fixture import build_kpi_fixture
from tests.notifications import notes
from tests.tui_helpers import SIZE, main_screen, settle, wait_until


@pytest.fixture
def kpi_repo(tmp_path: Path) -> Repository:
    path = tmp_path / "kpi.db"
    build_kpi_fixture(path)
    return open_repository(path, actor="tester", clock=frozen_clock)


def spend_of(repo: Repository, source: str, month: str) -> int | None:
    found = [e.amount_cents for e in repo.spend_entries() if (e.source, e.month) == (source, month)]
    return found[0] if found else None


async def test_dollar_starts_on_the_highlighted_source_and_says_what_it_replaces(
    kpi_repo: Repository,
) -> None:
    open_lead = next(lead for lead in kpi_repo.all_leads() if lead.stage is Stage.NEW)
    kpi_repo.advance(open_lead.id)  # an earlier action of the same user
    app = LeadApp(kpi_repo)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        table = main_screen(app).query_one(SourceTable)
        rows = [table.get_row_at(row)[0].plain for row in range(table.row_count)]
        table.focus()
        table.move_cursor(row=rows.index("referral"))
        await pilot.press("dollar_sign")
        await wait_until(pilot, lambda: isinstance(app.screen, SpendScreen))
        dialog = app.screen
        assert dialog.query_one("#spend-source", Select).value == "referral"
        assert dialog.query_one("#spend-month", Input).value == "2026-11"  # the window's
        was = dialog.query_one("#spend-was", Static)
        await wait_until(pilot, lambda: "3,000" in str(was.render()))
        assert str(was.render()) == "replaces 3,000 recorded for referral 2026-11"
        dialog.query_one("#spend-month", Input).value = "2026-09"
        await wait_until(pilot, lambda: "nothing recorded" in str(was.render()))
        dialog.query_one("#spend-month", Input).value = "2026-11"
        await pilot.press("2", "enter")
        await settle(pilot)
        assert spend_of(kpi_repo, "referral", "2026-11") == 200
        assert any(
            note.message == "Spend recorded: referral 2026-11 2 (was 3,000)" for note in notes(app)
        )
        await pilot.press("u")
        await settle(pilot)
        # Not undone, and said; the move before it is not undone past it.
        assert spend_of(kpi_repo, "referral", "2026-11") == 200
        assert kpi_repo.get_lead(open_lead.id).stage is Stage.CONTACTED
        assert any("Spend referral 2026-11: 3,000 → 2" in n.message for n in notes(app))


def test_the_cli_spend_is_recorded_as_its_users_and_undo_says_so(kpi_repo: Repository) -> None:
    path = str(kpi_repo.target)
    result = CliRunner().invoke(main, ["spend", "ads", "15k", "--month", "2026-12", "--db", path])
    assert result.exit_code == 0, result.output
    undo = CliRunner().invoke(main, ["undo", "--db", path])
    assert undo.exit_code == 1
    assert "Spend ads 2026-12: none → 15,000 cannot be undone" in undo.output


def test_a_browsers_rep_may_not_change_spend_nor_train(tmp_path: Path) -> None:
    path = tmp_path / "kpi.db"
    build_kpi_fixture(path)
    rep = open_repository(path, actor="ben", clock=frozen_clock, own_leads_only=True)
    with pytest.raises(NotAllowed, match="recording spend is a manager's change"):
        rep.set_spend("ads", "2026-11", "5k")
    with pytest.raises(NotAllowed, match="training the win chance is a manager's change"):
        rep.train_model()
    manager = open_repository(path, actor="maria", clock=frozen_clock)
    assert spend_of(manager, "ads", "2026-11") is None
    manager.set_spend("ads", "2026-11", "5k")
    assert spend_of(manager, "ads", "2026-11") == 500_000


@pytest.mark.slow  # 3-4 s each: the palette searched, the KPI tab loaded
@pytest.mark.parametrize("role", [Role.REP, Role.MANAGER])
async def test_a_browsers_rep_is_refused_spend_and_not_offered_training(
    tmp_path: Path, role: Role
) -> None:
    path = tmp_path / "kpi.db"
    build_kpi_fixture(path)
    who = Identity.browser("ben", role)
    repo = open_repository(
        path, actor=who.name, clock=frozen_clock, own_leads_only=who.own_leads_only
    )
    app = LeadApp(repo, identity=who)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("dollar_sign")
        await settle(pilot)
        refused = [n.message for n in notes(app) if "manager's change" in n.message]
        if role is Role.REP:
            assert not isinstance(app.screen, SpendScreen)
            assert refused == [
                "recording spend is a manager's change: a rep changes only their own leads"
            ]
        else:
            assert isinstance(app.screen, SpendScreen) and refused == []
            await pilot.press("escape")
        await pilot.press("ctrl+p", *"Choose what the win chance")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LearnFieldsScreen) is (role is Role.MANAGER)
