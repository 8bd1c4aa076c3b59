"""Excel workbooks import as Excel shows them: typed cells as the text on
screen, the first sheet with data, a title row above the header skipped, and
every file that is not a readable workbook refused in one line.
"""

import csv
import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook

from leadtui.cli.root import main
from leadtui.importing import workbook
from leadtui.repository import open_repository


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def save(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text typed as "=…" stays text, as Excel keeps it
    book.save(path)
    return path


def stored(db: str) -> list[dict[str, object]]:
    repo = open_repository(db)
    return [
        {"name": lead.name, "email": lead.email, "phone": lead.phone, **lead.custom}
        for lead in sorted(repo.all_leads(custom=True), key=lambda lead: lead.id)
    ]


def test_typed_cells_come_in_as_excel_shows_them(tmp_path: Path) -> None:
    source = save(
        tmp_path / "leads.xlsx",
        {
            "Leads": [
                ["Leads from the March fair"],  # a title above the header
                [],
                ["Name", "Email", "Met", "Called at", "Rating", "Visits", "Mobile", "Opted in"],
                [
                    "Иван Петров",
                    "ivan@example.ru",
                    dt.datetime(2025, 3, 14),
                    dt.datetime(2025, 3, 14, 9, 30),
                    4.6,
                    87,
                    447700900123.0,
                    True,
                ],
                [],  # an empty row between rows is not a row
                ["王秀英", None, dt.date(1999, 12, 31), None, 0.1 + 0.2, -3, None, False],
            ]
        },
    )
    db = str(tmp_path / "leads.db")
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    assert "imported 2" in result.output
    assert "lines 1-2 above the header (line 3) read as the file's title" in result.output
    first, second = stored(db)
    assert first["name"] == "Иван Петров" and first["email"] == "ivan@example.ru"
    assert (first["Met"], first["Called at"]) == ("2025-03-14", "2025-03-14 09:30:00")
    assert (first["Rating"], first["Visits"]) == ("4.6", "87")
    assert first["phone"] == "447700900123"  # a number cell: no "+" (Excel shows none)
    assert first["Opted in"] == "TRUE" and second["Opted in"] == "FALSE"
    assert second["name"] == "王秀英" and second["Met"] == "1999-12-31"
    assert (second["Rating"], second["Visits"]) == ("0.3", "-3")  # Excel's 15 digits


def test_the_dry_run_names_the_sheet_read_and_the_ones_not(tmp_path: Path) -> None:
    source = save(
        tmp_path / "book.xlsx",
        {"Cover": [], "Leads": [["Name", "Email"], ["Ann", "ann@example.com"]], "Notes": [["x"]]},
    )
    result = run("import", str(source), "--dry-run", "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 0, result.output
    assert "Excel workbook, sheet “Leads” (not read: “Cover”, “Notes”)" in result.output
    assert "would import 1" in result.output
    assert "read as UTF-8" not in result.output  # no encoding was chosen: nothing to say


def test_a_sheet_name_never_reaches_the_terminal_raw(tmp_path: Path) -> None:
    source = save(tmp_path / "book.xlsx", {"Leads\x9b31m": [["Name", "Email"], ["Ann", "a@b.co"]]})
    result = run("import", str(source), "--dry-run", "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 0, result.output
    assert "sheet “Leads31m”" in result.output and "\x9b" not in result.output


def test_import_json_says_it_read_a_workbook(tmp_path: Path) -> None:
    source = save(tmp_path / "leads.xlsx", {"Leads": [["Name", "Email"], ["Ann", "a@b.co"]]})
    result = run("import", str(source), "--json", "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["format"] == "xlsx"


def test_a_value_past_the_last_header_rejects_its_row_whole(tmp_path: Path) -> None:
    source = save(
        tmp_path / "leads.xlsx",
        {"Leads": [["Name", "Email"], ["Ann", "ann@example.com"], ["Bo", "bo@example.com", "VIP"]]},
    )
    db = str(tmp_path / "leads.db")
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 1, result.output  # a row was turned away: said and kept
    assert "imported 1" in result.output and "rejected 1" in result.output
    assert [lead["name"] for lead in stored(db)] == ["Ann"]
    rejects = next(tmp_path.glob("*.rejects.csv"))
    with rejects.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[1][:2] == ["3", "a value in column C, past the last header"]
    assert rows[1][2:] == ["Bo", "bo@example.com", "VIP"]


def test_control_characters_in_cells_never_reach_the_database(tmp_path: Path) -> None:
    # XML cannot hold C0 controls, but C1 ones (CSI, NEL) are legal XML.
    source = save(tmp_path / "leads.xlsx", {"Leads": [["Name", "Notes"], ["Ann\x9b31m", "a\x85b"]]})
    db = str(tmp_path / "leads.db")
    assert run("import", str(source), "--db", db).exit_code == 0
    (lead,) = open_repository(db).all_leads()
    assert lead.name == "Ann31m"
    assert lead.notes is not None and "\x85" not in lead.notes


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


OLE_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)  # how .xls files begin


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(OLE_FILE), "old-style .xls"),
        (lambda p: write_zip(p, {"xl/workbook.xml": b"<nope"}), "cannot read this workbook"),
        (lambda p: write_zip(p, {"word/document.xml": b"<w/>"}), "is a zip archive, not a"),
        (lambda p: save(p, {"Empty": [], "Also": []}), "every sheet is empty"),
    ],
    ids=["xls-or-encrypted", "broken-workbook", "other-zip", "empty"],
)
def test_what_is_not_a_readable_workbook_is_one_line(
    tmp_path: Path, make: object, message: str
) -> None:
    source = tmp_path / "leads.xlsx"
    make(source)  # type: ignore[operator]
    db = tmp_path / "leads.db"
    result = run("import", str(source), "--db", str(db))
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output and result.output.count("\n") == 1


def test_a_decompression_bomb_is_refused_before_it_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The limits made small, so the bomb is small: a 2 MB sheet of zeros.
    monkeypatch.setattr(workbook, "_BIG", 1024 * 1024)
    source = save(tmp_path / "leads.xlsx", {"Leads": [["Name", "Email"], ["Ann", "a@b.co"]]})
    with zipfile.ZipFile(source, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(2 * 1024 * 1024))
    result = run("import", str(source), "--db", str(tmp_path / "x.db"))
    assert result.exit_code == 1, result.output
    assert "refused as a decompression bomb" in result.output
    assert not (tmp_path / "x.db").exists() or stored(str(tmp_path / "x.db")) == []


def test_a_formula_comes_in_as_its_last_result(tmp_path: Path) -> None:
    """Excel stores each formula's last result beside it; that is what the
    sheet shows, so that is the value (the formula itself is not data)."""
    made = save(tmp_path / "made.xlsx", {"Leads": [["Name", "Deal"], ["Ann", "=1+1"]]})
    source = tmp_path / "leads.xlsx"
    with zipfile.ZipFile(made) as original, zipfile.ZipFile(source, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                cell = b'<c r="B2" t="inlineStr"><is><t>=1+1</t></is></c>'
                assert cell in data
                data = data.replace(cell, b'<c r="B2"><f>SUM(40,2)</f><v>42</v></c>')
            copy.writestr(item, data)
    db = str(tmp_path / "leads.db")
    assert run("import", str(source), "--db", db).exit_code == 0
    assert stored(db)[0]["Deal"] == "42"
