"""The learned score: naive Bayes against a worked example, and its metrics."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadtui.domain.learned import (
    FeatureSpec,
    Model,
    deciles,
    log_loss,
    roc_auc,
    too_little_history,
)

# 8 closed leads: 3 won, 5 lost.
#   source: referral won 2 lost 1; ads won 1 lost 4
#   title level: executive won 2 lost 0; other won 1 lost 5
MODEL = Model(
    specs=(FeatureSpec("source"), FeatureSpec("title level")),
    n_won=3,
    n_lost=5,
    counts={
        "source": {"referral": (2, 1), "ads": (1, 4)},
        "title level": {"executive": (2, 0), "other": (1, 5)},
    },
)


def test_probabilities_match_the_worked_example() -> None:
    # Laplace smoothing, alpha 1, over the 2 seen values + 1 unseen slot = 3:
    #   prior odds = (3+1)/(5+1) = 4/6
    #   referral: P(.|won) = (2+1)/(3+3) = 1/2, P(.|lost) = (1+1)/(5+3) = 1/4 -> ×2
    #   ads:      P(.|won) = (1+1)/6 = 1/3,    P(.|lost) = (4+1)/8 = 5/8   -> ×8/15
    #   executive: (2+1)/6 = 1/2 vs (0+1)/8 = 1/8 -> ×4
    #   other:     (1+1)/6 = 1/3 vs (5+1)/8 = 3/4 -> ×4/9
    def from_odds(odds: float) -> float:
        return odds / (1 + odds)

    cases = {
        ("referral", None): from_odds(4 / 6 * 2),  # 4/7
        ("ads", None): from_odds(4 / 6 * 8 / 15),  # 16/61
        ("referral", "executive"): from_odds(4 / 6 * 2 * 4),  # 16/19
        ("ads", "other"): from_odds(4 / 6 * 8 / 15 * 4 / 9),
        ("webinar", None): from_odds(4 / 6),  # an unseen value is no evidence: 0.4
    }
    for (source, title), expected in cases.items():
        values = {"source": source} | ({"title level": title} if title else {})
        assert MODEL.probability(values) == pytest.approx(expected, rel=1e-12)
    assert MODEL.probability({"source": "referral"}) == pytest.approx(4 / 7)


def test_factors_explain_the_odds_strongest_push_first() -> None:
    factors = MODEL.factors({"source": "referral", "title level": "executive"})
    assert [(f.feature, f.value) for f in factors] == [
        ("title level", "executive"),
        ("source", "referral"),
    ]
    assert [f.ratio for f in factors] == pytest.approx([4.0, 2.0])
    assert factors[0].label == "title level = executive ×4.0"
    # A factor that lowers the odds counts by its size too: ×4/9 beats ×2.
    down = MODEL.factors({"source": "referral", "title level": "other"})
    assert down[0].value == "other" and down[0].label == "title level = other ×0.44"


def test_the_model_survives_storage_unchanged() -> None:
    again = Model.from_json(MODEL.to_json())
    assert again == MODEL
    assert again.probability({"source": "ads"}) == MODEL.probability({"source": "ads"})


def test_too_little_history_is_said_plainly() -> None:
    assert too_little_history(10, 20) == (
        "only 30 closed leads; the learned score needs at least 50"
    )
    assert "no won leads" in (too_little_history(0, 80) or "")
    assert too_little_history(25, 25) is None


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c"]),
        st.dictionaries(
            st.text(max_size=3), st.tuples(st.integers(0, 10**6), st.integers(0, 10**6))
        ),
    ),
    st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.text(max_size=3)),
)
def test_probabilities_stay_within_0_and_1_and_factors_are_ordered(
    counts: dict[str, dict[str, tuple[int, int]]], values: dict[str, str]
) -> None:
    n_won = sum(won for feature in counts.values() for won, _ in feature.values()) or 1
    n_lost = sum(lost for feature in counts.values() for _, lost in feature.values()) or 1
    model = Model(tuple(FeatureSpec(name) for name in counts), n_won, n_lost, counts)
    assert 0.0 <= model.probability(values) <= 1.0
    strengths = [abs(math.log(f.ratio)) for f in model.factors(values)]
    assert strengths == sorted(strengths, reverse=True)


# ---------------------------------------------------------------- metrics


def test_auc_counts_the_pairs_ranked_right() -> None:
    # Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs right.
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == 0.75
    assert roc_auc([0.5, 0.5], [True, False]) == 0.5  # a tie is half right
    assert roc_auc([0.9, 0.1], [True, False]) == 1.0
    assert roc_auc([0.2, 0.3], [True, True]) is None


def test_log_loss_is_the_mean_negative_log_likelihood() -> None:
    assert log_loss([0.8, 0.3], [True, False]) == pytest.approx(
        -(math.log(0.8) + math.log(0.7)) / 2
    )
    assert log_loss([], []) is None
    assert log_loss([0.0], [True]) == pytest.approx(-math.log(1e-15))  # clipped, finite


def test_deciles_split_by_predicted_probability_with_their_win_rates() -> None:
    probabilities = [i / 20 for i in range(20)]
    outcomes = [i >= 14 for i in range(20)]  # the top 6 won
    result = deciles(probabilities, outcomes)
    assert [d.count for d in result] == [2] * 10
    assert [d.win_rate for d in result] == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    assert (result[0].low, result[0].high) == (0.0, 0.05)
    assert result[-1].mean_predicted == pytest.approx((0.9 + 0.95) / 2)
    assert [d.number for d in deciles([0.5] * 3, [True] * 3)] == [1, 4, 7]
