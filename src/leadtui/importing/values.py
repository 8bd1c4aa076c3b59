"""Reading the values real exports hold: stage and temperature names from
other CRMs, source names, placeholders, amounts and dates.

Stage and temperature values that match no known name are reported and the
row is rejected: a lead is never put in a stage by guesswork. An unknown
source becomes "other", and the file's own wording is kept as a custom field,
so it is neither guessed nor lost.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from leadtui.domain.models import Stage, Temperature

# What web forms and spreadsheets put in a field that was left blank.
PLACEHOLDERS = frozenset(
    {
        "", "select", "select one", "please select", "select an option", "choose",
        "choose one", "n a", "na", "none", "null", "nil", "undefined", "not specified",
        "not provided", "not applicable", "tbd", "unknown",
    }
)  # fmt: skip


_LONGEST_PLACEHOLDER = max(len(text) for text in PLACEHOLDERS) + 8


# The same placeholders as one pattern over the raw cell (any punctuation
# around and between the words, any case), so the common case, a real value,
# is refused at its first characters instead of being normalised.
_GAP = "[^A-Za-z0-9]*"  # what normalise() turns into spaces
_PLACEHOLDER_PATTERN = re.compile(
    f"{_GAP}(?i:"
    + "|".join(_GAP.join(map(re.escape, text.split())) for text in PLACEHOLDERS if text)
    + f")?{_GAP}"
)


# Letters a placeholder can start with: most real cells start otherwise.
_FIRST_LETTERS = frozenset("".join(text[0] + text[0].upper() for text in PLACEHOLDERS if text))


def is_placeholder(value: str) -> bool:
    first = value[:1]
    if first.isascii() and first.isalnum() and first not in _FIRST_LETTERS:
        return False
    return len(value) <= _LONGEST_PLACEHOLDER and _PLACEHOLDER_PATTERN.fullmatch(value) is not None


@dataclass(frozen=True)
class StageValue:
    """A stage an outside status means; `reason` is the lost reason it implies.
    `stage` None means "open, stage not said here": the next stage column
    decides, else New."""

    stage: Stage | None
    reason: str | None = None


_OPEN = StageValue(None)

# fmt: off
STAGE_NAMES: dict[str, StageValue] = {
    **{name: _OPEN for name in ("open",)},
    **{name: StageValue(Stage.NEW) for name in (
        "new", "open not contacted", "not contacted", "lead", "subscriber", "assigned",
        "unassigned", "lead in", "raw",
    )},
    **{name: StageValue(Stage.CONTACTED) for name in (
        "contacted", "working contacted", "working", "attempted to contact", "attempted",
        "contact made", "attempting contact",
    )},
    **{name: StageValue(Stage.ENGAGED) for name in (
        "engaged", "in process", "in progress", "connected", "nurturing", "nurture",
        "marketing qualified lead", "marketingqualifiedlead", "mql", "demo scheduled",
    )},
    **{name: StageValue(Stage.QUALIFIED) for name in (
        "qualified", "sales qualified lead", "salesqualifiedlead", "sql", "open qualified",
        "working qualified", "needs analysis",
    )},
    **{name: StageValue(Stage.OPPORTUNITY) for name in (
        "opportunity", "open deal", "proposal made", "proposal", "negotiations started",
        "negotiation", "proposal price quote", "negotiation review", "value proposition",
    )},
    **{name: StageValue(Stage.WON) for name in (
        "won", "closed won", "closed converted", "converted", "customer", "evangelist",
        "deal won",
    )},
    "lost": StageValue(Stage.LOST, "lost"),
    "closed lost": StageValue(Stage.LOST, "closed lost"),
    "deal lost": StageValue(Stage.LOST, "lost"),
    "closed not converted": StageValue(Stage.LOST, "not converted"),
    "dead": StageValue(Stage.LOST, "dead"),
    "recycled": StageValue(Stage.LOST, "recycled"),
    "unqualified": StageValue(Stage.LOST, "unqualified"),
    "disqualified": StageValue(Stage.LOST, "disqualified"),
    "bad timing": StageValue(Stage.LOST, "bad timing"),
    "junk": StageValue(Stage.LOST, "junk"),
}

TEMPERATURE_NAMES: dict[str, Temperature] = {
    "hot": Temperature.HOT, "warm": Temperature.WARM, "cold": Temperature.COLD,
}

# fmt: on


class ValueProblem(ValueError):
    """A cell that cannot be read; str() says which value and why."""


# ------------------------------------------------------------------ amounts

_CURRENCY = re.compile(r"^(?:[A-Za-z]{3}|[$€£¥₹])?\s*(.*?)\s*(?:[A-Za-z]{3}|[$€£¥₹])?$")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")  # 1,234,567.89
# 1.234,56 or 1.234.567; a lone "12.345" is read as a decimal, not as 12345.
_EUROPEAN = re.compile(r"^\d{1,3}(?:\.\d{3})*,\d{1,2}$|^\d{1,3}(?:\.\d{3}){2,}$")
_SUFFIXED = re.compile(r"^(\d+(?:\.\d+)?)\s*([kKmM])$")  # 5k, 1.2m
_MAX_CENTS = 10**12


def parse_amount(text: str) -> int:
    """An amount as cents: '$1,234.50', '1.234,50 €', 'USD 1200', '12.345', '5k'.
    Extra decimals are rounded half up to the cent."""
    inner = _CURRENCY.match(text.strip())
    body = (inner[1] if inner else text).replace(" ", "").replace("\u00a0", "")
    multiplier = 1
    if (suffixed := _SUFFIXED.match(body)) is not None:
        body, multiplier = suffixed[1], 1_000 if suffixed[2] in "kK" else 1_000_000
    if _GROUPED.match(body):
        body = body.replace(",", "")
    elif _EUROPEAN.match(body):
        body = body.replace(".", "").replace(",", ".")
    if not _PLAIN.match(body):
        raise ValueProblem(f"{text!r} is not an amount")
    try:
        cents = (Decimal(body) * multiplier * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # unreachable given the pattern, kept as a guard
        raise ValueProblem(f"{text!r} is not an amount") from None
    if cents > _MAX_CENTS:
        raise ValueProblem(f"{text!r} is too large")
    return int(cents)


# -------------------------------------------------------------------- dates

_SLASHED = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_EPOCH = re.compile(r"^\d{9,13}$")


def slashed_parts(text: str) -> tuple[int, int] | None:
    """The two leading numbers of a d/m/y or m/d/y date, to tell which it is."""
    match = _SLASHED.match(text.strip())
    return (int(match[1]), int(match[2])) if match else None


def parse_date(text: str, *, day_first: bool = False) -> datetime:
    """A moment from the spellings exports use, as UTC: ISO 8601 (with or
    without a time and offset), '03/14/2025 2:05 PM' (or day first),
    '14.03.2025', and Unix seconds or milliseconds. Times without an
    offset are taken as UTC."""
    text = text.strip()
    if _EPOCH.match(text):  # before ISO: fromisoformat would read digits as YYYYMMDD…
        seconds = int(text) / (1000 if len(text) > 11 else 1)
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    try:
        moment = datetime.fromisoformat(text.replace("/", "-") if text[:4].isdigit() else text)
    except ValueError:
        moment = _parse_other(text, day_first)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _parse_other(text: str, day_first: bool) -> datetime:
    match = _SLASHED.match(text)
    if not match:
        raise ValueProblem(f"{text!r} is not a date")
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    day, month = (first, second) if day_first else (second, first)
    year += 2000 if year < 100 else 0
    hour = int(match[4] or 0)
    if match[7]:
        if not 1 <= hour <= 12:
            raise ValueProblem(f"{text!r} is not a date")
        hour = hour % 12 + (12 if match[7].lower() == "pm" else 0)
    try:
        return datetime(year, month, day, hour, int(match[5] or 0), int(match[6] or 0))
    except ValueError:
        order = "day/month" if day_first else "month/day"
        raise ValueProblem(f"{text!r} is not a date (read as {order}/year)") from None
