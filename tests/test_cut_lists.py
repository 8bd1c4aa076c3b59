"""A list a limit cut short says so: `search` and `dupes` end with one line
on stderr (stdout, and --json, stay the list alone), and the dupes dialog
counts what it found."""

import json

from click.testing import CliRunner
from textual.widgets import Static

from leadtui.cli.root import main
from leadtui.domain.models import build_draft
from leadtui.domain.results import DuplicateGroups
from leadtui.repository import Repository
from leadtui.tui.app import LeadApp
from leadtui.tui.dialogs.merge import DupesScreen
from tests.tui_helpers import SIZE, settle, wait_until


def test_search_says_when_its_limit_cut_the_list(repo: Repository) -> None:
    """`search gus` printed 50 of 3,812 with no word of the rest."""
    for number in range(4):
        repo.add_lead(build_draft(name=f"Gus Lee {number}"))
    runner = CliRunner()
    db = str(repo.target)
    result = runner.invoke(main, ["search", "gus", "--limit", "3", "--db", db])
    assert result.stdout.count("\n") == 3
    hint = "(--limit N shows more, up to 1,000; more words narrow it)"
    assert result.stderr == f"… more than 3 found {hint}\n"
    result = runner.invoke(main, ["search", "gus", "--limit", "3", "--json", "--db", db])
    assert len(json.loads(result.stdout)) == 3 and result.stderr.startswith("… more than 3")
    result = runner.invoke(main, ["search", "gus", "--limit", "4", "--db", db])
    assert (result.stdout.count("\n"), result.stderr) == (4, "")


# Names no two of which are close.
_NAMES = ("Alba Quist", "Boris Yuen", "Cato Ferris", "Dina Ostrow", "Elmo Patel", "Fay Ngata")


def _pairs(repo: Repository, count: int) -> None:
    """`count` groups of two leads each with the same name and company."""
    for name in _NAMES[:count]:
        for _ in range(2):
            repo.add_lead(build_draft(name=name, company="Initech"))


def test_dupes_says_how_many_groups_its_limit_left_out(repo: Repository) -> None:
    """At 100k, `dupes` printed exactly 200 of 28,298 groups with no note,
    and the close names, ranked after, never showed: they keep a quarter
    of the limit, and the list ends with how many more there are."""
    _pairs(repo, 6)
    jon = repo.add_lead(build_draft(name="Jon Smith", company="Acme"))
    john = repo.add_lead(build_draft(name="John Smith", company="ACME"))
    # Joined across keys (the same email too): one group, counted once.
    repo.update_fields(1, {"email": "p@x.io"})
    repo.update_fields(2, {"email": "P@x.io"})
    found = repo.find_duplicates(limit=4)
    assert [why for why, _ in found.groups] == [
        *["same name and company"] * 3, "close name at the same company",
    ]  # fmt: skip
    assert [lead.id for lead in found.groups[-1][1]] == [jon, john]
    assert (found.found, found.left_out(), found.at_least) == (7, 3, False)
    runner = CliRunner()
    db = str(repo.target)
    result = runner.invoke(main, ["dupes", "--limit", "4", "--db", db])
    assert result.stderr == "… and 3 more groups (--limit N shows more)\n"
    assert result.stdout.count(":\n") == 4
    result = runner.invoke(main, ["dupes", "--limit", "4", "--json", "--db", db])
    assert len(json.loads(result.stdout)) == 4 and result.stderr.startswith("… and 3 more")
    result = runner.invoke(main, ["dupes", "--db", db])
    assert (result.stdout.count(":\n"), result.stderr) == (7, "")
    groups = {why: [lead.id for lead in leads] for why, leads in repo.duplicate_groups()}
    assert groups["same email, same name and company"] == [1, 2]


def test_dupes_says_at_least_when_the_close_ones_were_not_all_read(repo: Repository) -> None:
    for number in range(3):  # three companies, each with a close pair
        repo.add_lead(build_draft(name="Jon Smith", company=f"Firm{number}"))
        repo.add_lead(build_draft(name="John Smith", company=f"Firm{number}"))
    found = repo.find_duplicates(limit=1)
    assert (len(found.groups), found.counted(), found.at_least) == (1, "at least 2", True)
    result = CliRunner().invoke(main, ["dupes", "--limit", "1", "--db", str(repo.target)])
    assert result.stderr == "… and at least 1 more groups (--limit N shows more)\n"


async def test_the_dupes_dialog_counts_what_it_left_out(repo: Repository) -> None:
    """The palette said "200 groups of likely duplicates" of 28,298."""
    lead = repo.get_lead(repo.add_lead(build_draft(name="Ann")))
    app = LeadApp(repo)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for found, title in (
            (DuplicateGroups([("same email", [lead, lead])], 28_298), "1 of 28,298 groups"),
            (DuplicateGroups([("same email", [lead, lead])], 9, at_least=True), "1 of at least 9"),
            (DuplicateGroups([("same email", [lead, lead])], 1), "1 group of likely"),
        ):
            app.push_screen(DupesScreen(found))
            await wait_until(pilot, lambda: isinstance(app.screen, DupesScreen))
            await settle(pilot)
            shown = str(app.screen.query_one(".dialog-title", Static).render())
            assert shown.startswith(title), shown
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, DupesScreen))
