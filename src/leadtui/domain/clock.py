"""Time in one place: UTC, stored as ISO-8601 text that sorts correctly.

Everything that needs "now" takes a `Clock` so tests and snapshots can freeze
time instead of sleeping or depending on the wall clock.

Every day a user types, in either front end, is read here and must fall in
FIRST_DAY..LAST_DAY: a CRM has no use for the year 9999, and a day well
inside datetime's range keeps every later `+ timedelta` from overflowing.

Days are the team's: a follow-up's day, "today", due and overdue are read
in the zone of the `now` they are given. The repository's `team_now()` is
the clock in the team's time zone (`leadtui setting timezone`, UTC when
none is set); stored times stay UTC whatever the zone.

Durations have one spelling everywhere (ages, "3d ago", follow-ups,
snoozes): min, h, d, w, mo. A bare "m" is refused: a rep may mean a minute
or a month.
"""

import re
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from leadtui.domain.errors import InvalidInput, UnreadableValue
from leadtui.domain.sanitize import clean_line

Clock = Callable[[], datetime]

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2200, 12, 31)
DAY_RANGE = f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"

MINUTE, HOUR, DAY = 60, 3600, 86400
# Seconds per unit; a month is 30 days wherever a duration is typed.
DURATION_UNITS = {"min": MINUTE, "h": HOUR, "d": DAY, "w": 7 * DAY, "mo": 30 * DAY}
_DURATION = re.compile(r"^(\d{1,4})\s*([a-z]+)$")
_M_MEANS = (("min", "minutes"), ("mo", "months"))
# What the snooze prompt offers, as days.
SNOOZES = {"1d": 1, "2d": 2, "3d": 3, "1w": 7, "2w": 14, "1mo": 30}


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """Seconds precision, always with an explicit +00:00 offset."""
    # timespec cuts the microseconds as replace(microsecond=0) would, for
    # half the cost: an import writes two of these a lead.
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str) -> datetime:
    """A moment as leadtui stores it. A stored text that is not one (another
    program wrote it) is UnreadableValue: one line, not a traceback."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        shown = clean_line(text)[:40]
        raise UnreadableValue(
            f"a date stored as {shown!r} cannot be read: another program wrote it;"
            " correct it with sqlite3 or restore a backup"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def age_label(since: datetime, now: datetime) -> str:
    """Compact age for tables: 45s, 12min, 5h, 3d, 7w, 2y."""
    seconds = max(0, int((now - since).total_seconds()))
    for unit, size in (("y", 365 * DAY), ("w", 7 * DAY), ("d", DAY), ("h", HOUR), ("min", MINUTE)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def check_day(day: date, what: str) -> date:
    """`day` if leadtui keeps it, else InvalidInput naming `what`."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise InvalidInput(f"{what}: {day.isoformat()} is outside {DAY_RANGE}")
    return day


def parse_day(text: str, what: str) -> date:
    """An ISO day (2026-11-01) within FIRST_DAY..LAST_DAY."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{what}: {text.strip()[:30]!r} is not a date like 2026-11-01") from None
    return check_day(day, what)


def parse_duration(text: str, what: str, units: tuple[str, ...]) -> timedelta | None:
    """ "45min", "2h", "3d", "1w", "2mo" as a timedelta; None if `text` is
    not a number and a unit at all. A unit outside `units` (or the
    ambiguous "m") is InvalidInput naming `what`."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        return None
    count, unit = int(match[1]), match[2]
    if unit == "m":
        meant = [f"{count}{u} for {name}" for u, name in _M_MEANS if u in units]
        raise InvalidInput(f"{what}: {text.strip()!r} is ambiguous; write {' or '.join(meant)}")
    if unit not in units:
        raise InvalidInput(f"{what}: {unit!r} is not a unit here; use {', '.join(units)}")
    return timedelta(seconds=count * DURATION_UNITS[unit])


def parse_past(text: str, now: datetime, what: str = "when") -> datetime:
    """When something happened, from what a rep types: empty or "now"; "45min",
    "2h", "3d", "1w", "2mo" ago; "yesterday" (same time of day); an ISO date
    (noon UTC) or date-time (UTC unless it names an offset). Never in the
    future, never before FIRST_DAY. Raises InvalidInput with one readable line."""
    cleaned = text.strip().lower()
    if cleaned in ("", "now"):
        return now
    if cleaned == "yesterday":
        return now - timedelta(days=1)
    ago = parse_duration(cleaned, what, tuple(DURATION_UNITS))
    if ago is not None:
        moment = now - ago
    else:
        try:
            if len(cleaned) == 10:
                moment = datetime.combine(date.fromisoformat(cleaned), time(12), UTC)
            else:
                moment = from_iso(text.strip())
        except ValueError:
            raise InvalidInput(
                f"{what}: {text.strip()[:40]!r} is not a time; use e.g. 2h, 3d, yesterday"
                " or 2026-11-20"
            ) from None
    check_day(moment.date(), what)  # before any arithmetic on it
    if moment > now:
        raise InvalidInput(f"{what}: {text.strip()[:40]!r} cannot be in the future")
    return moment


# How much older than its lead a touch may be: a lead is often added after
# the call or the meeting that found it (a card from last week's fair).
# Further back it is almost surely a typo (1950, or 2015 for 2025), which
# would sit in the history and the score's recency for good: refused.
TOUCH_BEFORE_LEAD_DAYS = 30


def check_touch_day(
    at: datetime, created: datetime, last_touch: datetime | None, lead: str
) -> None:
    """InvalidInput (one line, naming the day it is measured from) when a
    touch at `at` is more than TOUCH_BEFORE_LEAD_DAYS days before the lead
    was created; or, when its data holds a last touch older than that (an
    import's history: the lead is older than its record), more than that
    many days before that touch. By days (UTC), so the first day allowed is
    never refused. A touch logged in the margin never widens it: a log
    keeps the later last touch, and one in the margin is no evidence."""
    created_day = created.astimezone(UTC).date()
    day = at.astimezone(UTC).date()
    margin = timedelta(days=TOUCH_BEFORE_LEAD_DAYS)
    since, what = created_day, f"{lead} was created ({created_day.isoformat()})"
    known = last_touch.astimezone(UTC).date() if last_touch is not None else None
    if known is not None and known < created_day - margin:
        since = known
        what = f"{lead}'s last touch on record ({known.isoformat()}, before it was created)"
    if day < since - margin:
        raise InvalidInput(
            f"when: {day.isoformat()} is long before {what}:"
            f" a touch may be at most {TOUCH_BEFORE_LEAD_DAYS} days older than that"
        )


def team_zone(name: str | None) -> tzinfo:
    """The zone a stored setting names; UTC when none is set."""
    return UTC if name is None else ZoneInfo(name)


def check_zone(text: str) -> str:
    """An IANA time zone name ("Asia/Tokyo", "UTC") as zoneinfo spells it,
    case aside ("utc", "asia/tokyo", as a region "gb" is taken); else
    InvalidInput with one readable line."""
    name = text.strip()
    name = _zone_names().get(name.lower(), name)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # ValueError: a path-like or empty key, which zoneinfo refuses outright.
        shown = clean_line(name)[:40]
        raise InvalidInput(
            f"timezone: {shown!r} is not a time zone; use an IANA name such as"
            " Europe/London, Asia/Tokyo or UTC"
        ) from None
    return name


@cache
def _zone_names() -> dict[str, str]:
    """Every zone name the system knows, by its lower case."""
    return {name.lower(): name for name in available_timezones()}


# The legacy names of a fixed offset that read as a place's time but keep
# no daylight saving: EST is UTC-5 in July too, an hour off New York's.
_FIXED_LEGACY = {"EST": ("New York", "America/New_York"), "MST": ("Denver", "America/Denver")}


def zone_warning(name: str) -> str | None:
    """What to say of a zone that is likely not what was meant (EST, a
    fixed UTC-5, for New York's time), else None."""
    if (place := _FIXED_LEGACY.get(name)) is None:
        return None
    offset = ZoneInfo(name).utcoffset(datetime(2026, 1, 1))
    hours = int(offset.total_seconds() // 3600) if offset is not None else 0
    return (
        f"{name} is UTC{hours:+d} all year, with no daylight saving"
        f" ({place[0]}'s time is {place[1]})"
    )


def _zone_of(now: datetime) -> tzinfo:
    return now.tzinfo or UTC


def team_day(moment: datetime, now: datetime) -> date:
    """The day `moment` falls on in `now`'s zone (the team's)."""
    return moment.astimezone(_zone_of(now)).date()


def day_start(now: datetime) -> datetime:
    """Midnight at the start of `now`'s day, in `now`'s zone (the team's)."""
    local = now.astimezone(_zone_of(now))
    return datetime.combine(local.date(), time(), _zone_of(now))


def day_end(now: datetime) -> datetime:
    """Midnight at the end of `now`'s day (the next day's start: 23 or 25
    hours later on a day the clocks change, which wall-clock arithmetic on
    the zone gives)."""
    start = day_start(now)
    return datetime.combine(start.date() + timedelta(days=1), time(), start.tzinfo)


# One rule for "overdue", read by every surface (the Due list, `leadtui
# due`, the board's "!", the `!` filter, the Lead tab, the KPIs): a
# follow-up is a day, due all that day and overdue once the day has ended,
# whatever hour it is stored at. Comparing the stored time (09:00) with now
# made a follow-up for today "overdue" in the afternoon on some surfaces and
# "today" on others.
DueState = Literal["overdue", "today", "ahead"]


def overdue_before(now: datetime) -> datetime:
    """A follow-up stored before this moment is overdue at `now`: the start
    of today. SQL readers compare the column with it (`follow_up_at < ?`)."""
    return day_start(now)


def is_overdue(follow_up: datetime | None, now: datetime) -> bool:
    """A follow-up whose day ended before `now`'s day began."""
    return follow_up is not None and follow_up < overdue_before(now)


def due_state(follow_up: datetime, now: datetime) -> DueState:
    """Overdue (its day has ended), today (its day is `now`'s) or ahead."""
    if is_overdue(follow_up, now):
        return "overdue"
    return "today" if follow_up < day_end(now) else "ahead"


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A follow-up is a day; it falls due at the start of that working day, the
# team's (stored as UTC like every time).
FOLLOW_UP_HOUR = 9


def follow_up_on_day(day: date, now: datetime) -> datetime:
    """A follow-up on `day` (the team's, `now`'s zone): FOLLOW_UP_HOUR there."""
    return datetime.combine(day, time(FOLLOW_UP_HOUR), _zone_of(now))


def parse_follow_up(text: str, now: datetime) -> datetime:
    """The day of a follow-up, from what a rep types: "today", "tomorrow",
    a weekday ("fri", "friday": the next one after today), "3d", "2w", "1mo",
    or an ISO date, all days in `now`'s zone (the team's). Returns that day
    at 09:00 there; may be in the past (the caller flags it), never outside
    FIRST_DAY..LAST_DAY. Raises InvalidInput with one readable line."""
    cleaned = text.strip().lower()
    today = now.astimezone(_zone_of(now)).date()
    day: date | None = None
    if cleaned == "today":
        day = today
    elif cleaned in ("tomorrow", "tmr", "tmrw"):
        day = today + timedelta(days=1)
    elif (
        len(cleaned) >= 3
        and (
            weekday := next(
                (i for i, name in enumerate(_WEEKDAYS) if name.startswith(cleaned)), None
            )
        )
        is not None
    ):
        # "fri" on a Friday means next Friday: a follow-up is always ahead.
        day = today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
    elif (ahead := parse_duration(cleaned, "follow-up", ("d", "w", "mo"))) is not None:
        day = today + ahead
    else:
        with suppress(ValueError):
            day = date.fromisoformat(cleaned)
    if day is None:
        raise InvalidInput(
            f"follow-up: {text.strip()[:40]!r} is not a day; use e.g. tomorrow, fri, 3d, 2w,"
            " 1mo or 2026-12-01"
        )
    return follow_up_on_day(check_day(day, "follow-up"), now)
