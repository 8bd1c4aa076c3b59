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


def test_a_custom_field_name_is_said_journaled_and_undone_as_it_is_stored(
    tmp_path: Path,
) -> None:
    """ "Région " (a trailing space, as a shell variable leaves) is stored as
    "Région": the change must be said, journaled and undone under that name,
    not reported "unchanged" and left out of the history."""
    db = str(tmp_path / "s.db")
    said("add", "Ann", "--db", db)
    assert said("set", "1", "custom.Région ", "Île-de-France", "--db", db) == (
        "#1 Ann: custom.Région — → Île-de-France\n"
    )
    assert "custom.Région: — → Île-de-France" in said("show", "1", "--db", db)
    assert said("set", "1", "custom. Région", "Île-de-France", "--db", db) == (
        "#1 Ann: custom.Région unchanged\n"
    )
    assert said("undo", "--db", db) == "Undid: Edit custom.Région of #1 Ann\n"
    assert '"custom": {}' in said("show", "1", "--json", "--db", db)


def test_a_custom_field_with_no_name_is_refused_whatever_the_value(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    said("add", "Ann", "--db", db)
    for name, value in (("custom.", "x"), ("custom.", ""), ("custom. \t", "")):
        result = CliRunner().invoke(main, ["set", "1", name, value, "--db", db])
        assert result.exit_code == 1
        assert result.output == "Error: custom field: the name is empty\n"
