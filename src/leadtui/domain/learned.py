"""The learned score: naive Bayes over field values, trained on won vs lost. Pure.

Naive Bayes because every part of it can be read back to a rep: each feature
value multiplies the odds of winning by one ratio ("Source = referral ×3.1"),
learned from counts that SQL aggregates produce directly. The repository
supplies the counts and the per-lead feature values; this module turns them
into probabilities, explanations, and the metrics `score evaluate` prints.
"""

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from leadtui.domain.sanitize import clean_line

# Below this many closed leads the model would mostly echo noise.
MIN_CLOSED = 50
# Laplace smoothing: a value seen once is evidence, not certainty.
ALPHA = 1.0

FeatureKind = Literal["standard", "custom_numeric", "custom_category"]


@dataclass(frozen=True)
class FeatureSpec:
    """One input of the model: a standard feature, or an imported custom field."""

    name: str
    kind: FeatureKind = "standard"

    @property
    def label(self) -> str:
        return self.name if self.kind == "standard" else f"{self.name} (custom)"


@dataclass(frozen=True)
class Factor:
    """How much one of a lead's feature values multiplies its odds of winning."""

    feature: str
    value: str
    ratio: float

    @property
    def label(self) -> str:
        shown = f"{self.ratio:.1f}" if self.ratio >= 1 else f"{self.ratio:.2f}"
        # Custom field names and values are imported data: never raw controls.
        return clean_line(f"{self.feature} = {self.value} ×{shown}")


# {feature name: {value: (won count, lost count)}}
Counts = dict[str, dict[str, tuple[int, int]]]


@dataclass(frozen=True)
class Model:
    specs: tuple[FeatureSpec, ...]
    n_won: int
    n_lost: int
    counts: Counts
    trained_at: str = ""

    @cached_property
    def prior_log_odds(self) -> float:
        return math.log((self.n_won + ALPHA) / (self.n_lost + ALPHA))

    @cached_property
    def log_ratios(self) -> dict[str, dict[str, float]]:
        """log P(value | won) − log P(value | lost), smoothed over the values
        seen plus one slot for values never seen (which then count as 1×)."""
        ratios: dict[str, dict[str, float]] = {}
        for feature, values in self.counts.items():
            slots = ALPHA * (len(values) + 1)
            ratios[feature] = {
                value: math.log((won + ALPHA) / (self.n_won + slots))
                - math.log((lost + ALPHA) / (self.n_lost + slots))
                for value, (won, lost) in values.items()
            }
        return ratios

    def log_odds(self, values: Mapping[str, str]) -> float:
        total = self.prior_log_odds
        for feature, value in values.items():
            total += self.log_ratios.get(feature, {}).get(value, 0.0)
        return total

    def probability(self, values: Mapping[str, str]) -> float:
        return _sigmoid(self.log_odds(values))

    def factors(self, values: Mapping[str, str]) -> list[Factor]:
        """Every feature value of a lead, strongest push (up or down) first."""
        found = [
            Factor(feature, value, math.exp(self.log_ratios[feature][value]))
            for feature, value in values.items()
            if value in self.log_ratios.get(feature, {})
        ]
        return sorted(found, key=lambda factor: (-abs(math.log(factor.ratio)), factor.feature))

    def strongest(self, limit: int = 10) -> list[Factor]:
        """The feature values that move the odds most, over the whole model."""
        every = [
            Factor(feature, value, math.exp(ratio))
            for feature, values in self.log_ratios.items()
            for value, ratio in values.items()
            if sum(self.counts[feature][value]) >= 5  # rare values are noise here
        ]
        every.sort(key=lambda factor: (-abs(math.log(factor.ratio)), factor.feature))
        return every[:limit]

    # ------------------------------------------------------------ storage

    def to_json(self) -> str:
        return json.dumps(
            {
                "specs": [[spec.name, spec.kind] for spec in self.specs],
                "n_won": self.n_won,
                "n_lost": self.n_lost,
                "counts": {f: {v: list(c) for v, c in vs.items()} for f, vs in self.counts.items()},
                "trained_at": self.trained_at,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> "Model":
        data: dict[str, Any] = json.loads(text)
        return cls(
            specs=tuple(FeatureSpec(name, kind) for name, kind in data["specs"]),
            n_won=int(data["n_won"]),
            n_lost=int(data["n_lost"]),
            counts={
                feature: {value: (int(c[0]), int(c[1])) for value, c in values.items()}
                for feature, values in data["counts"].items()
            },
            trained_at=str(data.get("trained_at", "")),
        )


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1 / (1 + math.exp(-x))
    z = math.exp(x)
    return z / (1 + z)


def too_little_history(n_won: int, n_lost: int, noun: str = "closed leads") -> str | None:
    """Why no model can be trained on this history, or None if one can."""
    if n_won + n_lost < MIN_CLOSED:
        return f"only {n_won + n_lost} {noun}; the learned score needs at least {MIN_CLOSED}"
    if not n_won or not n_lost:
        outcome = "won" if not n_won else "lost"
        return f"no {outcome} leads among the {noun}; the learned score needs both outcomes"
    return None


# ---------------------------------------------------------------- metrics


@dataclass(frozen=True)
class Decile:
    number: int  # 1 = lowest predicted probability
    count: int
    low: float
    high: float
    mean_predicted: float
    win_rate: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "decile": self.number,
            "n": self.count,
            "min_probability": round(self.low, 4),
            "max_probability": round(self.high, 4),
            "mean_probability": round(self.mean_predicted, 4),
            "win_rate": round(self.win_rate, 4),
        }


def roc_auc(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float | None:
    """Area under the ROC curve via the rank-sum (Mann-Whitney) form, with tied
    probabilities sharing their average rank. None without both outcomes."""
    positives = sum(outcomes)
    negatives = len(outcomes) - positives
    if not positives or not negatives:
        return None
    order = sorted(range(len(probabilities)), key=probabilities.__getitem__)
    rank_sum = 0.0
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and probabilities[order[end + 1]] == probabilities[order[start]]:
            end += 1
        average_rank = (start + end) / 2 + 1
        rank_sum += average_rank * sum(outcomes[order[i]] for i in range(start, end + 1))
        start = end + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def log_loss(probabilities: Sequence[float], outcomes: Sequence[bool]) -> float | None:
    if not probabilities:
        return None
    eps = 1e-15
    total = 0.0
    for p, won in zip(probabilities, outcomes, strict=True):
        p = min(max(p, eps), 1 - eps)
        total -= math.log(p) if won else math.log(1 - p)
    return total / len(probabilities)


def deciles(probabilities: Sequence[float], outcomes: Sequence[bool]) -> list[Decile]:
    """Win rate per tenth of the leads, ranked by predicted probability."""
    order = sorted(range(len(probabilities)), key=probabilities.__getitem__)
    groups: list[list[int]] = [[] for _ in range(10)]
    for position, index in enumerate(order):
        groups[position * 10 // len(order)].append(index)
    result = []
    for number, group in enumerate(groups, start=1):
        if not group:
            continue
        predicted = [probabilities[i] for i in group]
        result.append(
            Decile(
                number,
                len(group),
                min(predicted),
                max(predicted),
                sum(predicted) / len(group),
                sum(outcomes[i] for i in group) / len(group),
            )
        )
    return result
