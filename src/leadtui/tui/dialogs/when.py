"""The date arithmetic the dialogs do themselves, guarded. Which days are
acceptable is the domain's to say (its parse and check functions raise
InvalidInput); what is left here can still fall off the calendar: a day
after 9999-12-31, or a time in year 1 that is in year 0 once in UTC. Each
becomes InvalidInput, which a dialog shows inline, instead of an
OverflowError that would end the app."""

from datetime import UTC, datetime, timedelta

from leadtui.domain.errors import InvalidInput


def in_utc(moment: datetime, what: str) -> datetime:
    """`moment` as the database stores it (UTC)."""
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InvalidInput(
            f"{what}: {moment.isoformat()} is outside the calendar (years 1 to 9999) in UTC"
        ) from None


def days_after(moment: datetime, days: int, what: str) -> datetime:
    try:
        return moment + timedelta(days=days)
    except OverflowError:
        raise InvalidInput(
            f"{what}: no day comes {days} day{'s' * (days != 1)} after {moment:%Y-%m-%d}"
        ) from None
