"""The leads valued in another currency than the team's, for the KPIs'
money (domain/kpi_money.py takes them out of the team's figures and lists
them per currency). Kept apart from the rollups and their triggers: it reads
the leads themselves, through the partial index on `leads.currency`, which
holds only the leads that name a currency, so the cost grows with those
leads alone, not with the file.

A lead's currency is its own or, when NULL, the team's: "another currency"
is a currency that is set and differs from the team's.
"""

from typing import Any

import sqlite_utils

from leadtui.domain.currency import Rates, rates_for
from leadtui.domain.kpi_money import ForeignClosed, ForeignOpen
from leadtui.domain.kpis import Window
from leadtui.domain.models import Source, Stage
from leadtui.domain.pipeline import OPEN_STAGES
from leadtui.repository.engine import dialect_of
from leadtui.repository.kpi_queries import params
from leadtui.repository.money_settings import rates_of

_OPEN_SQL = ", ".join(f"'{stage.value}'" for stage in OPEN_STAGES)
# Two range scans of leads_currency, either side of the team's currency.
_FOREIGN = (
    "l.currency IS NOT NULL AND (l.currency < :team OR l.currency > :team)"
    " AND (CAST(:owner AS TEXT) IS NULL OR l.owner = :owner)"
)


def foreign_closed(
    db: sqlite_utils.Database, window: Window, owner: str | None, team: str
) -> list[ForeignClosed]:
    """The closed cohort's leads in other currencies (the cohort of
    kpi_queries: a lead whose last stage change before the window's end is
    inside it and to Won or Lost). A lead not changed since the window
    ended is judged by its latest change (leads.last_stage_*, as the rollups
    are), from the index alone; one changed since (a past window), by one
    probe of its own stage history."""
    args: dict[str, Any] = params(window, owner) | {"team": team}
    by = dialect_of(db).indexed_by
    rows = db.execute(
        f"""
        SELECT l.currency, l.source, l.last_stage_to, coalesce(l.last_stage_reason, ''),
               l.value_cents
          FROM leads l{by("leads_currency")}
         WHERE {_FOREIGN} AND l.last_stage_at >= :since AND l.last_stage_at < :until
           AND l.last_stage_to IN ('won', 'lost')
        UNION ALL
        SELECT l.currency, l.source, c.new, coalesce(c.note, ''), l.value_cents
          FROM leads l{by("leads_currency")}
          JOIN journal c ON c.id = (
               SELECT p.id FROM journal p{by("journal_stage_lead")}
                WHERE p.field = 'stage' AND p.lead_id = l.id AND p.at < :until
                ORDER BY p.at DESC, p.id DESC LIMIT 1)
         WHERE {_FOREIGN} AND l.last_stage_at >= :until
           AND c.at >= :since AND c.new IN ('won', 'lost')
        """,
        args,
    ).fetchall()
    return [
        ForeignClosed(currency, Source(source), stage == Stage.WON.value, reason, value)
        for currency, source, stage, reason, value in rows
    ]


def foreign_open(db: sqlite_utils.Database, owner: str | None, team: str) -> list[ForeignOpen]:
    """Open leads in other currencies now, per currency and stage (covered
    by the index without an owner)."""
    rows = db.execute(
        f"SELECT l.currency, l.stage, count(*), sum(l.value_cents)"
        f" FROM leads l{dialect_of(db).indexed_by('leads_currency')}"
        f" WHERE {_FOREIGN} AND l.stage IN ({_OPEN_SQL})"
        " GROUP BY 1, 2",
        {"team": team, "owner": owner},
    ).fetchall()
    return [ForeignOpen(currency, Stage(stage), n, value) for currency, stage, n, value in rows]


def report_rates(
    db: sqlite_utils.Database, window: Window | None, owner: str | None, team: str
) -> Rates:
    """The team's rates for every currency a report's money comes in: the
    window's closed cohort, the previous window's (the arrows compare with
    it) and the open leads now. One rate missing and nothing is converted,
    so no two figures compared are on different footings. Without a window
    (the open leads alone), the open leads' currencies."""
    present = {row.currency for row in foreign_open(db, owner, team)}
    windows = [window] if window is not None else []
    if window is not None:
        try:
            previous = window.previous()
        except OverflowError:  # before year 1: no previous window
            previous = None
        windows += [previous] if previous is not None else []
    for each in windows:
        present |= {row.currency for row in foreign_closed(db, each, owner, team)}
    return rates_for(team, rates_of(db), present)
