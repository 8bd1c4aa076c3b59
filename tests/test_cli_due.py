"""`leadtui due` for one rep (--owner, the owner on each line) and `me` as
--owner's name for whoever runs the command, in `due`, `list`, `kpi` and
`export`, as `owner:me` is in the TUI's filter."""

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.models import build_draft
from leadtui.repository import open_repository

YESTERDAY = datetime(2020, 1, 1, 9, tzinfo=UTC)  # long past whatever the clock says


def _team(db: str) -> str:
    """Ann (yours), Bob (maria's) and Cy (nobody's), all overdue; returns
    who you are."""
    repo = open_repository(db)
    for name, owner in (("Ann", repo.actor), ("Bob", "maria"), ("Cy", "")):
        lead_id = repo.add_lead(build_draft(name=name, owner=owner))
        repo.set_follow_up(lead_id, YESTERDAY)
    return repo.actor


def test_due_names_each_owner_and_takes_one(tmp_path: Path) -> None:
    db = str(tmp_path / "team.db")
    me = _team(db)
    runner = CliRunner()
    lines = runner.invoke(main, ["due", "--db", db]).output.splitlines()
    assert [line.split()[4:6] for line in lines] == [[me, "Ann"], ["maria", "Bob"], ["-", "Cy"]]
    result = runner.invoke(main, ["due", "--owner", "MARIA", "--db", db])
    assert result.exit_code == 0 and [line.split()[5] for line in result.output.splitlines()] == [
        "Bob"
    ]
    records = json.loads(
        runner.invoke(main, ["due", "--owner", "maria", "--json", "--db", db]).output
    )
    assert [(r["name"], r["owner"]) for r in records] == [("Bob", "maria")]
    result = runner.invoke(main, ["due", "--owner", "mraia", "--db", db])
    assert result.exit_code == 0 and result.output.startswith("warning: no lead has owner 'mraia'")


def test_me_is_whoever_runs_the_command(tmp_path: Path) -> None:
    db = str(tmp_path / "team.db")
    _team(db)
    runner = CliRunner()
    record = json.loads(runner.invoke(main, ["kpi", "--owner", "Me", "--json", "--db", db]).output)
    assert record["overdue"]["count"] == 1
    for command, name_at in ((["list"], 3), (["due"], 5)):
        result = runner.invoke(main, [*command, "--owner", "me", "--db", db])
        assert result.exit_code == 0 and "warning" not in result.output
        assert [line.split()[name_at] for line in result.output.splitlines()] == ["Ann"]
    exported = runner.invoke(main, ["export", "--owner", "me", "--db", db]).output
    assert "Ann" in exported and "Bob" not in exported and "warning" not in exported
