"""The enumerated fields (stage, temperature, fit, lifecycle, BANT answers,
source): the words other systems use for their values, the user's
--value-map on top, and a close match to suggest for a word neither knows.

A suggestion is only ever offered, in the report, with the --value-map line
that would apply it: a lead is never put in a stage (or given a fit) by a
guess.
"""

import json
import shlex
from enum import StrEnum
from typing import Any

from rapidfuzz import fuzz, process, utils

from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import (
    BANT_CRITERIA,
    Answer,
    Fit,
    Lifecycle,
    Source,
    Stage,
    Temperature,
)
from leadtui.domain.vocabulary import SOURCE_NAMES, normalise, value_key
from leadtui.importing.values import STAGE_NAMES, TEMPERATURE_NAMES, StageValue

BANT_FIELDS = tuple(f"bant_{criterion}" for criterion in BANT_CRITERIA)
# Fields whose unknown values are kept as custom fields and reported.
ENUMERATED = ("stage", "temperature", "fit", "lifecycle", *BANT_FIELDS)
VALUE_MAPPED = ("source", *ENUMERATED)
_KINDS: dict[str, type[StrEnum]] = {
    "stage": Stage, "temperature": Temperature, "fit": Fit, "lifecycle": Lifecycle,
    "source": Source, **dict.fromkeys(BANT_FIELDS, Answer),
}  # fmt: skip
_SUGGEST_FROM = 85  # rapidfuzz token_set_ratio, 0-100: "High in Relevance" → high is 100

# fmt: off
_LIFECYCLE_NAMES: dict[str, Lifecycle] = {
    **{member.value: member for member in Lifecycle},
    "information qualified lead": Lifecycle.IQL,
    "marketing qualified lead": Lifecycle.MQL, "marketingqualifiedlead": Lifecycle.MQL,
    "sales qualified lead": Lifecycle.SQL, "salesqualifiedlead": Lifecycle.SQL,
    "lead": Lifecycle.PROSPECT, "subscriber": Lifecycle.PROSPECT,
}
_FIT_NAMES: dict[str, Fit] = {member.value: member for member in Fit}
_ANSWER_NAMES: dict[str, Answer] = {
    **{member.value: member for member in Answer}, "y": Answer.YES, "n": Answer.NO,
    "true": Answer.YES, "false": Answer.NO,
}
# fmt: on


def builtin_names(field: str) -> dict[str, Any]:
    """The words leadtui knows for `field`'s values, keys normalised."""
    if field == "stage":
        return STAGE_NAMES
    if field == "temperature":
        return TEMPERATURE_NAMES
    if field == "source":
        return SOURCE_NAMES
    if field == "fit":
        return _FIT_NAMES
    if field == "lifecycle":
        return _LIFECYCLE_NAMES
    return _ANSWER_NAMES


def values_of(field: str) -> list[str]:
    """The values `field` takes, in their order."""
    return [member.value for member in _KINDS[field]]


def allowed(field: str) -> str:
    return ", ".join(values_of(field))


def value_maps(
    values: dict[str, dict[str, str]], said_in: str | None = None
) -> dict[str, dict[str, Any]]:
    """--value-map field:"Text=value" as lookups, keys normalised; InvalidInput
    for a field that takes none or a value that is not one of its own,
    naming the mapping file and entry `said_in` (else --value-map)."""
    maps: dict[str, dict[str, Any]] = {field: {} for field in VALUE_MAPPED}
    for field, table in values.items():
        if field not in VALUE_MAPPED:
            only = f"only {', '.join(VALUE_MAPPED)} take one"
            if said_in:
                raise InvalidInput(f"{said_in}: values: {quoted(field)} takes no value map; {only}")
            raise InvalidInput(f"--value-map {field}: {only}")
        kind = _KINDS[field]
        for text, value in table.items():
            try:
                member = kind(value.strip().lower())
            except ValueError:
                if said_in:
                    raise InvalidInput(
                        f"{said_in}: values: {quoted(field)}: {quoted(text)}: {quoted(value)}"
                        f" is not one; use one of {allowed(field)}"
                    ) from None
                raise InvalidInput(
                    f"--value-map {field}:{text}={value}: use one of {allowed(field)}"
                ) from None
            if field == "stage":
                lost = member is Stage.LOST
                maps[field][normalise(text)] = StageValue(Stage(member), text if lost else None)
            else:
                maps[field][normalise(text)] = member
    return maps


def quoted(text: str) -> str:
    """A mapping file's key or value as the JSON file writes it."""
    return json.dumps(text, ensure_ascii=False)


def meaning(field: str, user: dict[str, Any], text: str) -> Any:
    """What `text` means for `field` (the user's map first), or None."""
    key = value_key(text)
    found = user.get(key)
    return found if found is not None else builtin_names(field).get(key)


def suggestion(field: str, text: str) -> str | None:
    """The one value `text` is close to, if one stands out."""
    names = builtin_names(field)
    found = process.extract(
        text, list(names), scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=5
    )
    close = {_value_of(names[name]) for name, score, _ in found if score >= _SUGGEST_FROM}
    close.discard(None)
    return close.pop() if len(close) == 1 else None


def _value_of(meaning: Any) -> str | None:
    if isinstance(meaning, StageValue):
        return meaning.stage.value if meaning.stage else None
    return str(meaning.value)


def value_map_line(field: str, text: str, value: str) -> str:
    """The exact option that maps `text`, quoted for a POSIX shell."""
    return f"--value-map {shlex.quote(f'{field}:{text}={value}')}"
