"""Rates the team sets (`leadtui setting rate GBP 1.17`) and the KPI money
converted with them: one total in the team's currency only when every
currency present has a rate, exact decimal arithmetic rounded once."""

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Static

from leadtui.cli.root import main
from leadtui.domain.currency import (
    Rates,
    check_rate,
    rate_text,
    rates_for,
    round_to_minor,
)
from leadtui.domain.errors import InvalidInput
from leadtui.domain.filters import LeadFilter
from leadtui.domain.kpi_format import kpi_lines, kpi_record
from leadtui.domain.kpi_money import (
    ForeignClosed,
    ForeignOpen,
    by_currency,
    team_money,
    team_outcomes,
)
from leadtui.domain.kpis import LostReason, Money, Outcomes, Window
from leadtui.domain.models import Lead, Source, Stage, Temperature, build_draft
from leadtui.repository import Repository, open_repository
from leadtui.repository.first_page import read_first_page
from leadtui.tui.app import LeadApp
from leadtui.tui.cells import INBOX_COLUMNS, value_label
from leadtui.tui.panes.inbox import InboxPane
from leadtui.tui.panes.kpi import KpiPane
from leadtui.tui.render import card_value, inbox_row
from leadtui.tui.start import row_cells
from tests.conftest import NOW, both_clis, both_targets, frozen_clock
from tests.tui_helpers import SIZE, column, main_screen, settle

LATER = NOW + timedelta(days=1)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def ok(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result.output


def fails(*args: str) -> str:
    """A refusal: a non-zero exit and one readable line, no traceback."""
    result = run(*args)
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception  # no crash
    assert "Traceback" not in result.output
    return result.output


# ------------------------------------------------------------ the domain


def test_a_rate_is_a_plain_positive_decimal() -> None:
    assert check_rate(" 1.17 ") == Decimal("1.17")
    assert rate_text(check_rate("160.000")) == "160"
    assert rate_text(check_rate("0.0062")) == "0.0062"
    for text in ("0", "-1", "1,17", "1e3", "nan", "inf", "", "1.12345678901", "10000000"):
        with pytest.raises(InvalidInput):
            check_rate(text)


def test_a_converted_total_is_rounded_once_half_to_even_to_the_minor_unit() -> None:
    rates = Rates("EUR", used=(("GBP", Decimal("1.17")), ("USD", Decimal("0.92"))))
    # 1.17 + 0.92 + 5 = 122.92 hundredths → 123: no early rounding of each.
    assert rates.total([("GBP", 100), ("USD", 1), ("EUR", 5)]) == 123
    assert rates.total([("GBP", 50)]) == 58  # 58.5 → 58, half to even
    yen = Rates("JPY", used=(("USD", Decimal("150.5")),))
    assert yen.total([("USD", 1)]) == 200  # 150.5 hundredths = 1.505 yen → 2 yen
    assert round_to_minor(Decimal(250), "JPY") == 200  # 2.5 yen → 2
    with pytest.raises(ValueError, match="no rate for CHF"):
        rates.total([("CHF", 100)])


def test_rates_for_names_what_is_missing_and_converts_only_without_a_gap() -> None:
    team = {"GBP": Decimal("1.17"), "USD": Decimal("0.92")}
    assert rates_for("EUR", team, ["GBP", "EUR"]).converts
    gap = rates_for("EUR", team, ["GBP", "JPY"])
    assert (gap.converts, gap.missing, gap.label()) == (False, ("JPY",), "GBP 1.17")
    alone = rates_for("EUR", team, ["EUR"])  # nothing to convert: nothing said
    assert not alone.converts and alone.used == () and alone.missing == ()


CODES = ["EUR", "GBP", "JPY", "USD", "CHF"]
rates_strategy = st.dictionaries(
    st.sampled_from(CODES),
    st.decimals(min_value=Decimal("0.0001"), max_value=Decimal(10_000), places=4),
)
amounts_strategy = st.lists(
    st.tuples(st.sampled_from(CODES), st.integers(min_value=0, max_value=10**12)), max_size=30
)


@given(team=st.sampled_from(CODES), rates=rates_strategy, amounts=amounts_strategy)
def test_converting_per_currency_totals_equals_converting_each_amount(
    team: str, rates: dict[str, Decimal], amounts: list[tuple[str, int]]
) -> None:
    full = {code: rate for code, rate in rates.items() if code != team}
    full |= {code: Decimal("1.5") for code in CODES if code not in full and code != team}
    converting = rates_for(team, full, CODES)
    totals: dict[str, int] = {}
    for code, cents in amounts:
        totals[code] = totals.get(code, 0) + cents
    by_total = converting.total(totals.items())
    assert by_total == converting.total(amounts)
    exact = sum((Decimal(c) * (full.get(code) or 1) for code, c in amounts), Decimal(0))
    step = 100 if team == "JPY" else 1
    assert abs(Decimal(by_total) - exact) * 2 <= step  # within half a minor unit
    assert by_total % step == 0


@given(
    rates=rates_strategy,
    team_won=st.integers(min_value=0, max_value=10**9),
    team_open=st.integers(min_value=0, max_value=10**9),
    closed=st.lists(
        st.tuples(st.sampled_from(CODES[1:]), st.booleans(), st.integers(0, 10**9)), max_size=8
    ),
    open_=st.lists(st.tuples(st.sampled_from(CODES[1:]), st.integers(0, 10**9)), max_size=6),
)
def test_a_kpi_report_never_adds_a_currency_without_a_rate(
    rates: dict[str, Decimal],
    team_won: int,
    team_open: int,
    closed: list[tuple[str, bool, int]],
    open_: list[tuple[str, int]],
) -> None:
    """The rollups sum every currency; what comes out is the team's money
    alone, or the team's plus the others' at their rates: never a raw sum."""
    rates.pop("EUR", None)
    foreign_closed = [
        ForeignClosed(code, Source.WEBSITE, won, "" if won else "price", cents)
        for code, won, cents in closed
    ]
    foreign_open = [ForeignOpen(code, Stage.NEW, 1, cents) for code, cents in open_]
    present = {row.currency for row in foreign_closed} | {row.currency for row in foreign_open}
    chosen = rates_for("EUR", rates, present)
    won_raw = sum(row.value_cents for row in foreign_closed if row.won)
    lost_raw = sum(row.value_cents for row in foreign_closed if not row.won)
    lost_count = sum(not row.won for row in foreign_closed)
    every = Outcomes(
        won=1 + sum(row.won for row in foreign_closed),
        lost=lost_count,
        revenue_cents=team_won + won_raw,
        lost_reasons=(LostReason("price", lost_count, lost_raw),) if lost_count else (),
    )
    open_raw = sum(row.value_cents for row in foreign_open)
    money = Money(open_leads=1 + len(foreign_open), pipeline_cents=team_open + open_raw,
                  weighted_cents=0)  # fmt: skip
    outcomes = team_outcomes(every, foreign_closed, "EUR", chosen)
    pipeline = team_money(money, foreign_open, "EUR", chosen)
    if chosen.converts:
        won = [("EUR", team_won)] + [(r.currency, r.value_cents) for r in foreign_closed if r.won]
        assert outcomes.revenue_cents == chosen.total(won)
        assert pipeline.pipeline_cents == chosen.total(
            [("EUR", team_open)] + [(r.currency, r.value_cents) for r in foreign_open]
        )
        assert outcomes.won_elsewhere == 0
    else:
        assert outcomes.revenue_cents == team_won
        assert pipeline.pipeline_cents == team_open
        assert [reason.value_cents for reason in outcomes.lost_reasons] == [0] * (lost_count > 0)
    # Each currency's own money is listed in itself either way.
    listed = {row.currency: row for row in by_currency(outcomes, pipeline)}
    assert listed["EUR"].revenue_cents == team_won and listed["EUR"].pipeline_cents == team_open
    for code in present:
        assert listed[code].revenue_cents == sum(
            r.value_cents for r in foreign_closed if r.won and r.currency == code
        )


# ------------------------------------------------------------ the repository


@pytest.fixture
def mixed(db_target: Path | str) -> Repository:
    """EUR team: won €1k, 3k (EUR), $10k, JPY 500,000; open €2k, $4k; lost
    $6k for "no budget"."""
    repo = open_repository(db_target, actor="tester", clock=frozen_clock)
    repo.set_team_currency("EUR")
    for name, value in (("A", "€1k"), ("B", "3k"), ("C", "$10k"), ("D", "JPY 500000")):
        repo.win(repo.add_lead(build_draft(name=name, value_cents=value, owner="maria")))
    for name, value in (("E", "€2k"), ("F", "$4k")):
        repo.add_lead(build_draft(name=name, value_cents=value, owner="maria"))
    repo.lose(repo.add_lead(build_draft(name="G", value_cents="$6k", owner="maria")), "no budget")
    return open_repository(db_target, actor="tester", clock=lambda: LATER)


@both_targets
def test_rates_are_set_listed_cleared_and_refused_for_the_team_currency(
    mixed: Repository,
) -> None:
    assert mixed.set_rate("usd", "0.92") == ("USD", None)
    assert mixed.set_rate("$", "0.93") == ("USD", Decimal("0.92"))
    assert mixed.set_rate("JPY", "0.0062")[0] == "JPY"
    assert mixed.rates() == {"JPY": Decimal("0.0062"), "USD": Decimal("0.93")}
    assert mixed.set_rate("USD", None) == ("USD", Decimal("0.93"))
    assert mixed.rates() == {"JPY": Decimal("0.0062")}
    with pytest.raises(InvalidInput, match="team's currency"):
        mixed.set_rate("EUR", "1")
    with pytest.raises(InvalidInput, match="positive number"):
        mixed.set_rate("GBP", "-1")
    # Rates are in the team's currency: a new one clears them, the same keeps them.
    assert mixed.set_team_currency("EUR") == ("EUR", 0)
    assert mixed.set_team_currency("GBP") == ("GBP", 1)
    assert mixed.rates() == {}


@both_targets
@pytest.mark.parametrize("owner", [None, "maria"])
def test_kpi_money_is_one_total_when_every_currency_has_a_rate(
    mixed: Repository, owner: str | None
) -> None:
    mixed.set_rate("USD", "0.92")
    mixed.set_rate("JPY", "0.0062")
    report = mixed.kpi_report(Window.last("30d", LATER), owner)
    # €4k + $10k × 0.92 + ¥500,000 × 0.0062 = 4,000 + 9,200 + 3,100
    assert report.outcomes.revenue_cents == 1_630_000
    assert report.headline.average_deal_cents == 1_630_000 / 4
    assert report.money.pipeline_cents == 200_000 + 368_000  # €2k + $4k × 0.92
    assert [r.value_cents for r in report.outcomes.lost_reasons] == [552_000]
    [source] = report.sources
    assert source.revenue_cents == 1_630_000 and source.won_elsewhere == 0
    record = kpi_record(report)
    assert record["converted"] == {
        "currency": "EUR",
        "rates": {"JPY": "0.0062", "USD": "0.92"},
        "rounding": "exact, then once per figure to the currency's minor unit, half to even",
    }
    assert record["missing_rates"] == [] and record["revenue_cents"] == 1_630_000
    # by_currency still gives each currency's money in itself.
    by = {row["currency"]: row for row in record["by_currency"]}
    assert (by["EUR"]["revenue_cents"], by["EUR"]["pipeline_cents"]) == (400_000, 200_000)
    assert (by["EUR"]["won"], by["EUR"]["lost"], by["EUR"]["open_leads"]) == (2, 0, 1)
    assert (by["USD"]["revenue_cents"], by["JPY"]["revenue_cents"]) == (1_000_000, 50_000_000)
    weighted = Rates("EUR", used=(("USD", Decimal("0.92")),)).total(
        [
            ("EUR", by["EUR"]["weighted_pipeline_cents"]),
            ("USD", by["USD"]["weighted_pipeline_cents"]),
        ]
    )
    assert record["weighted_pipeline_cents"] == weighted
    text = "\n".join(kpi_lines(report))
    assert "money in EUR (converted at team rates: JPY 0.0062, USD 0.92)" in text
    assert "Other currencies (converted into the EUR figures above)" in text


@both_targets
def test_one_missing_rate_keeps_every_figure_per_currency_and_names_it(
    mixed: Repository,
) -> None:
    mixed.set_rate("USD", "0.92")  # none for JPY
    report = mixed.kpi_report(Window.last("30d", LATER))
    assert report.outcomes.revenue_cents == 400_000  # the team's EUR alone
    assert report.money.pipeline_cents == 200_000  # USD has a rate, yet is not added
    record = kpi_record(report)
    assert (record["converted"], record["missing_rates"]) == (None, ["JPY"])
    text = "\n".join(kpi_lines(report))
    assert "money in EUR (no rate for JPY, so other currencies are listed apart)" in text
    assert "Other currencies (not in the EUR figures above)" in text


@both_targets
def test_a_currency_only_in_the_previous_window_also_needs_a_rate(db_target: Path | str) -> None:
    """The arrows compare with the previous window: both sides are converted
    or neither."""
    repo = open_repository(db_target, actor="tester", clock=frozen_clock)
    repo.set_team_currency("EUR")
    repo.win(repo.add_lead(build_draft(name="Old", value_cents="JPY 100000")))
    later = NOW + timedelta(days=40)
    repo = open_repository(db_target, actor="tester", clock=lambda: later)
    repo.win(repo.add_lead(build_draft(name="New", value_cents="$1k")))
    repo.set_rate("USD", "0.5")
    window = Window.last("30d", later + timedelta(hours=1))
    report = repo.kpi_report(window)
    assert report.outcomes.rates is not None and report.outcomes.rates.missing == ("JPY",)
    assert report.outcomes.revenue_cents == 0
    repo.set_rate("JPY", "0.01")
    report = repo.kpi_report(window)
    assert report.outcomes.revenue_cents == 50_000
    assert report.previous is not None and report.previous.revenue_cents == 100_000
    # The KPI tab's parts agree with the whole report.
    assert repo.kpi_core(window).outcomes.revenue_cents == 50_000
    previous = repo.kpi_previous(window)
    assert previous is not None and previous.revenue_cents == 100_000


# ------------------------------------------------------------ the CLI


@both_clis
def test_setting_rate_sets_shows_lists_and_clears(db: str) -> None:
    ok("setting", "currency", "EUR", "--db", db)
    assert (
        ok("setting", "rate", "GBP", "1.17", "--db", db) == "rate GBP = 1.17 (1 GBP = 1.17 EUR)\n"
    )
    ok("setting", "rate", "usd", "0.920", "--db", db)
    assert ok("setting", "rate", "USD", "--db", db) == "rate USD = 0.92 (1 USD = 0.92 EUR)\n"
    assert ok("setting", "rates", "--db", db).splitlines() == [
        "rate GBP = 1.17 (1 GBP = 1.17 EUR)",
        "rate USD = 0.92 (1 USD = 0.92 EUR)",
    ]
    assert json.loads(ok("setting", "--json", "--db", db)) == {
        "lifetime-years": 3.0,
        "currency": "EUR",
        "region": None,
        "timezone": "UTC",  # none set: the team's days are UTC days
        "rates": {"GBP": "1.17", "USD": "0.92"},
    }
    assert json.loads(ok("setting", "rates", "--json", "--db", db)) == {
        "name": "rates",
        "currency": "EUR",
        "value": {"GBP": "1.17", "USD": "0.92"},
    }
    cleared = json.loads(ok("setting", "rate", "GBP", "--clear", "--json", "--db", db))
    assert (cleared["value"], cleared["previous"]) == (None, "1.17")
    assert ok("setting", "rate", "USD", "--clear", "--db", db) == "rate USD cleared (was 0.92)\n"
    assert "rates = (none)" in ok("setting", "--db", db)
    ok("setting", "rate", "GBP", "1.2", "--db", db)
    changed = ok("setting", "currency", "GBP", "--db", db)
    assert changed == "currency = GBP (1 rates cleared: they were in the old currency)\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rate", "GBP", "1,17"], "is not a positive number like 1.17"),
        (["rate", "GBP", "0"], "is not a positive number"),
        (["rate", "EUR", "1"], "EUR is the team's currency"),
        (["rate", "€"], "EUR is the team's currency"),
        (["rate", "pounds", "1"], "is not an ISO 4217 code"),
        (["rate"], "give: setting rate CODE RATE"),
        (["rate", "GBP", "1", "--clear"], "give: setting rate CODE RATE"),
        (["currency", "--clear"], "--clear goes with"),
        (["rates", "GBP"], "takes no value"),
    ],
)
def test_a_bad_rate_is_one_readable_line(db: str, args: list[str], message: str) -> None:
    ok("setting", "currency", "EUR", "--db", db)
    assert message in fails("setting", *args, "--db", db)


@both_clis
def test_kpi_json_says_converted_or_which_rate_is_missing(db: str) -> None:
    ok("setting", "currency", "EUR", "--db", db)
    for name, value in (("A", "€1k"), ("B", "£1k")):
        ok("add", name, "--value", value, "--db", db)
    record = json.loads(ok("kpi", "--json", "--db", db))
    assert (record["converted"], record["missing_rates"]) == (None, ["GBP"])
    assert record["pipeline_cents"] == 100_000
    ok("setting", "rate", "GBP", "1.17", "--db", db)
    record = json.loads(ok("kpi", "--json", "--db", db))
    assert record["converted"]["rates"] == {"GBP": "1.17"} and record["missing_rates"] == []
    assert record["pipeline_cents"] == 217_000
    assert "converted at team rates: GBP 1.17" in ok("kpi", "--db", db).splitlines()[0]


# ------------------------------------------------------------ the KPI tab


@pytest.mark.slow
async def test_the_kpi_tab_shows_one_converted_headline_and_says_at_which_rates(
    mixed: Repository,
) -> None:
    mixed.set_rate("USD", "0.92")
    app = LeadApp(mixed)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        widget = main_screen(app).query_one("#kpi-headline", Static)
        headline = " ".join(str(widget.render()).split())
        # No rate for JPY yet: the team's money alone, and the gap named.
        assert "money in EUR · no rate for JPY" in headline
        assert "Revenue won 4,000" in headline and "Open pipeline 2,000" in headline
        mixed.set_rate("JPY", "0.0062")
        main_screen(app).query_one(KpiPane).reload()  # as a teammate's commit does
        await settle(pilot)
        headline = " ".join(str(widget.render()).split())
        assert "money in EUR · converted at team rates: JPY 0.0062, USD 0.92" in headline
        assert "Revenue won 16,300" in headline and "Open pipeline 5,680" in headline
        assert "Other currencies (converted into the EUR figures above)" in headline


# ------------------------------------------------- values with their currency


def open_lead(cents: int, currency: str) -> Lead:
    return Lead(
        id=1, name="Ann", email=None, phone=None, company="Acme", title=None,
        source=Source.WEBSITE, owner=None, stage=Stage.NEW, temperature=Temperature.WARM,
        score=50, value_cents=cents, currency=currency, lost_reason=None, notes="",
        created_at=NOW, updated_at=NOW, version=1,
    )  # fmt: skip


def inbox_rows(app: LeadApp) -> list[list[str]]:
    table = main_screen(app).query_one(InboxPane).table
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def titles_of(app: LeadApp) -> list[str]:
    table = main_screen(app).query_one(InboxPane).table
    return [str(col.label).rstrip("▼▲") for col in table.columns.values()]


def cards_of(app: LeadApp, stage: str) -> list[str]:
    cards = column(app, stage).cards
    return [str(cards.get_option_at_index(i).prompt) for i in range(cards.option_count)]


@pytest.mark.parametrize(
    ("cents", "currency", "inbox", "card"),
    [
        (4_500_000, "GBP", "£45,000", "£45,000"),
        (10_000_000, "JPY", "¥100k", "¥100,000"),
        (250_000, "CHF", "CHF2,500", "CHF 2,500"),
        (123_456_789_00, "CAD", "C$123m", "C$123,456,789"),
        (940_000, "USD", "$9,400", "$9,400"),
        (0, "EUR", "", ""),
    ],
)
def test_an_amount_is_shown_with_its_currency(
    cents: int, currency: str, inbox: str, card: str
) -> None:
    assert value_label(cents, currency) == inbox
    assert len(inbox) <= dict(INBOX_COLUMNS)["Value"]
    lead = open_lead(cents, currency)
    assert card_value(lead) == card


def test_a_hostile_stored_currency_reaches_the_screen_as_plain_text() -> None:
    assert value_label(100, "\x1b[31mXX") == "[31mXX1"
    assert "\x1b" not in card_value(open_lead(100, "\x1b]0;pwn\x07"))


@pytest.mark.slow
async def test_the_inbox_and_the_board_show_each_value_in_its_currency(
    mixed: Repository,
) -> None:
    app = LeadApp(mixed)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = inbox_rows(app)
        value = titles_of(app).index("Value")
        assert {row[0]: row[value] for row in rows} == {"F": "$4,000", "E": "€2,000"}
        await pilot.press("2")
        await settle(pilot)
        won = cards_of(app, "won")
        assert any(card.endswith("¥500,000") for card in won)
        assert any(card.endswith("€1,000") for card in won)


def test_the_start_screen_shows_values_as_the_inbox_does(mixed: Repository) -> None:
    """The start screen's quick rows read the currency as the leads do:
    the lead's own, else the team's (EUR here)."""
    rows = read_first_page(mixed.path, LATER) or []
    leads = mixed.leads_in_stage(Stage.NEW, limit=100, awake_at=LATER)
    index = [title for title, _ in INBOX_COLUMNS].index("Value")
    assert [str(row_cells(row, LATER)[index]) for row in rows] == [
        str(inbox_row(lead, LATER)[index]) for lead in leads
    ]
    assert sorted(row.currency for row in rows) == ["EUR", "USD"]


def test_the_board_totals_leave_other_currencies_out_of_the_team_sum(mixed: Repository) -> None:
    others = {Stage.WON: {"USD": 1_000_000, "JPY": 50_000_000}, Stage.NEW: {"USD": 400_000}}
    assert mixed.other_currency_values() == {**others, Stage.LOST: {"USD": 600_000}}
    assert mixed.other_currency_values(LeadFilter(owner="maria")) == {
        **others, Stage.LOST: {"USD": 600_000},
    }  # fmt: skip
    assert mixed.other_currency_values(LeadFilter(source=Source.REFERRAL)) == {}


@pytest.mark.slow
async def test_a_board_header_sums_the_team_currency_and_counts_the_others(
    mixed: Repository,
) -> None:
    app = LeadApp(mixed)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        won = column(app, "won").query_one(".column-header", Static)
        # €1,000 + €3,000; the $10,000 and ¥500,000 are not added in.
        assert str(won.render()) == "Won  4\n4,000 · w 4,000 +2 cur"
        assert str(won.tooltip) == "Not added in (no sum across currencies): ¥500,000, $10,000"
        new = column(app, "new").query_one(".column-header", Static)
        assert str(new.render()).endswith("\n2,000 · w 100 +1 cur")
