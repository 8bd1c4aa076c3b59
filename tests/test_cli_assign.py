"""`leadtui assign OWNER ID...` and `leadtui assign OWNER --from NAME`: many
leads to one owner, all or none, one `leadtui undo`; --from asks first for
more than one lead (off a terminal: --yes), as other bulk commands do."""

import json
from pathlib import Path

from click.testing import CliRunner, Result

from leadtui.cli.root import main
from tests.conftest import both_clis


def run(*args: str, db: str) -> Result:
    return CliRunner().invoke(main, [*args, "--db", db])


def owners(db: str) -> list[str]:
    listed = json.loads(run("list", "--json", db=db).output)
    return [lead["owner"] for lead in sorted(listed, key=lambda lead: lead["id"])]


def add(db: str, *owned: str) -> None:
    for n, owner in enumerate(owned):
        assert run("add", f"Lead {n}", "--owner", owner, db=db).exit_code == 0


@both_clis
def test_ids_go_to_the_owner_and_one_undo_takes_them_all_back(db: str) -> None:
    add(db, "anna", "anna", "ben")
    result = run("assign", "ben", "1", "2", "3", db=db)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "assigned 2 leads to ben (1 already ben's); `leadtui undo` takes it back\n"
    )
    assert owners(db) == ["ben", "ben", "ben"]
    assert run("undo", db=db).output == "Undid: Assign 3 leads to ben\n"
    assert owners(db) == ["anna", "anna", "ben"]


@both_clis
def test_an_unknown_id_refuses_them_all(db: str) -> None:
    add(db, "anna", "anna")
    result = run("assign", "ben", "1", "9", "2", db=db)
    assert (result.exit_code, result.stderr) == (1, "Error: no lead with id 9\n")
    assert owners(db) == ["anna", "anna"]


def test_a_name_nobody_has_is_warned_of_case_counting(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    add(db, "ben", "anna")
    result = run("assign", "Ben", "2", db=db)
    assert result.exit_code == 0
    assert result.stderr == "warning: no lead has owner 'Ben'; owners: anna, ben\n"
    assert owners(db) == ["ben", "Ben"]


def test_from_takes_every_open_lead_and_asks_first(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    add(db, "anna", "anna", "anna", "ben")
    assert run("win", "2", db=db).exit_code == 0  # closed: stays anna's
    asked = run("assign", "carla", "--from", "anna", db=db)
    assert (asked.exit_code, asked.stderr) == (
        1,
        "Error: Assign 2 open leads of anna to carla? Pass --yes to assign them.\n",
    )
    assert owners(db) == ["anna", "anna", "anna", "ben"]
    done = run("assign", "carla", "--from", "anna", "--yes", "--json", db=db)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout) == {
        "owner": "carla", "assigned": 2, "unchanged": 0, "left": [], "left_text": None,
    }  # fmt: skip
    assert owners(db) == ["carla", "anna", "carla", "ben"]
    # One lead asks nothing; --stage narrows to one stage.
    assert run("advance", "4", db=db).exit_code == 0
    one = run("assign", "anna", "--from", "ben", "--stage", "contacted", db=db)
    assert one.output.startswith("assigned 1 lead to anna"), one.output
    none = run("assign", "anna", "--from", "nobody", db=db)
    assert (none.exit_code, none.stdout) == (0, "nobody has no open leads; nothing changed\n")


def test_ids_and_from_are_one_or_the_other(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    add(db, "anna")
    for args in (["assign", "ben"], ["assign", "ben", "1", "--from", "anna"]):
        result = run(*args, db=db)
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: give lead ids or --from NAME (one of them)")
    stage = run("assign", "ben", "1", "--stage", "new", db=db)
    assert stage.stderr.startswith("Error: --stage goes with --from NAME")
    assert run("assign", "", "1", db=db).exit_code == 1
    assert owners(db) == ["anna"]
