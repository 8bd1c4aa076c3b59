"""Money with its currency: parsed with its symbol or code and the
currency's minor units, stored beside the amount, shown and exported, and
never added to another currency's in the KPIs."""

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.domain.currency import Amount, check_currency, format_units, parse_amount
from leadtui.domain.errors import InvalidInput
from leadtui.domain.kpi_format import kpi_lines, kpi_record
from leadtui.domain.kpis import Window
from leadtui.domain.models import build_draft
from leadtui.domain.quickadd import preview_lines, understand
from leadtui.repository import Repository, open_repository
from leadtui.repository.team_settings import OTHER_CURRENCY_VALUES
from tests.conftest import NOW, frozen_clock, query_plan


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$500", Amount(50_000, "USD")),
        ("€500", Amount(50_000, "EUR")),
        ("£500", Amount(50_000, "GBP")),
        ("500", Amount(50_000, None)),
        ("JPY 100000", Amount(10_000_000, "JPY")),
        ("¥1.5m", Amount(150_000_000, "JPY")),
        ("5k EUR", Amount(500_000, "EUR")),
        ("5,000.50 gbp", Amount(500_050, "GBP")),
        ("C$2k", Amount(200_000, "CAD")),
        ("300 €", Amount(30_000, "EUR")),
        ("$10bn", Amount(10**12, "USD")),  # as the screens print it ("$10.0bn")
        ("1.5bn EUR", Amount(150_000_000_000, "EUR")),
    ],
)
def test_an_amount_is_read_with_its_currency(text: str, amount: Amount) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize("text", ["¥100.5", "JPY 1.5", "$abc", "-5", "5 EURO", "11bn", "5b"])
def test_what_a_currency_cannot_hold_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_amount(text)


def test_yen_is_shown_without_minor_units_and_codes_are_checked() -> None:
    assert format_units(10_000_000, "JPY") == "100,000"
    assert format_units(500_050, "EUR") == "5,000.50"
    assert (check_currency(" eur "), check_currency("£")) == ("EUR", "GBP")
    with pytest.raises(InvalidInput, match="ISO 4217"):
        check_currency("EURO")


def test_a_draft_takes_the_currency_its_value_names_unless_it_contradicts() -> None:
    assert build_draft(name="A", value_cents="€5k").currency == "EUR"
    assert build_draft(name="A", value_cents="5k").currency is None
    assert build_draft(name="A", value_cents="5k", currency="jpy").currency == "JPY"
    with pytest.raises(InvalidInput, match="is in EUR but the currency is GBP"):
        build_draft(name="A", value_cents="€5k", currency="GBP")


@pytest.mark.parametrize(
    ("line", "currency", "shown"),
    [
        ("Ann $5k", "USD", "5,000 USD"),
        ("Ann €5k", "EUR", "5,000 EUR"),
        ("Ann 5k EUR @Acme", "EUR", "5,000 EUR"),
        ("Ann JPY 100000", "JPY", "100,000 JPY"),
    ],
)
def test_quick_add_sets_the_currency(line: str, currency: str, shown: str) -> None:
    understood = understand(line, NOW)
    assert understood.draft is not None and understood.draft.currency == currency
    assert f"value: {shown}" in preview_lines(understood)


def test_show_export_and_the_team_default(db: str, tmp_path: Path) -> None:
    ok("add", "Ann", "--value", "€5k", "--db", db)
    ok("add", "Bob", "--value", "JPY 100000", "--db", db)
    ok("add", "Cy", "--value", "700", "--db", db)
    assert ok("setting", "currency", "--db", db).strip() == "currency = USD"
    assert ok("setting", "currency", "gbp", "--yes", "--db", db).strip() == (
        "currency = GBP (the value of 1 lead naming no currency is now in GBP, not USD)"
    )
    assert (
        "Error: currency: 'dollars' is not an ISO 4217"
        in run("setting", "currency", "dollars", "--db", db).output
    )
    shown = json.loads(ok("show", "2", "--json", "--db", db))
    assert (shown["currency"], shown["value"], shown["value_cents"]) == ("JPY", 100000, 10_000_000)
    assert "Value:       100,000 JPY" in ok("show", "2", "--db", db)
    # A lead that named no currency is in the team's, whatever it is now.
    assert json.loads(ok("show", "3", "--json", "--db", db))["currency"] == "GBP"
    out = tmp_path / "leads.csv"
    ok("export", "--format", "csv", "--output", str(out), "--db", db)
    rows = {row["name"]: row for row in csv.DictReader(out.open(encoding="utf-8-sig"))}
    assert [rows[n]["currency"] for n in ("Ann", "Bob", "Cy")] == ["EUR", "JPY", "GBP"]
    assert rows["Bob"]["value"] == "100000"


def test_setting_a_value_with_a_symbol_changes_the_currency_and_says_so(
    repo: Repository,
) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann", value_cents="5k"))
    lead = repo.update_fields(lead_id, {"value": "€7.5k"})
    assert (lead.value_cents, lead.currency) == (750_000, "EUR")
    lead = repo.update_fields(lead_id, {"value": "8k"})
    assert (lead.value_cents, lead.currency) == (800_000, "EUR")  # keeps its own
    lead = repo.update_fields(lead_id, {"currency": ""})
    assert lead.currency == "USD"  # back to the team's
    changes = [(e.field, e.old, e.new) for e in repo.history(lead_id) if e.type == "field_change"]
    assert ("currency", "USD", "EUR") in changes and ("currency", "EUR", "USD") in changes


# ------------------------------------------------------------------- KPIs

LATER = NOW + timedelta(days=1)


@pytest.fixture
def mixed(db_path: Path) -> Repository:
    """Won, lost and open leads in the team's currency (EUR), in dollars and
    in yen, owned by maria."""
    repo = open_repository(db_path, actor="tester", clock=frozen_clock)
    repo.set_team_currency("EUR")
    for name, value in (("A", "€1k"), ("B", "3k"), ("C", "$10k"), ("D", "JPY 500000")):
        repo.win(repo.add_lead(build_draft(name=name, value_cents=value, owner="maria")))
    for name, value in (("E", "€2k"), ("F", "$4k")):
        repo.add_lead(build_draft(name=name, value_cents=value, owner="maria"))
    repo.lose(repo.add_lead(build_draft(name="G", value_cents="$6k", owner="maria")), "no budget")
    return open_repository(db_path, actor="tester", clock=lambda: LATER)


@pytest.mark.parametrize("owner", [None, "maria"])
def test_kpi_money_is_per_currency_and_never_added(mixed: Repository, owner: str | None) -> None:
    # The team's report (rollups) and one rep's (the rows) alike.
    report = mixed.kpi_report(Window.last("30d", LATER), owner)
    outcomes = report.outcomes
    assert (outcomes.won, outcomes.lost) == (4, 1)  # counts count every lead
    assert outcomes.revenue_cents == 400_000  # €1k + 3k: the team's EUR only
    assert report.headline.average_deal_cents == 200_000
    assert report.money.pipeline_cents == 200_000
    record = kpi_record(report)
    assert record["currency"] == "EUR" and record["revenue_cents"] == 400_000
    by = {row["currency"]: row for row in record["by_currency"]}
    assert list(by) == ["EUR", "JPY", "USD"]
    assert (by["EUR"]["won"], by["EUR"]["open_leads"]) == (2, 1)
    assert (by["USD"]["won"], by["USD"]["revenue_cents"], by["USD"]["pipeline_cents"]) == (
        1, 1_000_000, 400_000,
    )  # fmt: skip
    assert (by["USD"]["lost"], by["USD"]["lost_value_cents"]) == (1, 600_000)
    assert by["JPY"]["revenue_cents"] == 50_000_000
    assert [r["value_cents"] for r in record["lost_reasons"]] == [0]
    [source] = record["sources"]
    assert (source["revenue_cents"], source["average_deal_cents"]) == (400_000, 200_000)
    text = "\n".join(kpi_lines(report))
    assert "money in EUR" in text and "Other currencies (not in the EUR figures above)" in text
    assert "  USD: won 1, revenue 10,000 (avg 10,000); lost 1 worth 6,000;" in text


def test_the_previous_window_leaves_other_currencies_out_too(db_path: Path) -> None:
    repo = open_repository(db_path, actor="tester", clock=frozen_clock)
    repo.win(repo.add_lead(build_draft(name="A", value_cents="$10k")))
    repo.win(repo.add_lead(build_draft(name="B", value_cents="€1k")))
    later = open_repository(db_path, clock=lambda: NOW + timedelta(days=40))
    previous = later.kpi_report(Window.last("30d", NOW + timedelta(days=40))).previous
    assert previous is not None
    assert (previous.revenue_cents, previous.average_deal_cents) == (1_000_000, 1_000_000)


def test_the_other_currencies_are_read_through_their_index(mixed: Repository) -> None:
    plan = query_plan(
        mixed.path,
        "SELECT count(*) FROM leads l INDEXED BY leads_currency WHERE l.currency IS NOT NULL"
        " AND (l.currency < 'EUR' OR l.currency > 'EUR') AND l.stage IN ('new')",
    )
    assert "leads_currency" in plan and "SCAN l" not in plan.replace("COVERING INDEX", "")


def test_the_boards_other_currency_totals_read_only_the_leads_naming_one(
    mixed: Repository,
) -> None:
    plan = query_plan(mixed.path, OTHER_CURRENCY_VALUES.format(where="").replace("?", "'EUR'"))
    assert "leads_currency" in plan and "SCAN" not in plan.replace("COVERING INDEX", "")


def test_a_value_merged_in_comes_with_its_currency(repo: Repository) -> None:
    keep = repo.add_lead(build_draft(name="Ann", value_cents="€1k"))
    other = repo.add_lead(build_draft(name="Ann", value_cents="$9k"))
    lead = repo.merge_leads(keep, other)
    assert (lead.value_cents, lead.currency) == (900_000, "USD")
    kept = repo.add_lead(build_draft(name="Bo", value_cents="€1k"))
    dropped = repo.add_lead(build_draft(name="Bo", value_cents="$9k"))
    lead = repo.merge_leads(kept, dropped, picks={"value": "keep"})
    assert (lead.value_cents, lead.currency) == (100_000, "EUR")


# ------------------------------------------------- a bare `$` in another dollar


@pytest.mark.parametrize(
    ("text", "usual", "amount"),
    [
        ("$500", "CAD", Amount(50_000, "CAD")),  # the usual currency's dollar
        ("$500", "USD", Amount(50_000, "USD")),
        ("$500", "EUR", Amount(50_000, "USD")),  # no euro is written `$`
        ("US$500", "CAD", Amount(50_000, "USD")),  # a dollar named outright
        ("500 USD", "AUD", Amount(50_000, "USD")),
        ("¥100.5", "CNY", Amount(10_050, "CNY")),  # the yuan has minor units
        ("€5k", "CAD", Amount(500_000, "EUR")),
    ],
)
def test_a_bare_shared_mark_is_the_usual_currency_when_it_can_be(
    text: str, usual: str, amount: Amount
) -> None:
    assert parse_amount(text, usual) == amount


def test_a_bare_yen_in_yen_still_has_no_minor_units() -> None:
    with pytest.raises(InvalidInput, match="JPY has no minor units"):
        parse_amount("¥100.5", "JPY")


def test_add_and_quick_read_a_bare_dollar_as_the_teams_dollar(db: str) -> None:
    ok("setting", "currency", "CAD", "--db", db)
    ok("add", "Ann", "--value", "$500", "--db", db)
    ok("quick", "Bob $5k", "--db", db)
    ok("add", "Cy", "--value", "US$700", "--db", db)
    shown = [json.loads(ok("show", str(i), "--json", "--db", db)) for i in (1, 2, 3)]
    assert [(s["currency"], s["value_cents"]) for s in shown] == [
        ("CAD", 50_000),
        ("CAD", 500_000),
        ("USD", 70_000),
    ]
    ok("setting", "currency", "EUR", "--yes", "--db", db)  # a `$` is then no euro
    ok("add", "Dee", "--value", "$500", "--db", db)
    assert json.loads(ok("show", "4", "--json", "--db", db))["currency"] == "USD"


def test_quick_add_reads_a_bare_dollar_in_the_currency_it_is_given() -> None:
    understood = understand("Ann $5k", NOW, currency="CAD")
    assert understood.draft is not None
    assert (understood.draft.value_cents, understood.draft.currency) == (500_000, "CAD")
    pounds = understand("Ann $5k", NOW, currency="GBP").draft
    assert pounds is not None and pounds.currency == "USD"  # no pound is written `$`


def test_set_reads_a_bare_dollar_in_the_leads_own_currency(repo: Repository) -> None:
    repo.set_team_currency("CAD")
    team = repo.add_lead(build_draft(name="Ann", value_cents="5k"))
    own = repo.add_lead(build_draft(name="Bob", value_cents="A$5k"))
    lead = repo.update_fields(team, {"value": "$600"})
    assert (lead.value_cents, lead.currency) == (60_000, "CAD")
    lead = repo.update_fields(own, {"value": "$700"})
    assert (lead.value_cents, lead.currency) == (70_000, "AUD")
    changes = [e.field for i in (team, own) for e in repo.history(i) if e.type == "field_change"]
    assert "currency" not in changes  # neither lead changed currency
    with pytest.raises(InvalidInput, match="is in USD but the currency is EUR"):
        repo.update_fields(own, {"value": "$800", "currency": "EUR"})  # no euro is `$`
