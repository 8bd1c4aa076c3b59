"""A file's name says its format: `export --output x.csv` wrote JSON (the
default) unless --format csv was given too. Now the extension chooses when
--format does not; a name saying another format than --format's, or one
export does not write (x.xlsx, x.csv.gz), is refused in one line before
anything is written; and import's --rejects (CSV) and --save-mapping
(JSON), and db backup's SQLite file, are held to their names the same way."""

import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadtui.cli.root import main

FORMATS = {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
OTHERS = [".xlsx", ".XLS", ".tsv", ".ods", ".parquet", ".csv.gz", ".json.zip", ".xz"]
STEMS = st.text(st.sampled_from("abcxyz019_- ."), min_size=1, max_size=12).filter(
    lambda stem: stem.strip(" .") == stem and Path(stem).suffix == ""
)
PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "leads.db")
    assert CliRunner().invoke(main, ["add", "Ann Lee", "--db", path]).exit_code == 0
    return path


def export(db: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["export", *args, "--db", db])


def read_as(path: Path, fmt: str) -> list[str]:
    """The names in an exported file, read as `fmt` (which fails on another)."""
    text = path.read_text(encoding="utf-8-sig")
    if fmt == "json":
        return [lead["name"] for lead in json.loads(text)]
    if fmt == "jsonl":
        return [json.loads(line)["name"] for line in text.splitlines()]
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and "custom" not in rows[0]
    return [row["name"] for row in rows]


def cased(extension: str, upper: list[bool]) -> str:
    return "".join(
        c.upper() if up else c for c, up in zip(extension, upper + [False] * 9, strict=False)
    )


@PROPERTY
@given(STEMS, st.sampled_from(sorted(FORMATS)), st.lists(st.booleans()), st.booleans())
def test_the_output_name_chooses_the_format(
    tmp_path: Path, db: str, stem: str, extension: str, upper: list[bool], say_it: bool
) -> None:
    fmt = FORMATS[extension]
    out = Path(tempfile.mkdtemp(dir=tmp_path)) / f"{stem}{cased(extension, upper)}"
    result = export(db, *(["--format", fmt] if say_it else []), "--output", str(out))
    assert (result.exit_code, result.output) == (0, "")
    assert read_as(out, fmt) == ["Ann Lee"]


@PROPERTY
@given(STEMS, st.sampled_from(sorted(FORMATS) + OTHERS), st.sampled_from(["json", "jsonl", "csv"]))
def test_a_name_saying_another_format_is_refused(
    tmp_path: Path, db: str, stem: str, extension: str, fmt: str
) -> None:
    if FORMATS.get(extension) == fmt:
        return  # they agree
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    out = folder / f"{stem}{extension}"
    for args in (["--format", fmt, "--output", str(out)], ["--output", str(out)]):
        if extension in FORMATS and "--format" not in args:
            continue  # a name alone that export writes is no contradiction
        result = export(db, *args, "--with-history")
        assert result.exit_code == 1
        assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
        assert f"{out.name} names " in result.output
        assert list(folder.iterdir()) == []


def test_the_refusals_say_what_to_do(tmp_path: Path, db: str) -> None:
    out = tmp_path / "leads"
    said = {
        ("--format", "csv", "--output", f"{out}.json"): "Error: --format csv, but leads.json"
        " names JSON: leave --format out, or name the file leads.csv",
        ("--format", "json", "--output", f"{out}.jsonl"): "Error: --format json, but"
        " leads.jsonl names JSON Lines: leave --format out, or name the file leads.json",
        ("--output", f"{out}.xlsx"): "Error: leads.xlsx names an Excel workbook, which export"
        " does not write: name it leads.json, leads.jsonl or leads.csv",
        ("--format", "csv", "--output", f"{out}.csv.gz"): "Error: leads.csv.gz names a gzip"
        " file, which export does not write: name it leads.csv",
    }
    for args, line in said.items():
        assert export(db, *args).output == line + "\n"
    assert [path for path in tmp_path.iterdir() if not path.name.startswith("leads.db")] == []


@pytest.mark.parametrize(("name", "fmt"), [("leads.txt", "json"), ("leads", "json")])
def test_a_name_that_names_no_format_keeps_the_default(
    tmp_path: Path, db: str, name: str, fmt: str
) -> None:
    assert export(db, "--output", str(tmp_path / name)).exit_code == 0
    assert read_as(tmp_path / name, fmt) == ["Ann Lee"]
    csv_too = tmp_path / f"{name}.2"
    assert export(db, "--format", "csv", "--output", str(csv_too)).exit_code == 0
    assert read_as(csv_too, "csv") == ["Ann Lee"]


def test_a_csv_name_brings_its_history_file(tmp_path: Path, db: str) -> None:
    result = export(db, "--output", str(tmp_path / "leads.csv"), "--with-history")
    assert result.exit_code == 0, result.output
    assert read_as(tmp_path / "leads.csv", "csv") == ["Ann Lee"]
    assert (tmp_path / "leads.history.csv").exists()


@pytest.mark.parametrize(
    ("option", "name", "line"),
    [
        ("--rejects", "bad.json", "bad.json names JSON, which --rejects does not write:"
         " name it bad.csv"),
        ("--rejects", "bad.csv.gz", "bad.csv.gz names a gzip file, which --rejects does not"
         " write: name it bad.csv"),
        ("--save-mapping", "map.csv", "map.csv names CSV, which --save-mapping does not write:"
         " name it map.json"),
    ],
)  # fmt: skip
def test_imports_files_are_held_to_their_names(
    tmp_path: Path, option: str, name: str, line: str
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("name,email\nAnn,not-an-email\nBo,bo@example.com\n")
    target = tmp_path / "new.db"
    result = CliRunner().invoke(
        main, ["import", str(source), option, str(tmp_path / name), "--db", str(target)]
    )
    assert (result.exit_code, result.output) == (1, f"Error: {line}\n")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv"]


def test_a_backup_is_not_named_as_another_format(tmp_path: Path, db: str) -> None:
    runner = CliRunner()
    for name, said in (
        ("copy.csv", "CSV"),
        ("copy.json.gz", "a gzip file"),
        ("copy.dump", "a PostgreSQL dump"),
    ):
        result = runner.invoke(main, ["db", "backup", str(tmp_path / name), "--db", db])
        assert (result.exit_code, result.output) == (
            1,
            f"Error: {name} names {said}, which db backup does not write: name it copy.db\n",
        )
        assert not (tmp_path / name).exists()
    done = runner.invoke(main, ["db", "backup", str(tmp_path / "copy.bak"), "--db", db])
    assert done.exit_code == 0 and (tmp_path / "copy.bak").exists()
