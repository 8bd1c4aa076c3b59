"""KPIs follow their written definitions."""

from leadtui import kpis
from leadtui.models import Source, Stage


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
