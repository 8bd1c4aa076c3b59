"""The scoring rules: their TOML form, validation, and which file is in effect.

Rules are data so a team can tune them without code. A file is validated
whole before use; a bad one is refused with one line naming the rule and the
field, and the lead scores are left as they were.
"""

import hashlib
import json
import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from leadtui.domain.errors import InvalidInput
from leadtui.domain.field_errors import problem_text
from leadtui.domain.models import CUSTOM_PREFIX, ActivityKind, Line, Source
from leadtui.domain.sanitize import escape_unsafe

ENV_RULES = "LEADTUI_RULES"
STANDARD_FIELDS = ("source", "title", "company", "email", "phone", "owner", "name", "value")
SOURCES = tuple(source.value for source in Source)
# How much of a rule's label or value a message quotes.
_SHOWN = 40


class RulesUnusable(InvalidInput):
    """The scoring rules file in effect cannot be used: nothing can be
    scored, so every write is refused, while what is stored can still be
    read (the CLI's reads print the scores as stored, the TUI says so).
    `origin` names the file, for a refusal after the problem was said."""

    def __init__(self, message: str, origin: str) -> None:
        super().__init__(message)
        self.origin = origin


def close_to(word: str, choices: tuple[str, ...]) -> str | None:
    """The one choice `word` is a likely typing mistake of ("sorce": "source")."""
    # Imported only for a bad file: every command loads the rules, and
    # rapidfuzz's import is a few ms a `leadtui list` need not pay.
    from rapidfuzz import fuzz, process

    found = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=75)
    return found[0] if found else None


def shown_value(value: object) -> str:
    """A value as the TOML file writes it ("sorce", 50000, ["a", "b"]), cut short."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 50000, as the file most likely writes it
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    near = close_to(word, choices)
    return f" (did you mean {shown_value(near)}?)" if near else ""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ActivityWindow(_Strict):
    """Touches of these kinds (all if empty) and direction in the last N days."""

    kinds: tuple[ActivityKind, ...] = ()
    direction: Literal["inbound", "outbound"] | None = None
    within_days: int = Field(ge=1, le=3650)
    at_least: int = Field(default=1, ge=1)


class Rule(_Strict):
    # Labels reach the screen: no escape sequences (a TOML "\u001b" is legal).
    label: Line = Field(min_length=1, max_length=120)
    points: int = Field(default=0, ge=-100, le=100)
    points_each: int | None = Field(default=None, ge=-100, le=100)
    max_points: int | None = Field(default=None, ge=-100, le=100)
    # Field conditions: every test given must hold.
    field: str | None = None
    equals: str | None = None
    one_of: tuple[str, ...] | None = None
    contains_any: tuple[str, ...] | None = None
    at_least: float | None = None
    below: float | None = None
    present: bool | None = None
    # Behaviour and decay conditions.
    activity: ActivityWindow | None = None
    no_touch_days: int | None = Field(default=None, ge=1, le=3650)

    @model_validator(mode="after")
    def _one_condition(self) -> "Rule":
        kinds = [self.field is not None, self.activity is not None, self.no_touch_days is not None]
        if sum(kinds) != 1:
            raise ValueError("needs exactly one of field, activity or no_touch_days")
        tests = (self.equals, self.one_of, self.contains_any, self.at_least, self.below)
        if self.field is not None:
            if self.field not in STANDARD_FIELDS and not self.field.startswith(CUSTOM_PREFIX):
                names = ", ".join(STANDARD_FIELDS)
                raise ValueError(
                    f"field = {shown_value(self.field)}: no field leadtui scores is called that"
                    f"{_did_you_mean(self.field, STANDARD_FIELDS)}; use one of {names}"
                    " or custom.<name>"
                )
            if all(test is None for test in tests) and self.present is None:
                raise ValueError("a field rule needs a test: equals, one_of, contains_any, ...")
            self._possible()
        if self.points_each is not None and self.activity is None:
            raise ValueError("points_each only applies to activity rules")
        if self.points_each is None and self.points == 0:
            raise ValueError("points must not be 0")
        return self

    def _possible(self) -> None:
        """Refuse a test no lead can pass: a rule that never fires is a typing
        mistake the scores would hide (a source is one of a fixed list, and
        a number is never both at least 50,000 and below 100)."""
        if self.at_least is not None and self.below is not None and self.at_least >= self.below:
            raise ValueError(
                f"at_least = {shown_value(self.at_least)} and below ="
                f" {shown_value(self.below)}: no value is both (at_least must be the lower)"
            )
        if self.field != "source":
            return
        sources = ", ".join(SOURCES)
        if self.at_least is not None or self.below is not None:
            raise ValueError(f"a source is a word, never a number: one of {sources}")
        if self.present is False:
            raise ValueError("every lead has a source (other, when none is known)")
        named = [
            (key, word)
            for key, words in (
                ("equals", (self.equals,) if self.equals is not None else ()),
                ("one_of", self.one_of or ()),
                ("contains_any", self.contains_any or ()),
            )
            for word in words
        ]
        for key, word in named:
            if word.strip().casefold() not in SOURCES:
                raise ValueError(
                    f"{key} = {shown_value(getattr(self, key))}: no lead's source is"
                    f" {shown_value(word)}"
                    f"{_did_you_mean(word.strip().casefold(), SOURCES)}; a source is one of"
                    f" {sources}"
                )

    @property
    def window_days(self) -> int:
        """How far back this rule looks at touches (0: it does not)."""
        return self.activity.within_days if self.activity else 0


class Bands(_Strict):
    hot: int = Field(default=70, ge=1, le=100)
    warm: int = Field(default=40, ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> "Bands":
        if self.warm >= self.hot:
            raise ValueError("warm must be below hot")
        return self


class RuleSet(_Strict):
    bands: Bands = Bands()
    rules: tuple[Rule, ...] = Field(min_length=1)

    @property
    def version(self) -> str:
        """A fingerprint of the rules: stored with the scores they produced, so a
        changed file is noticed and the scores recomputed."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    @property
    def window_days(self) -> int:
        """The longest look-back of any rule: how much touch history scoring reads."""
        return max((rule.window_days for rule in self.rules), default=0)


@dataclass(frozen=True)
class LoadedRules:
    rules: RuleSet
    origin: str  # a path, or "built-in defaults"
    text: str


def user_rules_path() -> Path:
    return platformdirs.user_config_path("leadtui", appauthor=False) / "scoring.toml"


def default_rules_text() -> str:
    return (
        resources.files("leadtui.domain").joinpath("default_rules.toml").read_text(encoding="utf-8")
    )


def parse_rules(text: str, origin: str) -> RuleSet:
    """Validate a rules file; InvalidInput names the file, the rule and the field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesUnusable(
            f"scoring rules in {origin}: not valid TOML ({error})", origin
        ) from None
    try:
        return RuleSet.model_validate(data)
    except ValidationError as error:
        said = _said(error.errors()[0], data)
        # A label or value may hold what a terminal would run: shown, not run.
        raise RulesUnusable(escape_unsafe(f"scoring rules in {origin}: {said}"), origin) from None


def _said(problem: Any, data: object) -> str:
    """pydantic's problem as 'rule 3 ("label"): points = 500: must be at
    most 100': [[rules]] entries count from 1 and are named by their label
    too; the value refused is quoted, and a misspelt setting's close one
    suggested."""
    parts, given = list(problem["loc"]), problem.get("input")
    head = None
    if len(parts) > 1 and parts[0] == "rules" and isinstance(parts[1], int):
        head, parts = f"rule {parts[1] + 1}{_label_of(data, parts[1])}", parts[2:]
    leaf = ".".join(str(part) for part in parts)
    text = problem_text(problem, quote_input=False)
    if problem["type"] == "extra_forbidden":
        known = tuple(Rule.model_fields) if head else tuple(RuleSet.model_fields)
        text = f"not a setting leadtui knows{_did_you_mean(leaf, known) or ' (a typing mistake?)'}"
    if leaf and problem["type"] != "missing" and isinstance(given, str | int | float):
        leaf = f"{leaf} = {shown_value(given)}"
    return ": ".join([*(piece for piece in (head, leaf) if piece), text]) if head or leaf else text


def _label_of(data: object, index: int) -> str:
    """' ("referral source")', the rule's label as the file gives it, if it does."""
    rules = data.get("rules") if isinstance(data, dict) else None
    rule = rules[index] if isinstance(rules, list) and index < len(rules) else None
    label = rule.get("label") if isinstance(rule, dict) else None
    return f" ({shown_value(label)})" if isinstance(label, str) and label.strip() else ""


def load_rules() -> LoadedRules:
    """$LEADTUI_RULES if set, else scoring.toml in the user config dir if it
    exists, else the shipped defaults."""
    configured = os.environ.get(ENV_RULES)
    path = Path(configured).expanduser() if configured else user_rules_path()
    if configured or path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not UTF-8 text"
            raise RulesUnusable(f"cannot read scoring rules {path}: {reason}", str(path)) from None
        return LoadedRules(parse_rules(text, str(path)), str(path), text)
    text = default_rules_text()
    return LoadedRules(parse_rules(text, "built-in defaults"), "built-in defaults", text)
