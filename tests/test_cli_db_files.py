"""`leadtui db check` and `db backup` look at a database that exists: a
mistyped --db is said in one line, not made into a new, empty database
that checks healthy (or is backed up as one)."""

from pathlib import Path

from click.testing import CliRunner

from leadtui.cli.root import main


def refused(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 1, result.output
    return result.output


def test_db_check_of_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "laeds.db"
    for extra in ([], ["--json"]):
        assert refused("db", "check", "--db", str(typo), *extra) == (
            f"Error: no database at {typo}\n"
        )
    assert list(tmp_path.iterdir()) == []


def test_db_backup_of_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    typo, copy = tmp_path / "laeds.db", tmp_path / "copy.db"
    assert refused("db", "backup", str(copy), "--db", str(typo)) == (
        f"Error: no database at {typo}\n"
    )
    assert list(tmp_path.iterdir()) == []
