"""`leadtui advance/back/win/lose/reopen ID...`: an id typed twice is one
lead, moved once, journaled once and printed once."""

import json

from click.testing import CliRunner

from leadtui.cli.root import main
from tests.conftest import both_clis


def ok(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def stage_lines(db: str, lead_id: str) -> list[tuple[str, str]]:
    history = json.loads(ok("show", lead_id, "--json", "--db", db))["history"]
    return [(e["from"], e["to"]) for e in history if e["type"] == "stage_change"]


@both_clis
def test_an_id_given_twice_moves_its_lead_once(db: str) -> None:
    first = ok("add", "Ann", "--db", db).strip()
    second = ok("add", "Bob", "--db", db).strip()
    assert ok("win", first, second, first, "--db", db) == "#1 Ann: Won\n#2 Bob: Won\n"
    assert stage_lines(db, first) == [("new", "won"), (None, "new")]
    assert ok("reopen", first, first, "--db", db) == "#1 Ann: New\n"
    assert ok("advance", first, first, "--db", db) == "#1 Ann: Contacted\n"
    assert ok("lose", first, first, "--reason", "budget", "--db", db) == ("#1 Ann: Lost (budget)\n")
    assert stage_lines(db, first)[:3] == [("contacted", "lost"), ("new", "contacted"),
                                          ("won", "new")]  # fmt: skip
    assert ok("undo", "--db", db) == "Undid: Lose #1 Ann\n"
