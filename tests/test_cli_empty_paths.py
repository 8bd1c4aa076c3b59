"""An empty file name ("" from an unset shell variable) is refused in one
line naming the option, never read as the current directory ('.')."""

from pathlib import Path

import pytest
from click.testing import CliRunner

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
    ],
)
def test_an_empty_file_name_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], param: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("in.csv").write_text("name\nAnn\n", encoding="utf-8")
    db = ["--db", "leads.db"] if "--db" not in args else []
    result = CliRunner().invoke(main, [*args, *db], prog_name="leadtui")
    assert result.exit_code == 1, result.output
    command = " ".join(args[: 2 if args[0] == "db" else 1])
    assert result.output == (
        f"Error: Invalid value for {param}: an empty file name (try 'leadtui {command} --help')\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
