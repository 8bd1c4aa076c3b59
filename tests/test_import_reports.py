"""The files an import writes beside its work replace nothing: a second
import's rejects go beside the first's (leads.rejects-2.csv), and
--save-mapping refuses an existing file, before importing anything, unless
it is the --mapping file being updated. Before, both were overwritten
without a word."""

import json
from pathlib import Path

from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.repository import open_repository

ROWS = "name,email\nAnn,ann@example.com\n,\nBob,not-an-email@\n"


def imported(*args: str) -> str:
    result = CliRunner().invoke(main, ["import", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.output


def test_a_second_import_writes_its_rejects_beside_the_first(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(ROWS, encoding="utf-8")
    first_db, second_db = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    said = imported(str(source), "--db", first_db)
    first = tmp_path / "leads.rejects.csv"
    assert "leads.rejects.csv" in said
    before = first.read_bytes()
    said = imported(str(source), "--db", second_db)
    second = tmp_path / "leads.rejects-2.csv"
    assert "leads.rejects-2.csv" in said
    assert first.read_bytes() == before  # the first report, untouched
    assert second.read_bytes() == before  # the same rows, the same reasons
    assert second.stat().st_mode & 0o777 == 0o600


def test_save_mapping_refuses_an_existing_file_before_importing(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text("name,email\nAnn,ann@example.com\n", encoding="utf-8")
    kept = tmp_path / "kept.json"
    kept.write_text("my notes\n", encoding="utf-8")
    db = tmp_path / "leads.db"
    result = CliRunner().invoke(
        main, ["import", str(source), "--db", str(db), "--save-mapping", str(kept)]
    )
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert kept.read_text(encoding="utf-8") == "my notes\n"
    assert not db.exists() or not list(open_repository(db).all_leads())


def test_save_mapping_updates_the_mapping_it_read(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text("Full Name,Mail\nAnn,ann@example.com\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    first = CliRunner().invoke(
        main,
        ["import", str(source), "--db", str(tmp_path / "a.db"), "--dry-run",
         "--map", "Mail=email", "--save-mapping", str(mapping)],
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    result = CliRunner().invoke(
        main,
        ["import", str(source), "--db", str(tmp_path / "b.db"), "--mapping", str(mapping),
         "--map", "Full Name=name", "--save-mapping", str(mapping)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    columns = json.loads(mapping.read_text(encoding="utf-8"))["columns"]
    assert columns["Mail"] == "email" and columns["Full Name"] == "name"
