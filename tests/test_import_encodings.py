"""Encodings: a byte-order mark, then UTF-8, then a detected legacy encoding;
never a silent lossy fallback. Bytes an encoding does not define reject their
row, by line, and everything else in the file comes in exact."""

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main

ROWS = [
    ("1", "Zoë Ångström", "zoe@example.se", "Café “Acme” – €5™"),
    ("2", "Иван Петров", "ivan@example.ru", "ООО Ромашка"),
    ("3", "李雷", "li@example.cn", "腾讯"),
]
EXCEL_TEXT = "Lead ID\tName\tEmail\tCompany\r\n" + "".join("\t".join(r) + "\r\n" for r in ROWS)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def stored(db: str) -> list[dict[str, object]]:
    result = run("list", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    return list(json.loads(result.output))


def names_and_companies(db: str) -> list[tuple[object, object]]:
    return [(lead["name"], lead["company"]) for lead in stored(db)]


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (b"\xff\xfe", "utf-16-le"),  # Excel's "Unicode Text"
        (b"\xfe\xff", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xef\xbb\xbf", "utf-8"),
    ],
)
def test_a_byte_order_mark_says_the_encoding_and_tabs_are_sniffed(
    db: str, tmp_path: Path, bom: bytes, codec: str
) -> None:
    source = tmp_path / "export.txt"
    source.write_bytes(bom + EXCEL_TEXT.encode(codec))
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    assert "imported 3" in result.output
    assert names_and_companies(db) == [(name, company) for _, name, _, company in ROWS]
    assert [lead["custom"] for lead in stored(db)] == [{"Lead ID": n} for n, *_ in ROWS]


def test_the_dry_run_says_how_the_file_was_read(db: str, tmp_path: Path) -> None:
    source = tmp_path / "export.txt"
    source.write_bytes(b"\xff\xfe" + EXCEL_TEXT.encode("utf-16-le"))
    result = run("import", str(source), "--dry-run", "--db", db)
    assert "CSV, tab-separated, UTF-16 (byte-order mark)" in result.output
    assert "Lead ID  → custom field 'Lead ID'" in result.output


def windows_1252(tmp_path: Path, rows: int = 30, bad_row: int | None = None) -> Path:
    """A Windows-1252 export with curly quotes, a dash, € and ™; `bad_row`
    holds 0x81, a byte Windows-1252 leaves undefined."""
    lines = [b"Name,Company"]
    for i in range(rows):
        name = f"Ann {i}".encode("cp1252")
        if i == bad_row:
            name = b"A\x81nn " + str(i).encode()
        lines.append(name + b"," + "Café “Acme” – €5™ naïve".encode("cp1252"))
    path = tmp_path / "w.csv"
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")
    return path


def test_windows_1252_is_read_whole(db: str, tmp_path: Path) -> None:
    result = run("import", str(windows_1252(tmp_path)), "--db", db)
    assert result.exit_code == 0, result.output
    assert "read as Windows-1252 (detected; --encoding to choose another)" in result.output
    assert {company for _, company in names_and_companies(db)} == {"Café “Acme” – €5™ naïve"}


def test_an_undefined_byte_rejects_its_row_by_line_and_nothing_else_is_lost(
    db: str, tmp_path: Path
) -> None:
    source = windows_1252(tmp_path, bad_row=6)
    rejects = tmp_path / "rejects.csv"
    result = run("import", str(source), "--rejects", str(rejects), "--db", db)
    assert result.exit_code == 1
    assert "line 8: bytes \\x81 are not Windows-1252 text" in result.output
    assert "imported 29, merged 0, skipped 0 duplicates, rejected 1" in result.output
    # The other rows keep “ ” – € ™: no fallback to Latin-1 dropped them.
    assert {company for _, company in names_and_companies(db)} == {"Café “Acme” – €5™ naïve"}
    [row] = list(csv.DictReader(rejects.open(encoding="utf-8-sig")))
    assert (row["line"], row["Name"]) == ("8", "A\\x81nn 6")
    assert row["Company"] == "Café “Acme” – €5™ naïve"


SHORT_WESTERN = [
    ("José Müller", "Café “Ltd”", "costs 5€ – fine™"),
    ("Ann Lee", "Acme", "naïve résumé"),
    ("Søren Ødegård", "Ñandú S.A.", "«oui» — ¿sí?"),
]


@pytest.mark.parametrize("rows", [1, 2, 3])
@pytest.mark.parametrize("stray", [False, True])
def test_a_short_windows_1252_file_is_not_read_as_a_dos_code_page(
    db: str, tmp_path: Path, rows: int, stray: bool
) -> None:
    """On a row or two the detector rates a DOS code page (cp775, the Baltic
    one) above Windows-1252: 'Café “Ltd”' came in as 'Cafķ ōLtdö'. With a
    stray undefined byte too, that byte's row is rejected by its line."""
    lines = ["Name,Company,Notes".encode("cp1252")]
    lines += [",".join(row).encode("cp1252") for row in SHORT_WESTERN[:rows]]
    if stray:
        lines.append(b"Bad \x81 byte,X,Y")
    source = tmp_path / "short.csv"
    source.write_bytes(b"\r\n".join(lines) + b"\r\n")
    result = run("import", str(source), "--db", db)
    assert "read as Windows-1252 (detected" in result.output, result.output
    if stray:
        assert f"line {rows + 2}: bytes \\x81 are not Windows-1252 text" in result.output
    kept = [(lead["name"], lead["company"], lead["notes"]) for lead in stored(db)]
    assert sorted(kept) == sorted(SHORT_WESTERN[:rows])


def test_a_short_dos_file_is_not_taken_for_windows_1252(db: str, tmp_path: Path) -> None:
    """Code page 850 read as Windows-1252 puts punctuation inside words
    (Jörg as "J”rg"): that reading is never chosen over the detector's."""
    source = tmp_path / "dos.csv"
    source.write_bytes("Name,Firma\r\nJörg Schäfer,Großhandel Köln\r\n".encode("cp850"))
    result = run("import", str(source), "--db", db)
    assert "read as " in result.output and "Windows-1252" not in result.output
    assert names_and_companies(db) == [("Jörg Schäfer", "Großhandel Köln")]


def test_a_utf8_file_with_one_stray_byte_stays_utf8(db: str, tmp_path: Path) -> None:
    """Read as a legacy encoding, every other accent would become mojibake."""
    good = "".join(f"Zoë {i},Société Générale\n" for i in range(20)).encode("utf-8")
    source = tmp_path / "mixed.csv"
    source.write_bytes(b"Name,Company\n" + good + b"Bad \x93quote\x94,X\n")
    result = run("import", str(source), "--db", db)
    assert "line 22: bytes \\x93 \\x94 are not UTF-8 text" in result.output
    assert "imported 20" in result.output and "UTF-8 but for some bytes" in result.output
    assert {company for _, company in names_and_companies(db)} == {"Société Générale"}


def test_other_legacy_encodings_are_detected(db: str, tmp_path: Path) -> None:
    text = "Имя,Компания\n" + "".join(
        f"Иван Петров {i},ООО Ромашка и партнёры\n" for i in range(20)
    )
    source = tmp_path / "ru.csv"
    source.write_bytes(text.encode("cp1251"))
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    assert "Windows-1251" in result.output
    leads = stored(db)
    assert leads[0]["name"] == "Иван Петров 0"  # no name column: named after the first cell
    assert leads[0]["custom"] == {"Имя": "Иван Петров 0", "Компания": "ООО Ромашка и партнёры"}


def test_encoding_can_be_chosen_and_is_saved_with_the_mapping(db: str, tmp_path: Path) -> None:
    source = tmp_path / "pl.csv"
    source.write_bytes(("Name,Firma\n" + "Łukasz Żółć,Spółka Łódź\n").encode("cp1250"))
    mapping = tmp_path / "m.json"
    args = ("--encoding", "cp1250", "--save-mapping", str(mapping), "--db", db)
    assert run("import", str(source), *args).exit_code == 0
    assert names_and_companies(db) == [("Łukasz Żółć", "Spółka Łódź")]
    assert json.loads(mapping.read_text(encoding="utf-8"))["encoding"] == "cp1250"
    other = str(tmp_path / "other.db")
    assert run("import", str(source), "--mapping", str(mapping), "--db", other).exit_code == 0
    assert names_and_companies(other) == [("Łukasz Żółć", "Spółka Łódź")]


def test_what_is_not_text_is_one_readable_line(db: str, tmp_path: Path) -> None:
    spreadsheet = tmp_path / "leads.csv"
    spreadsheet.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5U\x90\xff" * 50)
    for args, message in (
        ([str(spreadsheet)], "is not a text file"),
        ([str(spreadsheet), "--encoding", "klingon"], "not an encoding Python knows"),
    ):
        result = run("import", *args, "--db", db)
        assert result.exit_code == 1 and message in result.output, result.output
        assert "Traceback" not in result.output
