"""A workbook's number formats come in as Excel shows them: an amount
formatted as €, £ or ¥ is in that currency, as the same amount typed "€5000"
in a CSV is, and a percentage is the percentage on screen. The dry run shows
each amount with its currency, so a column read in the wrong one is seen
before anything is stored."""

from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook

from leadtui.cli.root import main
from leadtui.importing.number_formats import format_currency, percent_text
from leadtui.repository import open_repository


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def formatted(path: Path, rows: Sequence[tuple[str, object, str]]) -> Path:
    """A sheet of Name, Amount rows, each amount in its number format."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Amount"])
    for line, (name, amount, fmt) in enumerate(rows, start=2):
        sheet.append([name, amount])
        sheet.cell(line, 2).number_format = fmt
    book.save(path)
    return path


ROWS = [
    ("Ann Euro", 5000, "#,##0.00 [$€-407]"),
    ("Bob Pound", 7000, "[$£-809]#,##0.00"),
    ("Cy Yen", 100000, "[$¥-411]#,##0"),
    ("Di Quoted", 3000, '"€"#,##0'),
    ("Ed Bare", 4000, "£#,##0"),
    ("Fa Code", 6000, "[$CHF] #,##0.00"),
    ("Gi Plain", 1234.5, "#,##0.00"),
]


def test_an_amounts_currency_comes_from_its_number_format(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    source = formatted(tmp_path / "cur.xlsx", ROWS)
    assert run("import", str(source), "--db", db).exit_code == 0
    leads = sorted(open_repository(db).all_leads(), key=lambda lead: lead.id)
    assert [(lead.value_cents, lead.currency) for lead in leads] == [
        (500000, "EUR"),
        (700000, "GBP"),
        (10000000, "JPY"),
        (300000, "EUR"),
        (400000, "GBP"),
        (600000, "CHF"),
        (123450, "USD"),  # no currency shown: the team's
    ]


def test_the_dry_run_shows_each_amount_with_its_currency(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    source = formatted(tmp_path / "cur.xlsx", ROWS)
    result = run("import", str(source), "--db", db, "--dry-run")
    assert result.exit_code == 0, result.output
    for shown in ("€5,000", "£7,000", "¥100,000", "€3,000", "£4,000", "CHF 6,000", "$1,234.50"):
        assert f" · {shown}" in result.output


def test_a_csvs_amounts_show_their_currency_in_the_dry_run(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    assert run("setting", "currency", "EUR", "--db", db).exit_code == 0
    source = tmp_path / "cur.csv"
    source.write_text('Name,Amount\nAnn,$5000\nBob,"7,000.50"\n', encoding="utf-8")
    result = run("import", str(source), "--db", db, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Ann · New · other · $5,000" in result.output
    assert "Bob · New · other · €7,000.50" in result.output


def test_a_percentage_comes_in_as_excel_shows_it(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Share", "Margin"])
    sheet.append(["Ann", 0.25, 0.125])
    sheet["B2"].number_format = "0%"
    sheet["C2"].number_format = "0.0%"
    book.save(tmp_path / "p.xlsx")
    assert run("import", str(tmp_path / "p.xlsx"), "--db", db).exit_code == 0
    (lead,) = open_repository(db).all_leads(custom=True)
    assert lead.custom == {"Share": "25%", "Margin": "12.5%"}


@pytest.mark.parametrize(
    ("fmt", "currency"),
    [
        ("#,##0.00 [$€-407]", "EUR"),
        ("[$€-2] #,##0.00", "EUR"),
        ("[$£-809]#,##0.00", "GBP"),
        ("[$¥-411]#,##0", "JPY"),
        ("[$¥-804]#,##0.00", "CNY"),  # the yuan, by its locale
        ("[$$-409]#,##0.00", "USD"),
        ("[$$-1009]#,##0.00", "CAD"),
        ("[$$-C09]#,##0.00", "AUD"),
        ("$#,##0.00", "$"),  # which dollar: as a CSV's "$500" is read
        ('"$"#,##0_);("$"#,##0)', "$"),
        ("[$EUR] #,##0.00", "EUR"),
        ('#,##0 "GBP"', "GBP"),
        ('"€"#,##0', "EUR"),
        ("#,##0.00\\ €", "EUR"),
        ("#,##0.00 €;[Red]-#,##0.00 €", "EUR"),
        ("[$US$-409]#,##0", "USD"),
        ("[Red]#,##0.00", None),
        ("#,##0.00", None),
        ("0.00E+00", None),
        ("General", None),
        ("[$-409]#,##0", None),  # a locale, no currency
        ('#,##0 "units"', None),
        ('#,##0 "ABC"', None),  # not an ISO code
        (None, None),
    ],
)
def test_the_currency_a_number_format_shows(fmt: str | None, currency: str | None) -> None:
    assert format_currency(fmt) == currency


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (0.25, "0%", "25%"),
        (0.255, "0%", "26%"),  # rounded as Excel shows it, half away from zero
        (0.125, "0.0%", "12.5%"),
        (1, "0.00%", "100.00%"),
        (0.25, "#,##0.00", None),
        (0.25, '0 "%"', None),  # a quoted % is text, the value is not scaled
    ],
)
def test_a_percentage_as_excel_shows_it(value: float, fmt: str, shown: str | None) -> None:
    assert percent_text(value, fmt) == shown
