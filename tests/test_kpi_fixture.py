"""Every KPI figure against the hand-made fixture (tests/kpi_fixture.py),
worked out by hand. Window: the last 30 days, [D30, D0)."""

from datetime import date
from pathlib import Path

import pytest

from leadtui.domain.kpis import Window
from leadtui.domain.models import Source, Stage
from leadtui.repository import Repository, open_repository
from tests.conftest import NOW, frozen_clock
from tests.kpi_fixture import build_kpi_fixture

WINDOW = Window.last("30d", NOW)


@pytest.fixture(scope="module")
def kpi_repo(tmp_path_factory: pytest.TempPathFactory) -> Repository:
    path = tmp_path_factory.mktemp("kpi") / "kpi.db"
    build_kpi_fixture(path)
    return open_repository(path, clock=frozen_clock)


def test_cohorts_new_leads_and_funnel(kpi_repo: Repository) -> None:
    report = kpi_repo.kpi_report(WINDOW)
    # Created in the window: A(D20) B(D25) C(D10) E(D15) F(D12) G(D5) J(D2) = 7.
    # D (D40), H (D50), I (D45), K (D70) were created before it.
    assert report.headline.new_leads == 7
    # Furthest step reached: A won, B contacted, C won (straight from New, so
    # it has passed every step), E contacted (lost, reopened, contacted),
    # F new (lost counts for nothing), G new, J new.
    reached = {step.stage: step.reached for step in report.funnel}
    assert reached == {
        Stage.NEW: 7,
        Stage.CONTACTED: 4,  # A B C E
        Stage.ENGAGED: 2,  # A C
        Stage.QUALIFIED: 2,
        Stage.OPPORTUNITY: 2,
        Stage.WON: 2,
    }
    conversions = [step.conversion for step in report.funnel]
    assert conversions == [pytest.approx(4 / 7), 0.5, 1.0, 1.0, 1.0, None]


def test_outcomes_of_the_closed_cohort(kpi_repo: Repository) -> None:
    outcomes = kpi_repo.kpi_report(WINDOW).outcomes
    # Last change inside the window is Won for A (D5), C (D8), D (D10: created
    # before the window, closed inside it); Lost for B (D19) and F (D3). E was
    # lost at D12 but reopened and contacted since: not closed.
    assert (outcomes.won, outcomes.lost) == (3, 2)
    assert outcomes.win_rate == 3 / 5
    # Revenue: A 1,000,000 + C 200,000 + D 300,000 = 1,500,000; per deal 500,000.
    assert outcomes.revenue_cents == 1_500_000
    assert outcomes.average_deal_cents == 500_000
    # Cycle: A 20-5 = 15, C 10-8 = 2, D 40-10 = 30 -> mean 47/3, median 15.
    assert outcomes.cycle_total_days == pytest.approx(47)
    assert outcomes.average_cycle_days == pytest.approx(47 / 3)
    assert outcomes.median_cycle_days == pytest.approx(15)
    # Lost: B (No budget, 500,000, from Contacted), F (No budget, 100,000, from New).
    assert [(r.reason, r.count, r.value_cents) for r in outcomes.lost_reasons] == [
        ("No budget", 2, 600_000)
    ]
    assert outcomes.lost_by_stage == {Stage.CONTACTED: 1, Stage.NEW: 1}


def test_by_source_with_prorated_spend(kpi_repo: Repository) -> None:
    rows = {row.source: row for row in kpi_repo.kpi_report(WINDOW).sources}
    assert set(rows) == {Source.REFERRAL, Source.WEBSITE, Source.ADS, Source.EVENT, Source.OTHER}
    # Spend prorated by time inside the window: October (31 days) from Oct 21
    # 12:00 is 10.5 days; November (30 days) to Nov 20 12:00 is 19.5 days.
    #   referral: 310,000 x 10.5/31 + 300,000 x 19.5/30 = 105,000 + 195,000
    #   ads:      100,000 x 10.5/31 = 33,870.97 -> 33,871
    referral = rows[Source.REFERRAL]
    assert (referral.leads, referral.converted, referral.won, referral.lost) == (2, 1, 1, 1)
    assert referral.revenue_cents == 1_000_000 and referral.spend_cents == 300_000
    assert referral.conversion == 0.5 and referral.win_rate == 0.5
    assert referral.cost_per_lead_cents == 150_000  # 300,000 / 2 leads
    assert referral.cost_per_won_cents == 300_000  # 300,000 / 1 won
    assert referral.roi == pytest.approx(7 / 3)  # (1,000,000 - 300,000) / 300,000
    assert referral.lifetime_value_cents(3) == 3_000_000  # 1,000,000 a deal x 3 years
    website = rows[Source.WEBSITE]
    # C created and won; D won (created earlier). No spend: no CPL, no ROI.
    assert (website.leads, website.converted, website.won, website.revenue_cents) == (
        1,
        1,
        2,
        500_000,
    )
    assert website.spend_cents == 0
    assert (website.cost_per_lead_cents, website.cost_per_won_cents, website.roi) == (
        None,
        None,
        None,
    )
    ads = rows[Source.ADS]
    assert (ads.leads, ads.converted, ads.won, ads.lost, ads.spend_cents) == (2, 0, 0, 1, 33_871)
    assert ads.cost_per_lead_cents == 33_871 / 2
    assert ads.cost_per_won_cents is None  # nothing won: n/a, not a division error
    assert ads.roi == -1.0  # (0 - 33,871) / 33,871
    assert ads.win_rate == 0.0 and ads.average_deal_cents is None
    # CPL over all sources: 333,871 / 7 leads.
    assert kpi_repo.kpi_report(WINDOW).headline.cost_per_lead_cents == pytest.approx(333_871 / 7)


def test_the_previous_window_and_the_changes(kpi_repo: Repository) -> None:
    previous = kpi_repo.kpi_report(WINDOW).previous
    assert previous is not None
    # [D60, D30): created H (D50), I (D45), D (D40); closed I won (D35, 600,000, cycle
    # 10) and K lost (D40). D's engaged at exactly D30 belongs to the current
    # window, so D is not closed in the previous one.
    assert previous.new_leads == 3
    assert previous.win_rate == 0.5
    assert previous.revenue_cents == 600_000 and previous.average_deal_cents == 600_000
    assert previous.average_cycle_days == pytest.approx(10)
    # Spend Sep 21 12:00 to Oct 21 12:00: October's first 20.5 of 31 days:
    # referral 310,000 x 20.5/31 = 205,000; ads 100,000 x 20.5/31 = 66,129.
    assert previous.cost_per_lead_cents == pytest.approx((205_000 + 66_129) / 3)


def test_open_pipeline_rotting_and_overdue_now(kpi_repo: Repository) -> None:
    money, health = kpi_repo.kpi_now()
    # Open: E contacted 400,000; G new 0; H engaged 800,000; J new 700,000.
    assert (money.open_leads, money.pipeline_cents) == (4, 1_900_000)
    # Weighted: 400,000 x 0.10 + 800,000 x 0.20 + 700,000 x 0.05 = 235,000.
    assert money.weighted_cents == 235_000
    # Rotting: G (New for 5 days > 3), H (Engaged for 40 > 14); E (Contacted
    # for 6 < 7) and J (New for 2 < 3) are fresh. Overdue: E (follow-up was
    # yesterday); J's is in two days.
    assert (health.rotting, health.overdue) == (2, 1)
    assert (health.rotting_share, health.overdue_share) == (0.5, 0.25)


def test_time_in_stage_and_velocity(kpi_repo: Repository) -> None:
    times = kpi_repo.kpi_times(WINDOW)
    # Stays that ended inside the window, from the standing change into the
    # stage to the standing change out of it:
    #   New:       A 20->18 = 2, B 25->20 = 5, C 10->8 = 2, F 12->3 = 9, and
    #              E 15->6 = 9: its loss (D12) was cancelled by the reopen
    #              (D8), so it stayed New from D15 until contacted: 27/5
    #   Contacted: A 18->15 = 3, B 20->19 = 1, D 35->30 = 5: 9/3
    #   Engaged:   A 15->12 = 3, D 30->10 = 20: 23/2
    #   Qualified: A 12->10 = 2; Opportunity: A 10->5 = 5
    assert times.time_in_stage == {
        Stage.NEW: pytest.approx(27 / 5),
        Stage.CONTACTED: pytest.approx(3.0),
        Stage.ENGAGED: pytest.approx(11.5),
        Stage.QUALIFIED: pytest.approx(2.0),
        Stage.OPPORTUNITY: pytest.approx(5.0),
    }
    velocity = times.velocity
    # Week = whole weeks before now: J D2, G D5 -> 0; C D10, F D12 -> 1;
    # A D20, E D15 -> 2; B D25 -> 3; D D40 -> 5; I D45 -> 6; H D50 -> 7;
    # K D70 -> 10. Oldest week (11) first.
    assert velocity.new_per_week == (0, 1, 0, 0, 1, 1, 1, 0, 1, 2, 2, 2)
    # Only A ever entered Qualified (D12, week 1); 1 in the last 30 days, 0
    # in the 30 before: growth from zero is n/a.
    assert velocity.qualified_per_week == (0,) * 10 + (1, 0)
    assert (velocity.qualified_last_30, velocity.qualified_previous_30) == (1, 0)
    assert velocity.qualified_growth is None


def test_an_owner_filter_keeps_only_their_leads_and_leaves_spend_out(
    kpi_repo: Repository,
) -> None:
    report = kpi_repo.kpi_report(WINDOW, owner="ben")
    assert report.headline.new_leads == 1  # J
    assert [step.reached for step in report.funnel] == [1, 0, 0, 0, 0, 0]
    assert (report.outcomes.won, report.outcomes.lost) == (0, 0)
    assert report.outcomes.win_rate is None
    assert report.money.pipeline_cents == 700_000
    assert [row.spend_cents for row in report.sources] == [0]
    assert report.headline.cost_per_lead_cents is None


def test_an_empty_window_gives_zeros_and_n_a_never_an_error(kpi_repo: Repository) -> None:
    report = kpi_repo.kpi_report(Window.between(date(2025, 1, 1), date(2025, 1, 31)))
    assert report.headline.new_leads == 0
    assert [step.reached for step in report.funnel] == [0] * 6
    assert all(step.conversion is None for step in report.funnel)
    outcomes = report.outcomes
    assert (outcomes.won, outcomes.lost, outcomes.revenue_cents) == (0, 0, 0)
    assert outcomes.win_rate is None and outcomes.average_deal_cents is None
    assert outcomes.average_cycle_days is None and outcomes.median_cycle_days is None
    assert report.sources == []
    assert report.previous is not None and report.previous.new_leads == 0
    assert set(report.time_in_stage.values()) == {None}


def test_all_time_has_no_previous_window(kpi_repo: Repository) -> None:
    report = kpi_repo.kpi_report(Window.last("all", NOW))
    assert report.headline.new_leads == 11 and report.previous is None
    # Closed ever: A C D I won; B F K lost (E's loss was undone by reopening).
    assert (report.outcomes.won, report.outcomes.lost) == (4, 3)


def test_the_tab_and_the_cli_agree(kpi_repo: Repository, tmp_path: Path) -> None:
    """`leadtui kpi --json` is computed by the same report as the tab."""
    from leadtui.domain.kpi_format import kpi_record

    record = kpi_record(kpi_repo.kpi_report(WINDOW))
    assert record["new_leads"] == 7 and record["win_rate"] == 0.6
    assert record["change"]["new_leads"] == pytest.approx(4 / 3, abs=1e-4)  # 7 against 3
    assert record["change"]["average_deal_cents"] == pytest.approx(-1 / 6, abs=1e-4)  # 500k/600k
