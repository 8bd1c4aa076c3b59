"""The learned score: a win chance per lead, learned from won vs lost. Pure.

A logistic regression over field values (see logistic.py for why and how it
is fitted). Every part of it can be read back to a rep: each field value
has one weight, exp(weight) multiplies the odds of winning ("Source =
referral ×3.1"), and a lead's factors multiply the odds of an average lead
(the intercept) to exactly its chance. The repository supplies the training
patterns and the per-lead feature values, computed in SQL; this module turns
them into a model, probabilities and explanations.
"""

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from leadtui.domain import logistic
from leadtui.domain.learned_metrics import Decile, deciles, log_loss, roc_auc
from leadtui.domain.logistic import OTHER, Patterns, pooled
from leadtui.domain.sanitize import clean_line

__all__ = [
    "MIN_CLOSED",
    "OTHER",
    "Counts",
    "Decile",
    "Factor",
    "FeatureSpec",
    "FieldChoice",
    "LearnableField",
    "Model",
    "deciles",
    "log_loss",
    "roc_auc",
    "too_little_history",
    "train",
    "train_with_marginals",
]

# Below this many closed leads the model would mostly echo noise.
MIN_CLOSED = 50
# Version 1 was naive Bayes (counts only); version 2 stores weights.
FORMAT = 2
# Laplace smoothing of a version 1 model, read back as weights.
_V1_ALPHA = 1.0

FeatureKind = Literal["standard", "custom_numeric", "custom_category"]
CUSTOM = "custom:"


@dataclass(frozen=True)
class FeatureSpec:
    """One input of the model: a standard feature, or an imported custom
    field; a numeric custom field carries the cut points of its bins."""

    name: str
    kind: FeatureKind = "standard"
    cuts: tuple[float, ...] = ()

    @property
    def label(self) -> str:
        return self.name if self.kind == "standard" else f"{self.name} (custom)"

    @property
    def choice(self) -> str:
        """How `score train --fields` names it."""
        return self.name if self.kind == "standard" else f"{CUSTOM}{self.name}"


@dataclass(frozen=True)
class LearnableField:
    """A field the win chance may learn from, as the palette's form lists it."""

    choice: str  # as `score train --fields` names it
    label: str
    filled: int  # leads with a value in it
    leads: int
    default: bool  # learned from when the team has chosen nothing
    left_out: str = ""  # why it is not, by default

    @property
    def fill_rate(self) -> float:
        return self.filled / self.leads if self.leads else 0.0


@dataclass(frozen=True)
class FieldChoice:
    """Every field the model may learn from, and the team's stored choice
    (None: every usable field, the defaults)."""

    fields: tuple[LearnableField, ...]
    chosen: tuple[str, ...] | None

    @property
    def defaults(self) -> tuple[str, ...]:
        return tuple(item.choice for item in self.fields if item.default)

    @property
    def in_use(self) -> tuple[str, ...]:
        """What the next training learns from unless told otherwise."""
        return self.defaults if self.chosen is None else self.chosen

    def as_fields(self, picked: Sequence[str]) -> str:
        """The `--fields` text for a pick: "all" when it is exactly the
        defaults, so fields filled later join by themselves, as they do
        for a team that never chose."""
        if set(picked) == set(self.defaults):
            return "all"
        return ",".join(item.choice for item in self.fields if item.choice in set(picked))


@dataclass(frozen=True)
class Factor:
    """How much one of a lead's feature values multiplies its odds of winning."""

    feature: str
    value: str
    ratio: float
    pooled: bool = False  # a rare value, weighed with the field's other rare values

    @property
    def label(self) -> str:
        shown = f"{self.ratio:.1f}" if self.ratio >= 1 else f"{self.ratio:.2f}"
        rare = " (rare)" if self.pooled else ""
        # Custom field names and values are imported data: never raw controls.
        return clean_line(f"{self.feature} = {self.value}{rare} ×{shown}")


# {feature name: {value: (won count, lost count)}}
Counts = dict[str, dict[str, tuple[int, int]]]


@dataclass(frozen=True)
class Model:
    specs: tuple[FeatureSpec, ...]
    n_won: int
    n_lost: int
    intercept: float  # log-odds of a lead average in every feature
    weights: dict[str, dict[str, float]]  # {feature: {value: log odds ratio}}
    counts: Counts = field(default_factory=dict)  # training leads per value
    trained_at: str = ""
    fields: tuple[str, ...] | None = None  # the team's --fields; None: every usable field

    def weight(self, feature: str, value: str) -> float:
        """A value's weight: its own, the pooled rare values' for one not
        learned, or 0 (as the average lead) for a field without that."""
        levels = self.weights.get(feature)
        if not levels:
            return 0.0
        level = pooled(value, levels)
        return 0.0 if level is None else levels[level]

    def log_odds(self, values: Mapping[str, str]) -> float:
        # Summed in spec order, as the SQL that stores chances sums them,
        # so both give the same float.
        total = self.intercept
        for spec in self.specs:
            if spec.name in self.weights and spec.name in values:
                total += self.weight(spec.name, values[spec.name])
        return total

    def probability(self, values: Mapping[str, str]) -> float:
        return _sigmoid(self.log_odds(values))

    @property
    def base_chance(self) -> float:
        """The chance of a lead average in every feature: where factors start."""
        return _sigmoid(self.intercept)

    def factors(self, values: Mapping[str, str]) -> list[Factor]:
        """One factor per learned feature of the lead, strongest push (up or
        down) first; the intercept's odds times all of them are its odds."""
        found = [
            Factor(
                spec.name,
                values[spec.name],
                math.exp(self.weight(spec.name, values[spec.name])),
                pooled(values[spec.name], self.weights[spec.name]) == OTHER
                and values[spec.name] != OTHER,
            )
            for spec in self.specs
            if spec.name in self.weights and spec.name in values
        ]
        return sorted(found, key=lambda factor: (-abs(math.log(factor.ratio)), factor.feature))

    def strongest(self, limit: int = 10) -> list[Factor]:
        """The feature values that move the odds most, over the whole model."""
        every = [
            Factor(feature, value, math.exp(weight))
            for feature, levels in self.weights.items()
            for value, weight in levels.items()
            if sum(self.counts.get(feature, {}).get(value, (0, 0))) >= 5  # rare is noise here
        ]
        every.sort(key=lambda factor: (-abs(math.log(factor.ratio)), factor.feature))
        return every[:limit]

    # ------------------------------------------------------------ storage

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "specs": [[spec.name, spec.kind, list(spec.cuts)] for spec in self.specs],
                "n_won": self.n_won,
                "n_lost": self.n_lost,
                "intercept": self.intercept,
                "weights": self.weights,
                "counts": {f: {v: list(c) for v, c in vs.items()} for f, vs in self.counts.items()},
                "trained_at": self.trained_at,
                "fields": None if self.fields is None else list(self.fields),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> "Model":
        data: dict[str, Any] = json.loads(text)
        counts: Counts = {
            feature: {value: (int(c[0]), int(c[1])) for value, c in values.items()}
            for feature, values in data["counts"].items()
        }
        specs = tuple(
            FeatureSpec(spec[0], spec[1], tuple(float(c) for c in spec[2]) if len(spec) > 2 else ())
            for spec in data["specs"]
        )
        n_won, n_lost = int(data["n_won"]), int(data["n_lost"])
        trained_at = str(data.get("trained_at", ""))
        if data.get("format", 1) == 1:
            return _from_naive_bayes(specs, n_won, n_lost, counts, trained_at)
        fields = data.get("fields")
        return cls(
            specs=specs,
            n_won=n_won,
            n_lost=n_lost,
            intercept=float(data["intercept"]),
            weights={
                feature: {value: float(w) for value, w in levels.items()}
                for feature, levels in data["weights"].items()
            },
            counts=counts,
            trained_at=trained_at,
            fields=None if fields is None else tuple(str(f) for f in fields),
        )


def train(
    specs: Sequence[FeatureSpec],
    patterns: Patterns,
    *,
    trained_at: str = "",
    fields: tuple[str, ...] | None = None,
    l2: float = logistic.L2,
) -> Model:
    """Fit a model on training patterns: {feature values in spec order: (won, total)}."""
    return train_with_marginals(specs, patterns, trained_at=trained_at, fields=fields, l2=l2)[0]


def train_with_marginals(
    specs: Sequence[FeatureSpec],
    patterns: Patterns,
    *,
    trained_at: str = "",
    fields: tuple[str, ...] | None = None,
    l2: float = logistic.L2,
) -> tuple[Model, tuple[dict[str, tuple[float, float]], ...]]:
    """train(), and each field's {value: (won, total)} over the patterns,
    which the fit counts anyway (the leak check needs them)."""
    fitted = logistic.fit([spec.name for spec in specs], patterns, l2=l2)
    n_won = sum(won for won, _ in patterns.values())
    n_total = sum(total for _, total in patterns.values())
    model = Model(
        tuple(specs),
        n_won,
        n_total - n_won,
        fitted.intercept,
        fitted.weights,
        fitted.counts,
        trained_at,
        fields,
    )
    return model, fitted.marginals


def _from_naive_bayes(
    specs: tuple[FeatureSpec, ...], n_won: int, n_lost: int, counts: Counts, trained_at: str
) -> Model:
    """A stored version 1 model (naive Bayes, from counts) as weights, giving
    exactly the chances it gave: the smoothed log ratio of each value, and
    0 for a value never seen. Its chances stay in force until retrained."""
    weights: dict[str, dict[str, float]] = {}
    for feature, values in counts.items():
        slots = _V1_ALPHA * (len(values) + 1)
        weights[feature] = {
            value: math.log((won + _V1_ALPHA) / (n_won + slots))
            - math.log((lost + _V1_ALPHA) / (n_lost + slots))
            for value, (won, lost) in values.items()
        }
    prior = math.log((n_won + _V1_ALPHA) / (n_lost + _V1_ALPHA))
    return Model(specs, n_won, n_lost, prior, weights, counts, trained_at)


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


def percent(probability: float) -> int:
    """A win chance as stored: whole percent, halves rounded up (as the SQL
    of repository/scores.update_chances does)."""
    return int(probability * 100 + 0.5)
