"""Zero is an amount, in any unit: `--value 0bn`, `0k`, `0m` are 0 as `0`
is, and a refused amount's message no longer says "positive" (it said so
while taking 0 and 0bn alike, so a user could not tell which was meant)."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from leadtui.cli.root import main
from leadtui.domain.currency import parse_amount
from leadtui.domain.errors import InvalidInput

ZEROS = st.sampled_from(["0", "00", "0.0", "0.00"])
UNITS = st.sampled_from(["", "k", "m", "bn"])
MARKS = st.sampled_from([("", ""), ("$", ""), ("€", ""), ("", " EUR"), ("JPY ", "")])
NUMBERS = st.from_regex(r"\A[0-9]{1,6}(\.[0-9]{1,2})?\Z")


@given(ZEROS, UNITS, MARKS)
def test_zero_in_any_unit_is_zero_as_plain_zero_is(
    zero: str, unit: str, mark: tuple[str, str]
) -> None:
    before, after = mark
    plain = parse_amount(f"{before}0{after}")
    assert parse_amount(f"{before}{zero}{unit}{after}") == plain
    assert plain.cents == 0


@given(NUMBERS, UNITS)
def test_a_negative_amount_is_refused_in_words_that_allow_zero(number: str, unit: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_amount(f"-{number}{unit}")
    assert "positive" not in str(refused.value)
    assert str(refused.value).startswith("must be an amount of 0 or more like 5000")


@pytest.mark.parametrize("value", ["0k", "0m", "0bn"])
def test_the_cli_takes_zero_in_a_unit_as_it_takes_zero(tmp_path: Path, value: str) -> None:
    db = str(tmp_path / "z.db")
    runner = CliRunner()
    for text in ("0", value):
        assert runner.invoke(main, ["add", f"V {text}", "--value", text, "--db", db]).exit_code == 0
    leads = json.loads(runner.invoke(main, ["list", "--json", "--db", db]).output)
    assert [lead["value_cents"] for lead in leads] == [0, 0]
    for text in ("-0", f"-{value}"):  # refused alike, in the same words
        refused = runner.invoke(main, ["add", "X", "--value", text, "--db", db])
        assert (refused.exit_code, refused.output) == (
            1,
            "Error: value: must be an amount of 0 or more like 5000, 5k, €1.2m or 5k EUR,"
            f" not '{text}'\n",
        )
