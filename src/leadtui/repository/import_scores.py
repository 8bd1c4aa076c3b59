"""The rule score of each lead an import creates, computed once per distinct
combination of what the rules read (a piece of repository/import_store.py).

A new lead has no touches, so its score is a function of the fields the
field rules name and of when it was last touched (or created), which only
the decay rules read. A field that only `present` rules test counts by
presence alone (an email is given or not), and a lead quiet for longer than
every decay rule's window has them all fired whatever the day: a file of
distinct emails, phones and creation dates repeats a few combinations, and
a lead costs a dictionary lookup instead of every rule.
(tests/test_import_scores.py checks this against scoring.score.)
"""

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from operator import attrgetter

from leadtui.domain import scoring
from leadtui.domain.clock import to_iso
from leadtui.domain.currency import TeamMoney
from leadtui.domain.imported import ImportedLead
from leadtui.domain.models import CUSTOM_PREFIX, LeadDraft
from leadtui.domain.scoring_rules import STANDARD_FIELDS, RuleSet

# A score, its points, its temperature's value, its next change as ISO text.
Stored = tuple[scoring.Score, int, str, str | None]


class ImportScores:
    _KEPT = 100_000

    def __init__(self, rules: RuleSet, moment: datetime, money: TeamMoney | None = None) -> None:
        self.rules, self.moment = rules, moment
        self.money = money or TeamMoney()  # a value compared in the team's currency
        presence_only: dict[str, bool] = {}
        for rule in rules.rules:
            if rule.field is not None:
                tests = (rule.equals, rule.one_of, rule.contains_any, rule.at_least, rule.below)
                only = all(test is None for test in tests)
                presence_only[rule.field] = presence_only.get(rule.field, True) and only
        standard = [(name, only) for name, only in presence_only.items() if name in _ATTRIBUTE]
        # A value read as is, as the draft holds it: the value's cents and the
        # source's member stand one for one for what the rules see.
        self.as_is = _getter([_ATTRIBUTE[name] for name, only in standard if not only])
        self.presence = _getter([_ATTRIBUTE[name] for name, only in standard if only])
        self.custom = [
            (name.removeprefix(CUSTOM_PREFIX), only)
            for name, only in presence_only.items()
            if name.startswith(CUSTOM_PREFIX)
        ]
        self.no_custom = self._custom_key({})  # most files' leads: computed once
        self.custom_names = frozenset(name for name, _ in self.custom)
        windows = [rule.no_touch_days for rule in rules.rules if rule.no_touch_days is not None]
        # Quiet since then or before: every decay rule has fired.
        self.all_decayed = moment - timedelta(days=max(windows, default=0))
        self.windows = tuple(timedelta(days=days) for days in sorted(set(windows)))
        self.known: dict[tuple[object, ...], Stored] = {}

    def score(
        self, lead: ImportedLead, created: datetime, closed: datetime | None = None
    ) -> scoring.Score:
        return self.stored(lead, created, closed)[0]

    def stored(
        self, lead: ImportedLead, created: datetime, closed: datetime | None = None
    ) -> Stored:
        """The lead's score, and what the import stores of it: its points,
        its temperature's value and its next change as ISO text (once per
        combination, where an import wrote the same next change for every
        lead of a file again: 0.9 µs a lead).

        A lead the file gives as won or lost is scored as of when it
        `closed`, as a lead closed in leadtui keeps the score of its close:
        the calibration table compares that score with the outcome, and a
        year-old deal scored as of the import had every decay rule fired."""
        draft = lead.draft
        quiet_since = lead.last_touch_at or created
        if closed is None:
            when: object = quiet_since if quiet_since > self.all_decayed else None
        else:
            # As of its close only which decay rules had fired tells leads
            # apart (a closed lead keeps no next change): a year of close
            # dates keys as a handful of combinations, not a day each. The
            # windows are sorted, so how many had passed says which.
            when = ("closed", bisect_right(self.windows, closed - quiet_since))
        key = (
            when,
            self.as_is(draft),
            draft.currency,  # ¥100,000 and $100,000 score apart
            # A draft's text is cleaned and stripped, and blank text is None,
            # so a value's truth is its presence as scoring's field test reads
            # it (a value of 0 cents is present yet false: a finer key, never
            # a wrong one). In C, where a test of each value cost a
            # generator's step per field per lead.
            tuple(map(bool, self.presence(draft))),
            # A lead with none of the custom fields the rules name keys as
            # one with no custom fields (told in C, for most leads).
            self.no_custom
            if not lead.custom or self.custom_names.isdisjoint(lead.custom)
            else self._custom_key(lead.custom),
        )
        found = self.known.get(key)
        if found is not None:
            return found
        value, unpriced = scoring.lead_value(draft.value_cents, draft.currency, self.money)
        fields: dict[str, scoring.FieldValue] = {
            "name": draft.name, "email": draft.email, "phone": draft.phone,
            "company": draft.company, "title": draft.title, "source": draft.source.value,
            "owner": draft.owner, "value": value,
        }  # fmt: skip
        score = scoring.score(
            scoring.ScoreInput(fields, created, lead.last_touch_at, lead.custom, unpriced=unpriced),
            self.rules,
            self.moment if closed is None else closed,
        )
        if closed is not None:  # its score stays as it closed: no next change
            score = replace(score, next_change=None)
        changes = score.next_change
        iso = to_iso(changes) if changes is not None else None
        known = (score, score.points, score.temperature.value, iso)
        if len(self.known) >= self._KEPT:
            self.known.clear()
        self.known[key] = known
        return known

    def _custom_key(self, custom: dict[str, str]) -> tuple[object, ...]:
        # Custom values are whatever the file said: None and blanks are
        # absent, as scoring's field test reads them.
        return tuple(
            _present(custom.get(name)) if only else custom.get(name) for name, only in self.custom
        )


# The standard fields rules name (scoring_rules.STANDARD_FIELDS), as
# LeadDraft attributes; the source by its value, as hashing an enum member
# in the key is a Python call.
_ATTRIBUTE = {
    name: {"value": "value_cents", "source": "source._value_"}.get(name, name)
    for name in STANDARD_FIELDS
}


def _present(value: scoring.FieldValue) -> bool:
    return value is not None and bool(str(value).strip())


def _getter(attributes: list[str]) -> Callable[[LeadDraft], tuple[object, ...]]:
    """The draft's values of `attributes`, as a tuple (attrgetter, in C)."""
    if len(attributes) > 1:
        return attrgetter(*attributes)
    if attributes:
        one = attrgetter(attributes[0])
        return lambda draft: (one(draft),)
    return lambda _: ()
