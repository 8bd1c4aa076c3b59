"""Money with its currency: ISO 4217 codes, the symbols people type, and
how many decimals each currency has. Pure.

Amounts are stored as hundredths of the currency's unit (`value_cents`)
whatever the currency, so changing the team's currency never rescales a
stored amount. The minor units decide what may be typed and what is shown:
JPY has none, so `JPY 100000` is 100,000 and `¥100.5` is refused. A
currency with three minor units (KWD, BHD, ...) is kept to two decimals.

`$` alone is the US dollar; other dollars have their own prefixes (`C$`,
`A$`, `NZ$`, `HK$`, `S$`) or their code (`5k CAD`).
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from leadtui.domain.errors import InvalidInput

# The team's currency until `leadtui setting currency CODE` says otherwise.
DEFAULT_CURRENCY = "USD"
# ISO 4217 minor units of the currencies a sales team commonly quotes in;
# any other well-formed code (three letters) is taken with the default.
MINOR_UNITS: dict[str, int] = {
    "AED": 2, "ARS": 2, "AUD": 2, "BGN": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2,
    "CLP": 0, "CNY": 2, "COP": 2, "CZK": 2, "DKK": 2, "EGP": 2, "EUR": 2, "GBP": 2,
    "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "ISK": 0, "JOD": 3, "JPY": 0,
    "KES": 2, "KRW": 0, "KWD": 3, "MXN": 2, "MYR": 2, "NGN": 2, "NOK": 2, "NZD": 2,
    "OMR": 3, "PEN": 2, "PHP": 2, "PKR": 2, "PLN": 2, "QAR": 2, "RON": 2, "RUB": 2,
    "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TND": 3, "TRY": 2, "TWD": 2, "UAH": 2,
    "USD": 2, "VND": 0, "ZAR": 2,
}  # fmt: skip
DEFAULT_MINOR_UNITS = 2
# What people type before (or after) an amount, longest first when matched;
# "kr" (four kronor) and "¥" read as the yen, not the yuan: codes are exact.
SYMBOLS: dict[str, str] = {
    "US$": "USD", "CA$": "CAD", "AU$": "AUD", "NZ$": "NZD", "HK$": "HKD", "MX$": "MXN",
    "C$": "CAD", "A$": "AUD", "S$": "SGD", "R$": "BRL", "$": "USD", "€": "EUR", "£": "GBP",
    "¥": "JPY", "₹": "INR", "₩": "KRW", "₪": "ILS", "₺": "TRY", "₽": "RUB", "₫": "VND",
    "฿": "THB", "₱": "PHP", "₦": "NGN", "zł": "PLN",
}  # fmt: skip
_BY_LENGTH = sorted(SYMBOLS, key=len, reverse=True)
_CODE = re.compile(r"^[A-Za-z]{3}$")
_NUMBER = re.compile(r"^(?P<number>\d+(?:\.\d{1,2})?)(?P<suffix>[km]?)$")
MAX_CENTS = 10**12


def minor_units(currency: str) -> int:
    return MINOR_UNITS.get(currency, DEFAULT_MINOR_UNITS)


def check_currency(text: str) -> str:
    """A currency as typed ("eur", "€", "GBP") as its ISO 4217 code."""
    word = text.strip()
    if word in SYMBOLS:
        return SYMBOLS[word]
    if not _CODE.match(word):
        raise InvalidInput(f"currency: {word[:20]!r} is not an ISO 4217 code like EUR or JPY")
    return word.upper()


@dataclass(frozen=True)
class Amount:
    cents: int  # hundredths of the unit
    currency: str | None  # None: the text named no currency


def _split_currency(compact: str) -> tuple[str, str | None]:
    """'€5k' → ('5k', 'EUR'); '5kEUR' → ('5k', 'EUR'); '5k' → ('5k', None)."""
    for symbol in _BY_LENGTH:
        lowered = symbol.lower()
        if compact.startswith(lowered):
            return compact[len(lowered) :], SYMBOLS[symbol]
        if compact.endswith(lowered) and len(compact) > len(lowered):
            return compact[: -len(lowered)], SYMBOLS[symbol]
    for code, rest in ((compact[:3], compact[3:]), (compact[-3:], compact[:-3])):
        if _CODE.match(code) and _NUMBER.match(rest):
            return rest, code.upper()
    return compact, None


def parse_amount(text: str) -> Amount:
    """`5000`, `5,000.50`, `$5k`, `€300`, `1.2m`, `5k EUR`, `JPY 100000`.

    Raises InvalidInput for anything negative, non-numeric, over 1e12 cents,
    or finer than the currency's minor units (`¥100.5`)."""
    compact = text.strip().lower().replace(",", "").replace("_", "").replace(" ", "")
    number, currency = _split_currency(compact)
    match = _NUMBER.match(number)
    if not match:
        raise InvalidInput(
            f"value must be a positive amount like 5000, 5k, €1.2m or 5k EUR, not {text!r}"
        )
    multiplier = {"": 1, "k": 1_000, "m": 1_000_000}[match["suffix"]]
    cents = int(Decimal(match["number"]) * multiplier * 100)
    if cents > MAX_CENTS:
        raise InvalidInput("value is too large")
    if currency is not None and cents % 10 ** (2 - min(2, minor_units(currency))):
        raise InvalidInput(f"value: {currency} has no minor units, so {text.strip()!r} is too fine")
    return Amount(cents, currency)


def format_units(cents: int, currency: str | None = None) -> str:
    """Whole units with thousands separators; hundredths only if any (and
    never for a currency without minor units)."""
    units, rest = divmod(cents, 100)
    if rest == 0 or (currency is not None and minor_units(currency) == 0):
        return f"{units:,}"
    return f"{units:,}.{rest:02d}"


def units_value(cents: int, currency: str) -> float | int:
    """The amount in whole units for an export: 100000 for ¥100,000, 50.5 for $50.50."""
    return cents // 100 if minor_units(currency) == 0 else cents / 100


def parse_money(text: str) -> int:
    """A user's amount in cents: `5000`, `5,000.50`, `$5k`, `1.2m`, `€300`
    (its currency, if named, is read by leadtui.domain.currency.parse_amount).

    Raises InvalidInput for anything negative, non-numeric or over 1e12 cents.
    """
    return parse_amount(text).cents


def format_money(cents: int, currency: str | None = None) -> str:
    """Whole currency units with thousands separators; cents shown only if any."""
    return format_units(cents, currency)


def short_money(cents: int) -> str:
    """Money in at most 7 characters for tight places (a column header):
    "9,400", "188k", "12.3m", "5.28bn"."""
    units = cents // 100
    if units < 100_000:
        return f"{units:,}"
    if units < 999_500:
        return f"{units / 1000:.0f}k"
    size, suffix = (1_000_000, "m") if units < 999_500_000 else (1_000_000_000, "bn")
    value = units / size
    return f"{value:.{0 if value >= 99.95 else 1 if value >= 9.995 else 2}f}{suffix}"
