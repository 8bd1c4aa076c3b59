"""`leadtui setting`'s refusals and echoes say what is true: a rate's real
bound, a time zone typed in any case, a legacy fixed-offset zone warned of."""

from pathlib import Path

from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.repository import open_repository
from tests.conftest import both_clis
from tests.test_cli import fails, ok


@both_clis
def test_a_rate_is_refused_by_the_bound_it_breaks(db: str) -> None:
    """1000000000 and 0.00000000001 were 'not a positive number', while
    1000001 was 'over 1000000'; a 21-digit rate was echoed with 20."""
    ok("setting", "currency", "USD", "--yes", "--db", db)
    for typed, said in (
        ("1000000000", "rate: 1000000000 is over 1000000"),
        ("1000001", "rate: 1000001 is over 1000000"),
        ("0.00000000001", "rate: 0.00000000001 is under 0.0000000001"),
        ("1.23456789012345678901", "rate: 1.23456789012345678901 has more than 10 decimals"),
        ("0", "rate: '0' is not a positive number like 1.17 (a dot, no comma)"),
        ("1,17", "rate: '1,17' is not a positive number like 1.17 (a dot, no comma)"),
        ("9" * 40, f"rate: {'9' * 29}… is over 1000000"),
    ):
        assert fails("setting", "rate", "GBP", typed, "--db", db) == f"Error: {said}", typed
    assert ok("setting", "rate", "GBP", "0.0000000001", "--db", db).startswith(
        "rate GBP = 0.0000000001"
    )
    assert ok("setting", "rate", "GBP", "1.10000000000", "--db", db).startswith("rate GBP = 1.1 ")


@both_clis
def test_a_time_zone_is_taken_in_any_case_and_stored_as_spelled(db: str) -> None:
    """`timezone utc` was refused while `region gb` was taken."""
    assert ok("setting", "timezone", "utc", "--db", db) == "timezone = UTC\n"
    assert ok("setting", "timezone", "asia/TOKYO", "--db", db) == "timezone = Asia/Tokyo\n"
    assert open_repository(db).time_zone() == "Asia/Tokyo"
    assert "is not a time zone" in fails("setting", "timezone", "asia/nowhere", "--db", db)


def test_a_fixed_offset_legacy_zone_is_warned_of(db_path: Path) -> None:
    """`timezone EST` is a fixed UTC-5: New York's July is an hour off."""
    result = CliRunner().invoke(main, ["setting", "timezone", "est", "--db", str(db_path)])
    assert (result.exit_code, result.stdout) == (0, "timezone = EST\n")
    assert result.stderr == (
        "warning: EST is UTC-5 all year, with no daylight saving"
        " (New York's time is America/New_York)\n"
    )
    result = CliRunner().invoke(main, ["setting", "timezone", "America/New_York",
                                       "--db", str(db_path)])  # fmt: skip
    assert (result.stdout, result.stderr) == ("timezone = America/New_York\n", "")
