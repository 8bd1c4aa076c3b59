"""A row of another system's file after conversion: either a lead ready to
write, or a problem with its line and reason. The importing package makes
them; the repository writes them."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from leadtui.domain.models import (
    BantAnswer,
    Fit,
    HistoryEntry,
    LeadDraft,
    Lifecycle,
    Stage,
    Temperature,
)


# Not frozen: a frozen dataclass's __init__ sets each of the 14 fields
# through object.__setattr__, measured at 3x the cost of plain slots, once
# per row of a file. Nothing changes one after conversion.
@dataclass(slots=True)
class ImportedLead:
    line: int
    draft: LeadDraft
    stage: Stage
    lost_reason: str | None
    pinned: Temperature | None  # a temperature the file states (Rating)
    created_at: datetime | None  # None: the moment of the import
    follow_up_at: datetime | None
    last_touch_at: datetime | None
    custom: dict[str, str]
    values: list[str]  # the row as read, for the rejects file if it is skipped
    tags: tuple[str, ...] = ()
    lifecycle: Lifecycle = Lifecycle.PROSPECT  # what the file says; the stage may push it
    fit: Fit = Fit.UNKNOWN
    bant: tuple[tuple[str, BantAnswer], ...] = ()
    # created_at as clock.to_iso writes it, when the converter had it as
    # text already (a column of timestamps): formatting a moment with its
    # zone cost 1.1 µs a lead. Not compared: it is created_at, spelled out.
    created_iso: str | None = field(default=None, compare=False)
    # When the lead entered its stage, as leadtui's own export states it
    # (`stage_entered_at`): a won or lost lead's close. None: worked out.
    entered_at: datetime | None = None
    # Secondary contacts (kind, value) leadtui's own export carries: the
    # emails and phones a merge kept.
    contacts: tuple[tuple[str, str], ...] = ()
    # The lead's history as leadtui's JSON export carries it (`history`):
    # its stage changes, touches and field changes, oldest first.
    history: tuple[HistoryEntry, ...] = ()


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str
    values: list[str]


def closed_at(
    created: datetime,
    close_day: date | None,
    last_touch: datetime | None,
    now: datetime,
    entered: datetime | None = None,
) -> datetime:
    """When a lead a file gives as won or lost closed. The moment it entered
    its stage when the file says (leadtui's own export), else its close date when
    the file has one (a CRM's "Close Date" is the expected one while a deal
    is open and the real one once it is closed), else its last touch, else
    its creation; never before its creation or after `now`. Closing every
    such lead when it was created made a year's imported history all cycle
    time 0 and put its revenue in the months its leads came in."""
    if entered is not None:
        moment = entered
    elif close_day is not None:
        moment = datetime.combine(close_day, time(), UTC)
    else:
        moment = last_touch or created
    return min(max(moment, created), now)
