"""KPI money per currency: the team's figures never add another currency's
amounts. Pure.

The figures are computed over every lead (the rollups know no currency);
the repository then reads, through an index, the few leads valued in
another currency than the team's, and these functions take their money out
of the team's figures and list it per currency instead. Counts (leads, won,
lost, the win rate) still count every lead: a deal won in yen is a deal won.

When the team has set a rate for every currency present (Rates.converts),
the other currencies' money is converted in instead: each figure is the
team's money plus the others' at their rates, exact, rounded once to the
team currency's minor unit (currency.Rates.total). The others stay listed
in other_currencies, unconverted, and `own` keeps the team's alone.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from leadtui.domain.currency import Rates
from leadtui.domain.kpis import CurrencyMoney, LostReason, Money, Outcomes, SourceRow
from leadtui.domain.models import Source, Stage
from leadtui.domain.pipeline import WIN_PROBABILITY


@dataclass(frozen=True)
class ForeignClosed:
    """A lead of the closed cohort valued in another currency."""

    currency: str
    source: Source
    won: bool
    reason: str  # the lost reason ("" for none); unused when won
    value_cents: int


@dataclass(frozen=True)
class ForeignOpen:
    """Open leads of one stage valued in one other currency."""

    currency: str
    stage: Stage
    leads: int
    value_cents: int


def team_outcomes(
    outcomes: Outcomes,
    foreign: Iterable[ForeignClosed],
    currency: str,
    rates: Rates | None = None,
) -> Outcomes:
    rows = list(foreign)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    lost_value: dict[str, int] = defaultdict(int)
    for row in rows:
        figures = per[row.currency]
        if row.won:
            figures[0] += 1
            figures[1] += row.value_cents
        else:
            figures[2] += 1
            figures[3] += row.value_cents
            lost_value[row.reason or "(none)"] += row.value_cents
    won_elsewhere = sum(figures[0] for figures in per.values())
    apart = replace(
        outcomes,
        revenue_cents=outcomes.revenue_cents - sum(f[1] for f in per.values()),
        won_elsewhere=won_elsewhere,
        lost_reasons=tuple(
            LostReason(r.reason, r.count, r.value_cents - lost_value.get(r.reason, 0))
            for r in outcomes.lost_reasons
        ),
        currency=currency,
        other_currencies=tuple(
            CurrencyMoney(code, won=f[0], revenue_cents=f[1], lost=f[2], lost_value_cents=f[3])
            for code, f in sorted(per.items())
        ),
        rates=rates,
    )
    if rates is None or not rates.converts:
        return apart
    own = CurrencyMoney(
        currency,
        won=outcomes.won - won_elsewhere,
        revenue_cents=apart.revenue_cents,
        lost=outcomes.lost - sum(f[2] for f in per.values()),
        lost_value_cents=sum(reason.value_cents for reason in apart.lost_reasons),
    )
    won = [(row.currency, row.value_cents) for row in rows if row.won]
    return replace(
        apart,
        revenue_cents=rates.total([(currency, apart.revenue_cents), *won]),
        won_elsewhere=0,
        lost_reasons=tuple(
            replace(
                reason,
                value_cents=rates.total(
                    [(currency, reason.value_cents)]
                    + [
                        (row.currency, row.value_cents)
                        for row in rows
                        if not row.won and (row.reason or "(none)") == reason.reason
                    ]
                ),
            )
            for reason in apart.lost_reasons
        ),
        own=own,
    )


def team_sources(
    rows: list[SourceRow], foreign: Iterable[ForeignClosed], rates: Rates | None = None
) -> list[SourceRow]:
    """Each source's revenue in the team's currency alone, or with the other
    currencies' converted in when `rates` convert."""
    taken: dict[Source, list[int]] = defaultdict(lambda: [0, 0])
    won: dict[Source, list[tuple[str, int]]] = defaultdict(list)
    for row in foreign:
        if row.won:
            taken[row.source][0] += 1
            taken[row.source][1] += row.value_cents
            won[row.source].append((row.currency, row.value_cents))
    if rates is not None and rates.converts:
        return [
            replace(
                row,
                revenue_cents=rates.total(
                    [(rates.currency, row.revenue_cents - taken[row.source][1]), *won[row.source]]
                ),
            )
            if row.source in taken
            else row
            for row in rows
        ]
    return [
        replace(
            row,
            won_elsewhere=taken[row.source][0],
            revenue_cents=row.revenue_cents - taken[row.source][1],
        )
        if row.source in taken
        else row
        for row in rows
    ]


def team_money(
    money: Money, foreign: Iterable[ForeignOpen], currency: str, rates: Rates | None = None
) -> Money:
    per: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for row in foreign:
        figures = per[row.currency]
        figures[0] += row.leads
        figures[1] += row.value_cents
        figures[2] += row.value_cents * WIN_PROBABILITY[row.stage]
    others = tuple(
        CurrencyMoney(code, open_leads=int(f[0]), pipeline_cents=int(f[1]),
                      weighted_cents=round(f[2]))
        for code, f in sorted(per.items())
    )  # fmt: skip
    apart = replace(
        money,
        pipeline_cents=money.pipeline_cents - sum(other.pipeline_cents for other in others),
        weighted_cents=round(money.weighted_cents - sum(f[2] for f in per.values())),
        currency=currency,
        other_currencies=others,
        rates=rates,
    )
    if rates is None or not rates.converts:
        return apart
    return replace(
        apart,
        pipeline_cents=rates.total(
            [(currency, apart.pipeline_cents)] + [(o.currency, o.pipeline_cents) for o in others]
        ),
        weighted_cents=rates.total(
            [(currency, apart.weighted_cents)] + [(o.currency, o.weighted_cents) for o in others]
        ),
        own=CurrencyMoney(
            currency,
            open_leads=money.open_leads - sum(o.open_leads for o in others),
            pipeline_cents=apart.pipeline_cents,
            weighted_cents=apart.weighted_cents,
        ),
    )


def by_currency(outcomes: Outcomes, money: Money) -> list[CurrencyMoney]:
    """Every currency's money in itself, the team's first: what the KPI
    JSON lists."""
    team = CurrencyMoney(
        outcomes.currency,
        won=outcomes.won - outcomes.won_elsewhere,
        revenue_cents=outcomes.revenue_cents,
        lost=outcomes.lost - sum(other.lost for other in outcomes.other_currencies),
        lost_value_cents=sum(reason.value_cents for reason in outcomes.lost_reasons),
        open_leads=money.open_leads - sum(other.open_leads for other in money.other_currencies),
        pipeline_cents=money.pipeline_cents,
        weighted_cents=money.weighted_cents,
    )
    own_closed, own_open = outcomes.own, money.own  # when converted: the team's own
    if own_closed is not None:
        team = replace(
            team,
            won=own_closed.won,
            revenue_cents=own_closed.revenue_cents,
            lost=own_closed.lost,
            lost_value_cents=own_closed.lost_value_cents,
        )
    if own_open is not None:
        team = replace(
            team,
            open_leads=own_open.open_leads,
            pipeline_cents=own_open.pipeline_cents,
            weighted_cents=own_open.weighted_cents,
        )
    others: dict[str, CurrencyMoney] = {}
    for closed in outcomes.other_currencies:
        others[closed.currency] = closed
    for open_ in money.other_currencies:
        found = others.get(open_.currency, CurrencyMoney(open_.currency))
        others[open_.currency] = replace(
            found,
            open_leads=open_.open_leads,
            pipeline_cents=open_.pipeline_cents,
            weighted_cents=open_.weighted_cents,
        )
    return [team, *(others[code] for code in sorted(others))]
