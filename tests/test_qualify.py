"""Qualifying on thin BANT is allowed but asked first, by one rule that both
front ends and every way of advancing share: one lead or many, CLI or TUI."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.models import Stage, build_draft
from leadtui.domain.pipeline import qualify_question
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.classify import ConfirmScreen
from tests.tui_helpers import SIZE, settle


def _engaged(repo: Repository, names: list[str]) -> list[int]:
    """Leads one advance away from Qualified."""
    ids = [repo.add_lead(build_draft(name=name)) for name in names]
    for _ in range(2):
        repo.move_many("advance", [(lead_id, None) for lead_id in ids])
    return ids


def test_the_question_names_the_thin_leads_and_only_them(repo: Repository) -> None:
    ann, ben = _engaged(repo, ["Ann", "Ben"])
    repo.update_fields(ben, {f"bant.{name}": "yes" for name in ("budget", "authority", "need")})
    fresh = repo.add_lead(build_draft(name="New one"))  # advancing it qualifies nothing
    leads = [repo.get_lead(i) for i in (ann, ben, fresh)]
    question = qualify_question(leads)
    assert question == "#1 Ann: only 0 of 4 BANT answers are yes (3 expected). Qualify anyway?"
    assert qualify_question([repo.get_lead(ben), repo.get_lead(fresh)]) is None


def test_many_thin_leads_are_counted_and_named(repo: Repository) -> None:
    ids = _engaged(repo, ["A", "B", "C", "D", "E"])
    question = qualify_question([repo.get_lead(i) for i in ids])
    assert question is not None
    assert question.startswith("5 leads would be qualified with fewer BANT answers of yes")
    assert "#1 A, #2 B, #3 C and 2 more" in question


def test_the_cli_asks_once_for_several_ids_and_moves_all_or_none(tmp_path: Path) -> None:
    db = str(tmp_path / "q.db")
    runner = CliRunner()
    for name in ("Ann", "Ben"):
        runner.invoke(main, ["add", name, "--db", db])
    for _ in range(2):
        assert runner.invoke(main, ["advance", "1", "2", "--db", db]).exit_code == 0
    refused = runner.invoke(main, ["advance", "1", "2", "--db", db])  # not a terminal
    assert refused.exit_code == 1
    assert "2 leads would be qualified" in refused.output and "Pass --yes" in refused.output
    moved = runner.invoke(main, ["advance", "1", "2", "--yes", "--db", db])
    assert moved.output == "#1 Ann: Qualified\n#2 Ben: Qualified\n"


@pytest.mark.slow
async def test_a_bulk_advance_that_qualifies_says_so_in_its_confirmation(
    repo: Repository,
) -> None:
    ids = _engaged(repo, ["Ann", "Ben"])
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")  # the board: Engaged holds both
        await settle(pilot)
        for _ in range(2):
            await pilot.press("l")
        await pilot.press("V", "a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == "Advance 2 marked leads?"
        assert "2 leads would be qualified with fewer BANT answers" in app.screen.detail
        await pilot.press("n")
        await settle(pilot)
        assert {repo.get_lead(i).stage for i in ids} == {Stage.ENGAGED}
