"""`leadtui set`'s one line says what changed: a value typed in another
currency changes the money even when the number is the same."""

from pathlib import Path

from click.testing import CliRunner

from leadtui.cli.root import main


def said(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_a_value_in_another_currency_is_said_with_both_currencies(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    said("add", "Ann", "--value", "5k EUR", "--db", db)
    assert said("set", "1", "value", "5k GBP", "--db", db) == (
        "#1 Ann: value 5,000 EUR → 5,000 GBP\n"
    )
    assert said("set", "1", "value", "6k USD", "--db", db) == (
        "#1 Ann: value 5,000 GBP → 6,000 USD\n"
    )
    # The same currency: the number alone, as before.
    assert said("set", "1", "value", "7k", "--db", db) == "#1 Ann: value 6,000 → 7,000\n"
    assert said("set", "1", "value", "7k USD", "--db", db) == "#1 Ann: value unchanged\n"
