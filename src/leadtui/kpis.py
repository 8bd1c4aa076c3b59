"""KPI definitions and their results. Pure: the repository supplies aggregates.

Each figure has one definition, written next to it, so the KPI tab and
`leadtui kpi` can never disagree on what "conversion" means.
"""

from dataclasses import dataclass, field

from leadtui.models import Source, Stage
from leadtui.pipeline import BOARD_STAGES, OPEN_STAGES, WIN_PROBABILITY


@dataclass(frozen=True)
class StageTotal:
    stage: Stage
    count: int
    value_cents: int


@dataclass(frozen=True)
class KpiSummary:
    stages: tuple[StageTotal, ...]
    by_source: dict[Source, int] = field(default_factory=dict)

    @property
    def total_leads(self) -> int:
        return sum(total.count for total in self.stages)

    def count(self, stage: Stage) -> int:
        return next((total.count for total in self.stages if total.stage == stage), 0)

    @property
    def conversion(self) -> float | None:
        """Won ÷ closed (won + lost). None until any lead has closed."""
        won, lost = self.count(Stage.WON), self.count(Stage.LOST)
        return won / (won + lost) if won + lost else None

    @property
    def pipeline_value_cents(self) -> int:
        """Sum of the value of every open lead."""
        return sum(total.value_cents for total in self.stages if total.stage in OPEN_STAGES)

    @property
    def weighted_pipeline_cents(self) -> int:
        """Sum of value × the stage's win probability over open leads."""
        return round(
            sum(
                total.value_cents * WIN_PROBABILITY[total.stage]
                for total in self.stages
                if total.stage in OPEN_STAGES
            )
        )


def summarize(
    stage_rows: dict[Stage, tuple[int, int]], source_counts: dict[Source, int]
) -> KpiSummary:
    """Build the summary from {stage: (count, value)}; missing stages count 0."""
    stages = tuple(StageTotal(stage, *stage_rows.get(stage, (0, 0))) for stage in BOARD_STAGES)
    ordered_sources = dict(sorted(source_counts.items(), key=lambda item: (-item[1], item[0])))
    return KpiSummary(stages, ordered_sources)


DEFINITIONS: dict[str, str] = {
    "conversion": "won ÷ (won + lost): the share of closed leads that became customers",
    "pipeline_value": "sum of the expected deal value of every open lead",
    "weighted_pipeline": "sum of value × stage win probability over open leads",
    "by_source": "number of leads (any stage) per source",
    "score_calibration": (
        "closed leads per band of the rule score they had when they closed, and the share won"
    ),
}
