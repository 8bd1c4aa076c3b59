"""The team's time zone, stored in `settings` (`leadtui setting timezone`).

Days are the team's days: a follow-up's day, "today", due and overdue.
Readers that hold a connection ask `in_team_zone(db, now)`; the rest ask
the Repository's `team_now()`. Stored times stay UTC.
"""

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfoNotFoundError

import sqlite_utils

from leadtui.domain.clock import team_zone
from leadtui.domain.errors import UnreadableValue
from leadtui.domain.sanitize import clean_line
from leadtui.repository.scores import read_setting

TIME_ZONE_KEY = "timezone"


def zone_name_of(db: sqlite_utils.Database) -> str | None:
    return read_setting(db, TIME_ZONE_KEY)


def zone_of(db: sqlite_utils.Database) -> tzinfo:
    """The team's zone; UTC when none is set. A name this machine's zoneinfo
    does not know (set where tzdata is newer, or by another program) is
    UnreadableValue: one line, not a traceback."""
    name = zone_name_of(db)
    try:
        return team_zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        shown = clean_line(name or "")[:40]
        raise UnreadableValue(
            f"the team's time zone {shown!r} is not known here;"
            " set it again with `leadtui setting timezone NAME`"
        ) from None


def in_team_zone(db: sqlite_utils.Database, now: datetime) -> datetime:
    """`now` in the team's zone: the day clock.py's day functions read."""
    return now.astimezone(zone_of(db))
