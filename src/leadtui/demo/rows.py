"""Rows for repository.build_database from plain values: a lead, its stage
history up the ladder, its touches and both scores, without per-row models
(the hot loop avoids enums, random.choice and datetime on purpose: each
costs seconds at a million leads)."""

from datetime import UTC, datetime
from functools import lru_cache
from itertools import pairwise
from typing import Any

from leadtui.domain.kpis import LADDER
from leadtui.domain.models import Fit, Lifecycle, Stage
from leadtui.domain.pipeline import OPEN_STAGES, implied_lifecycle
from leadtui.domain.scoring import ScoreInput, score
from leadtui.domain.scoring import Touch as ScoredTouch
from leadtui.domain.scoring_rules import RuleSet
from leadtui.repository import RowBatch

DAY = 86400
_LADDER_RANK = {stage.value: rank for rank, stage in enumerate(LADDER)}
_DATES: dict[int, str] = {}
_TIMES: list[str] = []


def iso_time(epoch: float) -> str:
    """UTC ISO-8601 like clock.to_iso, from memoised date and time-of-day parts
    (formatting each timestamp afresh was the generator's largest cost)."""
    if not _TIMES:
        _TIMES.extend(f"T{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00:00" for s in range(DAY))
    day, second = divmod(int(epoch), DAY)
    date = _DATES.get(day)
    if date is None:
        date = _DATES[day] = datetime.fromtimestamp(day * DAY, UTC).date().isoformat()
    return date + _TIMES[second]


def _rate(
    fields: dict[str, Any],
    custom: dict[str, str],
    created: float,
    touches: list["Touch"],
    now: float,
    rules: RuleSet,
) -> tuple[int, str, str | None]:
    """(score, temperature, when the score is next due) as the repository would
    store them as of `now`; touches older than the rules' longest window
    cannot matter, and later ones had not happened. Times in whole seconds,
    as the rows store them and the repository reads them back."""
    recent = now - rules.window_days * DAY
    last_touch = max((touch[3] for touch in touches), default=None)
    if last_touch is not None and last_touch > now:
        touches = [touch for touch in touches if touch[3] <= now]
        last_touch = max((touch[3] for touch in touches), default=None)
    rated = score(
        ScoreInput(
            fields={**fields, "value": fields["value_cents"] / 100},
            created_at=datetime.fromtimestamp(int(created), UTC),
            last_touch_at=datetime.fromtimestamp(int(last_touch), UTC) if last_touch else None,
            custom=custom,
            touches=tuple(
                ScoredTouch(kind, direction, datetime.fromtimestamp(int(at), UTC))
                for kind, direction, _, at in touches
                if int(at) > recent
            ),
        ),
        rules,
        datetime.fromtimestamp(now, UTC),
    )
    due = rated.next_change
    is_open = fields["stage"] in OPEN_STAGE_VALUES
    return (
        rated.points,
        rated.temperature.value,
        iso_time(due.timestamp()) if due and is_open else None,
    )


@lru_cache(maxsize=64)
def _ladder(stage: str, lost_from: str) -> tuple[tuple[str | None, str], ...]:
    """The moves a lead made to reach `stage` (lost leads drop out at lost_from)."""
    ladder = [s.value for s in OPEN_STAGES]
    top = {Stage.WON.value: Stage.OPPORTUNITY.value, Stage.LOST.value: lost_from}.get(stage, stage)
    path: list[str | None] = [None, *ladder[: ladder.index(top) + 1]]
    if stage in (Stage.WON.value, Stage.LOST.value):
        path.append(stage)
    return tuple((before, after) for before, after in pairwise(path) if after is not None)


def _move_times(created: float, now: float, count: int) -> list[int]:
    """When each of a lead's `count` moves happened: evenly spread from its
    creation towards `now`, in whole seconds."""
    step = (now - created) / (count + 1)
    return [int(created + index * step) for index in range(count)]


def closing_time(stage: str, lost_from: str, created: float, now: float) -> float:
    """When add_lead_rows has a lead in `stage` close (its last move), or
    `now` for an open lead: a closed lead's touches come before it."""
    if stage in OPEN_STAGE_VALUES:
        return now
    count = len(_ladder(stage, lost_from))
    step = (now - created) / (count + 1)  # as _move_times has it, to the bit
    return int(created + (count - 1) * step)


Touch = tuple[str, str | None, str, float]
OPEN_STAGE_VALUES = tuple(stage.value for stage in OPEN_STAGES)


def add_lead_rows(
    rows: RowBatch,
    lead_id: int,
    fields: dict[str, Any],
    created: float,
    now: float,
    lost_from: str,
    touches: list[Touch],
    custom: dict[str, str],
    rules: RuleSet,
) -> None:
    """Append one lead, its stage history spread from creation to now, and its touches."""
    stage, owner = fields["stage"], fields["owner"]
    moves = _ladder(stage, lost_from)
    # With each change, what the KPI triggers would have kept (schema_kpi):
    # the days since the change before, the stage that one went to (the
    # ladder never enters a stage twice); and for the lead, its furthest
    # step and last change.
    seconds = _move_times(created, now, len(moves))
    reason = None
    for index, (before, after) in enumerate(moves):
        reason = fields["lost_reason"] if after == "lost" else None
        stay = (seconds[index] - seconds[index - 1]) / DAY if index else None
        rows.stage_changes.append(
            (lead_id, before, after, reason, iso_time(seconds[index]), owner, stay, before, None)
        )
    entered = iso_time(seconds[-1])
    top = max(_LADDER_RANK.get(after, 0) for _, after in moves)
    last_from, last_to = moves[-1]
    last_touch = None
    if touches:
        rows.activities.extend(
            (lead_id, kind, direction, note, iso_time(at), owner)
            for kind, direction, note, at in touches
        )
        last_touch = iso_time(max(touch[3] for touch in touches))
    rows.custom_fields.extend((lead_id, name, value) for name, value in custom.items())
    # A closed lead's score froze when it closed, as a real close freezes
    # it (scores.rescore): the calibration table compares that score with
    # the outcome, so it is scored as of then, not of now.
    scored_at = now if stage in OPEN_STAGE_VALUES else seconds[-1]
    points, temperature, due = _rate(fields, custom, created, touches, scored_at, rules)
    rows.leads.append(
        (
            lead_id,
            fields["name"],
            fields["email"],
            fields["phone"],
            fields["company"],
            fields["title"],
            fields["source"],
            owner,
            stage,
            temperature,
            points,
            fields["value_cents"],
            fields["lost_reason"],
            fields["notes"],
            iso_time(created),
            entered,
            entered,
            last_touch,
            1,
            0,  # temperature not pinned
            0,  # win chance: filled in when the model is trained
            due,
            fields.get("follow_up_at"),
            _lifecycle(stage, lost_from, has_contact=bool(fields["email"] or fields["phone"])),
            fields.get("fit") or Fit.UNKNOWN.value,
            None,  # no expected close day
            top,
            entered,
            last_to,
            last_from,
            reason,
        )
    )


def _lifecycle(stage: str, lost_from: str, *, has_contact: bool) -> str:
    """Where the stages the lead went through pushed its lifecycle."""
    reached = Stage(lost_from if stage == Stage.LOST.value else stage)
    return implied_lifecycle(Lifecycle.PROSPECT, reached, has_contact=has_contact).value
