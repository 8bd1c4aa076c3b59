"""A command that only reads never creates the database: `list --db new.db`
on a missing file made an empty one and printed nothing, so a mistyped path
read as "no leads". It says there is none, exits 1 and leaves no file; the
default database's absence (a new user's first try) is told as "no leads
yet". Write commands still create it."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main

READS = [
    ["list"], ["show", "1"], ["search", "x"], ["kpi"], ["export"], ["journal"],
    ["due"], ["dupes"], ["score", "show", "1"], ["user", "list"], ["db", "check"],
]  # fmt: skip


@pytest.mark.parametrize("args", READS, ids=" ".join)
def test_a_read_command_names_the_missing_database(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "new.db"
    result = CliRunner().invoke(main, [*args, "--db", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: no database at {path}")
    assert result.output.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_leadtui_db_names_it_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.db"
    monkeypatch.setenv("LEADTUI_DB", str(path))
    result = CliRunner().invoke(main, ["list"])
    assert (result.exit_code, result.output) == (
        1,
        f"Error: no database at {path} (`leadtui add` or the TUI creates one)\n",
    )
    assert not path.exists()


def test_a_new_user_is_told_there_are_no_leads_yet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEADTUI_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no leads yet: `leadtui add` or the TUI creates")
    assert not any(tmp_path.rglob("*.db"))


def test_a_write_command_still_creates_it(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    assert CliRunner().invoke(main, ["add", "Ann", "--db", str(path)]).exit_code == 0
    result = CliRunner().invoke(main, ["list", "--db", str(path)])
    assert result.exit_code == 0 and "Ann" in result.output
