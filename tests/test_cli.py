"""The command line: every command, its output, and one-line errors."""

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadtui import __version__, paths
from leadtui.cli.root import main
from leadtui.repository import open_repository
from tests.conftest import both_clis


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: str) -> str:
    """A failing command prints exactly one line, starting Error:, and exits 1."""
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_version() -> None:
    assert ok("--version").strip() == f"leadtui, version {__version__}"


@both_clis
def test_add_prints_the_id_and_show_json_has_the_history(db: str) -> None:
    assert (
        ok(
            "add",
            "Jane Doe",
            "--email",
            "jane@acme.io",
            "--company",
            "Acme",
            "--source",
            "referral",
            "--value",
            "5k",
            "--db",
            db,
        ).strip()
        == "1"
    )
    assert ok("advance", "1", "--db", db).strip() == "#1 Jane Doe: Contacted"
    assert "Lost (no budget)" in ok("lose", "1", "--reason", "no budget", "--db", db)
    assert ok("reopen", "1", "--db", db).strip() == "#1 Jane Doe: Contacted"
    assert ok("win", "1", "--db", db).strip() == "#1 Jane Doe: Won"
    record = json.loads(ok("show", "1", "--json", "--db", db))
    assert (record["name"], record["stage"], record["value_cents"]) == ("Jane Doe", "won", 500000)
    moves = [(h["from"], h["to"]) for h in record["history"]]
    assert moves == [
        ("contacted", "won"),
        ("lost", "contacted"),
        ("contacted", "lost"),
        ("new", "contacted"),
        (None, "new"),
    ]
    assert all(h["actor"] and h["at"].endswith("+00:00") for h in record["history"])
    assert record["history"][2]["reason"] == "no budget"


@both_clis
def test_show_as_text(db: str) -> None:
    ok("add", "Jane Doe", "--company", "Acme", "--db", db)
    text = ok("show", "1", "--db", db)
    assert "Company:     Acme" in text and "created → New" in text


@both_clis
def test_db_can_be_given_before_the_subcommand(db: str) -> None:
    ok("--db", db, "add", "Before")
    assert "Before" in ok("list", "--db", db)


def test_default_database_honours_the_environment(tmp_path: Path) -> None:
    target = tmp_path / "env.db"
    result = run("add", "Env Lead", env={paths.ENV_DB: str(target)})
    assert result.exit_code == 0 and target.exists()


def test_default_database_lives_in_the_user_data_dir(isolated_user_dirs: Path) -> None:
    ok("add", "Default Lead")
    assert (isolated_user_dirs / "data" / "leadtui" / "leads.db").exists()


@both_clis
def test_list_filters_by_stage_and_prints_json(db: str) -> None:
    ok("add", "One", "--db", db)
    ok("add", "Two", "--db", db)
    ok("advance", "2", "--db", db)
    assert [r["name"] for r in json.loads(ok("list", "--stage", "new", "--json", "--db", db))] == [
        "One"
    ]
    assert "Two" in ok("list", "--stage", "contacted", "--db", db)


@both_clis
def test_list_shows_each_value_with_its_currency(db: str) -> None:
    """A list mixing currencies must never read as one column to add up; a
    lead with no value shows none, as the inbox does."""
    ok("add", "Euro", "--value", "5000 EUR", "--db", db)
    ok("add", "Yen", "--value", "JPY 100000", "--db", db)
    ok("add", "Nothing", "--db", db)
    lines = {line.split()[-1]: line for line in ok("list", "--db", db).splitlines()}
    assert "5,000 EUR" in lines["Euro"]
    assert "100,000 JPY" in lines["Yen"]
    assert lines["Nothing"].split() == ["3", "new", "0", "Nothing"]


def test_kpi_text_and_json(db: str) -> None:
    for name in ("A", "B", "C"):
        ok("add", name, "--value", "1000", "--db", db)
    ok("win", "1", "--db", db)
    ok("lose", "2", "--reason", "x", "--db", db)
    data = json.loads(ok("kpi", "--json", "--db", db))
    assert (data["new_leads"], data["won"], data["lost"], data["win_rate"]) == (3, 1, 1, 0.5)
    assert data["pipeline_cents"] == 100000
    assert [s["source"] for s in data["sources"]] == ["other"]
    assert "won ÷ (won + lost)" in data["definitions"]["win_rate"]
    text = ok("kpi", "--db", db)
    assert "Win rate" in text and "50.0%" in text


@both_clis
def test_export_json_and_csv_carry_every_required_field(db: str, tmp_path: Path) -> None:
    ok(
        "add",
        'Jane, "JD" Doe',
        "--email",
        "jane@acme.io",
        "--phone",
        "+1 555 0100",
        "--title",
        "CEO",
        "--value",
        "12.50",
        "--db",
        db,
    )
    [lead] = json.loads(ok("export", "--format", "json", "--db", db))
    required = {
        "id",
        "name",
        "email",
        "phone",
        "company",
        "title",
        "source",
        "stage",
        "temperature",
        "score",
        "value",
        "lost_reason",
        "created_at",
        "updated_at",
    }
    assert required <= lead.keys()
    assert (lead["value"], lead["value_cents"]) == (12.5, 1250)
    out = tmp_path / "leads.csv"
    ok("export", "--format", "csv", "--output", str(out), "--db", db)
    [row] = csv.DictReader(io.StringIO(out.read_text()))
    assert row["name"] == 'Jane, "JD" Doe' and row["value_cents"] == "1250"


@both_clis
def test_export_of_an_empty_database_is_an_empty_array(db: str) -> None:
    open_repository(db)  # a command that only reads creates none
    assert json.loads(ok("export", "--db", db)) == []


def test_demo_writes_the_requested_number_of_leads(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"
    assert ok("demo", "--db", str(target), "--leads", "250", "--seed", "4").strip() == (
        f"wrote 250 leads to {target}"
    )
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT count(*) FROM leads").fetchone()[0] == 250


@both_clis
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "X", "--email", "nope"], "Error: email: not a valid email address"),
        (["add", "X", "--value", "-5"], "Error: value: must be an amount of 0 or more"),
        (["add", "X", "--value", "lots"], "Error: value: must be an amount of 0 or more"),
        (["add", ""], "Error: name:"),
        (["advance", "42"], "Error: no lead with id 42"),
        (["show", "42"], "Error: no lead with id 42"),
        (["lose", "1", "--reason", "  "], "Error: a lost lead needs a reason"),
        (["lose", "1", "--reason", "x" * 501], "Error: a lost reason is at most 500 characters"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(db: str, args: list[str], message: str) -> None:
    ok("add", "Existing", "--db", db)
    assert fails(*args, "--db", db).startswith(message)


@both_clis
def test_illegal_move_is_refused(db: str) -> None:
    ok("add", "Lost One", "--db", db)
    ok("lose", "1", "--reason", "gone", "--db", db)
    assert fails("advance", "1", "--db", db) == (
        "Error: cannot advance a lost lead; reopen it first"
    )


def test_unusable_database_files_are_one_line_errors(tmp_path: Path) -> None:
    assert "does not exist" in fails("list", "--db", str(tmp_path / "no" / "x.db"))
    junk = tmp_path / "junk.db"
    junk.write_text("not a database at all" * 50)
    assert fails("list", "--db", str(junk)) == f"Error: {junk} is not a SQLite database"
    newer = tmp_path / "newer.db"
    ok("add", "X", "--db", str(newer))
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    assert "newer leadtui" in fails("list", "--db", str(newer))


def test_export_to_a_missing_directory_fails_cleanly(db: str, tmp_path: Path) -> None:
    ok("add", "X", "--db", db)
    assert "does not exist" in fails(
        "export", "--output", str(tmp_path / "no" / "x.json"), "--db", db
    )


def test_demo_refuses_an_existing_file(db: str) -> None:
    ok("add", "Real data", "--db", db)
    assert "already exists" in fails("demo", "--db", db)


def test_every_command_has_help_and_takes_db() -> None:
    for command in (
        "add",
        "list",
        "show",
        "advance",
        "lose",
        "win",
        "reopen",
        "kpi",
        "export",
        "demo",
    ):
        text = ok(command, "--help")
        assert text.startswith(f"Usage: main {command}") and "--db" in text
