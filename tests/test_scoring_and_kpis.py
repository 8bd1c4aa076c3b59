"""The rule score explains itself; KPIs follow their written definitions."""

from hypothesis import given
from hypothesis import strategies as st

from leadtui import kpis
from leadtui.models import Source, Stage, Temperature
from leadtui.scoring import ScoreInput, score, temperature_for


def test_score_lists_every_reason_and_sums_them() -> None:
    rated = score(ScoreInput(Source.REFERRAL, "VP Sales", True, True, True, 6_000_000, 2))
    assert dict((label, points) for points, label in rated.reasons) == {
        "referral source": 25,
        "decision maker title": 20,
        "deal value 50k or more": 20,
        "contact details given": 15,
        "2 logged touches": 10,
    }
    assert rated.points == 90
    assert rated.temperature is Temperature.HOT


def test_a_bare_lead_scores_zero_and_is_cold() -> None:
    rated = score(ScoreInput(Source.OTHER, None, False, False, False, 0))
    assert (rated.points, rated.reasons, rated.temperature) == (0, (), Temperature.COLD)


@given(
    st.sampled_from(list(Source)),
    st.text(max_size=30),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.integers(0, 10**12),
    st.integers(0, 1000),
)
def test_score_is_clamped_to_0_100(
    source: Source, title: str, email: bool, phone: bool, company: bool, value: int, touches: int
) -> None:
    assert (
        0 <= score(ScoreInput(source, title, email, phone, company, value, touches)).points <= 100
    )


def test_temperature_bands() -> None:
    assert [temperature_for(p) for p in (0, 39, 40, 69, 70, 100)] == [
        Temperature.COLD,
        Temperature.COLD,
        Temperature.WARM,
        Temperature.WARM,
        Temperature.HOT,
        Temperature.HOT,
    ]


def test_kpi_summary_follows_its_definitions() -> None:
    summary = kpis.summarize(
        {
            Stage.NEW: (10, 1_000),
            Stage.OPPORTUNITY: (2, 10_000),
            Stage.WON: (3, 9_000),
            Stage.LOST: (1, 500),
        },
        {Source.WEBSITE: 4, Source.REFERRAL: 12},
    )
    assert summary.total_leads == 16
    assert summary.conversion == 3 / 4
    assert summary.pipeline_value_cents == 11_000
    assert summary.weighted_pipeline_cents == round(1_000 * 0.05 + 10_000 * 0.6)
    assert list(summary.by_source) == [Source.REFERRAL, Source.WEBSITE]
    assert summary.count(Stage.ENGAGED) == 0


def test_conversion_is_undefined_until_a_lead_closes() -> None:
    assert kpis.summarize({Stage.NEW: (5, 0)}, {}).conversion is None
