"""What another program stored behind leadtui's back (sqlite3, a script of
the team's) may hold escape sequences and bidi overrides that leadtui's own
writes never let in. Whatever a command prints of it, text or --json, shows
them as \\u escapes and never sends one to the terminal; --json keeps the
data as stored."""

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main

# What would act on a terminal or reorder its line: C0 (but tab and
# newline), DEL, C1, bidi and invisible format characters, line separators.
ACTS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title
NAME = f"Evil{TITLE}\x1b[2J\x9b31m Corp"
COMPANY = "Ac\u202eme"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def stored(tmp_path: Path) -> str:
    """Fresh for each test: a command that writes a lead back cleans it."""
    db = str(tmp_path / "stored.db")
    for args in (
        ["add", "Ann", "--company", "Acme", "--email", "ann@x.io"],
        ["add", "Ann", "--company", "Acme", "--email", "ann@x.io"],  # a duplicate
        ["log", "1", "--kind", "call", "--note", "hello"],
        ["set", "1", "custom.Region", "EU"],
        ["set", "1", "tags", "vip"],
        ["followup", "1", "today"],
        ["lose", "2", "--reason", "no budget"],
    ):
        assert run(*args, "--db", db).exit_code == 0, args
    with sqlite3.connect(db) as conn:  # as another program would
        conn.execute(
            "UPDATE leads SET name = ?, company = ?, owner = ?, notes = ?",
            (NAME, COMPANY, "o\x1b[7m", "n\x1b[5m"),
        )
        conn.execute("UPDATE leads SET lost_reason = ? WHERE id = 2", ("no\u2028budget\x1b[1m",))
        conn.execute("UPDATE custom_fields SET name = 'Re\x1bgion', value = 'E\x9bU'")
        conn.execute("UPDATE tags SET tag = 'v\u202eip'")
        conn.execute("UPDATE activities SET note = 'he\x1b[5mllo'")
        conn.execute("UPDATE journal SET actor = 'ro\x1b[7mot'")
    return db


TEXT = [
    ["list"], ["search", "Evil"], ["show", "1"], ["journal"], ["dupes"], ["due"],
    ["score", "show", "1"], ["kpi", "--window", "all"], ["kpi", "--window", "all", "--csv"],
    ["set", "1", "title", "CEO"], ["followup", "1", "tomorrow"], ["merge", "1", "2"],
    ["score", "pin", "1", "hot"], ["advance", "1"],
]  # fmt: skip
JSON = [
    ["list", "--json"], ["search", "Evil", "--json"], ["show", "1", "--json"],
    ["journal", "--json"], ["dupes", "--json"], ["due", "--ahead", "7", "--json"],
    ["score", "show", "1", "--json"], ["kpi", "--window", "all", "--json"],
]  # fmt: skip


@pytest.mark.parametrize("args", TEXT, ids=" ".join)
def test_text_output_shows_stored_escapes_without_running_them(
    stored: str, args: list[str]
) -> None:
    result = run(*args, "--db", stored)
    assert "Traceback" not in result.output
    assert not ACTS.search(result.stdout), result.stdout
    assert not ACTS.search(result.stderr), result.stderr


def test_the_escapes_are_shown_where_they_are(stored: str) -> None:
    listed = run("list", "--db", stored).stdout
    assert "Evil\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m Corp (Ac\\u202eme)" in listed


@pytest.mark.parametrize("args", JSON, ids=" ".join)
def test_json_output_keeps_the_data_and_runs_nothing(stored: str, args: list[str]) -> None:
    result = run(*args, "--db", stored)
    assert result.exit_code == 0, result.output
    assert not ACTS.search(result.stdout)
    document = json.loads(result.stdout)
    if args[0] in ("list", "search", "due"):  # (show reads a lead cleaned on the way)
        assert (document[0]["name"], document[0]["company"]) == (NAME, COMPANY)


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["import", "dry run"])
def test_an_imports_report_quotes_the_files_escapes_without_running_them(
    tmp_path: Path, dry_run: list[str]
) -> None:
    """The report names a file's unknown values and headers as it found
    them: a CSV holding escape sequences had them sent to the terminal."""
    source = tmp_path / "hostile.csv"
    source.write_text(f"Name,Lead Source,Status {TITLE}\nAnn,{NAME},\x1b[2J\n", encoding="utf-8")
    result = run("import", str(source), *dry_run, "--db", str(tmp_path / "x.db"))
    assert "Traceback" not in result.output
    assert not ACTS.search(result.stdout), result.stdout
    assert not ACTS.search(result.stderr), result.stderr
    assert "Evil\\u001b]0;pwned" in result.output  # shown, escaped
