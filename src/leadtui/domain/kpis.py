"""KPI definitions and results. Pure: the repository supplies SQL aggregates.

Each figure has one definition, written next to it (DEFINITIONS), and one
cohort: which leads it counts. The KPI tab, `leadtui kpi` and its JSON read
the same objects, so they cannot disagree on what "conversion" means.

Cohorts, for a window [since, until):
- created: leads created in the window (new leads, the funnel, conversion,
  cost per lead);
- closed: leads whose last standing stage change inside the window is to Won
  or Lost (win rate, revenue, deal size, cycle time, lost reasons, lost by
  stage). A lead lost and then reopened is not closed, even in a window that
  ended before the reopen; one created before the window and closed inside
  it is;
- now: open leads as they stand (pipeline value, rotting, overdue).

The figures that read stage history (the funnel, entries to Qualified,
time in stage, the closed cohort) read it as it stands now (`standing`):
a move undone, taken back or reopened is left out, with the move that
cancelled it, even when the cancelling came after the window.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from leadtui.domain.clock import FIRST_DAY, LAST_DAY
from leadtui.domain.clock import parse_day as parse_day  # the KPI forms read days with it
from leadtui.domain.currency import DEFAULT_CURRENCY, Rates
from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import Source, Stage
from leadtui.domain.pipeline import CLOSED_STAGES, OPEN_STAGES, reason_key

# The ladder the funnel climbs; reaching a stage means entering it or any
# stage after it (a lead won straight from New has passed every step).
LADDER: tuple[Stage, ...] = (*OPEN_STAGES, Stage.WON)
WINDOW_DAYS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365}
WINDOW_CHOICES = (*WINDOW_DAYS, "all")
VELOCITY_WEEKS = 12
DEFAULT_LIFETIME_YEARS = 3.0


@dataclass(frozen=True)
class Window:
    """[since, until); since None means from the beginning."""

    since: datetime | None
    until: datetime
    name: str

    @classmethod
    def last(cls, name: str, now: datetime) -> "Window":
        if name == "all":
            return cls(None, now, "all")
        if name not in WINDOW_DAYS:
            raise InvalidInput(f"window must be one of {', '.join(WINDOW_CHOICES)}")
        return cls(now - timedelta(days=WINDOW_DAYS[name]), now, name)

    @classmethod
    def between(cls, first: date, last: date) -> "Window":
        """Whole UTC days, `last` included."""
        if last < first:
            raise InvalidInput(f"the window ends ({last}) before it starts ({first})")
        since = datetime.combine(first, time(0), UTC)
        return cls(since, datetime.combine(last, time(0), UTC) + timedelta(days=1), "custom")

    @property
    def label(self) -> str:
        if self.since is None:
            return "all time"
        if self.name in WINDOW_DAYS:
            return f"last {WINDOW_DAYS[self.name]} days"
        last_day = (self.until - timedelta(seconds=1)).date()
        return f"{self.since.date()} to {last_day}"

    def previous(self) -> "Window | None":
        """The window of the same length just before this one."""
        if self.since is None:
            return None
        length = self.until - self.since
        return Window(self.since - length, self.since, f"before {self.name}")


_CLOSED = frozenset(stage.value for stage in CLOSED_STAGES)


def standing(changes: Sequence[tuple[str | None, str]]) -> list[bool]:
    """Which of one lead's stage changes, (from, to) in the order they were
    made, stand (DEFINITIONS["stage_history"]). A change cancels the lead's
    latest standing change when it takes that one back: it returns the lead
    to the stage that change came from (a `back` after an advance, the undo
    of a move), or it reopens the lead that change closed (a reopen, the
    undo of a win or loss). Neither of the two stands, and the change before
    them is the latest standing one again: cancellations pair off like
    brackets. An undone `back` is a change forward that stands; so is a
    redo."""
    stands = [False] * len(changes)
    latest: list[int] = []  # the standing changes so far, oldest first
    for index, (from_stage, to_stage) in enumerate(changes):
        if latest:
            before, after = changes[latest[-1]]
            if from_stage == after and (to_stage == before or from_stage in _CLOSED):
                stands[latest.pop()] = False
                continue
        stands[index] = True
        latest.append(index)
    return stands


def ratio(part: float, whole: float) -> float | None:
    """part ÷ whole, or None (shown "n/a") when whole is 0: never a division error."""
    return part / whole if whole else None


# ------------------------------------------------------------------ figures


@dataclass(frozen=True)
class FunnelStep:
    stage: Stage
    reached: int
    conversion: float | None  # to the next step; None for the last step or none reached


def funnel(reached_counts: dict[Stage, int]) -> list[FunnelStep]:
    steps = []
    for index, stage in enumerate(LADDER):
        here = reached_counts.get(stage, 0)
        following = LADDER[index + 1] if index + 1 < len(LADDER) else None
        conversion = ratio(reached_counts.get(following, 0), here) if following else None
        steps.append(FunnelStep(stage, here, conversion))
    return steps


class ClosedFigures:
    """Figures of a closed cohort, shared by a source's row and the totals.
    Money is in the team's currency: the leads won in another currency count
    in `won` (and the win rate) but not in the revenue or the average deal
    (`won_elsewhere`; their money is listed per currency, CurrencyMoney)."""

    won: int
    lost: int
    revenue_cents: int
    won_elsewhere: int

    @property
    def win_rate(self) -> float | None:
        return ratio(self.won, self.won + self.lost)

    @property
    def average_deal_cents(self) -> float | None:
        return ratio(self.revenue_cents, self.won - self.won_elsewhere)


@dataclass(frozen=True)
class SourceRow(ClosedFigures):
    """One source over the window. leads/converted: created cohort;
    won/lost/revenue: closed cohort; spend: prorated to the window."""

    source: Source
    leads: int = 0
    converted: int = 0  # of `leads`, how many have reached Won
    won: int = 0
    lost: int = 0
    revenue_cents: int = 0
    spend_cents: int = 0
    won_elsewhere: int = 0

    @property
    def conversion(self) -> float | None:
        return ratio(self.converted, self.leads)

    @property
    def cost_per_lead_cents(self) -> float | None:
        return ratio(self.spend_cents, self.leads) if self.spend_cents else None

    @property
    def cost_per_won_cents(self) -> float | None:
        return ratio(self.spend_cents, self.won) if self.spend_cents else None

    @property
    def roi(self) -> float | None:
        return ratio(self.revenue_cents - self.spend_cents, self.spend_cents)

    def lifetime_value_cents(self, years: float) -> float | None:
        deal = self.average_deal_cents
        return None if deal is None else deal * years


def total_row(rows: Sequence[SourceRow]) -> SourceRow:
    return SourceRow(
        Source.OTHER,
        leads=sum(r.leads for r in rows),
        converted=sum(r.converted for r in rows),
        won=sum(r.won for r in rows),
        lost=sum(r.lost for r in rows),
        revenue_cents=sum(r.revenue_cents for r in rows),
        spend_cents=sum(r.spend_cents for r in rows),
        won_elsewhere=sum(r.won_elsewhere for r in rows),
    )


# The by-source table's sortable columns: (label, key); None sorts last.
SOURCE_SORTS: tuple[tuple[str, str], ...] = (
    ("leads", "leads"),
    ("conv", "conversion"),
    ("win", "win_rate"),
    ("revenue", "revenue_cents"),
    ("deal", "average_deal_cents"),
    ("spend", "spend_cents"),
    ("CPL", "cost_per_lead_cents"),
    ("CPW", "cost_per_won_cents"),
    ("ROI", "roi"),
)


def sort_sources(rows: Sequence[SourceRow], key: str) -> list[SourceRow]:
    """Largest first; sources without a figure ("n/a") last, by name."""

    def rank(row: SourceRow) -> tuple[bool, float, str]:
        value = getattr(row, key)
        return (value is None, -(value or 0.0), row.source.value)

    return sorted(rows, key=rank)


@dataclass(frozen=True)
class LostReason:
    reason: str
    count: int
    value_cents: int


def one_row_per_reason(reasons: Sequence[LostReason]) -> tuple[LostReason, ...]:
    """Reasons spelled apart only by case and spacing ("No budget", "NO
    BUDGET"), stored before a loss took the team's spelling, as one row
    under its most used spelling: the most lost first."""
    rows: dict[str, list[LostReason]] = {}
    for reason in reasons:
        rows.setdefault(reason_key(reason.reason), []).append(reason)
    merged = [
        LostReason(
            min(spellings, key=lambda r: (-r.count, r.reason)).reason,
            sum(r.count for r in spellings),
            sum(r.value_cents for r in spellings),
        )
        for spellings in rows.values()
    ]
    return tuple(sorted(merged, key=lambda r: (-r.count, r.reason)))


@dataclass(frozen=True)
class Outcomes(ClosedFigures):
    """The closed cohort."""

    won: int = 0
    lost: int = 0
    revenue_cents: int = 0
    # Created -> won, in days, over the won leads: their sum and the median
    # (the repository finds it without reading every cycle).
    cycle_total_days: float = 0.0
    median_cycle_days: float | None = None
    lost_reasons: tuple[LostReason, ...] = ()
    lost_by_stage: dict[Stage, int] = field(default_factory=dict)
    won_elsewhere: int = 0
    currency: str = DEFAULT_CURRENCY  # of the money above
    other_currencies: tuple["CurrencyMoney", ...] = ()  # the closed cohort's, apart
    # The team's rates for the report's currencies; when they convert, the
    # money above includes the other currencies' (still listed, unconverted,
    # in other_currencies) and `own` is the team currency's alone.
    rates: Rates | None = None
    own: "CurrencyMoney | None" = None

    @property
    def average_cycle_days(self) -> float | None:
        return ratio(self.cycle_total_days, self.won)


@dataclass(frozen=True)
class Money:
    """Open leads now: value and value × stage probability, in `currency`
    (the team's); the leads valued in another are counted in open_leads and
    their money listed apart (other_currencies)."""

    open_leads: int
    pipeline_cents: int
    weighted_cents: int
    currency: str = DEFAULT_CURRENCY
    other_currencies: tuple["CurrencyMoney", ...] = ()
    rates: Rates | None = None  # as Outcomes.rates
    own: "CurrencyMoney | None" = None


@dataclass(frozen=True)
class CurrencyMoney:
    """The money of the leads valued in one currency, never added to
    another's: the closed cohort's (won, revenue, lost value) or the open
    pipeline's, whichever it describes."""

    currency: str
    won: int = 0
    revenue_cents: int = 0
    lost: int = 0
    lost_value_cents: int = 0
    open_leads: int = 0
    pipeline_cents: int = 0
    weighted_cents: int = 0

    @property
    def average_deal_cents(self) -> float | None:
        return ratio(self.revenue_cents, self.won)


@dataclass(frozen=True)
class Velocity:
    """New and newly qualified leads per week, oldest week first, ending at
    the window's end; and qualified leads in the last 30 days against the 30
    before."""

    new_per_week: tuple[int, ...]
    qualified_per_week: tuple[int, ...]
    qualified_last_30: int
    qualified_previous_30: int

    @property
    def qualified_growth(self) -> float | None:
        return ratio(
            self.qualified_last_30 - self.qualified_previous_30, self.qualified_previous_30
        )


@dataclass(frozen=True)
class Health:
    """Open leads now that are rotting (nothing happened for longer than their
    stage allows) or overdue (the follow-up's day has ended)."""

    open_leads: int
    rotting: int
    overdue: int

    @property
    def rotting_share(self) -> float | None:
        return ratio(self.rotting, self.open_leads)

    @property
    def overdue_share(self) -> float | None:
        return ratio(self.overdue, self.open_leads)


@dataclass(frozen=True)
class Headline:
    """The figures compared with the previous window."""

    new_leads: int
    win_rate: float | None
    revenue_cents: int
    average_deal_cents: float | None
    average_cycle_days: float | None
    cost_per_lead_cents: float | None

    @classmethod
    def of(cls, new_leads: int, spend_cents: int, outcomes: Outcomes) -> "Headline":
        return cls(
            new_leads=new_leads,
            win_rate=outcomes.win_rate,
            revenue_cents=outcomes.revenue_cents,
            average_deal_cents=outcomes.average_deal_cents,
            average_cycle_days=outcomes.average_cycle_days,
            cost_per_lead_cents=ratio(spend_cents, new_leads) if spend_cents else None,
        )


def change(current: float | None, previous: float | None) -> float | None:
    """Relative change, e.g. 0.25 for +25%; None when either side is missing
    or the previous value is 0."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / abs(previous)


def sparkline(values: Sequence[int]) -> str:
    bars = "▁▂▃▄▅▆▇█"
    top = max(values, default=0)
    if not top:
        return bars[0] * len(values)
    return "".join(bars[min(7, math.ceil(v / top * 8) - 1) if v else 0] for v in values)


DEFINITIONS: dict[str, str] = {
    "stage_history": (
        "the stage changes that stand: a change is cancelled, and left out with the change"
        " that cancelled it, when it is undone, when `back` returns the lead to the stage it"
        " came from, or when the lead it closed is reopened (a reopened Won is no longer"
        " Won); as of now, even when the cancelling came after the window"
    ),
    "new_leads": "leads created in the window",
    "funnel": (
        "of the leads created in the window, how many reached each stage by the window's end"
        " (entered it or a later one, in the stage history that stands); conversion is the"
        " share of one step that reached the next"
    ),
    "conversion": "of the leads created in the window, the share that reached Won",
    "win_rate": (
        "won ÷ (won + lost), over leads whose last standing stage change in the window closed them"
    ),
    "revenue": (
        "total value of the leads won in the window, in the team's currency; other"
        " currencies are listed apart, or converted in at the team's rates when every"
        " currency present has one (exact, rounded once, half to even)"
    ),
    "average_deal": "revenue ÷ the leads won in the window whose value it includes",
    "spend": "marketing spend of the months overlapping the window, prorated by day",
    "cost_per_lead": "spend ÷ leads created in the window (n/a without spend)",
    "cost_per_won": "spend ÷ leads won in the window (n/a without spend)",
    "roi": "(revenue − spend) ÷ spend (n/a without spend)",
    "lifetime_value": "average deal × expected customer lifetime in years",
    "lost_reasons": "leads lost in the window by reason, with their value",
    "lost_by_stage": "leads lost in the window by the stage they were lost from",
    "pipeline": (
        "value of every open lead now in the team's currency; weighted: × the stage's win"
        " probability (other currencies listed apart, or converted as revenue is)"
    ),
    "cycle": "days from creation to Won, for leads won in the window",
    "time_in_stage": (
        "average days a lead stayed in a stage, for stays that ended in the window, from the"
        " standing change into the stage to the standing change out of it"
    ),
    "velocity": (
        "new leads and leads entering Qualified (by a standing change) per week, 12 weeks to"
        " the window's end; growth: qualified in the last 30 days against the 30 before"
    ),
    "rotting": "open leads with no touch or stage change for longer than their stage allows",
    "overdue": "open leads whose follow-up day has ended",
    "score_calibration": (
        "closed leads per band of the rule score they had when they closed, and the share won"
    ),
}


@dataclass(frozen=True)
class KpiReport:
    window: Window
    owner: str | None
    funnel: list[FunnelStep]
    sources: list[SourceRow]
    outcomes: Outcomes
    money: Money
    time_in_stage: dict[Stage, float | None]
    velocity: Velocity
    health: Health
    headline: Headline
    previous: Headline | None
    lifetime_years: float


_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_month(text: str) -> str:
    month = text.strip()
    if not _MONTH.match(month):
        raise InvalidInput(f"month: {month[:20]!r} is not a month like 2026-11")
    if not FIRST_DAY <= date.fromisoformat(f"{month}-01") <= LAST_DAY:
        raise InvalidInput(f"month: {month} is outside {FIRST_DAY:%Y-%m} to {LAST_DAY:%Y-%m}")
    return month


def check_source(text: str) -> Source:
    try:
        return Source(text.strip().lower())
    except ValueError:
        choices = ", ".join(source.value for source in Source)
        raise InvalidInput(f"source: {text.strip()[:30]!r} is not one of {choices}") from None
