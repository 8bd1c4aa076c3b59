"""Time in one place: UTC, stored as ISO-8601 text that sorts correctly.

Everything that needs "now" takes a `Clock` so tests and snapshots can freeze
time instead of sleeping or depending on the wall clock.
"""

import re
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta

from leadtui.domain.errors import InvalidInput

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """Seconds precision, always with an explicit +00:00 offset."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def from_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def age_label(since: datetime, now: datetime) -> str:
    """Compact age for tables: 45s, 12m, 5h, 3d, 7w, 2y."""
    seconds = max(0, int((now - since).total_seconds()))
    for unit, size in (("y", 365 * 86400), ("w", 7 * 86400), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


_AGO = re.compile(r"^(\d{1,4})\s*(m|h|d|w)$")
_AGO_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_past(text: str, now: datetime) -> datetime:
    """When something happened, from what a rep types: empty or "now"; "45m",
    "2h", "3d", "1w" ago; "yesterday" (same time of day); an ISO date (noon
    UTC) or date-time (UTC unless it names an offset). Never in the future.
    Raises InvalidInput with one readable line."""
    cleaned = text.strip().lower()
    if cleaned in ("", "now"):
        return now
    if cleaned == "yesterday":
        return now - timedelta(days=1)
    if match := _AGO.match(cleaned):
        return now - timedelta(seconds=int(match[1]) * _AGO_UNITS[match[2]])
    try:
        if len(cleaned) == 10:
            moment = datetime.combine(date.fromisoformat(cleaned), time(12), UTC)
        else:
            moment = from_iso(text.strip())
    except ValueError:
        raise InvalidInput(
            f"when: {text.strip()[:40]!r} is not a time; use e.g. 2h, 3d, yesterday or 2026-11-20"
        ) from None
    if moment > now:
        raise InvalidInput("when: a touch that already happened cannot be in the future")
    return moment


_AHEAD = re.compile(r"^(\d{1,3})\s*(d|w)$")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A follow-up is a day; it falls due at the start of that working day (UTC).
FOLLOW_UP_HOUR = 9


def parse_follow_up(text: str, now: datetime) -> datetime:
    """The day of a follow-up, from what a rep types: "today", "tomorrow",
    a weekday ("fri", "friday": the next one after today), "3d", "2w", or an
    ISO date. Returns that day at 09:00 UTC; may be in the past (the caller
    flags it). Raises InvalidInput with one readable line."""
    cleaned = text.strip().lower()
    today = now.astimezone(UTC).date()
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
    elif match := _AHEAD.match(cleaned):
        day = today + timedelta(days=int(match[1]) * (7 if match[2] == "w" else 1))
    else:
        with suppress(ValueError):
            day = date.fromisoformat(cleaned)
    if day is None:
        raise InvalidInput(
            f"follow-up: {text.strip()[:40]!r} is not a day; use e.g. tomorrow, fri, 3d, 2w"
            " or 2026-12-01"
        )
    return datetime.combine(day, time(FOLLOW_UP_HOUR), UTC)
