"""Reading the values real exports hold: stage and temperature names from
other CRMs, and amounts. (Dates: dates.py; placeholders: placeholders.py.)

A value that matches no known name is never guessed: the field keeps its
default (a stage of New, no temperature, source "other"), the file's own
wording is kept as a custom field, and the import reports it once with the
--value-map line that would map it.
"""

import csv
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from leadtui.domain.currency import SYMBOLS
from leadtui.domain.models import Stage, Temperature


@dataclass(frozen=True)
class StageValue:
    """A stage an outside status means; `reason` is the lost reason it implies.
    `stage` None means "open, stage not said here": the next stage column
    decides, else New."""

    stage: Stage | None
    reason: str | None = None


_OPEN = StageValue(None)

# Lead statuses and deal stages as CRMs write them; Salesforce's default
# opportunity path is here whole (Prospecting, Qualification, Needs Analysis,
# Value Proposition, Id. Decision Makers, Perception Analysis, Proposal/Price
# Quote, Negotiation/Review, Closed Won/Lost), as its exports carry it.
# fmt: off
STAGE_NAMES: dict[str, StageValue] = {
    **{name: _OPEN for name in ("open",)},
    **{name: StageValue(Stage.NEW) for name in (
        "new", "open not contacted", "not contacted", "lead", "subscriber", "assigned",
        "unassigned", "lead in", "raw", "prospecting",
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
        "working qualified", "qualification", "needs analysis",
    )},
    **{name: StageValue(Stage.OPPORTUNITY) for name in (
        "opportunity", "open deal", "proposal made", "proposal", "negotiations started",
        "negotiation", "proposal price quote", "negotiation review", "value proposition",
        "id decision makers", "perception analysis",
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

_CODE_FIRST = re.compile(r"^([A-Za-z]{3})\s*(\d.*)$")  # USD 1,200
_CODE_LAST = re.compile(r"^(.*\d)\s*([A-Za-z]{3})$")  # 1.234,50 EUR
_SYMBOLS = sorted(SYMBOLS, key=len, reverse=True)  # US$ before $
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_SUFFIXED = re.compile(r"^(\d+(?:[.,]\d+)?)\s*([kKmM])$")  # 5k, 1.2m, 1,5k
_MAX_CENTS = 10**12

# Decimal conventions: how a column writes 1234.5. A comma column writes
# "1.234,5" (or "1234,5"), a point column "1,234.5" (or "1234.5").
COMMA, POINT = "comma", "point"
# A number each convention writes: groups of three, then decimals.
_WRITTEN = {
    COMMA: re.compile(r"^\d+(?:,\d+)?$|^[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?$"),
    POINT: re.compile(r"^\d+(?:\.\d+)?$|^[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?$"),
}
_EITHER = re.compile(r"^[1-9]\d{0,2}[.,]\d{3}$")  # 1,500 / 2.500: a group or a decimal


def amount_convention(number: str) -> str | None:
    """The decimal convention an amount's number (its currency and suffix
    aside) can only be written in: '1.234,56', '12,5', '1.500.000' are
    COMMA; '1,234.56', '12.5', '1,500,000' POINT. None when it reads either
    way ('1,500', '2.000'), has no mark ('1500') or is no number."""
    if "," not in number and "." not in number:
        return None
    if _EITHER.match(number):
        return None
    comma, point = _WRITTEN[COMMA].match(number), _WRITTEN[POINT].match(number)
    if comma and not point:
        return COMMA
    if point and not comma:
        return POINT
    return None


def _amount_parts(text: str) -> tuple[str, int, str | None]:
    """An amount's number without spaces, its k/m multiplier and currency."""
    number, currency = split_currency(text)
    body = number.replace(" ", "").replace("\u00a0", "")
    if (suffixed := _SUFFIXED.match(body)) is not None:
        return suffixed[1], 1_000 if suffixed[2] in "kK" else 1_000_000, currency
    return body, 1, currency


def number_convention(text: str) -> str | None:
    """amount_convention of a whole cell ('1.234,50 €' → COMMA)."""
    return amount_convention(_amount_parts(text)[0])


def either_way(text: str) -> bool:
    """Whether an amount reads as a different number in each convention."""
    return _EITHER.match(_amount_parts(text)[0]) is not None


def split_currency(text: str) -> tuple[str, str | None]:
    """An amount's number and the currency its text names (ISO 4217), if
    any: '€500' → ('500', 'EUR'), '1.234,50 €', 'JPY 100000', 'US$5k'."""
    text = text.strip()
    for symbol in _SYMBOLS:
        if text.startswith(symbol) or text.endswith(symbol):
            rest = text.removeprefix(symbol) if text.startswith(symbol) else text[: -len(symbol)]
            # '$500 CAD': the code says which dollar.
            if coded := _CODE_LAST.match(rest.strip()):
                return coded[1], coded[2].upper()
            return rest.strip(), SYMBOLS[symbol]
    if found := _CODE_FIRST.match(text):
        return found[2], found[1].upper()
    if found := _CODE_LAST.match(text):
        return found[1], found[2].upper()
    return text, None


def parse_amount(text: str, convention: str | None = None) -> int:
    """An amount as cents (hundredths of the unit, whatever its currency):
    '$1,234.50', '1.234,50 €', 'USD 1200', '12.345', '5k'.
    Extra decimals are rounded half up to the cent."""
    return read_amount(text, convention)[0]


def read_amount(text: str, convention: str | None = None) -> tuple[int, str | None]:
    """An amount as cents and the currency its text names, if any, read in
    the column's decimal convention: a text only the other one writes
    ('1,234.56' in a comma column) is refused, never read 1000x off. With
    no column (None), a cell is read in its own, else with a point."""
    body, multiplier, currency = _amount_parts(text)
    own = amount_convention(body)
    convention = convention or own or POINT
    if own is not None and own != convention:
        mark = "comma" if convention == COMMA else "point"
        raise ValueProblem(
            f"{text!r} is not written with this column's decimal {mark}"
            f" (--decimal-{'point' if convention == COMMA else 'comma'} reads it)"
        )
    if not _WRITTEN[convention].match(body):
        raise ValueProblem(f"{text!r} is not an amount")
    group, decimal = (".", ",") if convention == COMMA else (",", ".")
    body = body.replace(group, "").replace(decimal, ".")
    if not _PLAIN.match(body):
        raise ValueProblem(f"{text!r} is not an amount")
    try:
        cents = (Decimal(body) * multiplier * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # unreachable given the pattern, kept as a guard
        raise ValueProblem(f"{text!r} is not an amount") from None
    if cents > _MAX_CENTS:
        raise ValueProblem(f"{text!r} is too large")
    return int(cents), currency


_TAG_SEPARATORS = re.compile(r"[,;|]")


def split_tags(text: str) -> list[str]:
    """A tags cell's tags: 'VIP, expo; 2026', or each tag quoted as CSV
    inside the cell, as Mailchimp's TAGS column writes them ('"VIP","Blog"',
    where a tag may hold a comma): the quotes are not part of the tag."""
    if text.lstrip().startswith('"'):
        try:
            return next(csv.reader([text], skipinitialspace=True, strict=True))
        except (csv.Error, StopIteration):
            pass  # not CSV after all: split as written
    return _TAG_SEPARATORS.split(text)
