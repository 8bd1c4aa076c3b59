"""Both scores of a lead in words: for `score show`, its JSON, and the Lead tab."""

import math
from typing import Any

from leadtui.domain import pipeline
from leadtui.domain.learned import percent
from leadtui.domain.results import Evaluation, ScoreDetails
from leadtui.domain.sanitize import clean_line

# The factors shown: the strongest pushes, up or down; the rest are near 1×.
FACTORS_SHOWN = 5


def _signed(points: int) -> str:
    return f"+{points}" if points > 0 else f"−{-points}" if points else "0"


def rule_lines(details: ScoreDetails) -> list[str]:
    lead, rule = details.lead, details.rated.rule
    if details.rules_problem:
        return [
            f"Rule score {lead.score} ({lead.temperature.value}) as stored",
            "  (why is not known: the scoring rules file cannot be used)",
        ]
    if not pipeline.is_open(lead.stage):
        return _closed_rule_lines(details)
    temperature = (
        f"{lead.temperature.value}, pinned (t or `score pin` changes it)"
        if lead.temperature_pinned
        else rule.temperature.value
    )
    lines = [f"Rule score {rule.points} ({temperature})"]
    lines += _reason_lines(rule.reasons)
    return lines


def _reason_lines(reasons: tuple[tuple[int, str], ...]) -> list[str]:
    return [f"  {_signed(points)} {label}" for points, label in reasons] or ["  no rule applies"]


def _closed_rule_lines(details: ScoreDetails) -> list[str]:
    """A closed lead keeps the score it closed with (the KPIs compare it with
    the outcome): its reasons are those of its close when scoring it as of
    then comes to that score, and otherwise it says so and lists today's,
    never today's reasons under the score of then as if they added up."""
    lead, now = details.lead, details.rated.rule.points
    lines = [f"Rule score {lead.score} ({lead.temperature.value}) when it closed"]
    then = details.close_reasons()
    if then is not None:
        lines += _reason_lines(then)
        if now != lead.score:
            lines.append(f"  scored now it would be {now}")
        return lines
    # Kept short: the Lead tab's column is about 36 cells at 80x24.
    lines.append("  (why is not known: changed since)")
    lines.append(f"  scored now it would be {'the same' if now == lead.score else now}:")
    return lines + _reason_lines(details.rated.rule.reasons)


def closed_chance(details: ScoreDetails) -> int | None:
    """The win chance a closed lead closed with, in percent; None for an
    open lead, and for one that closed with none stored (before a model was
    trained, as the demo's and an import's were until they were given one:
    the stored 0 is no chance of 0)."""
    lead = details.lead
    if pipeline.is_open(lead.stage) or not lead.win_chance:
        return None
    return lead.win_chance


def learned_lines(details: ScoreDetails) -> list[str]:
    """The chance, then how it comes about: the odds of a lead average in
    everything, times each factor, give exactly the chance shown. A closed
    lead's is the one it closed with, then today's."""
    model, chance, lead = details.model, details.rated.chance, details.lead
    lines = []
    if not pipeline.is_open(lead.stage):
        kept = closed_chance(details)
        shown = "—" if kept is None else f"{kept}%"
        lines.append(f"Win chance {shown} when it closed")
        if kept is None:
            lines.append("  (none was stored at its close)")
    if model is None or chance is None:
        if lines:  # closed: what it closed with stands
            return [*lines, f"  n/a now: {details.no_model_reason}"]
        return ["Win chance n/a", f"  {details.no_model_reason}"]
    if lines:
        now = percent(chance)
        same = closed_chance(details) == now
        lines.append(f"  scored now it would be {'the same' if same else f'{now}%'}:")
    else:
        lines.append(f"Win chance {chance:.0%}")
    factors = details.rated.factors
    lines.append(f"  from {model.base_chance:.0%} for an average lead:")
    lines += [f"  {factor.label}" for factor in factors[:FACTORS_SHOWN]]
    if rest := factors[FACTORS_SHOWN:]:
        together = math.prod(factor.ratio for factor in rest)
        shown = f"{together:.1f}" if together >= 1 else f"{together:.2f}"
        lines.append(f"  {len(rest)} smaller factor{'s' if len(rest) > 1 else ''} ×{shown}")
    lines.append(f"  learned from {model.n_won + model.n_lost:,} closed leads")
    return lines


def _fixed(number: float | None) -> str:
    return "n/a" if number is None else f"{number:.3f}"


def evaluation_lines(result: Evaluation, seed: int) -> list[str]:
    """`score evaluate` in words: the held-out figures, the warnings, the
    deciles, cross-validation and the strongest factors."""
    lines = [
        f"trained on {result.n_train:,} leads, tested on {result.n_test:,} held out (seed {seed})",
        f"ROC AUC   {_fixed(result.auc)}  (0.5 is a coin toss, 1.0 a perfect ranking)",
        f"log loss  {_fixed(result.log_loss)}  (guessing the base rate for everyone:"
        f" {_fixed(result.baseline_log_loss)}; lower is better)",
        f"ECE       {_fixed(result.ece)}  (expected calibration error: how far the chances"
        " are from the win rates, 10 bins)",
    ]
    lines += [
        clean_line(
            f"warning: {leak.feature} alone predicts the outcome almost perfectly"
            f" (AUC {leak.auc:.3f}): usually filled in after the fact; leave it out"
            " with --fields"
        )
        for leak in result.leaks
    ]
    lines.append("predicted chance vs actual win rate per decile (1 = lowest):")
    lines.append("  decile  leads  predicted (range)       mean  actual")
    lines += [
        f"  {d.number:>6}  {d.count:>5}  {d.low:>6.1%} to {d.high:>6.1%}  {d.mean_predicted:>6.1%}"
        f"  {d.win_rate:>6.1%}"
        for d in result.deciles
    ]
    if cv := result.cross_validation:
        lines.append(f"{len(cv.folds)}-fold cross-validation (each fold scored by the others):")
        lines.append("  fold  leads    AUC  log loss  base rate's    ECE")
        lines += [
            f"  {i:>4}  {f.n:>5}  {_fixed(f.auc)}  {_fixed(f.log_loss):>8}  "
            f"{_fixed(f.baseline_log_loss):>11}  {_fixed(f.ece)}"
            for i, f in enumerate(cv.folds, start=1)
        ]
        lines.append(
            f"  mean         {_fixed(cv.mean('auc'))}  {_fixed(cv.mean('log_loss')):>8}  "
            f"{_fixed(cv.mean('baseline_log_loss')):>11}  {_fixed(cv.mean('ece'))}"
        )
    lines.append("strongest factors (× odds of winning):")
    lines += [f"  {factor.label}" for factor in result.strongest]
    return lines


def score_lines(details: ScoreDetails) -> list[str]:
    lead = details.lead
    return [
        f"{lead.tag()} · {lead.stage.label}",
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
            "base_chance": round(model.base_chance, 4),
            "factors": [
                {
                    "feature": f.feature,
                    "value": f.value,
                    "ratio": round(f.ratio, 4),
                    "pooled": f.pooled,
                }
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
        "closed_with": _closed_with(details),
    }


def _closed_with(details: ScoreDetails) -> dict[str, Any] | None:
    """What a closed lead keeps from its close, beside `rule` and `learned`
    (both scored now): its score and temperature, their reasons (null when
    they cannot be told: changed since), and its win chance in percent
    (null when none was stored)."""
    lead = details.lead
    if pipeline.is_open(lead.stage):
        return None
    reasons = details.close_reasons()
    at = lead.stage_entered_at
    return {
        "at": at.isoformat() if at else None,
        "score": lead.score,
        "temperature": lead.temperature.value,
        "reasons": (
            None if reasons is None else [{"points": p, "label": label} for p, label in reasons]
        ),
        "win_chance": closed_chance(details),
    }
