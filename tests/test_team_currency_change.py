"""`leadtui setting currency CODE` moves every lead that names no currency
into the new one (3,000 USD reads 3,000 EUR): it says how many, and asks
first when any would change (off a terminal it needs --yes), as the other
commands that change many leads at once do."""

import json

import pytest
from click.testing import CliRunner, Result

from leadtui.cli import params
from leadtui.cli.root import main
from tests.conftest import both_clis
from tests.test_cli_edges import one_line_error


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin)


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


def two_in_the_team_currency_one_in_pounds(db: str) -> None:
    for name, value in (("Ann", "3000"), ("Bob", "500"), ("Cy", "£700")):
        ok("add", name, "--value", value, "--db", db)


def currencies(db: str) -> list[str]:
    return [lead["currency"] for lead in json.loads(ok("list", "--json", "--db", db))]


@both_clis
def test_off_a_terminal_it_refuses_naming_the_count_and_yes(db: str) -> None:
    two_in_the_team_currency_one_in_pounds(db)
    line = one_line_error(run("setting", "currency", "EUR", "--db", db, stdin="y\n"))
    assert line == (
        "Error: setting currency EUR changes the currency of 2 leads naming no currency:"
        " pass --yes to confirm"
    )
    assert ok("setting", "currency", "--db", db) == "currency = USD\n"
    assert sorted(currencies(db)) == ["GBP", "USD", "USD"]


@both_clis
def test_with_yes_it_changes_them_and_says_how_many(db: str) -> None:
    two_in_the_team_currency_one_in_pounds(db)
    ok("setting", "rate", "GBP", "1.17", "--db", db)
    assert ok("setting", "currency", "EUR", "--yes", "--db", db) == (
        "currency = EUR (the value of 2 leads naming no currency is now in EUR, not USD;"
        " 1 rates cleared: they were in the old currency)\n"
    )
    assert sorted(currencies(db)) == ["EUR", "EUR", "GBP"]
    record = json.loads(ok("setting", "currency", "chf", "--yes", "--json", "--db", db))
    assert record == {"name": "currency", "value": "CHF", "rates_cleared": 0, "leads_changed": 2}


def test_at_a_terminal_it_asks_and_a_no_changes_nothing(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_in_the_team_currency_one_in_pounds(db)
    monkeypatch.setattr(params, "at_terminal", lambda: True)
    refused = run("setting", "currency", "EUR", "--db", db, stdin="n\n")
    assert refused.exit_code == 1
    assert (
        "Make EUR the team's currency? The value of 2 leads naming no currency would be in EUR,"
        " not USD: the numbers stay (3,000 USD reads 3,000 EUR), as the recorded spend's do;"
        " leads naming a currency keep theirs, and the rates are cleared." in refused.stderr
    )
    assert sorted(currencies(db)) == ["GBP", "USD", "USD"]
    assert run("setting", "currency", "EUR", "--db", db, stdin="y\n").exit_code == 0
    assert sorted(currencies(db)) == ["EUR", "EUR", "GBP"]


def test_nothing_to_change_asks_nothing(db: str) -> None:
    assert ok("setting", "currency", "EUR", "--db", db) == "currency = EUR\n"  # no leads yet
    ok("add", "Ann", "--value", "100", "--db", db)
    assert ok("setting", "currency", "eur", "--db", db) == "currency = EUR\n"  # the same one
    ok("add", "Bob", "--value", "£700", "--db", db)
    ok("set", "1", "currency", "GBP", "--db", db)
    assert ok("setting", "currency", "CHF", "--db", db) == "currency = CHF\n"  # each names its own
