"""The Repository's KPI piece (repository/core.py): the report in
parts (so the KPI tab can show each as it completes) or whole (the CLI),
marketing spend, and the expected customer lifetime setting."""

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Protocol

import sqlite_utils

from leadtui.domain import kpis
from leadtui.domain.clock import to_iso
from leadtui.domain.currency import Rates, format_money, parse_amount, too_fine
from leadtui.domain.errors import InvalidInput
from leadtui.domain.kpi_money import team_money, team_outcomes, team_sources
from leadtui.domain.kpis import (
    Headline,
    Health,
    KpiReport,
    Money,
    Window,
    check_month,
    check_source,
)
from leadtui.domain.models import Source
from leadtui.domain.pipeline import lost_reason, reason_spellings, spelled_as
from leadtui.domain.results import KpiCore, KpiTimes, SpendEntry, SpendLine
from leadtui.domain.users import managers_only
from leadtui.repository import kpi_queries as q
from leadtui.repository import kpi_rollups as rollups
from leadtui.repository.core import Journaled
from leadtui.repository.engine import dialect_of
from leadtui.repository.kpi_currency import foreign_closed, foreign_open, report_rates
from leadtui.repository.money_settings import team_currency_of
from leadtui.repository.scores import read_setting, write_setting

LIFETIME_KEY = "expected_lifetime_years"


class SpendRepo(Journaled, Protocol):
    """What the KPI piece uses of the Repository: writes, who makes them,
    and whether they are a rep kept to their own leads (who may not change
    the team's spend)."""

    own_leads_only: bool


class KpiStore:
    def __init__(self, repo: SpendRepo) -> None:
        self.repo = repo

    # ------------------------------------------------------------ the report

    # Each part reads the team's rates for the whole report (kpi_currency.
    # report_rates), so the parts the KPI tab loads apart agree on whether
    # the money is converted.

    def kpi_core(self, window: Window, owner: str | None = None) -> KpiCore:
        with self.repo._connection() as db:
            return _core(db, window, owner, _rates(db, window, owner))

    def kpi_previous(self, window: Window, owner: str | None = None) -> Headline | None:
        with self.repo._connection() as db:
            return _previous(db, window, owner, _rates(db, window, owner))

    def kpi_now(
        self, owner: str | None = None, window: Window | None = None
    ) -> tuple[Money, kpis.Health]:
        """Open leads now; `window`, the report's, decides the rates."""
        with self.repo._connection() as db:
            return _now(db, self.repo.clock(), owner, _rates(db, window, owner))

    def kpi_times(self, window: Window, owner: str | None = None) -> KpiTimes:
        with self.repo._connection() as db:
            return _times(db, window, owner)

    def kpi_report(self, window: Window, owner: str | None = None) -> KpiReport:
        """Every figure (for `leadtui kpi`), read in one transaction so they all
        describe the same moment even while teammates keep writing."""
        with self.repo._connection() as db:
            db.execute(dialect_of(db).begin_snapshot)
            try:
                rates = _rates(db, window, owner)
                core = _core(db, window, owner, rates)
                money, health = _now(db, self.repo.clock(), owner, rates)
                times = _times(db, window, owner)
                return KpiReport(
                    window=window,
                    owner=owner,
                    funnel=core.funnel,
                    sources=core.sources,
                    outcomes=core.outcomes,
                    money=money,
                    time_in_stage=times.time_in_stage,
                    velocity=times.velocity,
                    health=health,
                    headline=core.headline,
                    previous=_previous(db, window, owner, rates),
                    lifetime_years=_lifetime_years(db),
                )
            finally:
                db.execute("COMMIT")

    def owners(self, *, with_users: bool = False, spelling: str | None = None) -> list[str]:
        """Every owner of a lead (each lead is counted once in the owners'
        stage totals, so no scan of the leads); `with_users`, and every
        user too: someone an --owner or a filter may name before their
        first lead, whose zeros are then the answer, not a typo's. With
        `spelling`, only the names it is, case aside, as the database's
        lower() compares them (the TUI's filter and --owner match so)."""
        users = " UNION SELECT name FROM users" if with_users else ""
        query = f"SELECT DISTINCT owner FROM kpi_owner_stage_totals WHERE n != 0{users}"
        if spelling is not None:
            query = f"SELECT owner FROM ({query}) AS known WHERE lower(owner) = lower(?)"
        with self.repo._connection() as db:
            rows = db.execute(f"{query} ORDER BY 1", [] if spelling is None else [spelling])
            return [row[0] for row in rows]

    def lost_reasons(self, limit: int | None = 20) -> list[str]:
        """The reasons the team gave for lost leads, the most used first
        (what the TUI's `x` prompt offers to pick from; None: every one)."""
        return self._reason_spellings()[:limit]

    def spell_lost_reason(self, reason: str) -> str:
        """`reason`, checked as a loss checks it, in the spelling the team
        already uses when one differs from it only in case and spacing: a rep
        typing "no budget" next to "No budget" adds a lead to that row of the
        KPI's reasons instead of starting another."""
        return spelled_as(lost_reason(reason), self._reason_spellings())

    def _reason_spellings(self) -> list[str]:
        """One spelling of each reason of the lost leads, the most used first.
        Every reason is read: one spelled apart may be past any limit."""
        with self.repo._connection() as db:
            return team_reason_spellings(db)

    # ----------------------------------------------------------------- spend

    def set_spend(self, source: str, month: str, amount: str) -> int | None:
        """Record a source's spend for a month (replacing any earlier figure,
        which is returned), as the actor's action: not undone (see
        _spend_action)."""
        managers_only(self.repo.own_leads_only, "recording spend")
        with self.repo._transaction() as db:
            cents = _spend_cents(amount, team_currency_of(db))
            entry = SpendEntry(check_source(source), check_month(month), cents)
            before = _store_spend(db, [entry])[0]
            was = "none" if before is None else format_money(before)
            change = f"{was} → {format_money(cents)}"
            _spend_action(db, self.repo, f"Spend {entry.source.value} {entry.month}: {change}")
            return before

    def import_spend(self, lines: Sequence[SpendLine]) -> int:
        """A spend file's rows (importing/spend.py), all or none: InvalidInput
        names the line of the first whose amount is not in the team's
        currency."""
        managers_only(self.repo.own_leads_only, "recording spend")
        with self.repo._transaction() as db:
            team = team_currency_of(db)
            for line in lines:
                try:
                    _in_team_currency(
                        line.amount_text, line.entry.amount_cents, line.currency, team
                    )
                except InvalidInput as error:
                    raise InvalidInput(f"line {line.line}: {error}") from None
            _store_spend(db, [line.entry for line in lines])
            _spend_action(db, self.repo, f"Spend imported: {len(lines):,} months")
        return len(lines)

    def record_spend(self, entries: list[SpendEntry]) -> None:
        managers_only(self.repo.own_leads_only, "recording spend")
        with self.repo._transaction() as db:
            _store_spend(db, entries)

    def spend_entries(self) -> list[SpendEntry]:
        with self.repo._connection() as db:
            return [
                SpendEntry(Source(source), month, cents)
                for source, month, cents in db.execute(
                    "SELECT source, month, amount_cents FROM spend ORDER BY month, source"
                )
            ]

    # --------------------------------------------------------------- settings

    def lifetime_years(self) -> float:
        with self.repo._connection() as db:
            return _lifetime_years(db)

    def set_lifetime_years(self, years: float) -> None:
        if not 0 < years <= 100:
            raise InvalidInput("expected lifetime must be more than 0 and at most 100 years")
        with self.repo._transaction() as db:
            write_setting(db, LIFETIME_KEY, repr(float(years)))


def team_reason_spellings(db: sqlite_utils.Database) -> list[str]:
    """One spelling of each reason of the lost leads, the most used first."""
    return reason_spellings(
        (str(row[0]), int(row[1]))
        for row in db.execute(
            "SELECT lost_reason, count(*) FROM leads"
            " WHERE stage = 'lost' AND lost_reason != '' GROUP BY lost_reason"
        )
    )


# Every figure comes from the per-day rollups (kpi_rollups), the team's or
# one owner's; kpi_queries is the reference they are tested against.


def _rates(db: sqlite_utils.Database, window: Window | None, owner: str | None) -> Rates:
    return report_rates(db, window, owner, team_currency_of(db))


def _core(db: sqlite_utils.Database, window: Window, owner: str | None, rates: Rates) -> KpiCore:
    core = _every_currency(db, window, owner)
    team = rates.currency
    foreign = foreign_closed(db, window, owner, team)
    outcomes = team_outcomes(core.outcomes, foreign, team, rates)
    # After the money per reason is settled, which matches leads to a
    # reason by its exact text.
    outcomes = replace(outcomes, lost_reasons=kpis.one_row_per_reason(outcomes.lost_reasons))
    return KpiCore(core.funnel, team_sources(core.sources, foreign, rates), outcomes)


def _every_currency(db: sqlite_utils.Database, window: Window, owner: str | None) -> KpiCore:
    reached, created = rollups.created_by_source(db, window, owner)
    outcomes, closed = rollups.outcomes_by_source(db, window, owner)
    # Spend is per source, not per rep: with an owner filter it is left
    # out rather than charged in full to one rep's leads.
    spend = q.spend_by_source(db, window) if owner is None else {}
    return KpiCore(kpis.funnel(reached), q.source_rows(created, closed, spend), outcomes)


def _now(
    db: sqlite_utils.Database, now: datetime, owner: str | None, rates: Rates
) -> tuple[Money, Health]:
    team = rates.currency
    foreign = foreign_open(db, owner, team)
    money = rollups.money(db, owner)
    health = rollups.health(db, now, money.open_leads, owner)
    return team_money(money, foreign, team, rates), health


def _times(db: sqlite_utils.Database, window: Window, owner: str | None) -> KpiTimes:
    return KpiTimes(
        rollups.time_in_stage(db, window, owner), rollups.velocity(db, window.until, owner)
    )


def _lifetime_years(db: sqlite_utils.Database) -> float:
    stored = read_setting(db, LIFETIME_KEY)
    return float(stored) if stored else kpis.DEFAULT_LIFETIME_YEARS


def _previous(
    db: sqlite_utils.Database, window: Window, owner: str | None, rates: Rates
) -> Headline | None:
    """The previous window's headline only: a count of new leads, not the funnel."""
    previous = window.previous()
    if previous is None:
        return None
    team = rates.currency
    foreign = foreign_closed(db, previous, owner, team)
    outcomes, _ = rollups.outcomes_by_source(db, previous, owner, median=False)
    outcomes = team_outcomes(outcomes, foreign, team, rates)
    spend = sum(q.spend_by_source(db, previous).values()) if owner is None else 0
    return Headline.of(rollups.count_created(db, previous, owner), spend, outcomes)


def _store_spend(db: sqlite_utils.Database, entries: Iterable[SpendEntry]) -> list[int | None]:
    previous = []
    for entry in entries:
        row = db.execute(
            "SELECT amount_cents FROM spend WHERE source = ? AND month = ?",
            [entry.source.value, entry.month],
        ).fetchone()
        previous.append(row[0] if row else None)
        db.execute(
            "INSERT INTO spend (source, month, amount_cents) VALUES (?, ?, ?)"
            " ON CONFLICT (source, month) DO UPDATE SET amount_cents = excluded.amount_cents",
            [entry.source.value, entry.month, entry.amount_cents],
        )
    return previous


def _spend_action(db: sqlite_utils.Database, repo: SpendRepo, label: str) -> None:
    """Who changed the spend, when and how, as one of their actions. A final
    one, as a merge's: `u` does not take spend back, and says so rather than
    undo an older action of theirs past it (the figure it replaced is shown
    before enter and in the notification, to be put back by hand)."""
    db.execute(
        "INSERT INTO actions (actor, at, label, kind) VALUES (?, ?, ?, 'final')",
        [repo.actor, to_iso(repo.clock()), label],
    )


def _spend_cents(text: str, team: str) -> int:
    """Spend has no currency of its own: it is the team's."""
    try:
        amount = parse_amount(text, team)
    except InvalidInput as error:
        raise InvalidInput(f"amount: {error}") from None
    _in_team_currency(text, amount.cents, amount.currency, team)
    return amount.cents


def _in_team_currency(text: str, cents: int, currency: str | None, team: str) -> None:
    """An amount naming another currency ("5k EUR", "£300") is refused, not
    recorded as the team's money; so is one finer than the team's currency
    has units for (¥100.5)."""
    if currency is not None and currency != team:
        raise InvalidInput(
            f"amount: {text.strip()[:40]!r} is in {currency};"
            f" spend is in the team's currency, {team}"
        )
    if too_fine(cents, team):
        raise InvalidInput(
            f"amount: {team} has no minor units, so {text.strip()[:40]!r} is too fine"
        )
