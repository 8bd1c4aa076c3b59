"""How good a win chance is, on leads it did not learn from. Pure.

Ranking (ROC AUC), honesty of the numbers themselves (log loss against the
base rate, expected calibration error, predicted vs actual per decile), and
the same again over k folds, so one lucky split cannot flatter the model.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass


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


@dataclass(frozen=True)
class Scores:
    """The figures of one test set."""

    n: int
    auc: float | None
    log_loss: float | None
    baseline_log_loss: float | None  # everyone given the training win rate
    ece: float | None

    @classmethod
    def of(
        cls, probabilities: Sequence[float], outcomes: Sequence[bool], base_rate: float
    ) -> "Scores":
        return cls(
            len(outcomes),
            roc_auc(probabilities, outcomes),
            log_loss(probabilities, outcomes),
            log_loss([base_rate] * len(outcomes), outcomes),
            calibration_error(probabilities, outcomes),
        )

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "n_test": self.n,
            "auc": _round(self.auc),
            "log_loss": _round(self.log_loss),
            "baseline_log_loss": _round(self.baseline_log_loss),
            "ece": _round(self.ece),
        }


@dataclass(frozen=True)
class CrossValidation:
    """k-fold cross-validation: each fold scored by a model trained on the others."""

    folds: tuple[Scores, ...]

    def mean(self, figure: str) -> float | None:
        values = [getattr(fold, figure) for fold in self.folds]
        known = [value for value in values if value is not None]
        return sum(known) / len(known) if known and len(known) == len(values) else None

    def as_dict(self) -> dict[str, object]:
        return {
            "folds": [fold.as_dict() for fold in self.folds],
            "mean": {
                figure: _round(self.mean(figure))
                for figure in ("auc", "log_loss", "baseline_log_loss", "ece")
            },
        }


@dataclass(frozen=True)
class Leak:
    """A field that alone ranks the test leads almost perfectly: most often it
    was filled in after the outcome was known, and predicts nothing ahead."""

    feature: str
    auc: float


# Single-feature AUC at or above this draws a warning.
LEAK_AUC = 0.97


def _round(number: float | None) -> float | None:
    return None if number is None else round(number, 4)


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


def calibration_error(
    probabilities: Sequence[float], outcomes: Sequence[bool], bins: int = 10
) -> float | None:
    """Expected calibration error: leads put in equal-width bins of predicted
    chance (0-10%, ..., 90-100%); the gap between each bin's mean prediction
    and its win rate, weighted by its share of the leads."""
    if not probabilities:
        return None
    predicted = [0.0] * bins
    won = [0] * bins
    count = [0] * bins
    for p, outcome in zip(probabilities, outcomes, strict=True):
        index = min(int(p * bins), bins - 1)
        predicted[index] += p
        won[index] += outcome
        count[index] += 1
    gaps = sum(abs(predicted[b] - won[b]) for b in range(bins) if count[b])
    return gaps / len(probabilities)


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
