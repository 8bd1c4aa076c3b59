"""`leadtui import`'s --encoding and --mapping given something they cannot
use: one line naming what is wrong, never a traceback, nothing imported."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main


def refused(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


@pytest.fixture
def leads_csv(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text("name,email\nAnn,ann@example.com\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("encoding", "says"),
    [
        ("utf-16", "UTF-16 stream does not start with BOM"),
        ("rot13", "not a text encoding"),
        ("base64", "not a text encoding"),
        ("idna", "cannot read"),
    ],
)
def test_an_encoding_that_cannot_read_the_file_is_one_line(
    leads_csv: Path, tmp_path: Path, encoding: str, says: str
) -> None:
    db = tmp_path / "leads.db"
    line = refused("import", str(leads_csv), "--encoding", encoding, "--db", str(db))
    assert f"--encoding {encoding}" in line and says in line


def test_a_mapping_that_is_not_utf8_is_one_line(leads_csv: Path, tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_bytes(b'{"columns": {"name": "name\xe9"}}')
    line = refused(
        "import", str(leads_csv), "--mapping", str(mapping), "--db", str(tmp_path / "l.db")
    )
    assert line == f"Error: mapping {mapping} is not UTF-8 text"
