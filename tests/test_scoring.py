"""The rule score: sums, bands, behaviour windows, decay, and the rules file."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import Temperature
from leadtui.domain.scoring import ScoreInput, Touch, count_label, score, temperature_for
from leadtui.domain.scoring_rules import Bands, RuleSet, load_rules, parse_rules

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)

RULES = parse_rules(
    """
[bands]
hot = 60
warm = 30

[[rules]]
label = "referral source"
points = 25
field = "source"
equals = "referral"

[[rules]]
label = "decision maker title"
points = 20
field = "title"
contains_any = ["vp", "head of"]

[[rules]]
label = "50+ staff"
points = 10
field = "custom.employees"
at_least = 50

[[rules]]
label = "deal 10k to 50k"
points = 10
field = "value"
at_least = 10000
below = 50000

[[rules]]
label = "{count} inbound meeting{s} in 30 days"
points_each = 15
max_points = 30
activity = { kinds = ["meeting"], direction = "inbound", within_days = 30 }

[[rules]]
label = "no touch for 30 days"
points = -20
no_touch_days = 30
""",
    "test rules",
)


def lead(**overrides: object) -> ScoreInput:
    base: dict[str, object] = {
        "fields": {"source": "referral", "title": "VP Sales", "value": 20000.0},
        "created_at": NOW - 5 * DAY,
        "last_touch_at": None,
        "custom": {"employees": "120"},
        "touches": (),
    }
    return ScoreInput(**(base | overrides))  # type: ignore[arg-type]


def test_the_score_is_the_sum_of_the_rules_that_fire_with_their_labels() -> None:
    rated = score(lead(), RULES, NOW)
    # 25 referral + 20 title + 10 staff + 10 deal = 65; no touch rule fires.
    assert rated.reasons == (
        (25, "referral source"),
        (20, "decision maker title"),
        (10, "50+ staff"),
        (10, "deal 10k to 50k"),
    )
    assert rated.points == 65 and rated.temperature is Temperature.HOT


def test_field_tests_match_whole_words_any_case_and_numbers_by_range() -> None:
    assert score(lead(fields={"title": "HEAD OF Ops"}), RULES, NOW).reasons == (
        (20, "decision maker title"),
        (10, "50+ staff"),
    )
    # "vpn" is not the word "vp"; 50,000 is outside [10,000, 50,000).
    quiet = lead(fields={"title": "VPN admin", "value": 50000.0}, custom={"employees": "lots"})
    assert score(quiet, RULES, NOW).reasons == ()


def test_behaviour_counts_only_matching_touches_inside_the_window_and_caps_points() -> None:
    touches = (
        Touch("meeting", "inbound", NOW - 2 * DAY),
        Touch("meeting", "inbound", NOW - 10 * DAY),
        Touch("meeting", "inbound", NOW - 20 * DAY),  # 3 × 15 = 45, capped at 30
        Touch("meeting", "outbound", NOW - 1 * DAY),  # wrong direction
        Touch("call", "inbound", NOW - 1 * DAY),  # wrong kind
        Touch("meeting", "inbound", NOW - 31 * DAY),  # outside the window
    )
    rated = score(lead(fields={}, custom={}, touches=touches), RULES, NOW)
    assert rated.reasons == ((30, "3 inbound meetings in 30 days"),)
    # The oldest counted meeting (20 days ago) leaves the window in 10 days.
    assert rated.next_change == NOW + 10 * DAY


def test_no_touch_decay_counts_from_the_last_touch_or_else_from_creation() -> None:
    fresh = score(lead(fields={}, custom={}, created_at=NOW - 29 * DAY), RULES, NOW)
    assert fresh.reasons == () and fresh.next_change == NOW + DAY
    stale = score(lead(fields={}, custom={}, created_at=NOW - 31 * DAY), RULES, NOW)
    assert stale.reasons == ((-20, "no touch for 30 days"),) and stale.points == 0
    touched = lead(
        fields={"source": "referral"},
        custom={},
        created_at=NOW - 90 * DAY,
        last_touch_at=NOW - 45 * DAY,
    )
    assert score(touched, RULES, NOW).points == 25 - 20


def test_temperature_follows_the_configured_bands() -> None:
    bands = Bands(hot=70, warm=40)
    assert [temperature_for(p, bands) for p in (0, 39, 40, 69, 70, 100)] == [
        Temperature.COLD,
        Temperature.COLD,
        Temperature.WARM,
        Temperature.WARM,
        Temperature.HOT,
        Temperature.HOT,
    ]


def test_count_labels_read_as_english() -> None:
    assert count_label("{count} touch{es}", 1) == "1 touch"
    assert count_label("{count} touch{es}", 3) == "3 touches"
    assert count_label("{count} meeting{s}", 0) == "0 meetings"


_texts = st.one_of(st.none(), st.text(max_size=20), st.integers(-(10**9), 10**9))


@given(
    fields=st.dictionaries(st.sampled_from(["source", "title", "value", "phone"]), _texts),
    custom=st.dictionaries(st.just("employees"), st.text(max_size=8)),
    ages=st.lists(st.integers(0, 400), max_size=12),
)
def test_scores_stay_within_0_and_100_whatever_the_lead(
    fields: dict[str, object], custom: dict[str, str], ages: list[int]
) -> None:
    touches = tuple(Touch("meeting", "inbound", NOW - age * DAY) for age in ages)
    for rules in (RULES, load_rules().rules):
        rated = score(lead(fields=fields, custom=custom, touches=touches), rules, NOW)
        assert 0 <= rated.points <= 100
        assert rated.next_change is None or rated.next_change > NOW


# ------------------------------------------------------------- the rules file


def test_the_shipped_rules_load_and_explain_a_typical_lead() -> None:
    loaded = load_rules()
    assert loaded.origin == "built-in defaults"
    rated = score(lead(fields={"source": "referral", "email": "a@b.co"}), loaded.rules, NOW)
    assert (25, "referral source") in rated.reasons and (5, "email given") in rated.reasons


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[[rules]]\nlabel = 'x'\npoints = 5\n",
            'rule 1 ("x"): needs exactly one of field, activity or no_touch_days',
        ),
        ("[[rules]\n", "not valid TOML"),
        (
            "[[rules]]\nlabel = 'x'\npoints = 5\nfield = 'shoe_size'\nequals = '9'\n",
            'rule 1 ("x"): field = "shoe_size": no field leadtui scores is called that; use one of',
        ),
        (
            "[[rules]]\nlabel = 'x'\npoints = 500\nno_touch_days = 3\n",
            'rule 1 ("x"): points = 500: must be at most 100',
        ),
        (
            "[[rules]]\nlabel = 'x'\npoints = 5\nno_touch_days = 3\nodd = 1\n",
            'rule 1 ("x"): odd = 1: not a setting leadtui knows (a typing mistake?)',
        ),
        ("[bands]\nhot = 40\nwarm = 50\n[[rules]]\nlabel='x'\npoints=1\nno_touch_days=1\n", "warm"),
        ("", "rules: required"),
    ],
)
def test_a_bad_rules_file_is_refused_with_one_line_naming_the_problem(
    text: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_rules(text, "my.toml")
    assert "scoring rules in my.toml" in str(caught.value) and message in str(caught.value)
    assert "\n" not in str(caught.value)


@given(st.text(max_size=200))
def test_any_text_either_parses_or_gives_one_line_error(text: str) -> None:
    try:
        parse_rules(text, "fuzz.toml")
    except InvalidInput as error:
        assert "\n" not in str(error)


def test_the_config_dir_file_overrides_the_defaults_and_the_env_var_overrides_both(
    isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rule = "[[rules]]\nlabel = '{label}'\npoints = 5\nno_touch_days = 3\n"
    config = isolated_user_dirs / "config" / "leadtui" / "scoring.toml"
    config.parent.mkdir(parents=True)
    config.write_text(rule.format(label="from config"))
    assert load_rules().rules.rules[0].label == "from config"
    chosen = tmp_path / "team.toml"
    chosen.write_text(rule.format(label="from env"))
    monkeypatch.setenv("LEADTUI_RULES", str(chosen))
    assert load_rules().origin == str(chosen)
    monkeypatch.setenv("LEADTUI_RULES", str(tmp_path / "missing.toml"))
    with pytest.raises(InvalidInput, match="cannot read scoring rules"):
        load_rules()


def test_the_rules_version_changes_with_any_rule() -> None:
    changed = RuleSet(bands=RULES.bands, rules=RULES.rules[:-1])
    assert RULES.version != changed.version
    assert RULES.version == parse_rules(load_rules_text_of(RULES), "again").version


def load_rules_text_of(rules: RuleSet) -> str:
    """Round trip through TOML-ish data: the same rules give the same version."""
    lines = [f"[bands]\nhot = {rules.bands.hot}\nwarm = {rules.bands.warm}\n"]
    for rule in rules.rules:
        lines.append("[[rules]]")
        for key, value in rule.model_dump(exclude_none=True, mode="json").items():
            if key == "activity":
                inner = ", ".join(f"{k} = {_toml(v)}" for k, v in value.items() if v is not None)
                lines.append(f"activity = {{ {inner} }}")
            else:
                lines.append(f"{key} = {_toml(value)}")
    return "\n".join(lines)


def _toml(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


SOURCE_RULE = "[[rules]]\nlabel = 'referral source'\npoints = 25\n{test}\n"


@pytest.mark.parametrize(
    ("test", "said"),
    [
        (
            "field = 'sorce'\nequals = 'referral'",
            'rule 1 ("referral source"): field = "sorce": no field leadtui scores is called'
            ' that (did you mean "source"?); use one of source, title,',
        ),
        (
            "field = 'source'\nequals = 'referal'",
            'rule 1 ("referral source"): equals = "referal": no lead\'s source is "referal"'
            ' (did you mean "referral"?); a source is one of website, ads,',
        ),
        (
            "field = 'source'\none_of = ['referral', 'webiste']",
            'rule 1 ("referral source"): one_of = ["referral", "webiste"]: no lead\'s source is'
            ' "webiste" (did you mean "website"?)',
        ),
        (
            "field = 'source'\ncontains_any = ['partners']",
            'contains_any = ["partners"]: no lead\'s source is',
        ),
        ("field = 'source'\nat_least = 5", "a source is a word, never a number"),
        ("field = 'source'\npresent = false", "every lead has a source"),
        (
            "field = 'source'\nequals = 'referral'\nequal = 'partner'",
            'rule 1 ("referral source"): equal = "partner": not a setting leadtui knows'
            ' (did you mean "equals"?)',
        ),
    ],
)
def test_a_rule_no_source_can_pass_is_refused_naming_the_rule_and_the_value(
    test: str, said: str
) -> None:
    text = SOURCE_RULE.format(test=test)
    with pytest.raises(InvalidInput) as caught:
        parse_rules(text, "r.toml")
    assert str(caught.value).startswith("scoring rules in r.toml: "), caught.value
    assert said in str(caught.value)


def test_a_number_range_no_value_lies_in_is_refused() -> None:
    text = "[[rules]]\nlabel = 'big deal'\npoints = 20\nfield = 'value'\n"
    text += "at_least = 50000\nbelow = 100\n"
    with pytest.raises(InvalidInput) as caught:
        parse_rules(text, "r.toml")
    assert str(caught.value) == (
        'scoring rules in r.toml: rule 1 ("big deal"): at_least = 50000 and below = 100:'
        " no value is both (at_least must be the lower)"
    )


def test_a_source_rule_in_any_case_and_a_true_range_still_load() -> None:
    rules = parse_rules(
        SOURCE_RULE.format(test="field = 'source'\none_of = ['Referral', ' partner ']")
        + "[[rules]]\nlabel = 'mid'\npoints = 5\nfield = 'value'\nat_least = 100\nbelow = 50000\n",
        "r.toml",
    )
    assert [rule.label for rule in rules.rules] == ["referral source", "mid"]
