"""A compressed file given to `import` is named by its first bytes, in one
line, with what to do (exit 1, nothing written): a Leads.csv.gz was called
"not a text file (a spreadsheet? ...)", which sent the rep the wrong way.
A CSV whose first header merely starts like a magic number is still a CSV."""

import bz2
import gzip
import lzma
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main

CSV = b"name,email\nAnn,ann@x.io\n"


@pytest.mark.parametrize(
    ("suffix", "pack", "said"),
    [
        (".csv.gz", gzip.compress, "is a gzip file: gunzip it first"),
        (".csv.bz2", bz2.compress, "is a bzip2 file: bunzip2 it first"),
        (".csv.xz", lzma.compress, "is an xz file: unxz it first"),
    ],
)
def test_a_compressed_file_is_named_as_such(
    tmp_path: Path, suffix: str, pack: Callable[[bytes], bytes], said: str
) -> None:
    path = tmp_path / f"Leads{suffix}"
    path.write_bytes(pack(CSV))
    db = tmp_path / "leads.db"
    result = CliRunner().invoke(main, ["import", str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output == f"Error: {path} {said}\n"
    assert CliRunner().invoke(main, ["list", "--db", str(db), "--json"]).output.count("@") == 0


def test_a_csv_that_starts_like_bzip2_is_a_csv(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_bytes(b"BZh9 name,email\nAnn,ann@x.io\n")
    result = CliRunner().invoke(
        main, ["import", str(path), "--db", str(tmp_path / "l.db"), "--map", "BZh9 name=name"]
    )
    assert result.exit_code == 0, result.output
