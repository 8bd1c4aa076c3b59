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
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from leadtui.domain.errors import InvalidInput
from leadtui.domain.field_errors import problem_text
from leadtui.domain.models import CUSTOM_PREFIX, ActivityKind, Line

ENV_RULES = "LEADTUI_RULES"
STANDARD_FIELDS = ("source", "title", "company", "email", "phone", "owner", "name", "value")


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
                raise ValueError(f"field must be one of {names} or custom.<name>")
            if all(test is None for test in tests) and self.present is None:
                raise ValueError("a field rule needs a test: equals, one_of, contains_any, ...")
        if self.points_each is not None and self.activity is None:
            raise ValueError("points_each only applies to activity rules")
        if self.points_each is None and self.points == 0:
            raise ValueError("points must not be 0")
        return self

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
        raise InvalidInput(f"scoring rules in {origin}: not valid TOML ({error})") from None
    try:
        return RuleSet.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = _where(problem["loc"])
        raise InvalidInput(f"scoring rules in {origin}: {where}: {problem_text(problem)}") from None


def _where(location: tuple[int | str, ...]) -> str:
    """('rules', 2, 'points') -> 'rule 3, points': [[rules]] entries count from 1."""
    parts = list(location)
    if len(parts) > 1 and parts[0] == "rules" and isinstance(parts[1], int):
        rest = ".".join(str(part) for part in parts[2:])
        return f"rule {parts[1] + 1}" + (f", {rest}" if rest else "")
    return ".".join(str(part) for part in parts) or "file"


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
            raise InvalidInput(f"cannot read scoring rules {path}: {reason}") from None
        return LoadedRules(parse_rules(text, str(path)), str(path), text)
    text = default_rules_text()
    return LoadedRules(parse_rules(text, "built-in defaults"), "built-in defaults", text)
