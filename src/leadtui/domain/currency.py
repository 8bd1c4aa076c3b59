"""Money with its currency: ISO 4217 codes, the symbols people type, and
how many decimals each currency has. Pure.

Amounts are stored as hundredths of the currency's unit (`value_cents`)
whatever the currency, so changing the team's currency never rescales a
stored amount. The minor units decide what may be typed and what is shown:
JPY has none, so `JPY 100000` is 100,000 and `¥100.5` is refused. A
currency with three minor units (KWD, BHD, ...) is kept to two decimals.

`$` alone is the US dollar; other dollars have their own prefixes (`C$`,
`A$`, `NZ$`, `HK$`, `S$`) or their code (`5k CAD`). Where the amount's
currency would otherwise be another dollar (a team in CAD, a lead in AUD),
a bare `$` is that dollar, as an import reads `$500` in a CAD column; the
same holds for `¥` and the yuan.
"""

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    Inexact,
    InvalidOperation,
    Overflow,
)
from functools import cached_property

from leadtui.domain.errors import InvalidInput

# The team's currency until `leadtui setting currency CODE` says otherwise.
DEFAULT_CURRENCY = "USD"
# What "ranked by value" sorts by (orders.py), spelled as both engines'
# index holds it: value_team_cents is the value in the team's money at its
# rates, -1 in a currency without one, NULL when value_cents already is
# (kept by the store's triggers, repository/schema_value.py). Here, not in
# orders.py: the schema reads it, and first_page.py imports the schema
# without pydantic.
VALUE_RANK = "coalesce(value_team_cents, value_cents)"


class _MinorUnits(Mapping[str, int]):
    """ISO 4217's currencies and their minor units, from the iso4217 package
    (the ISO list as published), read when first asked: importing the
    package costs about 20 ms, which the first page (painted before the rest
    of leadtui is imported, and which imports this module) must not spend.
    Codes the list gives no minor unit (gold, XXX "no currency", XTS for
    testing) name nothing a deal is priced in."""

    @cached_property
    def _table(self) -> dict[str, int]:
        from iso4217 import Currency

        return {code.code: code.exponent for code in Currency if code.exponent is not None}

    def __getitem__(self, code: str) -> int:
        return self._table[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


MINOR_UNITS: Mapping[str, int] = _MinorUnits()
# The currencies a sales team commonly quotes in. Only these are read from a
# code typed in lower case after an amount ("5k eur"): "all", "cup", "top"
# and "mad" are ISO codes too, but a quick-add line means them as words.
COMMONLY_QUOTED = frozenset({
    "AED", "ARS", "AUD", "BGN", "BHD", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK",
    "DKK", "EGP", "EUR", "GBP", "HKD", "HUF", "IDR", "ILS", "INR", "ISK", "JOD", "JPY",
    "KES", "KRW", "KWD", "MXN", "MYR", "NGN", "NOK", "NZD", "OMR", "PEN", "PHP", "PKR",
    "PLN", "QAR", "RON", "RUB", "SAR", "SEK", "SGD", "THB", "TND", "TRY", "TWD", "UAH",
    "USD", "VND", "ZAR",
})  # fmt: skip
# A stored code the list no longer has (a currency withdrawn since) is shown
# with two decimals rather than refused.
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
# Marks several currencies write alike, and which: a bare mark is the
# SYMBOLS one unless the currency it is read in is one of these.
SHARED_MARKS: dict[str, frozenset[str]] = {
    "$": frozenset({"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "ARS", "CLP", "COP", "TWD"}),
    "¥": frozenset({"JPY", "CNY"}),
}
_CODE = re.compile(r"^[A-Za-z]{3}$")
# "bn" as the screens print a billion ("$10.0bn"): what they show reads back.
# Any number of decimals: with a unit they may still be whole cents
# ("0.004k" is 4), and beyond the cent they are rounded as an import rounds
# them (importing/values.read_amount), so a typed amount and the same
# amount in a file read alike.
_NUMBER = re.compile(r"^(?P<number>\d+(?:\.\d+)?)(?P<suffix>k|m|bn|)$")
MAX_CENTS = 10**12


def minor_units(currency: str) -> int:
    return MINOR_UNITS.get(currency, DEFAULT_MINOR_UNITS)


def too_fine(cents: int, currency: str) -> bool:
    """Whether `cents` holds a fraction the currency has no unit for (¥1.50)."""
    return bool(cents % 10 ** (2 - min(2, minor_units(currency))))


def check_currency(text: str) -> str:
    """A currency as typed ("eur", "€", "GBP") as its ISO 4217 code."""
    word = text.strip()
    if word in SYMBOLS:
        return SYMBOLS[word]
    if not _CODE.match(word) or word.upper() not in MINOR_UNITS:
        raise InvalidInput(f"currency: {word[:20]!r} is not an ISO 4217 code like EUR or JPY")
    return word.upper()


@dataclass(frozen=True)
class Amount:
    cents: int  # hundredths of the unit
    currency: str | None  # None: the text named no currency


def _split_currency(compact: str) -> tuple[str, str | None, str]:
    """'€5k' → ('5k', 'EUR', '€'); '5kEUR' → ('5k', 'EUR', 'eur'); '5k' →
    ('5k', None, ''): the number, the currency and the mark that named it."""
    for symbol in _BY_LENGTH:
        lowered = symbol.lower()
        if compact.startswith(lowered):
            return compact[len(lowered) :], SYMBOLS[symbol], symbol
        if compact.endswith(lowered) and len(compact) > len(lowered):
            return compact[: -len(lowered)], SYMBOLS[symbol], symbol
    for code, rest in ((compact[:3], compact[3:]), (compact[-3:], compact[:-3])):
        if _CODE.match(code) and _NUMBER.match(rest):
            return rest, code.upper(), code
    return compact, None, ""


def _compact(text: str) -> str:
    """An amount as it is matched: '€ 5,000' → '€5000', 'JPY 100_000' → 'jpy100000'."""
    return text.strip().lower().replace(",", "").replace("_", "").replace(" ", "")


def shared_mark_note(text: str, usual: str | None) -> str | None:
    """What to say when `text` names its currency only by a mark several
    share ("¥", "$") and that mark is read as another currency than `usual`
    (the team's; None: the default): "¥50000" is read as 50,000 yen, about
    a twentieth of 50,000 yuan, so a rep who meant yuan is told before it
    is saved."""
    compact = _compact(text)
    _, currency, mark = _split_currency(compact)
    shared = SHARED_MARKS.get(mark)
    if not shared or currency is None or (usual or DEFAULT_CURRENCY) in shared:
        return None
    others = ", ".join(sorted(shared - {currency})[:3])
    return f"{mark} is read as {currency}; for another, write its code ({others}…)"


def _number_and_currency(text: str, usual: str | None) -> tuple[str, str | None]:
    number, currency, mark = _split_currency(_compact(text))
    if usual is not None and usual in SHARED_MARKS.get(mark, ()):
        currency = usual
    return number, currency


def named_currency(text: str, usual: str | None = None) -> str | None:
    """The currency an amount's text names, as parse_amount reads it ('$500'
    with `usual` CAD is CAD), whatever decimal convention its number is in
    (an import reads '1.234,50 €' with importing.values)."""
    return _number_and_currency(text, usual)[1]


def parse_amount(text: str, usual: str | None = None) -> Amount:
    """`5000`, `5,000.50`, `$5k`, `€300`, `1.2m`, `2bn`, `5k EUR`, `JPY 100000`.

    `usual` is the currency the amount has unless its text names another
    (the lead's, else the team's): a bare mark it shares (`$` for CAD) is
    read as that currency, as `C$` would be.

    Zero is an amount however it is written (`0`, `0k`, `0bn`: all 0).
    Decimals are read to the cent, the rest rounded half up (`0.004k` is 4,
    `5.555` is 5.56), as an import reads a file's amounts.
    Raises InvalidInput for anything negative, non-numeric, over 1e12 cents,
    or finer than the currency's minor units (`¥100.5`), worded without the
    field's name: a lead's value and a source's spend amount name it."""
    number, currency = _number_and_currency(text, usual)
    match = _NUMBER.match(number)
    if not match:
        raise InvalidInput(
            # Not "positive": 0 is an amount (no value yet), in any unit (0k, 0bn).
            f"must be an amount of 0 or more like 5000, 5k, €1.2m or 5k EUR,"
            f" not {text.strip()[:40]!r}"
        )
    multiplier = {"": 1, "k": 1_000, "m": 1_000_000, "bn": 1_000_000_000}[match["suffix"]]
    exact = Decimal(match["number"]) * multiplier * 100
    # Compared before rounding only where rounding cannot bring it back
    # (and a thousand digits would not round in Decimal's default context).
    cents = MAX_CENTS + 1 if exact >= MAX_CENTS + 1 else int(exact.to_integral(ROUND_HALF_UP))
    if cents > MAX_CENTS:
        raise InvalidInput(f"too large: at most {MAX_CENTS // 100:,}")
    # Checked before rounding: ¥100.004 is as fine as ¥100.5, not ¥100. (A
    # currency of three minor units is kept to two, rounded as any other.)
    units = minor_units(currency) if currency is not None else 2
    if units < 2 and exact % 10 ** (2 - units):
        raise InvalidInput(f"{currency} has no minor units, so {text.strip()[:40]!r} is too fine")
    return Amount(cents, currency)


def format_units(cents: int, currency: str | None = None) -> str:
    """Whole units with thousands separators; hundredths only if any (and
    never for a currency without minor units)."""
    units, rest = divmod(cents, 100)
    if rest == 0 or (currency is not None and minor_units(currency) == 0):
        return f"{units:,}"
    return f"{units:,}.{rest:02d}"


# How a screen marks an amount's currency: its shortest symbol ("$" for
# USD, "C$" for CAD), else its code.
_MARKS = {
    code: min((symbol for symbol, named in SYMBOLS.items() if named == code), key=len)
    for code in set(SYMBOLS.values())
}


def currency_mark(currency: str) -> str:
    return _MARKS.get(currency, currency)


def with_currency(amount: str, currency: str, *, spaced: bool = True) -> str:
    """ "£45,000", "¥100k", "CHF 2,500" (or "CHF2.5k" where cells are few)."""
    mark = currency_mark(currency)
    return f"{mark}{' ' if spaced and mark == currency else ''}{amount}"


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


# ------------------------------------------------------------------ rates

# A rate as the team types it: 1.17, 0.0062, 160 (no exponent, no sign),
# then held to MIN_RATE..MAX_RATE and 10 decimals, each said as itself.
_RATE = re.compile(r"^\d+(?:\.\d+)?$")
MAX_RATE = Decimal(1_000_000)
MIN_RATE = Decimal("0.0000000001")
# Wide enough for any sum of products of MAX_CENTS-sized amounts and rates;
# Inexact traps, so a conversion is exact until its one rounding.
_EXACT = Context(prec=80, traps=[Inexact, InvalidOperation, Overflow])


def check_rate(text: str) -> Decimal:
    """A rate as typed ("1.17"): how many units of the team's currency one
    unit of another is worth."""
    word = text.strip()
    shown = word if len(word) <= 30 else f"{word[:29]}…"
    if not _RATE.match(word) or (rate := Decimal(word)) <= 0:
        raise InvalidInput(f"rate: {shown!r} is not a positive number like 1.17 (a dot, no comma)")
    # Positive, and said so: each limit as the one it breaks.
    if rate > MAX_RATE:
        raise InvalidInput(f"rate: {shown} is over {MAX_RATE}")
    if rate < MIN_RATE:
        raise InvalidInput(f"rate: {shown} is under {MIN_RATE:f}")
    if rate.quantize(MIN_RATE) != rate:  # 1.10000000000 is 1.1
        raise InvalidInput(f"rate: {shown} has more than 10 decimals")
    return rate


def rate_text(rate: Decimal) -> str:
    """ "1.17", "160", "0.0062": the rate without trailing zeros or exponent."""
    text = format(rate, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def round_to_minor(exact: Decimal, currency: str) -> int:
    """Hundredths of `currency` rounded half to even to its minor unit (a
    whole yen is 100 hundredths): the one rounding a converted total gets."""
    step = (100, 10, 1)[min(2, minor_units(currency))]
    units = _EXACT.divide(exact, Decimal(step))
    return int(units.to_integral_value(rounding=ROUND_HALF_EVEN)) * step


@dataclass(frozen=True)
class Rates:
    """The team's rates for the currencies present in some figures: 1 unit
    of a code in `used` is that many units of `currency`, the team's.

    The figures are converted only when every currency present has a rate
    (`converts`); a currency in `missing` keeps all of them per currency."""

    currency: str
    used: tuple[tuple[str, Decimal], ...] = ()  # by code
    missing: tuple[str, ...] = ()  # by code

    @property
    def converts(self) -> bool:
        return bool(self.used) and not self.missing

    def label(self) -> str:
        """ "GBP 1.17, USD 0.92" """
        return ", ".join(f"{code} {rate_text(rate)}" for code, rate in self.used)

    def exact(self, cents: int, currency: str) -> Decimal:
        """`cents` of `currency` in hundredths of the team's, unrounded.
        Raises ValueError for a currency without a rate: two currencies are
        never added without one."""
        if currency == self.currency:
            return Decimal(cents)
        rate = dict(self.used).get(currency)
        if rate is None:
            raise ValueError(f"no rate for {currency} into {self.currency}")
        return _EXACT.multiply(Decimal(cents), rate)

    def total(self, amounts: Iterable[tuple[str, int]]) -> int:
        """(currency, cents) amounts as one total in the team's currency:
        each converted exactly, summed exactly, rounded once at the end, so
        converting per-currency totals gives what converting each amount
        does."""
        exact = Decimal(0)
        for currency, cents in amounts:
            exact = _EXACT.add(exact, self.exact(cents, currency))
        return round_to_minor(exact, self.currency)


def rates_for(team: str, rates: Mapping[str, Decimal], present: Iterable[str]) -> Rates:
    """The team's rates for the currencies present (the team's own left out)."""
    others = sorted(set(present) - {team})
    return Rates(
        team,
        used=tuple((code, rates[code]) for code in others if code in rates),
        missing=tuple(code for code in others if code not in rates),
    )


@dataclass(frozen=True)
class TeamMoney:
    """The team's currency and its rates, for comparing amounts of any
    currency (the value rules, the learned score's value bins): a lead's
    value counts as what it is worth in the team's currency."""

    currency: str = DEFAULT_CURRENCY
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    def units(self, cents: int, currency: str | None) -> float | None:
        """`cents` of `currency` (None: the team's) in whole units of the
        team's currency; None when that currency has no rate, so no
        threshold in the team's currency says anything about it."""
        if currency is None or currency == self.currency:
            return cents / 100
        rate = self.rates.get(currency)
        return None if rate is None else float(_EXACT.multiply(Decimal(cents), rate)) / 100
