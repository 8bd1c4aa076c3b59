"""The rule score: a 0-100 number that ranks the inbox, with its reasons. Pure.

Each rule that fires contributes points and a label, so a rep can see why a
lead scores what it does ("+25 referral source", "-20 no touch for 30 days").
Time-window rules make a score change with nothing happening, so the result
also says when it will next change (`next_change`): the repository stores
that and rescores the lead then, instead of rescanning every lead on a timer.
"""

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from leadtui.domain.currency import TeamMoney
from leadtui.domain.models import CUSTOM_PREFIX, Temperature
from leadtui.domain.scoring_rules import Bands, Rule, RuleSet

FieldValue = str | int | float | None


@dataclass(frozen=True)
class Touch:
    kind: str
    direction: str | None
    at: datetime


@dataclass(frozen=True)
class ScoreInput:
    """What the rules may look at. `fields` holds the standard fields by rule
    name (value in whole units of the team's currency, converted at the
    team's rates: see lead_value); `touches` need only cover the rule set's
    longest window. `unpriced` is the currency of a value that has no rate
    (the value is then None: no threshold in the team's currency applies)."""

    fields: Mapping[str, FieldValue]
    created_at: datetime
    last_touch_at: datetime | None = None
    custom: Mapping[str, str] = field(default_factory=dict)
    touches: tuple[Touch, ...] = ()
    unpriced: str | None = None


def lead_value(
    cents: int, currency: str | None, money: TeamMoney
) -> tuple[float | None, str | None]:
    """A lead's value as the rules compare it, and the currency it is in
    when that has no rate: ¥100,000 is $670 at 0.0067, not "100k"."""
    units = money.units(cents, currency)
    return units, (currency if units is None and cents else None)


@dataclass(frozen=True)
class Score:
    points: int
    reasons: tuple[tuple[int, str], ...]
    temperature: Temperature
    next_change: datetime | None = None


def temperature_for(points: int, bands: Bands) -> Temperature:
    if points >= bands.hot:
        return Temperature.HOT
    return Temperature.WARM if points >= bands.warm else Temperature.COLD


# What `t` pins next: the score's own temperature, then each by hand.
_PIN_CYCLE: dict[Temperature | None, Temperature | None] = {
    None: Temperature.HOT,
    Temperature.HOT: Temperature.WARM,
    Temperature.WARM: Temperature.COLD,
    Temperature.COLD: None,
}


def next_pin(temperature: Temperature, pinned: bool) -> Temperature | None:
    """The pin after a lead's: hot, warm, cold, then None (the score's)."""
    return _PIN_CYCLE[temperature if pinned else None]


_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=8192)  # titles repeat; several rules read the same one
def _words(text: str) -> str:
    """' vp sales ': lower-cased words padded by spaces, for whole-word matching."""
    return f" {' '.join(_WORD.sub(' ', text.lower()).split())} "


def _number(value: FieldValue) -> float | None:
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return None


# A bracket as exports give company sizes: "51-200", "201 – 500", "1,000+".
_RANGE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:[-–—]|to)\s*(\d[\d,]*(?:\.\d+)?)$")
_OR_MORE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*\+$")


def _bounds(value: FieldValue) -> tuple[float, float] | None:
    """The lowest and highest number `value` may mean: a plain number is both
    ends, "51-200" is 51 to 200, "1,000+" 1,000 and up; None if no number.
    A numeric rule fires only when the whole bracket meets it, so "11-50"
    is not "50 or more" but "51-200" is."""
    number = _number(value)
    if number is not None:
        return number, number
    text = str(value).strip()
    if found := _RANGE.match(text):
        low, high = (float(part.replace(",", "")) for part in found.groups())
        return (low, high) if low <= high else None
    if found := _OR_MORE.match(text):
        return float(found[1].replace(",", "")), math.inf
    return None


def _field_test(rule: Rule) -> Callable[[FieldValue], bool]:
    """The rule's field tests as one predicate, with its constants folded once."""
    equals = rule.equals.casefold() if rule.equals is not None else None
    one_of = {choice.casefold() for choice in rule.one_of} if rule.one_of is not None else None
    words = tuple(_words(word) for word in rule.contains_any or ())
    numeric = rule.at_least is not None or rule.below is not None
    low = rule.at_least if rule.at_least is not None else -math.inf
    high = rule.below if rule.below is not None else math.inf

    def test(value: FieldValue) -> bool:
        text = "" if value is None else str(value).strip()
        if rule.present is not None and bool(text) != rule.present:
            return False
        if equals is not None and text.casefold() != equals:
            return False
        if one_of is not None and text.casefold() not in one_of:
            return False
        if words:
            padded = _words(text)
            if not any(word in padded for word in words):
                return False
        if numeric:
            bounds = _bounds(value) if text else None
            if bounds is None or not (low <= bounds[0] and (bounds[1] < high or high == math.inf)):
                return False
        return True

    return test


def _field_getter(rule: Rule) -> Callable[[ScoreInput], FieldValue]:
    name = rule.field or ""
    if name.startswith(CUSTOM_PREFIX):
        custom_name = name.removeprefix(CUSTOM_PREFIX)
        return lambda lead: lead.custom.get(custom_name)
    return lambda lead: lead.fields.get(name)


def _activity_points(
    rule: Rule, lead: ScoreInput, now: datetime
) -> tuple[int | None, str, datetime | None]:
    """(points or None if it does not fire, label, when a counted touch ages out)."""
    window = rule.activity
    assert window is not None
    if not lead.touches and window.at_least >= 1:  # a new lead: nothing to count
        return None, count_label(rule.label, 0), None
    span = timedelta(days=window.within_days)
    since = now - span
    counted = [
        touch.at
        for touch in lead.touches
        if since < touch.at <= now
        and (not window.kinds or touch.kind in window.kinds)
        and (window.direction is None or touch.direction == window.direction)
    ]
    ages_out = min(counted) + span if counted else None
    label = count_label(rule.label, len(counted))
    if len(counted) < window.at_least:
        return None, label, ages_out
    if rule.points_each is None:
        return rule.points, label, ages_out
    points = rule.points_each * len(counted)
    if rule.max_points is not None:
        limit = rule.max_points
        points = min(points, limit) if limit >= 0 else max(points, limit)
    return points, label, ages_out


def count_label(template: str, count: int) -> str:
    """'{count} inbound meeting{s}' -> '1 inbound meeting' / '3 inbound meetings'."""
    plural = count != 1
    return (
        template.replace("{count}", str(count))
        .replace("{s}", "s" if plural else "")
        .replace("{es}", "es" if plural else "")
    )


# A rule compiled for speed (scoring a million demo leads runs every rule on
# each): (lead, now) -> (points or None, label, next moment it may change).
Check = Callable[[ScoreInput, datetime], tuple[int | None, str, datetime | None]]


def _compile(rule: Rule) -> Check:
    if rule.activity is not None:
        return lambda lead, now: _activity_points(rule, lead, now)
    if rule.no_touch_days is not None:
        quiet = timedelta(days=rule.no_touch_days)

        def decay(lead: ScoreInput, now: datetime) -> tuple[int | None, str, datetime | None]:
            decays_at = (lead.last_touch_at or lead.created_at) + quiet
            if decays_at <= now:
                return rule.points, rule.label, None
            return None, rule.label, decays_at

        return decay
    getter, test = _field_getter(rule), _field_test(rule)
    # Field values repeat across leads (sources, titles, sizes): remember
    # each rule's verdict per value. Bounded, so unique values cost nothing.
    verdicts: dict[FieldValue, bool] = {}

    def field_check(lead: ScoreInput, _: datetime) -> tuple[int | None, str, datetime | None]:
        value = getter(lead)
        fired = verdicts.get(value)
        if fired is None:
            fired = test(value)
            if len(verdicts) < _VERDICTS_KEPT:
                verdicts[value] = fired
        return (rule.points if fired else None), rule.label, None

    return field_check


_compiled: dict[int, tuple[RuleSet, tuple[Check, ...]]] = {}
_VERDICTS_KEPT = 4096


def _checks(rules: RuleSet) -> tuple[Check, ...]:
    # Keyed by identity (hashing a frozen model per call costs more than
    # scoring); the stored RuleSet keeps the id from being reused.
    cached = _compiled.get(id(rules))
    if cached is None or cached[0] is not rules:
        cached = _compiled[id(rules)] = (rules, tuple(_compile(rule) for rule in rules.rules))
    return cached[1]


def score(lead: ScoreInput, rules: RuleSet, now: datetime) -> Score:
    reasons: list[tuple[int, str]] = []
    next_change: datetime | None = None
    for check in _checks(rules):
        points, label, change = check(lead, now)
        if points:
            reasons.append((points, label))
        if change is not None and change > now and (next_change is None or change < next_change):
            next_change = change
    if lead.unpriced and any(rule.field == "value" for rule in rules.rules):
        # Said, not silently skipped: the rep sees why no value rule counted.
        reasons.append((0, f"deal value not scored: no rate for {lead.unpriced}"))
    total = max(0, min(100, sum(points for points, _ in reasons)))
    return Score(total, tuple(reasons), temperature_for(total, rules.bands), next_change)
