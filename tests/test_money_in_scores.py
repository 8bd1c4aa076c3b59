"""Scores compare a lead's value in the team's currency, at the team's rates:
¥100,000 is about $670 at 0.0067, so it is "under 10k", never "50k or
more". A lead whose currency has no rate scores no value rule and says why.
A rate or a change of the team's currency rescores the leads it moves; a
change that would leave yen with cents is refused, nothing written."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.repository import open_repository
from leadtui.repository.features import STANDARD_FEATURES
from tests.conftest import both_clis
from tests.test_cli_edges import one_line_error


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


def reasons(db: str, lead_id: str) -> list[str]:
    record = json.loads(ok("score", "show", lead_id, "--json", "--db", db))
    return [reason["label"] for reason in record["rule"]["reasons"]]


def value_reasons(db: str, lead_id: str) -> list[str]:
    return [label for label in reasons(db, lead_id) if "value" in label]


@both_clis
def test_a_value_rule_compares_the_value_in_the_teams_currency(db: str) -> None:
    ok("setting", "rate", "JPY", "0.0067", "--db", db)
    ok("quick", "Taro Yamada @Nintendo JPY 100000", "--anyway", "--db", db)
    ok("quick", "Ann Lee @Acme $60k", "--anyway", "--db", db)
    assert value_reasons(db, "1") == ["deal value under 10k"]  # about $670
    assert value_reasons(db, "2") == ["deal value 50k or more"]


@both_clis
def test_without_a_rate_no_value_rule_applies_and_the_reason_says_so(db: str) -> None:
    ok("quick", "Taro Yamada @Nintendo JPY 100000", "--anyway", "--db", db)
    assert value_reasons(db, "1") == ["deal value not scored: no rate for JPY"]
    text = ok("score", "show", "1", "--db", db)
    assert "  0 deal value not scored: no rate for JPY" in text


@both_clis
def test_a_rate_set_or_cleared_rescores_the_leads_in_that_currency(db: str) -> None:
    ok("quick", "Taro Yamada @Nintendo JPY 10000000", "--anyway", "--db", db)
    ok("setting", "rate", "JPY", "0.0067", "--db", db)  # ¥10m is $67,000
    assert value_reasons(db, "1") == ["deal value 50k or more"]
    assert json.loads(ok("list", "--json", "--db", db))[0]["score"] == 25
    ok("setting", "rate", "JPY", "--clear", "--db", db)
    assert json.loads(ok("list", "--json", "--db", db))[0]["score"] == 5
    assert value_reasons(db, "1") == ["deal value not scored: no rate for JPY"]


@both_clis
def test_a_change_of_the_teams_currency_rescores_the_leads_naming_one(db: str) -> None:
    ok("setting", "rate", "EUR", "1.1", "--db", db)
    ok("quick", "Ann Euro @Acme €60k", "--anyway", "--db", db)
    assert value_reasons(db, "1") == ["deal value 50k or more"]
    ok("setting", "currency", "GBP", "--db", db)  # the EUR rate goes with USD
    assert value_reasons(db, "1") == ["deal value not scored: no rate for EUR"]
    ok("setting", "currency", "EUR", "--db", db)  # now at par
    assert value_reasons(db, "1") == ["deal value 50k or more"]


def test_an_import_scores_its_values_in_the_teams_currency(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    ok("setting", "rate", "JPY", "0.0067", "--db", db)
    source = tmp_path / "leads.csv"
    # The same number in two currencies: scored apart, not from one cache entry.
    source.write_text("Name,Amount\nAnn,$100000\nTaro,¥100000\nHana,€100000\n", encoding="utf-8")
    ok("import", str(source), "--db", db)
    assert value_reasons(db, "1") == ["deal value 50k or more"]
    assert value_reasons(db, "2") == ["deal value under 10k"]
    assert value_reasons(db, "3") == ["deal value not scored: no rate for EUR"]


@both_clis
def test_the_learned_value_feature_is_in_the_teams_currency(db: str) -> None:
    ok("setting", "rate", "JPY", "0.0067", "--db", db)
    for line in ("Taro @Nintendo JPY 10000000", "Ann @Acme $5k", "Hana @Sony €60k"):
        ok("quick", line, "--anyway", "--db", db)
    repo = open_repository(db)
    with repo._connection() as read:  # the feature's SQL, as training runs it
        rows = read.execute(
            f"SELECT l.id, {STANDARD_FEATURES['deal value']} FROM leads l ORDER BY l.id"
        ).fetchall()
    assert [tuple(row) for row in rows] == [(1, "50k+"), (2, "1k-10k"), (3, "no rate")]


@both_clis
def test_a_currency_without_the_cents_of_the_teams_amounts_is_refused(db: str) -> None:
    ok("setting", "rate", "GBP", "1.17", "--db", db)
    ok("add", "Ann", "--value", "1234.50", "--db", db)
    ok("add", "Bob", "--value", "£700.50", "--db", db)  # names its own: stays GBP
    line = one_line_error(run("setting", "currency", "JPY", "--yes", "--db", db))
    assert line == (
        "Error: currency JPY: it has no unit for the cents of 1 lead naming no currency"
        " (#1: 1,234.50); round them first (leadtui set 1 value 1,234…), then change it"
    )
    assert ok("setting", "--json", "--db", db).count('"GBP": "1.17"') == 1  # nothing written
    assert json.loads(ok("setting", "--json", "--db", db))["currency"] == "USD"
    ok("set", "1", "value", "1235", "--db", db)
    assert ok("setting", "currency", "JPY", "--yes", "--db", db).startswith("currency = JPY")
    lead = json.loads(ok("list", "--json", "--db", db))
    assert {(item["value_cents"], item["currency"]) for item in lead} == {
        (123500, "JPY"),
        (70050, "GBP"),
    }


@pytest.mark.parametrize("cents", ["12.5", "12"])
def test_spend_with_cents_also_keeps_the_currency(tmp_path: Path, cents: str) -> None:
    db = str(tmp_path / "t.db")
    ok("spend", "website", cents, "--month", "2026-01", "--db", db)
    result = run("setting", "currency", "JPY", "--db", db)
    if cents == "12":
        assert result.exit_code == 0
    else:
        assert one_line_error(result).startswith(
            "Error: currency JPY: it has no unit for the cents of 1 spend month;"
        )
