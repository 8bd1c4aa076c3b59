"""Measuring a learned model on leads it did not learn from. Pure.

The repository hands over patterns ({feature values: (won, total)}) for the
training part, the held-out part and, for cross-validation, each fold;
this module trains, predicts and scores them.
"""

from collections.abc import Mapping, Sequence

from leadtui.domain import logistic
from leadtui.domain.learned import FeatureSpec, Model, train
from leadtui.domain.learned_metrics import LEAK_AUC, CrossValidation, Leak, Scores
from leadtui.domain.logistic import Patterns


def predictions(model: Model, patterns: Patterns) -> tuple[list[float], list[bool]]:
    """Each lead's predicted chance and outcome (a pattern stands for its leads)."""
    names = [spec.name for spec in model.specs]
    predicted: list[float] = []
    outcomes: list[bool] = []
    for values, (won, total) in patterns.items():
        p = model.probability(dict(zip(names, values, strict=True)))
        predicted += [p] * total
        outcomes += [True] * won + [False] * (total - won)
    return predicted, outcomes


def base_rate(patterns: Patterns) -> float:
    won = sum(won for won, _ in patterns.values())
    total = sum(total for _, total in patterns.values())
    return won / total if total else 0.0


def merged(parts: Sequence[Patterns]) -> dict[tuple[str, ...], tuple[int, int]]:
    together: dict[tuple[str, ...], tuple[int, int]] = {}
    for part in parts:
        for values, (won, total) in part.items():
            before = together.get(values, (0, 0))
            together[values] = (before[0] + won, before[1] + total)
    return together


def cross_validate(specs: Sequence[FeatureSpec], folds: Sequence[Patterns]) -> CrossValidation:
    """Each fold scored by a model trained on all the others."""
    results = []
    for index, fold in enumerate(folds):
        rest = merged([other for i, other in enumerate(folds) if i != index])
        model = train(specs, rest)
        predicted, outcomes = predictions(model, fold)
        results.append(Scores.of(predicted, outcomes, base_rate(rest)))
    return CrossValidation(tuple(results))


def leaks(
    specs: Sequence[FeatureSpec], train: Patterns, test: Patterns,
    marginals: Sequence[Mapping[str, tuple[float, float]]] | None = None,
) -> tuple[Leak, ...]:  # fmt: skip
    """The fields that alone rank the held-out leads (by their value's win
    rate in training) with an AUC of LEAK_AUC or more. `marginals`: the
    training's {value: (won, total)} per field, if the fit has them."""
    found = []
    prior = base_rate(train)
    if marginals is None:
        marginals = logistic.marginals(train, len(specs))
    for position, (spec, rates) in enumerate(zip(specs, marginals, strict=True)):
        groups: dict[float, list[int]] = {}
        for values, (test_won, test_total) in test.items():
            won_before, total_before = rates.get(values[position], (0.0, 0.0))
            # Smoothed towards the base rate: a value seen once predicts little.
            score = (won_before + prior) / (total_before + 1)
            group = groups.setdefault(score, [0, 0])
            group[0] += test_won
            group[1] += test_total - test_won
        auc = grouped_auc([(score, won, lost) for score, (won, lost) in groups.items()])
        if auc is not None and auc >= LEAK_AUC:
            found.append(Leak(spec.label, auc))
    return tuple(sorted(found, key=lambda leak: -leak.auc))


def grouped_auc(groups: Sequence[tuple[float, int, int]]) -> float | None:
    """ROC AUC of leads grouped by score: [(score, won, lost)], ties half right."""
    positives = sum(won for _, won, _ in groups)
    negatives = sum(lost for _, _, lost in groups)
    if not positives or not negatives:
        return None
    right = 0.0
    lost_below = 0
    for _, won, lost in sorted(groups):
        right += won * lost_below + won * lost / 2
        lost_below += lost
    return right / (positives * negatives)
