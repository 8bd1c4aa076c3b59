"""The team's currency and rates as stored in `settings`, read by the
pieces that compare money across currencies (scores, KPIs, the team's
settings). Apart from team_settings.py, which imports scores.py: the scores
read them too."""

from decimal import Decimal

import sqlite_utils

from leadtui.domain.currency import DEFAULT_CURRENCY, TeamMoney

CURRENCY_KEY = "currency"
RATE_PREFIX = "rate:"


def team_currency_of(db: sqlite_utils.Database) -> str:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [CURRENCY_KEY]).fetchone()
    return str(row[0]) if row else DEFAULT_CURRENCY


def rates_of(db: sqlite_utils.Database) -> dict[str, Decimal]:
    """Every rate the team set, by currency code."""
    rows = db.execute(
        "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ? ORDER BY key",
        [len(RATE_PREFIX), RATE_PREFIX],
    ).fetchall()
    return {key.removeprefix(RATE_PREFIX): Decimal(value) for key, value in rows}


def team_money_of(db: sqlite_utils.Database) -> TeamMoney:
    return TeamMoney(team_currency_of(db), rates_of(db))
