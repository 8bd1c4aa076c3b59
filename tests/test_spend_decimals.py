"""`leadtui spend --import` reads its amounts as lead import reads a file's:
one decimal convention for the column, decided by the cells that read only
one way, else the delimiter; said with --decimal-comma/--decimal-point; the
choice and the cells it decided reported alike."""

import json
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.test_cli import fails, ok, run


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def spent(db: str) -> dict[str, int]:
    return {
        f"{entry['source']} {entry['month']}": entry["amount_cents"]
        for entry in json.loads(ok("spend", "--json", "--db", db))
    }


def test_a_semicolon_file_reads_a_decimal_comma(db: str, tmp_path: Path) -> None:
    source = write(
        tmp_path / "spend.csv", "source;month;amount\nads;2026-10;1.234,50\nevent;2026-10;2.000\n"
    )
    said = ok("spend", "--import", str(source), "--db", db)
    assert "recorded 2 spend rows" in said
    assert "Amounts read as 1.234,56, a decimal comma (line 2 has '1.234,50' in 'amount')" in said
    assert spent(db) == {"ads 2026-10": 123_450, "event 2026-10": 200_000}


def test_the_json_report_says_how_amounts_were_read(db: str, tmp_path: Path) -> None:
    source = write(tmp_path / "spend.csv", 'source,month,amount\nads,2026-10,"1,500"\n')
    report = json.loads(ok("spend", "--import", str(source), "--json", "--db", db))
    assert report == {
        "file": str(source),
        "recorded": 1,
        "decimal_comma": False,
        "decimal_reason": (
            "as no amount in the first rows reads only one way, the usual decimal point"
        ),
        "ambiguous_amounts": 1,
    }


def test_either_way_amounts_are_reported_and_the_option_forces_them(
    db: str, tmp_path: Path
) -> None:
    source = write(
        tmp_path / "amb.csv", "source;month;amount\nads;2026-10;1,500\nevent;2026-10;700\n"
    )
    said = ok("spend", "--import", str(source), "--db", db)
    assert (
        "1 amount could be read with a decimal point or comma (e.g. line 2: '1,500'): read"
        " with a decimal comma, as the file is semicolon-separated" in said
    )
    assert "--decimal-point to change" in said
    assert spent(db)["ads 2026-10"] == 150
    forced = ok("spend", "--import", str(source), "--decimal-point", "--db", db)
    assert "could be read" not in forced
    assert "Amounts read as 1,234.56, a decimal point (as chosen)" in forced
    assert spent(db)["ads 2026-10"] == 150_000


def test_a_cell_settles_the_column_and_one_in_the_other_convention_refuses_the_file(
    db: str, tmp_path: Path
) -> None:
    settled = write(
        tmp_path / "s.csv", "source;month;amount\nads;2026-10;1,500\nevent;2026-10;12.5\n"
    )
    ok("spend", "--import", str(settled), "--db", db)
    assert spent(db) == {"ads 2026-10": 150_000, "event 2026-10": 1250}
    mixed = write(
        tmp_path / "m.csv",
        'source,month,amount\nads,2026-11,"1.234,50"\nevent,2026-11,"12,5"\nsocial,2026-11,1.5\n',
    )
    assert fails("spend", "--import", str(mixed), "--db", db) == (
        f"Error: {mixed} line 4: amount: '1.5' is not written with this column's decimal"
        " comma (--decimal-point reads it); nothing was recorded"
    )
    assert "ads 2026-11" not in spent(db)


def test_a_shared_mark_is_the_teams_and_a_code_in_a_comma_amount_is_still_seen(
    db: str, tmp_path: Path
) -> None:
    ok("setting", "currency", "CAD", "--db", db)
    source = write(tmp_path / "cad.csv", "source;month;amount\nads;2026-10;$1.234,50\n")
    ok("spend", "--import", str(source), "--db", db)
    assert spent(db) == {"ads 2026-10": 123_450}
    euros = write(tmp_path / "eur.csv", "source;month;amount\nads;2026-11;1.234,50 EUR\n")
    assert fails("spend", "--import", str(euros), "--db", db) == (
        f"Error: {euros} line 2: amount: '1.234,50 EUR' is in EUR; spend is in the team's"
        " currency, CAD; nothing was recorded"
    )


def test_a_workbooks_number_cell_is_a_number(db: str, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ["Source", "Month", "Amount"],
        ["ads", "2026-10", "1.234,5"],
        ["event", "2026-10", 99.5],
    ):
        sheet.append(row)
    book.save(tmp_path / "spend.xlsx")
    ok("spend", "--import", str(tmp_path / "spend.xlsx"), "--db", db)
    assert spent(db) == {"ads 2026-10": 123_450, "event 2026-10": 9950}


def test_the_decimal_options_need_an_import(db: str) -> None:
    assert "--decimal-comma and --decimal-point go with --import" in fails(
        "spend", "--decimal-comma", "--db", db
    ).replace("Usage error: ", "")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.decimals(min_value=0, max_value=Decimal("9999999.99"), places=2),
    st.booleans(),
    st.text(max_size=12),  # all of Unicode but surrogates, which no file holds
)
def test_any_amount_reads_back_or_refuses_the_file_in_one_line(
    tmp_path: Path, amount: Decimal, comma: bool, other: str
) -> None:
    """A well-written amount in a semicolon file reads back exactly in its
    convention; any other text (all of Unicode) is recorded or refused with
    one line, nothing half written."""
    db = str(tmp_path / "h.db")
    text = f"{amount:,.2f}"
    if comma:
        text = text.translate(str.maketrans(",.", ".,"))
    flag = "--decimal-comma" if comma else "--decimal-point"
    good = write(tmp_path / "good.csv", f'source;month;amount\nads;2026-10;"{text}"\n')
    ok("spend", "--import", str(good), flag, "--db", db)
    assert spent(db)["ads 2026-10"] == int(amount * 100)
    cell = other.replace('"', '""')
    odd = write(
        tmp_path / "odd.csv",
        f'source;month;amount\nevent;2026-09;1\nsocial;2026-09;"{cell}"\n',
    )
    before = spent(db)

    result = run("spend", "--import", str(odd), "--db", db)
    if result.exit_code == 0:
        assert set(spent(db)) == {*before, "event 2026-09", "social 2026-09"}
    else:
        assert result.exit_code == 1 and "Traceback" not in result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
        assert spent(db) == before


def test_spend_finer_than_the_teams_currency_is_refused(db: str, tmp_path: Path) -> None:
    """A yen has no hundredths: '100.5' for a team in JPY was recorded as
    100.50 yen, typed or imported."""
    ok("setting", "currency", "JPY", "--db", db)
    assert fails("spend", "ads", "100.5", "--month", "2026-11", "--db", db) == (
        "Error: amount: JPY has no minor units, so '100.5' is too fine"
    )
    source = write(tmp_path / "yen.csv", "source;month;amount\nads;2026-10;1.234,5\n")
    assert fails("spend", "--import", str(source), "--db", db) == (
        f"Error: {source} line 2: amount: JPY has no minor units, so '1.234,5' is too fine;"
        " nothing was recorded"
    )
    ok("spend", "ads", "¥100k", "--month", "2026-11", "--db", db)
    assert spent(db) == {"ads 2026-11": 10_000_000}
