"""Both scores of a lead in words: for `score show`, its JSON, and the Lead tab."""

from typing import Any

from leadtui.domain import pipeline
from leadtui.domain.results import ScoreDetails

# The factors shown: the strongest pushes, up or down; the rest are near 1×.
FACTORS_SHOWN = 5


def _signed(points: int) -> str:
    return f"+{points}" if points > 0 else f"−{-points}"


def rule_lines(details: ScoreDetails) -> list[str]:
    lead, rule = details.lead, details.rated.rule
    temperature = (
        f"{lead.temperature.value}, pinned by hand"
        if lead.temperature_pinned
        else rule.temperature.value
    )
    lines = [f"Rule score {rule.points} ({temperature})"]
    lines += [f"  {_signed(points)} {label}" for points, label in rule.reasons]
    if not rule.reasons:
        lines.append("  no rule applies")
    return lines


def learned_lines(details: ScoreDetails) -> list[str]:
    model, chance = details.model, details.rated.chance
    if model is None or chance is None:
        return ["Win chance n/a", f"  {details.no_model_reason}"]
    lines = [f"Win chance {chance:.0%}"]
    if not pipeline.is_open(details.lead.stage):
        lines[0] += f" (closed: {details.lead.stage.value})"
    lines += [f"  {factor.label}" for factor in details.rated.factors[:FACTORS_SHOWN]]
    lines.append(f"  learned from {model.n_won + model.n_lost:,} closed leads")
    return lines


def score_lines(details: ScoreDetails) -> list[str]:
    lead = details.lead
    return [
        f"#{lead.id} {lead.name} · {lead.stage.label}",
        *rule_lines(details),
        *learned_lines(details),
    ]


def score_record(details: ScoreDetails) -> dict[str, Any]:
    lead, rated, model = details.lead, details.rated, details.model
    rule = rated.rule
    learned: dict[str, Any] | None = None
    if model is not None and rated.chance is not None:
        learned = {
            "win_chance": round(rated.chance, 4),
            "trained_at": model.trained_at,
            "n_won": model.n_won,
            "n_lost": model.n_lost,
            "factors": [
                {"feature": f.feature, "value": f.value, "ratio": round(f.ratio, 4)}
                for f in rated.factors
            ],
        }
    return {
        "id": lead.id,
        "name": lead.name,
        "stage": lead.stage.value,
        "rule": {
            "score": rule.points,
            "temperature": lead.temperature.value,
            "temperature_pinned": lead.temperature_pinned,
            "reasons": [{"points": points, "label": label} for points, label in rule.reasons],
            "next_change": rule.next_change.isoformat() if rule.next_change else None,
        },
        "learned": learned,
        "learned_unavailable": None if learned else details.no_model_reason,
    }
