"""An empty file name ("" from an unset shell variable) is refused in one
line naming the option, never read as the current directory ('.')."""

from pathlib import Path

import pytest
from click.testing import CliRunner

import leadtui
from leadtui.cli.root import main


@pytest.mark.parametrize(
    ("args", "param"),
    [
        (["export", "--output", ""], "'--output'"),
        (["import", ""], "'FILE'"),
        (["import", "in.csv", "--rejects", ""], "'--rejects'"),
        (["import", "in.csv", "--save-mapping", ""], "'--save-mapping'"),
        (["import", "in.csv", "--mapping", ""], "'--mapping'"),
        (["spend", "--import", ""], "'--import'"),
        (["db", "backup", ""], "'TARGET'"),
        (["db", "restore", "", "--yes"], "'SOURCE'"),
        (["list", "--db", ""], "'--db'"),
        (["list", "--db", "  "], "'--db'"),
        (["db", "copy", "", "x.db"], "'SOURCE'"),
    ],
)
def test_an_empty_file_name_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], param: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("in.csv").write_text("name\nAnn\n", encoding="utf-8")
    own_db = "--db" in args or args[:2] == ["db", "copy"]  # copy names both ends
    db = [] if own_db else ["--db", "leads.db"]
    result = CliRunner().invoke(main, [*args, *db], prog_name="leadtui")
    assert result.exit_code == 1, result.output
    command = " ".join(args[: 2 if args[0] == "db" else 1])
    assert result.output == (
        f"Error: Invalid value for {param}: an empty file name (try 'leadtui {command} --help')\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_one_place_refuses_an_empty_name() -> None:
    """Files and databases (a file or a URL) alike: the file parameter's
    check, not a copy of it that could drift."""
    src = Path(leadtui.__file__).parent
    said = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "an empty file name" in path.read_text(encoding="utf-8")
    ]
    assert said == ["cli/params.py"]


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--owner", ""],
        ["list", "--owner", " "],
        ["kpi", "--owner", ""],
        ["export", "--owner", ""],
        ["kpi", "--since", ""],
        ["kpi", "--until", " "],
        ["journal", "--since", ""],
        ["journal", "--actor", ""],
    ],
)
def test_an_empty_filter_is_refused_not_read_as_everyone_or_no_one(
    tmp_path: Path, args: list[str]
) -> None:
    """list --owner "" listed every lead and kpi --owner "" the team's zeros."""
    db = str(tmp_path / "leads.db")
    assert CliRunner().invoke(main, ["add", "Ann", "--owner", "anna", "--db", db]).exit_code == 0
    result = CliRunner().invoke(main, [*args, "--db", db], prog_name="leadtui")
    assert result.exit_code == 1, result.output
    option = args[1]
    assert result.output == (
        f"Error: Invalid value for '{option}': an empty value (leave the option out instead)"
        f" (try 'leadtui {args[0]} --help')\n"
    )


def test_a_backup_named_dash_is_refused_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`-` is the usual name for stdout, where no backup is written: it made
    a file called `-`."""
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["add", "Ann", "--db", "leads.db"]).exit_code == 0
    result = CliRunner().invoke(main, ["db", "backup", "-", "--db", "leads.db"])
    assert result.exit_code == 1
    assert result.output == "Error: db backup writes a file: name it, e.g. leads-backup.db\n"
    assert not (tmp_path / "-").exists()
