"""The learned score: logistic regression against worked examples, its
explanations, storage (and older naive Bayes models read back), and metrics."""

import json
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadtui.domain import logistic
from leadtui.domain import patterns as pattern_blocks
from leadtui.domain.learned import (
    OTHER,
    FeatureSpec,
    FieldChoice,
    LearnableField,
    Model,
    too_little_history,
    train,
)
from leadtui.domain.learned_eval import grouped_auc, leaks, merged
from leadtui.domain.learned_metrics import calibration_error, deciles, log_loss, roc_auc
from leadtui.domain.logistic import Patterns

SOURCE = (FeatureSpec("source"),)
SOURCE_TITLE = (FeatureSpec("source"), FeatureSpec("title level"))


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def test_without_penalty_each_value_gets_its_own_win_rate() -> None:
    # One field: referral won 20 of 30, ads won 10 of 50. With no penalty the
    # maximum likelihood chances are exactly those rates.
    patterns: Patterns = {("referral",): (20, 30), ("ads",): (10, 50)}
    model = train(SOURCE, patterns, l2=0.0)
    assert model.probability({"source": "referral"}) == pytest.approx(2 / 3, abs=1e-9)
    assert model.probability({"source": "ads"}) == pytest.approx(1 / 5, abs=1e-9)
    # Weights are centred on the training mix: the intercept is the average
    # lead's log-odds and each factor is the odds ratio against it.
    average = (30 * math.log(2) + 50 * math.log(1 / 4)) / 80
    assert model.intercept == pytest.approx(average, abs=1e-9)
    assert model.weights["source"]["referral"] == pytest.approx(math.log(2) - average, abs=1e-9)
    assert (model.n_won, model.n_lost) == (30, 50)


def test_the_penalty_pulls_small_groups_towards_the_average() -> None:
    patterns: Patterns = {("referral",): (2, 3), ("ads",): (100, 500)}
    free = train(SOURCE, patterns, l2=0.0)
    penalised = train(SOURCE, patterns)
    assert free.probability({"source": "referral"}) == pytest.approx(2 / 3, abs=1e-6)
    assert 0.2 < penalised.probability({"source": "referral"}) < 2 / 3


def test_a_copied_field_is_not_counted_twice() -> None:
    """Naive Bayes multiplied correlated fields; logistic regression shares
    the evidence between them, so the chance stays that of one field."""
    one: Patterns = {("referral",): (200, 300), ("ads",): (100, 500)}
    two: Patterns = {(source, source): counts for (source,), counts in one.items()}
    single = train(SOURCE, one)
    double = train((FeatureSpec("source"), FeatureSpec("copy")), two)
    for source in ("referral", "ads"):
        assert double.probability({"source": source, "copy": source}) == pytest.approx(
            single.probability({"source": source}), abs=0.002
        )


def test_chances_are_calibrated_in_the_large() -> None:
    # With an unpenalised intercept the chances of the training leads add up
    # to the number won, whatever the fields.
    rng = random.Random(5)
    patterns: dict[tuple[str, ...], tuple[int, int]] = {}
    for _ in range(3000):
        values = (rng.choice("abcd"), rng.choice("xy"), str(rng.randrange(12)))
        z = -1 + (values[0] == "a") * 1.5 - (values[1] == "y") + int(values[2]) / 10
        won, total = patterns.get(values, (0, 0))
        patterns[values] = (won + (rng.random() < sigmoid(z)), total + 1)
    specs = (FeatureSpec("a"), FeatureSpec("b"), FeatureSpec("c"))
    model = train(specs, patterns)
    expected = sum(
        model.probability(dict(zip("abc", values, strict=True))) * total
        for values, (_, total) in patterns.items()
    )
    assert expected == pytest.approx(model.n_won, abs=1e-4)


def test_many_patterns_converge_to_the_same_weights_as_few(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past MAX_EXACT patterns the curvature is sampled; the optimum is not."""
    rng = random.Random(8)
    patterns: dict[tuple[str, ...], tuple[int, int]] = {}
    for _ in range(4000):
        values = (rng.choice("abcde"), str(rng.randrange(40)), rng.choice("xyz"))
        z = (values[0] in "ab") - int(values[1]) / 30 + (values[2] == "x")
        won, total = patterns.get(values, (0, 0))
        patterns[values] = (won + (rng.random() < sigmoid(z)), total + 1)
    specs = (FeatureSpec("a"), FeatureSpec("b"), FeatureSpec("c"))
    exact = train(specs, patterns)
    monkeypatch.setattr(logistic, "MAX_EXACT", 100)
    sampled = train(specs, patterns)
    assert sampled.intercept == pytest.approx(exact.intercept, abs=1e-5)
    for feature, levels in exact.weights.items():
        for value, weight in levels.items():
            assert sampled.weights[feature][value] == pytest.approx(weight, abs=1e-5)


@pytest.mark.parametrize(
    ("max_exact", "block_share"),
    [(logistic.MAX_EXACT, pattern_blocks.BLOCK_SHARE), (20, 1), (20, 10**9)],
    ids=["exact", "sampled, fields in blocks", "sampled, each field alone"],
)
def test_the_fit_is_the_penalised_optimum(
    monkeypatch: pytest.MonkeyPatch, max_exact: int, block_share: int
) -> None:
    """However the steps are taken (exact or sampled curvature, the patterns
    read per block of fields or per field), the weights end where the
    penalised loss is flat: within a field, the gap between two levels'
    residuals (predicted wins minus wins) is λ times the gap in weight."""
    monkeypatch.setattr(logistic, "MAX_EXACT", max_exact)
    monkeypatch.setattr(pattern_blocks, "BLOCK_SHARE", block_share)
    rng = random.Random(3)
    patterns: dict[tuple[str, ...], tuple[int, int]] = {}
    for _ in range(3000):
        values = (rng.choice("abc"), rng.choice("pq"), rng.choice("uvwxyz"), rng.choice("mn"))
        z = (values[0] == "a") - (values[2] in "uv") + 0.5 * (values[3] == "m")
        won, total = patterns.get(values, (0, 0))
        patterns[values] = (won + (rng.random() < sigmoid(z)), total + 1)
    model = train(tuple(FeatureSpec(name) for name in "abcd"), patterns)
    residual: dict[tuple[str, str], float] = {}
    for combination, (won, total) in patterns.items():
        chance = model.probability(dict(zip("abcd", combination, strict=True)))
        for feature, value in zip("abcd", combination, strict=True):
            residual[feature, value] = residual.get((feature, value), 0.0) + total * chance - won
    assert sum(residual["a", value] for value in "abc") == pytest.approx(0, abs=1e-3)
    for feature, levels in model.weights.items():
        first, *others = levels
        for value in others:
            gap = residual[feature, value] - residual[feature, first]
            weight_gap = levels[value] - levels[first]
            assert gap == pytest.approx(-logistic.L2 * weight_gap, abs=1e-4)


def test_rare_values_are_pooled_and_unseen_ones_count_as_pooled_or_average() -> None:
    patterns: Patterns = {
        ("referral", "x"): (30, 40),
        ("ads", "x"): (10, 60),
        ("fair", "x"): (3, 4),  # fewer than POOL_BELOW leads each: pooled
        ("podcast", "x"): (1, 3),
    }
    model = train((FeatureSpec("source"), FeatureSpec("constant")), patterns)
    assert set(model.weights["source"]) == {"ads", "referral", OTHER}
    assert model.counts["source"][OTHER] == (4, 3)
    assert "constant" not in model.weights  # one value for every lead: nothing to learn
    pooled = model.probability({"source": "fair"})
    assert model.probability({"source": "never seen"}) == pooled
    assert model.factors({"source": "fair"})[0].label.startswith("source = fair (rare) ×")
    unpooled = train(SOURCE, {("referral",): (30, 40), ("ads",): (10, 60)})
    assert unpooled.probability({"source": "never seen"}) == unpooled.base_chance


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from("abc"), st.sampled_from("xyz")),
        st.tuples(st.integers(0, 40), st.integers(1, 40)),
        min_size=1,
    ),
    st.sampled_from("abcd"),
    st.sampled_from("xyzw"),
)
def test_the_factors_multiply_the_average_odds_to_exactly_the_chance(
    raw: dict[tuple[str, str], tuple[int, int]], source: str, title: str
) -> None:
    patterns: Patterns = {values: (min(won, total), total) for values, (won, total) in raw.items()}
    model = train(SOURCE_TITLE, patterns, l2=1.0)
    values = {"source": source, "title level": title}
    factors = model.factors(values)
    odds = math.exp(model.intercept) * math.prod(factor.ratio for factor in factors)
    assert odds / (1 + odds) == pytest.approx(model.probability(values), rel=1e-9, abs=1e-12)
    assert 0.0 < model.probability(values) < 1.0
    strengths = [abs(math.log(f.ratio)) for f in factors]
    assert strengths == sorted(strengths, reverse=True)


def test_the_model_survives_storage_unchanged() -> None:
    model = train(
        (FeatureSpec("source"), FeatureSpec("employees", "custom_numeric", (10.0, 50.5))),
        {("referral", "under 10"): (20, 30), ("ads", "10 to <50.5"): (10, 50)},
        trained_at="2026-01-01T00:00:00",
        fields=("source", "custom:employees"),
    )
    again = Model.from_json(model.to_json())
    assert again == model
    assert again.probability({"source": "ads"}) == model.probability({"source": "ads"})


def test_a_stored_naive_bayes_model_reads_back_with_the_same_chances() -> None:
    """A file trained before this version keeps its chances until retrained:
    the worked example of the old model (Laplace smoothing, alpha 1)."""
    stored = json.dumps(
        {
            "specs": [["source", "standard"], ["title level", "standard"]],
            "n_won": 3,
            "n_lost": 5,
            "counts": {
                "source": {"referral": [2, 1], "ads": [1, 4]},
                "title level": {"executive": [2, 0], "other": [1, 5]},
            },
            "trained_at": "",
        }
    )
    model = Model.from_json(stored)

    def from_odds(odds: float) -> float:
        return odds / (1 + odds)

    # prior 4/6; referral ×2, ads ×8/15, executive ×4, other ×4/9; unseen ×1.
    assert model.probability({"source": "referral"}) == pytest.approx(4 / 7, rel=1e-12)
    assert model.probability({"source": "referral", "title level": "executive"}) == (
        pytest.approx(from_odds(4 / 6 * 2 * 4), rel=1e-12)
    )
    assert model.probability({"source": "webinar"}) == pytest.approx(0.4, rel=1e-12)
    assert [f.label for f in model.factors({"source": "ads", "title level": "other"})] == [
        "title level = other ×0.44",
        "source = ads ×0.53",
    ]


def test_too_little_history_is_said_plainly() -> None:
    assert too_little_history(10, 20) == (
        "only 30 closed leads; the learned score needs at least 50"
    )
    assert "no won leads" in (too_little_history(0, 80) or "")
    assert too_little_history(25, 25) is None


# ---------------------------------------------------------------- metrics


def test_auc_counts_the_pairs_ranked_right() -> None:
    # Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs right.
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == 0.75
    assert roc_auc([0.5, 0.5], [True, False]) == 0.5  # a tie is half right
    assert roc_auc([0.9, 0.1], [True, False]) == 1.0
    assert roc_auc([0.2, 0.3], [True, True]) is None
    # Grouped by score, the same pairs: (score, won, lost).
    assert grouped_auc([(0.1, 0, 1), (0.4, 0, 1), (0.35, 1, 0), (0.8, 1, 0)]) == 0.75
    assert grouped_auc([(0.5, 1, 1)]) == 0.5


def test_log_loss_is_the_mean_negative_log_likelihood() -> None:
    assert log_loss([0.8, 0.3], [True, False]) == pytest.approx(
        -(math.log(0.8) + math.log(0.7)) / 2
    )
    assert log_loss([], []) is None
    assert log_loss([0.0], [True]) == pytest.approx(-math.log(1e-15))  # clipped, finite


def test_calibration_error_weighs_each_bins_gap_by_its_leads() -> None:
    # Bin 0-10%: 0.05 twice, one won -> |0.1 - 1| ; bin 90-100%: 0.95 twice, both won.
    predicted = [0.05, 0.05, 0.95, 0.95]
    outcomes = [True, False, True, True]
    assert calibration_error(predicted, outcomes) == pytest.approx(
        (abs(0.1 - 1) + abs(1.9 - 2)) / 4
    )
    assert calibration_error([0.3] * 10, [True] * 3 + [False] * 7) == pytest.approx(0.0)
    assert calibration_error([], []) is None


def test_deciles_split_by_predicted_probability_with_their_win_rates() -> None:
    probabilities = [i / 20 for i in range(20)]
    outcomes = [i >= 14 for i in range(20)]  # the top 6 won
    result = deciles(probabilities, outcomes)
    assert [d.count for d in result] == [2] * 10
    assert [d.win_rate for d in result] == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    assert (result[0].low, result[0].high) == (0.0, 0.05)
    assert result[-1].mean_predicted == pytest.approx((0.9 + 0.95) / 2)
    assert [d.number for d in deciles([0.5] * 3, [True] * 3)] == [1, 4, 7]


def test_a_field_that_alone_predicts_the_outcome_is_called_a_leak() -> None:
    specs = (FeatureSpec("source"), FeatureSpec("Outcome note", "custom_category"))
    train_part: dict[tuple[str, ...], tuple[int, int]] = {
        ("ads", "enrolled"): (40, 40),
        ("ads", "dropped"): (0, 50),
    }
    train_part |= {("referral", "enrolled"): (30, 30), ("referral", "dropped"): (0, 20)}
    test_part: Patterns = {("ads", "enrolled"): (12, 12), ("referral", "dropped"): (0, 9)}
    found = leaks(specs, train_part, test_part)
    assert [(leak.feature, leak.auc) for leak in found] == [("Outcome note (custom)", 1.0)]
    assert merged([train_part, test_part])[("ads", "enrolled")] == (52, 52)


def test_a_pick_of_fields_is_stored_as_the_defaults_or_as_listed() -> None:
    choice = FieldChoice(
        (
            LearnableField("source", "source", 10, 10, default=True),
            LearnableField("custom:Tier", "Tier (custom)", 9, 10, default=True),
            LearnableField("custom:ID", "ID (custom)", 10, 10, False, "an id"),
        ),
        chosen=None,
    )
    assert choice.in_use == ("source", "custom:Tier")
    # Exactly the defaults: every usable field, so fields filled later join.
    assert choice.as_fields(["custom:Tier", "source"]) == "all"
    # Anything else: as listed, in the list's order.
    assert choice.as_fields(["custom:ID", "source"]) == "source,custom:ID"
    assert choice.as_fields(["source"]) == "source"
    assert FieldChoice(choice.fields, ("source",)).in_use == ("source",)
