"""One decimal convention per amount column: '1.500' is 1,500 or 1.5 for the
whole column, never one way on one line and the other way on the next."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from leadtui.cli.root import main
from leadtui.importing.headers import Target
from leadtui.importing.plan import Overrides
from leadtui.importing.profile import Sample, decimal_order
from leadtui.importing.values import COMMA, POINT, ValueProblem, number_convention, read_amount


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def values(db: str) -> dict[str, int]:
    result = run("list", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    return {lead["name"]: lead["value_cents"] for lead in json.loads(result.output)}


@pytest.mark.parametrize(
    ("text", "convention"),
    [
        ("1.234,56", COMMA), ("12,5", COMMA), ("2.000,00", COMMA), ("1.500.000", COMMA),
        ("1,234.56", POINT), ("12.5", POINT), ("1,500,000", POINT), ("$1,234.50", POINT),
        ("1.234,50 €", COMMA), ("1,5k", COMMA), ("1.2m", POINT),
        ("1,500", None), ("2.000", None), ("1500", None), ("5k", None),
    ],
)  # fmt: skip
def test_a_cell_settles_the_convention_only_when_it_reads_one_way(
    text: str, convention: str | None
) -> None:
    assert number_convention(text) == convention


def _decide(
    cells: list[str], delimiter: str | None = ",", said: bool | None = None
) -> tuple[bool, bool]:
    sample = Sample({1: [(line, text) for line, text in enumerate(cells, start=2)]})
    targets = [Target("field", "name"), Target("field", "value")]
    order = decimal_order(["Name", "Amount"], targets, sample, said, delimiter)
    return order.comma, order.settled


def test_the_column_takes_the_convention_its_unambiguous_cells_write() -> None:
    assert _decide(["12.000", "2.500", "1.500.000"]) == (True, True)
    assert _decide(["12,5", "1,500", "2.000,00"]) == (True, True)
    assert _decide(["1,500", "1,234.56"], ";") == (False, True)  # a cell beats the delimiter
    assert _decide(["1,500", "2,000"], ";") == (True, False)  # the delimiter breaks a tie
    assert _decide(["1,500", "2,000"], ",") == (False, False)
    assert _decide(["1,234.56"], said=True) == (True, True)  # the user beats the cells


def test_a_cell_the_column_does_not_write_is_refused_not_misread() -> None:
    with pytest.raises(ValueProblem, match="decimal comma"):
        read_amount("1,234.56", COMMA)
    with pytest.raises(ValueProblem, match="decimal point"):
        read_amount("12,5", POINT)
    assert read_amount("1,500", COMMA) == (150, None)
    assert read_amount("1,500", POINT) == (150000, None)


@given(
    st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2),
    st.sampled_from([COMMA, POINT]),
    st.booleans(),
    st.booleans(),
)
def test_any_amount_written_in_the_columns_convention_reads_back_exactly(
    amount: Decimal, convention: str, grouped: bool, whole: bool
) -> None:
    """Grouped or not, with cents or whole ('1.500' in a comma column)."""
    places = 0 if whole else 2
    amount = round(amount, places)
    text = f"{amount:,.{places}f}" if grouped else f"{amount:.{places}f}"
    if convention == COMMA:
        text = text.translate(str.maketrans(",.", ".,"))
    assert read_amount(text, convention) == (int(amount * 100), None)


def test_a_semicolon_file_of_thousands_reads_them_as_thousands(db: str, tmp_path: Path) -> None:
    source = write(tmp_path / "semi3.csv", "Name;Amount\nB;12.000\nC;2.500\nD;1.500.000\n")
    dry = run("import", str(source), "--db", db, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    assert report["decimal_comma"] is True
    assert "1.500.000" in report["decimal_reason"]
    assert report["ambiguous_amounts"] == 0
    assert "Amounts read as 1.234,56" in run("import", str(source), "--db", db, "--dry-run").output
    assert run("import", str(source), "--db", db).exit_code == 0
    assert values(db) == {"B": 1_200_000, "C": 250_000, "D": 150_000_000}


def test_a_decimal_comma_column_reads_its_either_way_cells_with_a_comma(
    db: str, tmp_path: Path
) -> None:
    source = write(tmp_path / "semi4.csv", "Name;Amount\nA;12,5\nB;1,500\nC;2.000,00\n")
    report = json.loads(run("import", str(source), "--db", db, "--dry-run", "--json").output)
    assert (report["decimal_comma"], report["ambiguous_amounts"]) == (True, 0)
    assert run("import", str(source), "--db", db).exit_code == 0
    assert values(db) == {"A": 1250, "B": 150, "C": 200_000}


def test_a_cell_in_the_other_convention_is_rejected_with_its_line(db: str, tmp_path: Path) -> None:
    source = write(tmp_path / "mixed.csv", "Name;Amount\nA;12,5\nB;1,234.56\nC;2.000,00\n")
    result = run("import", str(source), "--db", db, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["rejected_by_reason"][0]["lines"] == [3]
    assert "decimal comma" in report["rejected_by_reason"][0]["reason"]
    assert values(db) == {"A": 1250, "C": 200_000}


def test_either_way_amounts_are_reported_and_the_option_forces_them(
    db: str, tmp_path: Path
) -> None:
    source = write(tmp_path / "amb.csv", 'Name,Amount\nA,"1,500"\nB,"2,000"\nC,700\n')
    dry = run("import", str(source), "--db", db, "--dry-run")
    assert "2 amounts could be read with a decimal point or comma (e.g. line 2: '1,500')" in (
        dry.output
    )
    assert "--decimal-comma to change" in dry.output
    report = json.loads(run("import", str(source), "--db", db, "--dry-run", "--json").output)
    assert (report["decimal_comma"], report["ambiguous_amounts"]) == (False, 2)
    mapping = tmp_path / "mapping.json"
    said = run("import", str(source), "--db", db, "--decimal-comma", "--save-mapping", str(mapping))
    assert said.exit_code == 0, said.output
    assert "could be read" not in said.output
    assert values(db) == {"A": 150, "B": 200, "C": 70_000}
    assert json.loads(mapping.read_text())["decimal_comma"] is True
    assert Overrides.load(mapping).decimal_comma is True


def test_a_json_number_is_a_number_in_a_decimal_comma_column(db: str, tmp_path: Path) -> None:
    """JSON strings settle the convention; a JSON number neither votes nor is
    read by it (99.5 is 99.50, not refused; 1500 stays 1,500)."""
    records = [
        {"name": "A", "value": "1.234,5"},
        {"name": "B", "value": 99.5},
        {"name": "C", "value": "1,5"},
        {"name": "D", "value": 1500},
        {"name": "E", "value": 12.5},
    ]
    source = write(tmp_path / "leads.json", json.dumps(records))
    report = json.loads(run("import", str(source), "--db", db, "--dry-run", "--json").output)
    assert (report["decimal_comma"], report["rejected"]) == (True, 0)
    assert run("import", str(source), "--db", db).exit_code == 0
    assert values(db) == {"A": 123_450, "B": 9950, "C": 150, "D": 150_000, "E": 1250}


def test_a_workbooks_number_cell_is_a_number_in_a_decimal_comma_column(
    db: str, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["Name", "Amount"], ["A", "1.234,5"], ["B", 99.5], ["C", "2.000"], ["D", 7]):
        sheet.append(row)
    book.save(tmp_path / "leads.xlsx")
    result = run("import", str(tmp_path / "leads.xlsx"), "--db", db)
    assert result.exit_code == 0, result.output
    assert values(db) == {"A": 123_450, "B": 9950, "C": 200_000, "D": 700}
