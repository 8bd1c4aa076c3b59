"""A command that only reads never creates the database: `list --db new.db`
on a missing file made an empty one and printed nothing, so a mistyped path
read as "no leads". It says there is none, exits 1 and leaves no file; the
default database's absence (a new user's first try) is told as "no leads
yet". A command that changes what must already be there (a lead by id,
undo, a user, the model) says so too: `set 7 …` made an empty file and then
said "no lead with id 7". Only a command that adds something creates it."""

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from leadtui.cli.root import main

READS = [
    ["list"], ["show", "1"], ["search", "x"], ["kpi"], ["export"], ["journal"],
    ["due"], ["dupes"], ["score", "show", "1"], ["user", "list"], ["db", "check"],
    ["spend"], ["spend", "--json"], ["setting"], ["setting", "--json"], ["setting", "rates"],
    ["setting", "currency"], ["setting", "region"], ["setting", "lifetime-years"],
    ["setting", "rate", "GBP"], ["score", "evaluate"],
]  # fmt: skip
# Changes to what a missing database cannot hold: nothing to act on.
CHANGES = [
    ["set", "1", "name", "x"], ["followup", "1", "fri"], ["merge", "1", "2", "--yes"],
    ["undo"], ["redo"], ["erase", "1", "--yes"], ["advance", "1", "--yes"], ["back", "1"],
    ["win", "1"], ["reopen", "1"], ["lose", "1", "--reason", "x"],
    ["log", "1", "--kind", "call"], ["assign", "ann", "1"],
    ["assign", "ann", "--from", "bob", "--yes"], ["score", "train"],
    ["score", "pin", "1", "hot"], ["score", "refresh"], ["user", "link", "bob"],
    ["user", "remove", "bob"], ["user", "role", "bob", "rep"],
    ["setting", "rate", "GBP", "--clear"],
]  # fmt: skip
# Commands that add something create the database, as `add` always has.
CREATES = [
    ["add", "Ann"], ["quick", "Ann"], ["spend", "ads", "5k", "--month", "2026-11"],
    ["setting", "currency", "EUR"], ["setting", "region", "GB"],
    ["setting", "lifetime-years", "4"], ["setting", "rate", "GBP", "1.17"],
    ["user", "add", "bob"],
]  # fmt: skip
# Not opening a database the usual way: each has its own tests (db
# backup/restore/copy, demo, serve, import with its files, score rules).
ELSEWHERE = {
    "db backup", "db restore", "db copy", "demo", "serve", "import", "score rules",
}  # fmt: skip


@pytest.mark.parametrize("args", READS + CHANGES, ids=" ".join)
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


@pytest.mark.parametrize("args", CREATES, ids=" ".join)
def test_a_command_that_adds_creates_it(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "new.db"
    result = CliRunner().invoke(main, [*args, "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert path.exists()


def _command_names(group: click.Group, ctx: click.Context, prefix: str = "") -> set[str]:
    names = set()
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            names |= _command_names(command, ctx, f"{prefix}{name} ")
        else:
            names.add(prefix + name)
    return names


def test_every_command_is_one_of_these() -> None:
    """A new command must say which it is: a read, a change to what is
    there, or one that adds (and creates the file)."""
    covered = set(ELSEWHERE)
    for args in READS + CHANGES + CREATES:
        words = [word for word in args if not word.startswith("-")]
        covered |= {" ".join(words[:n]) for n in (1, 2)}
    with click.Context(main) as ctx:
        assert _command_names(main, ctx) <= covered
