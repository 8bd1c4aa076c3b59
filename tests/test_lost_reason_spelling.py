"""A lost reason typed as the team already spells it but for case and
spacing ("NO BUDGET", "no  budget" next to "No budget") is stored in the
team's spelling, by `x` (one lead or marked ones) and `leadtui lose`, and
the `x` picker offers each reason once: the KPI's reasons don't splinter."""

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from textual.widgets import Input, OptionList

from leadtui.cli.root import main
from leadtui.domain.kpis import LostReason, Window
from leadtui.domain.models import Stage, build_draft
from leadtui.domain.pipeline import reason_spellings, spelled_as
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.lose import LoseReasonScreen
from tests.conftest import NOW, both_clis, both_engines
from tests.tui_helpers import SIZE, settle, wait_until


def lost_with(repo: Repository, *reasons: str) -> None:
    """Leads lost with these reasons as written (the repository's own
    `lose` stores what it is given: data split before the fix)."""
    for n, reason in enumerate(reasons):
        repo.lose(repo.add_lead(build_draft(name=f"Lost {n}")), reason)


def test_one_spelling_per_reason_the_most_used_first() -> None:
    counted = [("NO BUDGET", 1), ("No budget", 3), ("Too small", 2), ("no  budget", 1)]
    assert reason_spellings(counted) == ["No budget", "Too small"]
    assert spelled_as(" nO   Budget", ["Too small", "No budget"]) == "No budget"
    assert spelled_as("No budgets", ["No budget"]) == "No budgets"


@both_engines
def test_the_repository_spells_a_reason_as_the_team_does(repo: Repository) -> None:
    lost_with(repo, "No budget", "No budget", "NO BUDGET", "Too small")
    assert repo.lost_reasons() == ["No budget", "Too small"]
    assert repo.spell_lost_reason("  no   BUDGET ") == "No budget"
    assert repo.spell_lost_reason("too SMALL") == "Too small"
    assert repo.spell_lost_reason("Chose Acme") == "Chose Acme"  # a new one, as typed


@both_engines
def test_the_kpi_counts_reasons_split_by_case_as_one(repo: Repository) -> None:
    """Leads lost before the team's spelling was kept: one row per reason,
    under its most used spelling, with every lead's count and value."""
    for n, (reason, value) in enumerate(
        (("No budget", 1_000), ("No budget", 2_000), ("NO  BUDGET", 4_000), ("Too small", 500))
    ):
        lead_id = repo.add_lead(build_draft(name=f"Lost {n}", value_cents=value * 100))
        repo.lose(lead_id, reason)
    window = Window.last("30d", NOW + timedelta(hours=1))  # closed at NOW: inside
    expected = (LostReason("No budget", 3, 700_000), LostReason("Too small", 1, 50_000))
    assert repo.kpi_report(window).outcomes.lost_reasons == expected
    assert repo.kpi_core(window).outcomes.lost_reasons == expected  # the KPI tab's


@both_clis
def test_cli_lose_stores_the_existing_spelling_and_the_kpi_has_one_row(db: str) -> None:
    def ok(*args: str) -> str:
        result = CliRunner().invoke(main, [*args, "--db", db])
        assert result.exit_code == 0, result.output
        return result.output

    ids = [ok("add", name).strip() for name in ("Ann", "Bob", "Cy")]
    ok("lose", ids[0], "--reason", "No budget")
    assert ok("lose", ids[1], ids[2], "--reason", "NO  BUDGET") == (
        "#2 Bob: Lost (No budget)\n#3 Cy: Lost (No budget)\n"
    )
    reasons = json.loads(ok("kpi", "--window", "all", "--json"))["lost_reasons"]
    assert [(r["reason"], r["count"]) for r in reasons] == [("No budget", 3)]


@pytest.mark.slow
async def test_x_stores_the_team_spelling_for_one_lead_and_for_marked_ones(
    repo: Repository,
) -> None:
    lost_with(repo, "No budget", "No budget", "NO BUDGET", "Went with Acme")
    # The inbox lists the newest first: Fay is lost alone, then Eve and Dan marked.
    dan, eve, fay = (repo.add_lead(build_draft(name=name)) for name in ("Dan", "Eve", "Fay"))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await wait_until(pilot, lambda: isinstance(app.screen, LoseReasonScreen))
        choices = app.screen.query_one("#lose-reasons", OptionList)

        def offered() -> list[str]:
            return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]

        await wait_until(pilot, lambda: "Went with Acme" in offered())  # the team's, read
        assert [o for o in offered() if o.casefold() == "no budget"] == ["No budget"]
        app.screen.query_one(Input).value = "no budget"
        await pilot.press("enter")
        await wait_until(pilot, lambda: repo.get_lead(fay).stage is Stage.LOST)
        await settle(pilot)
        await pilot.press("space", "space", "x")
        await wait_until(pilot, lambda: isinstance(app.screen, LoseReasonScreen))
        app.screen.query_one(Input).value = "  NO   budget "
        await pilot.press("enter")
        await wait_until(pilot, lambda: repo.get_lead(dan).stage is Stage.LOST)
    assert {repo.get_lead(i).lost_reason for i in (dan, eve, fay)} == {"No budget"}
