"""Dates as exports write them, read as moments (UTC when no offset is given).

Fast paths first, for the spellings that fill whole columns: ISO 8601, Unix
seconds or milliseconds, '03/14/2025 2:05 PM' (or day first), '14.03.2025',
RFC 2822 ('Fri, 14 Mar 2025 14:05:00 +0000'), month names ('Mar 14,
2025', '14 Mar 2025', '14-Mar-2025'), and Excel's day numbers ('45292' is
2024-01-01, '45500.5' or '45500,5' noon on 2024-07-27: a date cell saved as
its number, counted in Excel's default 1900 system; five digits only, so
1927-2173, never a year or an id of another length). Anything else goes to python-dateutil,
and is taken only if it says a whole date (year, month and day): "May" or
"2025" alone is not a date. A date that reads differently day-first and
month-first follows the file's order (the plan's `day_first`), and the
caller is told it was ambiguous. Times without an offset are taken as UTC.
Years outside 1900-2200 are refused: exports write 0001-01-01 or 9999-12-31
for "no date", and such a year is no one's real date.
"""

import re
import warnings
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

FIRST_YEAR, LAST_YEAR = 1900, 2200


class DateProblem(ValueError):
    """A cell that is not a date; str() says which and why."""


_SLASHED = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_EPOCH = re.compile(r"^\d{9,13}$")
_EXCEL_DAYS = re.compile(r"^(\d{5})(?:[.,](\d{1,12}))?$")
# Day 1 is 1900-01-01, but Excel counts a 29 February 1900 that never was:
# from day 61 on (every five-digit number), day N is N days after this.
_EXCEL_DAY_ZERO = datetime(1899, 12, 30)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = "(?P<month>[A-Za-z]{3,9})\\.?"
_DAY = "(?P<day>\\d{1,2})(?:st|nd|rd|th)?"
_YEAR = "(?P<year>\\d{4})"
_CLOCK = (
    r"(?:[ T,]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<half>[AaPp][Mm])?)?"
)
_NAMED = [
    re.compile(f"^{pattern}{_CLOCK}$")
    for pattern in (
        f"{_MONTH} {_DAY},? {_YEAR}",  # Mar 14, 2025
        f"{_DAY}[ -]{_MONTH}[ -]{_YEAR}",  # 14 Mar 2025, 14-Mar-2025
    )
]
_RFC_2822 = re.compile(r"^(?:[A-Za-z]{3}, )?\d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}(?::\d{2})? ")
# Two defaults that differ in year, month and day: a field dateutil had to
# take from the default reads differently under each.
_DEFAULTS = (datetime(1904, 1, 1), datetime(1908, 2, 2))


def slashed_parts(text: str) -> tuple[int, int] | None:
    """The two leading numbers of a d/m/y or m/d/y date, to tell which it is."""
    match = _SLASHED.match(text.strip())
    return (int(match[1]), int(match[2])) if match else None


def parse_date(text: str, *, day_first: bool = False) -> datetime:
    return read_date(text, day_first=day_first)[0]


def read_date(text: str, *, day_first: bool = False) -> tuple[datetime, bool]:
    """The moment `text` says, and whether its day and month could be read
    the other way round (DateProblem if it is not a date)."""
    text = text.strip()
    ambiguous = False
    if _EPOCH.match(text):  # before ISO: fromisoformat would read digits as YYYYMMDD…
        seconds = int(text) / (1000 if len(text) > 11 else 1)
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
    elif excel := _EXCEL_DAYS.match(text):
        day, fraction = int(excel[1]), float(f"0.{excel[2] or 0}")
        # To the second, as Excel shows a time: 0.5 is noon, not 11:59:59.99…
        moment = _EXCEL_DAY_ZERO + timedelta(days=day, seconds=round(fraction * 86_400))
    else:
        try:
            moment = datetime.fromisoformat(text.replace("/", "-") if text[:4].isdigit() else text)
        except ValueError:
            moment, ambiguous = _parse_other(text, day_first)
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise DateProblem(f"{text!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # Kept in the offset it was written in, not turned to UTC here: a close
    # date is the day the file says ("2025-03-14T23:30:00-08:00" is the 14th
    # where it was written, the 15th in UTC). Every moment is stored in UTC
    # (clock.to_iso), and aware moments compare as instants.
    return moment, ambiguous


def _parse_other(text: str, day_first: bool) -> tuple[datetime, bool]:
    match = _SLASHED.match(text)
    if match:
        return _slashed(text, match, day_first)
    for pattern in _NAMED:
        named = pattern.match(text)
        if named and (month := _MONTHS.get(named["month"].lower())):
            return _moment(text, int(named["year"]), month, int(named["day"]), named), False
    if _RFC_2822.match(text):
        try:
            return parsedate_to_datetime(text), False
        except (ValueError, TypeError):
            pass
    return _dateutil(text, day_first)


def _slashed(text: str, match: re.Match[str], day_first: bool) -> tuple[datetime, bool]:
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    day, month = (first, second) if day_first else (second, first)
    year += 2000 if year < 100 else 0
    parts = {"hour": match[4], "minute": match[5], "second": match[6], "half": match[7]}
    try:
        moment = _moment(text, year, month, day, parts)
    except DateProblem:
        order = "day/month" if day_first else "month/day"
        raise DateProblem(f"{text!r} is not a date (read as {order}/year)") from None
    return moment, first != second and first <= 12 and second <= 12


def _moment(
    text: str, year: int, month: int, day: int, clock: "re.Match[str] | dict[str, str | None]"
) -> datetime:
    hour = int(clock["hour"] or 0)
    if clock["half"]:
        if not 1 <= hour <= 12:
            raise DateProblem(f"{text!r} is not a date")
        hour = hour % 12 + (12 if clock["half"].lower() == "pm" else 0)
    try:
        return datetime(
            year, month, day, hour, int(clock["minute"] or 0), int(clock["second"] or 0)
        )
    except ValueError:
        raise DateProblem(f"{text!r} is not a date") from None


def _dateutil(text: str, day_first: bool) -> tuple[datetime, bool]:
    """dateutil's reading, if it is a whole date with no field guessed."""
    if not any(char.isdigit() for char in text):
        raise DateProblem(f"{text!r} is not a date")  # words only: "Email Opened"
    readings: list[datetime | None] = []
    for first in (day_first, not day_first):
        found = [_dateutil_once(text, first, default) for default in _DEFAULTS]
        if found[0] is None or found[0] != found[1]:
            readings.append(None)  # not a date, or some part of it missing
        else:
            readings.append(found[0])
    chosen, other = readings
    if chosen is None:
        raise DateProblem(f"{text!r} is not a date")
    return chosen, other is not None and other != chosen


def _dateutil_once(text: str, day_first: bool, default: datetime) -> datetime | None:
    with warnings.catch_warnings():
        # An unknown zone name ("PST") is a warning, and the time is read
        # as if it had none: refuse instead of shifting it silently.
        warnings.simplefilter("error", dateutil_parser.UnknownTimezoneWarning)
        try:
            return dateutil_parser.parse(text, dayfirst=day_first, default=default)
        except (ValueError, OverflowError, dateutil_parser.UnknownTimezoneWarning):
            return None
