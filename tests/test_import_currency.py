"""An import keeps each amount's currency: from a currency column (a code
or a symbol, in any case) or from the amount's own mark ('€500', 'JPY
100000'); a currency it cannot read is kept as a custom field, never lost,
and export then import brings every currency back."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from leadtui.cli.root import main
from leadtui.domain.currency import MINOR_UNITS, SYMBOLS
from leadtui.importing.values import parse_amount, split_currency


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def imported(db: str, tmp_path: Path, text: str) -> tuple[Result, dict[str, dict[str, object]]]:
    source = tmp_path / "leads.csv"
    source.write_text(text, encoding="utf-8", newline="")
    result = run("import", str(source), "--db", db)
    listed = run("list", "--json", "--db", db)
    assert listed.exit_code == 0, listed.output
    return result, {str(lead["name"]): lead for lead in json.loads(listed.output)}


def test_a_currency_column_and_marked_amounts_set_each_leads_currency(
    db: str, tmp_path: Path
) -> None:
    result, leads = imported(
        db,
        tmp_path,
        "Name,Amount,Currency\n"
        "Ann,100,EUR\nBea,200,eur\nCid,300,€\nDan,JPY 100000,\nEve,€500,\n"
        'Fay,£5k,GBP\nGus,$5k,CAD\nHal,"1.234,50 €",\nIda,500,\n',
    )
    assert result.exit_code == 0, result.output
    assert {name: (lead["currency"], lead["value_cents"]) for name, lead in leads.items()} == {
        "Ann": ("EUR", 10_000),
        "Bea": ("EUR", 20_000),
        "Cid": ("EUR", 30_000),
        "Dan": ("JPY", 10_000_000),  # hundredths of a yen, shown ¥100,000
        "Eve": ("EUR", 50_000),
        "Fay": ("GBP", 500_000),
        "Gus": ("CAD", 500_000),  # '$' is every dollar's mark: the column says which
        "Hal": ("EUR", 123_450),
        "Ida": ("USD", 50_000),  # the team's
    }


def test_a_currency_it_cannot_read_is_kept_and_reported_once(db: str, tmp_path: Path) -> None:
    result, leads = imported(
        db, tmp_path, "Name,Amount,Currency\nAnn,100,Euro\nBea,200,Euro\nCid,300,EUR\n"
    )
    assert result.exit_code == 0, result.output
    assert leads["Ann"]["currency"] == "USD" and leads["Ann"]["custom"] == {"Currency": "Euro"}
    assert leads["Bea"]["custom"] == {"Currency": "Euro"}
    assert leads["Cid"]["currency"] == "EUR" and leads["Cid"]["custom"] == {}
    [line] = [line for line in result.output.splitlines() if line.startswith("currency:")]
    assert "2 rows had no currency it can read in 'Currency'" in line
    assert "kept as custom field 'Currency'" in line


def test_an_amount_in_another_currency_than_its_column_is_rejected_with_why(
    db: str, tmp_path: Path
) -> None:
    result, leads = imported(db, tmp_path, "Name,Amount,Currency\nAnn,€5k,USD\nBea,5k,USD\n")
    assert result.exit_code == 1
    assert "line 2: value '€5k' is in EUR but its currency column says USD" in result.output
    assert set(leads) == {"Bea"}
    assert "€5k" in (tmp_path / "leads.rejects.csv").read_text(encoding="utf-8")


def test_an_amount_finer_than_its_currency_is_rejected_with_why(db: str, tmp_path: Path) -> None:
    result, leads = imported(
        db, tmp_path, 'Name,Amount,Currency\nAnn,¥100.5,\nBea,100.5,JPY\nCid,"¥1,000",\n'
    )
    assert result.exit_code == 1
    assert "line 2: value: JPY has no minor units, so '¥100.5' is too fine" in result.output
    assert "line 3: value: JPY has no minor units, so '100.5' is too fine" in result.output
    assert {name: lead["value_cents"] for name, lead in leads.items()} == {"Cid": 100_000}


def test_import_json_lists_unread_values(db: str, tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text("Name,Currency\nAnn,dollars\n", encoding="utf-8")
    result = run("import", str(source), "--db", db, "--json")
    assert result.exit_code == 0, result.output
    [unread] = json.loads(result.output)["unread_values"]
    assert unread["field"] == "currency" and unread["column"] == "Currency"
    assert unread["rows"] == 1 and unread["example_line"] == 2


def test_export_then_import_keeps_every_currency(db: str, tmp_path: Path) -> None:
    for name, value in [("Ann", "€500"), ("Bea", "JPY 100000"), ("Cid", "£5k"), ("Dan", "700")]:
        added = run("add", name, "--value", value, "--db", db)
        assert added.exit_code == 0, added.output
    exported = tmp_path / "out.csv"
    assert run("export", "--format", "csv", "--output", str(exported), "--db", db).exit_code == 0
    again = str(tmp_path / "again.db")
    assert run("import", str(exported), "--db", again).exit_code == 0
    before, after = (
        {lead["name"]: (lead["currency"], lead["value_cents"]) for lead in json.loads(listed)}
        for listed in (run("list", "--json", "--db", d).output for d in (db, again))
    )
    assert after == before
    assert before["Bea"] == ("JPY", 10_000_000)


_MARKS = st.sampled_from(sorted(SYMBOLS)) | st.sampled_from(sorted(MINOR_UNITS))


@settings(max_examples=200)
@given(
    mark=_MARKS,
    units=st.integers(0, 10**9),
    before=st.booleans(),
    space=st.sampled_from(["", " "]),
)
def test_a_marked_amount_reads_back_its_number_and_currency(
    mark: str, units: int, before: bool, space: str
) -> None:
    text = f"{mark}{space}{units}" if before else f"{units}{space}{mark}"
    number, currency = split_currency(text)
    assert currency == SYMBOLS.get(mark, mark.upper())
    assert parse_amount(text) == units * 100 and number == str(units)


@pytest.mark.parametrize("text", ["500", "5k", "1.2m", "1,234.50", "12.345"])
def test_an_unmarked_amount_names_no_currency(text: str) -> None:
    assert split_currency(text)[1] is None
