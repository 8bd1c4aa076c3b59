"""The commands with a progress bar on stderr (demo, db copy) keep the
one-line rule when stderr is not a terminal: a refusal is its Error line
alone, with no blank line the bar left behind."""

from pathlib import Path

from click.testing import CliRunner

from leadtui.cli.root import main


def stderr_of(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 1, result.output
    return result.stderr


def test_demo_on_an_existing_file_says_one_line(tmp_path: Path) -> None:
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"")
    assert stderr_of("demo", "--db", str(taken)) == (
        f"Error: {taken} already exists; demo data goes into a new file\n"
    )


def test_db_copy_refusal_is_one_line(tmp_path: Path) -> None:
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    assert stderr_of("db", "copy", str(source), str(target)) == (
        "Error: db copy goes between a file and a postgresql:// URL; copy a file with db backup\n"
    )
    assert not target.exists()
