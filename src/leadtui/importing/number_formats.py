"""What a workbook cell's number format adds to its value: the currency
Excel shows beside an amount, and a percentage's scaling.

A number cell holds 5000 whether Excel shows it as 5000, €5,000.00 or
¥5,000, so reading the value alone would import a euro or yen amount in the
team's currency. The format names the currency in three ways, all read
here: a locale tag (`[$€-407]`, `[$¥-411]`, `[$EUR]`), a quoted literal
(`"€"#,##0`, `#,##0 "GBP"`) and a bare symbol (`£#,##0`, `#,##0 €`).
A percentage format (`0%`, `0.0%`) shows the value times 100 to its decimals.
"""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from leadtui.domain.currency import MINOR_UNITS, SHARED_MARKS, SYMBOLS

# A mark several currencies share ($, ¥) tagged with a locale: the locale's
# currency (Windows LCIDs, the low 16 bits). Untagged, or a locale not
# here, the mark is read as a CSV cell's is (by the team's currency).
_LOCALE_CURRENCY: dict[int, str] = {
    0x0409: "USD", 0x1009: "CAD", 0x0C0C: "CAD", 0x0C09: "AUD", 0x1409: "NZD",
    0x3C09: "HKD", 0x0C04: "HKD", 0x4809: "SGD", 0x1004: "SGD", 0x080A: "MXN",
    0x2C0A: "ARS", 0x340A: "CLP", 0x240A: "COP", 0x0404: "TWD", 0x0804: "CNY",
    0x0478: "CNY", 0x0411: "JPY",
}  # fmt: skip
_BY_LENGTH = sorted(SYMBOLS, key=len, reverse=True)
_CODE_WORD = re.compile(r"\b([A-Z]{3})\b")


@dataclass(frozen=True)
class _Parts:
    """A format's first section: its locale tags, literal text and the
    characters left that are format codes."""

    tags: list[str]
    literal: str
    codes: str


def _first_section(fmt: str) -> _Parts:
    """The positive numbers' section (a format may have up to four, split
    by `;`), taken apart: quoted text and backslash escapes are literal,
    `[...]` is a tag (a color, a condition, a `$` locale), `_x` and `*x`
    pad with `x` and show nothing of it."""
    tags: list[str] = []
    literal: list[str] = []
    codes: list[str] = []
    i = 0
    while i < len(fmt):
        char = fmt[i]
        if char == ";":
            break
        if char == '"':
            end = fmt.find('"', i + 1)
            end = len(fmt) if end < 0 else end
            literal.append(fmt[i + 1 : end])
            i = end + 1
        elif char == "\\" and i + 1 < len(fmt):
            literal.append(fmt[i + 1])
            i += 2
        elif char == "[":
            end = fmt.find("]", i + 1)
            end = len(fmt) if end < 0 else end
            tags.append(fmt[i + 1 : end])
            i = end + 1
        elif char in "_*":
            i += 2
        else:
            codes.append(char)
            i += 1
    return _Parts(tags, "".join(literal), "".join(codes))


def _mark_currency(mark: str, locale: str) -> str | None:
    """What a `[$MARK-LOCALE]` tag names: an ISO code, or a symbol's text
    (a shared one made exact by its locale, where known)."""
    mark = mark.strip()
    if mark.upper() in MINOR_UNITS and len(mark) == 3 and mark.isalpha():
        return mark.upper()
    if mark not in SYMBOLS:
        return None
    if mark in SHARED_MARKS:
        try:
            known = _LOCALE_CURRENCY.get(int(locale, 16) & 0xFFFF) if locale else None
        except ValueError:
            known = None
        if known in SHARED_MARKS[mark]:
            return known
        return mark  # read as the same mark in a CSV cell is
    return SYMBOLS[mark]


def _in_text(text: str) -> str | None:
    """A symbol or ISO code written in a format's text, as a cell's text
    would carry it."""
    for symbol in _BY_LENGTH:
        if symbol in text:
            return symbol if symbol in SHARED_MARKS else SYMBOLS[symbol]
    for found in _CODE_WORD.finditer(text):
        if found[1] in MINOR_UNITS:
            return found[1]
    return None


def format_currency(fmt: str | None) -> str | None:
    """The currency an amount formatted so is shown in: its ISO code, or a
    mark several currencies share ("$", "¥") when the format does not say
    which. None: the format shows no currency."""
    if not fmt or fmt == "General":
        return None
    parts = _first_section(fmt)
    for tag in parts.tags:
        if tag.startswith("$"):
            mark, _, locale = tag[1:].partition("-")
            if found := _mark_currency(mark, locale):
                return found
    # Bare characters other than the digits' codes: € £ ¥ are written
    # unquoted; an ISO code is only ever quoted (its letters would be codes).
    bare = "".join(c for c in parts.codes if not c.isalnum() and c not in "#?.,%+-()/: ")
    return _in_text(parts.literal) or _in_text(bare)


def percent_text(value: float | int, fmt: str | None) -> str | None:
    """A percentage cell as Excel shows it ("25%", "12.5%"); None when the
    format is no percentage."""
    if not fmt or "%" not in fmt:
        return None
    codes = _first_section(fmt).codes
    if "%" not in codes:
        return None
    _, point, decimals = codes.partition(".")
    places = sum(1 for c in decimals.split("%")[0] if c in "0#?") if point else 0
    shown = (Decimal(repr(value)) * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return f"{shown}%"
