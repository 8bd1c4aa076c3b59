"""Files leadtui writes for people: private (0600), never replacing a file
without --force, never written through a symlink, FIFO or device."""

import csv
import json
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from bench.ptyterm import program_in_pty
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.domain.errors import InvalidInput
from leadtui.importing.plan import Overrides
from leadtui.safe_files import private_file, write_private


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def one_error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "leads.db")
    assert run("add", "Ann Lee", "--email", "ann@x.io", "--db", path).exit_code == 0
    return path


@pytest.mark.parametrize("spelling", ["same", "symlink", "history"])
def test_export_never_replaces_the_database_it_reads_even_with_force(
    db: str, tmp_path: Path, spelling: str
) -> None:
    """Under names that say no format (a `.db` name is refused for its name
    first, below)."""
    team = tmp_path / "team"
    assert run("add", "Ann Lee", "--db", str(team)).exit_code == 0
    db = str(team)
    output = {
        "same": team,
        "symlink": tmp_path / "link",
        "history": tmp_path / "leads.csv",  # whose history file, leads.history.csv, is...
    }[spelling]
    args = ["--format", "csv", "--with-history"] if spelling == "history" else []
    database = Path(db)
    if spelling == "symlink":
        output.symlink_to(database)
    elif spelling == "history":
        database = tmp_path / "leads.history.csv"  # ...the database
        assert run("add", "Bo", "--db", str(database)).exit_code == 0
    before = database.read_bytes()
    result = run("export", *args, "--output", str(output), "--force", "--db", str(database))
    line = one_error_line(result)
    shown = tmp_path / "leads.history.csv" if spelling == "history" else output
    assert line == f"Error: {shown} is the database itself: export to another file"
    assert database.read_bytes() == before
    assert run("show", "1", "--db", str(database)).exit_code == 0


def test_export_onto_a_db_name_is_refused_for_its_name(db: str) -> None:
    before = Path(db).read_bytes()
    line = one_error_line(run("export", "--output", db, "--force", "--db", db))
    assert line == (
        "Error: leads.db names an SQLite database, which export does not write:"
        " name it leads.json, leads.jsonl or leads.csv"
    )
    assert Path(db).read_bytes() == before


def test_export_refuses_an_existing_file_without_force(db: str, tmp_path: Path) -> None:
    out = tmp_path / "leads.json"
    out.write_text("precious", encoding="utf-8")
    line = one_error_line(run("export", "--output", str(out), "--db", db))
    assert "already exists" in line and "--force" in line
    assert out.read_text(encoding="utf-8") == "precious"
    assert run("export", "--output", str(out), "--force", "--db", db).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))[0]["name"] == "Ann Lee"
    assert mode(out) == 0o600


def test_every_exported_file_is_private(db: str, tmp_path: Path) -> None:
    os.umask(0o022)
    out = tmp_path / "leads.csv"
    result = run("export", "--format", "csv", "--with-history", "--output", str(out), "--db", db)
    assert result.exit_code == 0, result.output
    history = tmp_path / "leads.history.csv"
    assert f"history written to {history}" in result.output
    assert mode(out) == 0o600 and mode(history) == 0o600
    assert next(csv.DictReader(history.open(encoding="utf-8-sig")))["to"] == "new"


def test_the_history_file_is_written_only_when_asked(db: str, tmp_path: Path) -> None:
    out = tmp_path / "leads.csv"
    assert run("export", "--format", "csv", "--output", str(out), "--db", db).exit_code == 0
    assert sorted(p.name for p in tmp_path.glob("leads*.csv")) == ["leads.csv"]


def test_an_existing_history_file_stops_the_export_before_anything_is_written(
    db: str, tmp_path: Path
) -> None:
    (tmp_path / "leads.history.csv").write_text("old", encoding="utf-8")
    out = tmp_path / "leads.csv"
    args = ("export", "--format", "csv", "--with-history", "--output", str(out), "--db", db)
    assert "leads.history.csv already exists" in one_error_line(run(*args))
    assert not out.exists()


@pytest.mark.parametrize("force", [False, True])
def test_a_symlink_is_refused_even_with_force(db: str, tmp_path: Path, force: bool) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    link = tmp_path / "leads.json"
    link.symlink_to(victim)
    args = ["export", "--output", str(link), "--db", db] + (["--force"] if force else [])
    assert "symbolic link" in one_error_line(run(*args))
    assert victim.read_text(encoding="utf-8") == "keep me" and link.is_symlink()


def test_a_dangling_symlink_is_refused(db: str, tmp_path: Path) -> None:
    link = tmp_path / "leads.json"
    link.symlink_to(tmp_path / "nowhere.json")
    assert "symbolic link" in one_error_line(run("export", "--output", str(link), "--db", db))
    assert not (tmp_path / "nowhere.json").exists()


@pytest.mark.parametrize("force", [False, True])
def test_a_fifo_is_refused_even_with_force(db: str, tmp_path: Path, force: bool) -> None:
    fifo = tmp_path / "leads.json"
    os.mkfifo(fifo)
    args = ["export", "--output", str(fifo), "--db", db] + (["--force"] if force else [])
    # Opening a FIFO to write would block until a reader came: the refusal
    # comes first, so this returns.
    assert "not a regular file" in one_error_line(run(*args))
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_device_is_refused_even_with_force(db: str) -> None:
    result = run("export", "--output", "/dev/null", "--force", "--db", db)
    assert "not a regular file" in one_error_line(result)
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_the_helper_replaces_a_regular_file_only_when_told(tmp_path: Path) -> None:
    target = tmp_path / "rejects.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    with pytest.raises(InvalidInput, match="already exists"):
        write_private(target, "new", False)
    write_private(target, "new", True)
    assert target.read_text(encoding="utf-8") == "new" and mode(target) == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), private_file(target, replace=True) as stream:
        stream.write("half")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_a_saved_mapping_is_private_and_never_written_through_a_link(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.json"
    Overrides(day_first=True).save(mapping)
    assert mode(mapping) == 0o600 and json.loads(mapping.read_text("utf-8"))["day_first"]
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(InvalidInput, match="symbolic link"):
        Overrides().save(link)


def test_the_rejects_file_is_private(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,email\nAnn,not-an-email\nBob,bob@x.io\n", encoding="utf-8")
    result = run("import", str(source), "--db", str(tmp_path / "leads.db"))
    assert result.exit_code == 1
    rejects = tmp_path / "in.rejects.csv"
    assert mode(rejects) == 0o600 and "not-an-email" in rejects.read_text("utf-8")


def test_a_dash_for_output_is_stdout_not_a_file_called_dash(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("export", "--format", "csv", "--output", "-", "--db", db)
    assert result.exit_code == 0, result.output
    assert next(csv.DictReader(result.stdout.splitlines()))["name"] == "Ann Lee"
    assert not (tmp_path / "-").exists()


# Excel reads a CSV without a byte-order mark in the machine's legacy code
# page: "Иван" would show as "Р˜РІР°РЅ". Files get the mark; a pipe does not.
BOM = "\ufeff".encode()


def test_a_csv_file_starts_with_the_utf8_mark_and_reads_back_exactly(tmp_path: Path) -> None:
    db = str(tmp_path / "leads.db")
    assert run("add", "Иван Петров", "--company", "ООО Ромашка", "--db", db).exit_code == 0
    out, history = tmp_path / "leads.csv", tmp_path / "leads.history.csv"
    assert (
        run(
            "export", "--format", "csv", "--with-history", "--output", str(out), "--db", db
        ).exit_code
        == 0
    )
    assert out.read_bytes().startswith(BOM + b"id,")
    assert history.read_bytes().startswith(BOM + b"lead_id,")
    copy = str(tmp_path / "copy.db")
    assert run("import", str(out), "--db", copy).exit_code == 0
    shown = json.loads(run("show", "1", "--json", "--db", copy).output)
    assert (shown["name"], shown["company"]) == ("Иван Петров", "ООО Ромашка")


def test_stdout_and_no_bom_files_have_no_mark(db: str, tmp_path: Path) -> None:
    piped = run("export", "--format", "csv", "--db", db).stdout_bytes
    assert piped.startswith(b"id,")
    out = tmp_path / "plain.csv"
    assert (
        run("export", "--format", "csv", "--no-bom", "--output", str(out), "--db", db).exit_code
        == 0
    )
    assert out.read_bytes().startswith(b"id,")


def test_the_rejects_file_starts_with_the_utf8_mark(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    # a value past the last header: the row is rejected whole
    source.write_text("name,email\nЗоя,zoya@x.ru,extra\n", encoding="utf-8")
    result = run("import", str(source), "--db", str(tmp_path / "leads.db"))
    assert result.exit_code == 1, result.output
    rejects = (tmp_path / "in.rejects.csv").read_bytes()
    assert rejects.startswith(BOM + b"line,")
    assert "Зоя" in rejects.decode("utf-8-sig")


STORED_ESCAPES = "Ann\x1b]0;PWNED\x07\x1b[2J"  # a title, a bell, a cleared screen


def stored_behind_leadtui(tmp_path: Path) -> Path:
    db = tmp_path / "leads.db"
    assert run("add", "Ann", "--db", str(db)).exit_code == 0
    with sqlite3.connect(db) as conn:  # another program, writing round leadtui
        conn.execute("UPDATE leads SET name = ? WHERE id = 1", [STORED_ESCAPES])
    return db


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_an_export_on_a_terminal_runs_no_stored_escape(tmp_path: Path, fmt: str) -> None:
    """In a real pty, as a rep types it: the escapes are shown as \\u escapes.
    CSV went out raw, retitling the terminal and clearing its screen."""
    db = stored_behind_leadtui(tmp_path)
    command = [sys.executable, "-m", "leadtui", "export", "--format", fmt, "--db", str(db)]
    with program_in_pty(command, tmp_path) as term:
        assert term.wait_for_exit() == 0
    shown = term.raw.decode()
    assert "\x1b]0;" not in shown and "\x07" not in shown and "\x1b[2J" not in shown
    assert "Ann\\u001b]0;PWNED\\u0007\\u001b[2J" in shown


def test_an_export_into_a_pipe_keeps_the_bytes_as_stored(tmp_path: Path) -> None:
    db = stored_behind_leadtui(tmp_path)
    piped = run("export", "--format", "csv", "--db", str(db)).stdout
    assert STORED_ESCAPES in piped  # data, for the program reading the pipe
