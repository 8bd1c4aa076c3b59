"""An imported lost reason is stored as `x` and `leadtui lose` store one: in
the team's spelling when it differs from one only in case or spacing, and
one reason new to the team keeps the spelling of its first row ("price",
"Price ", "PRICE" are one reason); the dry run and the TUI's preview show
it so."""

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from leadtui.cli.root import main
from leadtui.domain.models import build_draft
from leadtui.domain.pipeline import ReasonSpeller, reason_key
from leadtui.repository import Repository
from leadtui.usecases.importing import plan_import, preview_import, preview_lines, run_import
from tests.conftest import both_clis, both_engines

FILE = "Name,Stage,Lost Reason\nA,Lost,price\nB,Lost,Price \nC,Lost,PRICE\nD,Lost,NO  budget\n"


def cli(db: str, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result.output


@both_clis
def test_import_stores_the_teams_spelling_and_the_files_first(db: str, tmp_path: Path) -> None:
    lead = cli(db, "add", "Zed").strip()
    cli(db, "lose", lead, "--reason", "No budget")
    source = tmp_path / "lost.csv"
    source.write_text(FILE, encoding="utf-8")
    dry = cli(db, "import", str(source), "--dry-run")
    assert "line 4: C · Lost (price)" in dry and "line 5: D · Lost (No budget)" in dry
    cli(db, "import", str(source))
    stored = {row["name"]: row["lost_reason"] for row in json.loads(cli(db, "list", "--json"))}
    assert stored == {
        "Zed": "No budget", "A": "price", "B": "price", "C": "price", "D": "No budget"
    }  # fmt: skip
    reasons = json.loads(cli(db, "kpi", "--window", "all", "--json"))["lost_reasons"]
    assert sorted((r["reason"], r["count"]) for r in reasons) == [("No budget", 2), ("price", 3)]


@both_engines
def test_the_preview_the_tui_shows_has_the_reasons_respelled(
    repo: Repository, tmp_path: Path
) -> None:
    repo.lose(repo.add_lead(build_draft(name="Zed")), "Price")
    source = tmp_path / "lost.csv"
    source.write_text(FILE, encoding="utf-8")
    plan = plan_import(source)
    lines = preview_lines(preview_import(repo, plan, unknown_lines=False))
    assert "  line 3: B · Lost (Price) · other" in lines
    run_import(repo, plan)
    assert {lead.name: lead.lost_reason for lead in repo.all_leads()} == {
        "Zed": "Price", "A": "Price", "B": "Price", "C": "Price", "D": "NO  budget"
    }  # fmt: skip


@given(st.lists(st.text(min_size=1)), st.lists(st.text(min_size=1), min_size=1))
def test_a_reason_is_one_spelling_of_its_key_the_teams_first(
    known: list[str], reasons: list[str]
) -> None:
    """Over all of Unicode: a reason only ever changes case and spacing,
    reasons one but for those get one spelling, and the team's wins."""
    spell = ReasonSpeller(known)
    spelled = [spell(reason) for reason in reasons]
    by_key: dict[str, str] = {}
    for reason, result in zip(reasons, spelled, strict=True):
        assert reason_key(result) == reason_key(reason)
        assert by_key.setdefault(reason_key(reason), result) == result
        team = [k for k in known if reason_key(k) == reason_key(reason)]
        assert result == (team[0] if team else next(
            r for r in reasons if reason_key(r) == reason_key(reason)
        ))  # fmt: skip
