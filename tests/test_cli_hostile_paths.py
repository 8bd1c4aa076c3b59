"""A file name is user text too: `leadtui import $'x\\x1b[31m.csv'` must not
make the terminal run the escape. Lines that show a path show it sanitised
(sequences and controls dropped); error lines show it escaped, one line."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadtui.cli.params import shown_path
from leadtui.cli.root import main
from leadtui.repository import open_repository

# CSI colour, OSC title ended by BEL, a C1 CSI, a newline, a bidi override,
# and Rich markup, in one name.
HOSTILE = "x\x1b[31m\x1b]0;owned\x07\x9b2J\n\u202e[bold]red"
CONTROLS = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]")


def run(*args: str) -> Result:
    # color=True: click would otherwise strip colour codes itself, hiding
    # what a terminal would be sent.
    return CliRunner().invoke(main, list(args), color=True)


def raw(result: Result) -> bytes:
    return result.stdout_bytes + result.stderr_bytes


def test_shown_path_drops_whole_sequences_and_controls_but_keeps_the_text() -> None:
    assert shown_path(Path(f"/tmp/{HOSTILE}.csv")) == "/tmp/x [bold]red.csv"


@pytest.fixture
def hostile_csv(tmp_path: Path) -> Path:
    path = tmp_path / f"{HOSTILE}.csv"
    path.write_text("Name,Email\nAnn,ann@example.com\nBob,not-an-email\n", encoding="utf-8")
    return path


def test_the_dry_run_shows_the_file_name_sanitised(hostile_csv: Path, db: str) -> None:
    result = run("import", str(hostile_csv), "--dry-run", "--db", db)
    assert result.exit_code == 1  # a bad row
    assert CONTROLS.search(raw(result)) is None
    assert result.stdout.startswith(f"{shown_path(hostile_csv)}: CSV")


def test_the_rejects_line_shows_the_file_name_sanitised(hostile_csv: Path, db: str) -> None:
    result = run("import", str(hostile_csv), "--db", db)
    assert result.exit_code == 1
    assert CONTROLS.search(raw(result)) is None
    rejects = hostile_csv.with_name(f"{HOSTILE}.rejects.csv")
    assert rejects.exists()  # written under its real name
    assert f"1 row not imported, with the reasons, is in {shown_path(rejects)}\n" in result.stdout


def test_the_history_line_of_an_export_shows_the_file_name_sanitised(
    tmp_path: Path, db: str
) -> None:
    assert run("add", "Ann", "--db", db).exit_code == 0
    target = tmp_path / f"{HOSTILE}.csv"
    result = run("export", "--format", "csv", "--output", str(target), "--with-history", "--db", db)
    assert result.exit_code == 0, result.output
    assert CONTROLS.search(raw(result)) is None
    assert "history written to" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["import", f"{HOSTILE}-missing.csv"],
        ["import", "{file}", "--mapping", f"{HOSTILE}.json"],
        ["import", "{file}", "--rejects", f"/nonexistent/{HOSTILE}.csv"],
        ["export", "--output", "{file}"],
        ["list", "--db", f"/nonexistent/{HOSTILE}.db"],
    ],
)
def test_an_error_naming_a_hostile_path_is_one_line_with_nothing_to_run(
    args: list[str], hostile_csv: Path, db: str
) -> None:
    args = [str(hostile_csv) if arg == "{file}" else arg for arg in args]
    open_repository(db)  # export only reads: it creates none
    extra = [] if "--db" in args else ["--db", db]
    result = run(*args, *extra)
    assert result.exit_code == 1
    assert CONTROLS.search(raw(result)) is None
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert "\\x1b[31m" in lines[0]  # shown escaped, so the user sees the name is odd


def test_import_json_names_the_files_exactly_with_nothing_to_run(
    hostile_csv: Path, db: str
) -> None:
    result = run("import", str(hostile_csv), "--json", "--db", db)
    assert result.exit_code == 1
    assert CONTROLS.search(raw(result)) is None
    record = json.loads(result.stdout)
    assert record["file"] == str(hostile_csv)  # exact, for a script to use
    assert Path(record["rejects_file"]).exists()
