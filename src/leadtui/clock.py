"""Time in one place: UTC, stored as ISO-8601 text that sorts correctly.

Everything that needs "now" takes a `Clock` so tests and snapshots can freeze
time instead of sleeping or depending on the wall clock.
"""

from collections.abc import Callable
from datetime import UTC, datetime

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
