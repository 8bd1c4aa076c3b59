"""`leadtui kpi`, `leadtui spend` and `leadtui setting` on the hand-made
fixture (tests/kpi_fixture.py; the figures are worked out in
test_kpi_fixture.py)."""

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli import common as cli_common
from leadtui.cli import root as cli
from leadtui.repository import Repository, copy_database, open_repository
from tests.conftest import ENGINES, both_clis, frozen_clock
from tests.kpi_fixture import build_kpi_fixture
from tests.test_cli import fails, ok


@pytest.fixture
def kpi_db(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fixture, with the CLI's clock frozen at its NOW: a file, or with
    both_kpi_dbs that file copied into PostgreSQL too (`leadtui db copy`,
    rollups and all)."""
    path = tmp_path / "kpi.db"
    build_kpi_fixture(path)

    def frozen(
        db_path: Path | str | None, *, reading: bool = False, existing: bool = False
    ) -> Repository:
        return open_repository(cli_common.database_target(db_path), clock=frozen_clock)

    monkeypatch.setattr(cli_common, "repository", frozen)
    if getattr(request, "param", "sqlite") == "postgresql":
        url: str = request.getfixturevalue("pg_url")
        copy_database(path, url)
        return url
    return str(path)


both_kpi_dbs = pytest.mark.parametrize("kpi_db", ENGINES, indirect=True)


@both_kpi_dbs
def test_kpi_json_has_the_documented_keys_and_the_fixture_figures(kpi_db: str) -> None:
    record = json.loads(ok("kpi", "--json", "--db", kpi_db))
    assert record["window"] == {
        "name": "30d",
        "label": "last 30 days",
        "since": "2026-10-21T12:00:00+00:00",
        "until": "2026-11-20T12:00:00+00:00",
    }
    assert (record["new_leads"], record["won"], record["lost"], record["win_rate"]) == (
        7,
        3,
        2,
        0.6,
    )
    assert record["revenue_cents"] == 1_500_000
    assert record["previous"]["new_leads"] == 3
    assert [step["reached"] for step in record["funnel"]] == [7, 4, 2, 2, 2, 2]
    referral = next(row for row in record["sources"] if row["source"] == "referral")
    assert referral["spend_cents"] == 300_000 and referral["roi"] == pytest.approx(2.3333)
    website = next(row for row in record["sources"] if row["source"] == "website")
    assert website["cost_per_lead_cents"] is None and website["roi"] is None
    assert record["lost_reasons"] == [{"reason": "No budget", "count": 2, "value_cents": 600000}]
    assert (record["rotting"]["count"], record["overdue"]["count"]) == (2, 1)
    assert set(record["definitions"]) >= {"win_rate", "funnel", "roi", "cost_per_lead"}
    assert record["lifetime_years"] == 3.0


@both_kpi_dbs
def test_kpi_text_shows_arrows_against_the_previous_window(kpi_db: str) -> None:
    text = ok("kpi", "--db", kpi_db)
    assert text.startswith("KPIs for last 30 days (arrows: against the previous window)")
    assert "New leads                          7  ↑ 133%" in text  # 7 against 3
    won = next(line for line in text.splitlines() if line.startswith("  Won "))
    assert won.split() == ["Won", "2"]


@both_kpi_dbs
def test_kpi_text_has_the_score_vs_outcome_table_of_its_json(kpi_db: str) -> None:
    """The text left out the calibration table that --json carries; it comes
    last, a row per band as the JSON has them, within 80 columns."""
    bands = json.loads(ok("kpi", "--json", "--db", kpi_db))["score_calibration"]
    assert bands
    lines = ok("kpi", "--db", kpi_db).splitlines()
    title = lines.index("Rule score vs outcome (every closed lead, by the score it closed with)")
    header, *rows = lines[title + 1 :]
    assert header.split() == ["score", "closed", "won", "win", "rate"]
    assert [row.split()[:4] for row in rows] == [
        [band["band"], f"{band['closed']:,}", f"{band['won']:,}", f"{band['win_rate']:.1%}"]
        for band in bands
    ]
    assert all(len(line) <= 80 for line in lines[title:])


@both_kpi_dbs
def test_kpi_windows_owner_and_dates(kpi_db: str) -> None:
    assert json.loads(ok("kpi", "--json", "--window", "all", "--db", kpi_db))["new_leads"] == 11
    assert json.loads(ok("kpi", "--json", "--owner", "ben", "--db", kpi_db))["new_leads"] == 1
    # October 21 to November 19, whole days: C D10, E D15, F D12, A D20, B D25,
    # G D5 (Nov 15) - J (Nov 18 12:00) too; the window ends Nov 20 00:00.
    custom = json.loads(
        ok("kpi", "--json", "--since", "2026-10-22", "--until", "2026-11-19", "--db", kpi_db)
    )
    assert custom["window"]["until"] == "2026-11-20T00:00:00+00:00"
    assert custom["new_leads"] == 7


def test_an_owners_report_has_no_spend_not_a_zero_one(kpi_db: str) -> None:
    """Spend is per source, not per rep: an owner's report leaves it out,
    null in --json (README: a figure that cannot be computed is null) and
    n/a in the text, as the KPI tab shows it, never a 0 that reads as a rep
    whose leads cost nothing."""
    record = json.loads(ok("kpi", "--json", "--owner", "ben", "--window", "all", "--db", kpi_db))
    assert record["sources"]
    assert [row["spend_cents"] for row in record["sources"]] == [None] * len(record["sources"])
    assert {row["roi"] for row in record["sources"]} == {None}
    team = json.loads(ok("kpi", "--json", "--window", "all", "--db", kpi_db))
    referral = next(row for row in team["sources"] if row["source"] == "referral")
    assert referral["spend_cents"] > 0  # the team's report keeps it
    text = ok("kpi", "--owner", "ben", "--window", "all", "--db", kpi_db).splitlines()
    rows = text[text.index("By source") + 2 :]
    source_rows = rows[: len(record["sources"])]
    assert all(line.split()[5] == "n/a" for line in source_rows), source_rows


@both_kpi_dbs
def test_kpi_csv_is_one_row_per_figure(kpi_db: str) -> None:
    rows = list(csv.reader(io.StringIO(ok("kpi", "--csv", "--db", kpi_db))))
    assert rows[0] == ["figure", "key", "value"]
    assert ["new_leads", "", "7"] in rows
    assert ["funnel.reached", "contacted", "4"] in rows
    assert ["sources.spend_cents", "referral", "300000"] in rows
    assert ["sources.roi", "website", ""] in rows  # n/a is empty, not 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "last week"], "since: 'last week' is not a date"),
        (["--since", "2026-11-02", "--until", "2026-11-01"], "ends (2026-11-01) before it starts"),
    ],
)
def test_kpi_refuses_bad_dates_in_one_line(kpi_db: str, args: list[str], message: str) -> None:
    assert message in fails("kpi", *args, "--db", kpi_db)


def test_kpi_json_and_csv_together_is_a_usage_error(kpi_db: str) -> None:
    result = CliRunner().invoke(cli.main, ["kpi", "--json", "--csv", "--db", kpi_db])
    assert result.exit_code == 1 and "pick one" in result.output


@both_clis
def test_spend_records_lists_and_replaces(db: str) -> None:
    # Echoed as recorded, as the list below prints it, not as typed.
    assert ok("spend", "ads", "1.2k", "--month", "2026-11", "--db", db).strip() == (
        "ads 2026-11: 1,200"
    )
    assert "(was 1,200)" in ok("spend", "Ads", "1500", "--month", "2026-11", "--db", db)
    assert ok("spend", "--db", db).strip() == "2026-11  ads                1,500"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["billboards", "100", "--month", "2026-11"], "source: 'billboards' is not one of"),
        (["ads", "100", "--month", "2026-13"], "month: '2026-13' is not a month"),
        (["ads", "$abc", "--month", "2026-11"], "amount: must be an amount of 0 or more"),
        (["ads", "1" * 20, "--month", "2026-11"], "amount: too large: at most 10,000,000,000"),
    ],
)
@both_clis
def test_spend_refuses_bad_input_and_writes_nothing(db: str, args: list[str], message: str) -> None:
    assert message in fails("spend", *args, "--db", db)
    assert ok("spend", "--db", db) == ""


@both_clis
def test_spend_import_is_all_rows_or_none(db: str, tmp_path: Path) -> None:
    good = tmp_path / "spend.csv"
    good.write_text("Source,Month,Amount\nads,2026-10,1000\nreferral,2026-10,2.5k\n")
    assert "recorded 2 spend rows" in ok("spend", "--import", str(good), "--db", db)
    bad = tmp_path / "bad.csv"
    bad.write_text("source,month,amount\nevent,2026-10,300\nevent,October,300\n")
    message = fails("spend", "--import", str(bad), "--db", db)
    assert (
        "line 3: month: 'October' is not a month" in message and "nothing was recorded" in message
    )
    assert "event" not in ok("spend", "--db", db)
    missing = tmp_path / "missing.csv"
    missing.write_text("source,amount\nads,5\n")
    assert "needs columns source, month, amount (no month)" in fails(
        "spend", "--import", str(missing), "--db", db
    )


def test_spend_import_refuses_a_month_given_twice(db: str, tmp_path: Path) -> None:
    """Two rows for one source and month: the second would replace the first
    (a month holds one amount), so 500 would vanish under "recorded 2"."""
    twice = tmp_path / "twice.csv"
    twice.write_text("source,month,amount\nads,2026-10,500\nreferral,2026-10,1\nads,2026-10,600\n")
    assert fails("spend", "--import", str(twice), "--db", db) == (
        f"Error: {twice} line 4: ads 2026-10 is on line 2 too (one amount a month:"
        " add them up); nothing was recorded"
    )
    assert ok("spend", "--db", db) == ""


@both_clis
def test_spend_in_another_currency_is_refused_not_taken_as_the_teams(
    db: str, tmp_path: Path
) -> None:
    """Spend is in the team's currency: "5k EUR" for a team in USD would be
    recorded as 5,000 dollars, the euros silently dropped."""
    assert fails("spend", "ads", "5k EUR", "--month", "2026-11", "--db", db) == (
        "Error: amount: '5k EUR' is in EUR; spend is in the team's currency, USD"
    )
    foreign = tmp_path / "foreign.csv"
    foreign.write_text("source,month,amount\nads,2026-10,500\nreferral,2026-10,£300\n")
    assert fails("spend", "--import", str(foreign), "--db", db) == (
        f"Error: {foreign} line 3: amount: '£300' is in GBP; spend is in the team's"
        " currency, USD; nothing was recorded"
    )
    assert ok("spend", "--db", db) == ""
    ok("spend", "ads", "$5k", "--month", "2026-11", "--db", db)
    ok("spend", "event", "5k USD", "--month", "2026-11", "--db", db)
    ok("setting", "currency", "EUR", "--db", db)
    ok("spend", "social", "€1k", "--month", "2026-11", "--db", db)
    recorded = json.loads(ok("spend", "--json", "--db", db))
    assert [(e["source"], e["amount_cents"]) for e in recorded] == [
        ("ads", 500_000), ("event", 500_000), ("social", 100_000)
    ]  # fmt: skip


@both_kpi_dbs
def test_the_lifetime_setting_feeds_lifetime_value(kpi_db: str) -> None:
    assert ok("setting", "lifetime-years", "--db", kpi_db).strip() == "lifetime-years = 3"
    assert ok("setting", "lifetime-years", "5", "--db", kpi_db).strip() == "lifetime-years = 5"
    record = json.loads(ok("kpi", "--json", "--db", kpi_db))
    referral = next(row for row in record["sources"] if row["source"] == "referral")
    assert referral["lifetime_value_cents"] == 5_000_000  # 1,000,000 a deal x 5 years
    assert "more than 0 and at most 100 years" in fails(
        "setting", "lifetime-years", "0", "--db", kpi_db
    )
    assert "is not a number" in fails("setting", "lifetime-years", "many", "--db", kpi_db)


def test_a_rate_over_the_limit_is_said_so_not_called_negative(db: str) -> None:
    assert fails("setting", "rate", "GBP", "2000000", "--db", db) == (
        "Error: rate: 2000000 is over 1000000"
    )
