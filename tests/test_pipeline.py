"""The rules for moving a lead through the pipeline."""

import pytest

from leadtui.domain import pipeline
from leadtui.domain.errors import IllegalMove, InvalidInput
from leadtui.domain.models import Stage


def test_advance_climbs_the_ladder_and_an_opportunity_advances_to_won() -> None:
    stage = Stage.NEW
    visited = [stage]
    while pipeline.is_open(stage):
        stage = pipeline.advance(stage).to_stage
        visited.append(stage)
    assert visited == [
        Stage.NEW,
        Stage.CONTACTED,
        Stage.ENGAGED,
        Stage.QUALIFIED,
        Stage.OPPORTUNITY,
        Stage.WON,
    ]


@pytest.mark.parametrize("closed", [Stage.WON, Stage.LOST])
def test_closed_leads_cannot_be_advanced_won_or_lost(closed: Stage) -> None:
    for move in (pipeline.advance, pipeline.win, lambda s: pipeline.lose(s, "why")):
        with pytest.raises(IllegalMove, match="reopen it first"):
            move(closed)


@pytest.mark.parametrize("stage", pipeline.OPEN_STAGES)
def test_lose_needs_a_real_reason(stage: Stage) -> None:
    for blank in ("", "   ", "\x1b\x07"):
        with pytest.raises(InvalidInput, match="needs a reason"):
            pipeline.lose(stage, blank)
    move = pipeline.lose(stage, "  No budget\n")
    assert (move.from_stage, move.to_stage, move.reason) == (stage, Stage.LOST, "No budget")


def test_a_lost_reason_over_500_characters_is_refused_not_cut() -> None:
    assert pipeline.lose(Stage.NEW, "é" * 500).reason == "é" * 500
    with pytest.raises(InvalidInput, match="at most 500 characters, not 501: keep the detail"):
        pipeline.lose(Stage.NEW, "é" * 501)


def test_reopen_returns_to_the_stage_the_lead_closed_from() -> None:
    assert pipeline.reopen(Stage.LOST, Stage.QUALIFIED).to_stage is Stage.QUALIFIED
    assert pipeline.reopen(Stage.WON, Stage.OPPORTUNITY).to_stage is Stage.OPPORTUNITY
    assert pipeline.reopen(Stage.LOST, None).to_stage is Stage.NEW
    with pytest.raises(IllegalMove, match="already open"):
        pipeline.reopen(Stage.ENGAGED, None)
