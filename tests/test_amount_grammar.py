"""An amount typed reads as the same amount in a file: any number of
decimals, a unit, a currency mark. `0.004k` is 4 (it was refused, as more
than two decimals), and what `spend` records is echoed as `spend` lists it
("0" for "0bn", which it echoed as typed)."""

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from leadtui.cli.root import main
from leadtui.domain.currency import MAX_CENTS, Amount, parse_amount
from leadtui.domain.errors import InvalidInput
from leadtui.importing.values import POINT, read_amount

WHOLE = st.from_regex(r"\A[0-9]{1,7}\Z")
DECIMALS = st.from_regex(r"\A[0-9]{0,6}\Z")
UNITS = st.sampled_from([("", 1), ("k", 1_000), ("m", 1_000_000)])
MARKS = st.sampled_from([("", "", None), ("$", "", "USD"), ("€", "", "EUR"), ("", " EUR", "EUR")])


def number(whole: str, decimals: str) -> str:
    return f"{whole}.{decimals}" if decimals else whole


@given(WHOLE, DECIMALS, UNITS, MARKS)
def test_an_amount_is_its_exact_value_to_the_cent_as_an_import_reads_it(
    whole: str, decimals: str, unit: tuple[str, int], mark: tuple[str, str, str | None]
) -> None:
    (suffix, multiplier), (before, after, currency) = unit, mark
    text = f"{before}{number(whole, decimals)}{suffix}{after}"
    exact = Decimal(number(whole, decimals)) * multiplier * 100
    cents = int(exact.to_integral(ROUND_HALF_UP))
    if cents > MAX_CENTS:
        with pytest.raises(InvalidInput, match="too large"):
            parse_amount(text)
        return
    assert parse_amount(text) == Amount(cents, currency)
    if not after:  # the import reads a code after a number, not after its unit
        assert read_amount(text, POINT) == (cents, currency)


@given(WHOLE, st.from_regex(r"\A[0-9]{0,3}[1-9]\Z"))
def test_a_fraction_of_a_yen_is_refused_however_small(whole: str, decimals: str) -> None:
    with pytest.raises(InvalidInput, match="JPY has no minor units"):
        parse_amount(f"¥{whole}.{decimals}")


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("0.004k", 400),
        ("1.2345k", 123_450),
        ("5.555", 556),
        ("0.0005m", 50_000),
        ("KWD 1.234", 123),
    ],
)
def test_decimals_are_read_to_the_cent_and_rounded_past_it(text: str, cents: int) -> None:
    assert parse_amount(text).cents == cents


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("typed", "shown", "cents"),
    [("0bn", "0", 0), ("0.004k", "4", 400), ("1.50k", "1,500", 150_000), ("$2.5", "2.50", 250)],
)
def test_spend_echoes_what_it_recorded_as_its_list_shows_it(
    tmp_path: Path, typed: str, shown: str, cents: int
) -> None:
    db = str(tmp_path / "s.db")
    assert run("spend", "Ads", typed, "--month", "2026-11", "--db", db) == f"ads 2026-11: {shown}\n"
    assert run("spend", "--db", db) == f"2026-11  {'ads':<10}{shown:>14}\n"
    recorded = json.loads(run("spend", "--json", "--db", db))
    assert recorded == [{"source": "ads", "month": "2026-11", "amount_cents": cents}]


def test_a_lead_value_takes_what_spend_takes(tmp_path: Path) -> None:
    db = str(tmp_path / "v.db")
    run("add", "Vera", "--value", "0.004k", "--db", db)
    assert [lead["value_cents"] for lead in json.loads(run("list", "--json", "--db", db))] == [400]
