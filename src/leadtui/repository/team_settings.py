"""The team's currency and phone region, stored in `settings` (the
Repository's piece for them; see repository/core.py).

The currency is the one a lead's value is in when it names none (NULL in
`leads.currency`): what the KPIs' money figures are in, and what a lead
read from the file says (LEAD_SELECT resolves it). The region is how a
national phone number is read (`020 7946 0001` in GB) for the duplicate
checks: changing it recomputes every lead's phone key in one transaction.

A rate (`rate:GBP` = "1.17") says what one unit of another currency is
worth in the team's; the KPIs convert with them (domain/kpi_money.py).
Rates are in the team's currency, so changing it clears them.

The time zone (team_zone.py) is whose days a follow-up's day, "today",
due and overdue are: `team_now()` is the clock in it.
"""

import time
from datetime import datetime, tzinfo
from decimal import Decimal

import sqlite_utils

from leadtui.domain.clock import check_zone
from leadtui.domain.currency import DEFAULT_CURRENCY, check_currency, check_rate, rate_text
from leadtui.domain.dedupe import check_region, phone_key
from leadtui.domain.errors import DatabaseUnavailable, InvalidInput
from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Stage
from leadtui.repository.core import Filters
from leadtui.repository.scores import read_setting, write_setting
from leadtui.repository.team_zone import TIME_ZONE_KEY, zone_name_of, zone_of

CURRENCY_KEY = "currency"
REGION_KEY = "phone_region"
RATE_PREFIX = "rate:"
# The board's column totals leave these out of the team's sum. Written as
# two ranges either side of the team's currency: with `currency <> ?` the
# planner scanned every lead (159 ms at 100k, on every board re-read)
# instead of the partial index that holds only the leads naming a currency.
OTHER_CURRENCY_VALUES = (
    "SELECT stage, currency, coalesce(sum(value_cents), 0) FROM leads"
    " WHERE currency IS NOT NULL AND (currency < ? OR currency > ?){where}"
    " GROUP BY stage, currency"
)
# How long a read of the team's zone is kept: the board asks the clock on
# every redraw, and a teammate's `setting timezone` shows within this.
ZONE_KEPT_SECONDS = 5.0
# A lead's currency as read: its own, else the team's, else the default.
# (A constant subquery: SQLite evaluates it once per statement.)
CURRENCY_SQL = (
    f"coalesce(currency, (SELECT value FROM settings WHERE key = '{CURRENCY_KEY}'),"
    f" '{DEFAULT_CURRENCY}')"
)


# A secondary phone's new key, unless the lead already has a contact with
# that key (two numbers that now read as one): that one is kept as it was,
# as SQLite's UPDATE OR IGNORE did, in a text PostgreSQL runs too.
_REKEY_CONTACT = """
UPDATE contacts SET key = coalesce(:key, key) WHERE id = :id
   AND NOT EXISTS (SELECT 1 FROM contacts AS same
                    WHERE same.lead_id = contacts.lead_id AND same.kind = contacts.kind
                      AND same.key = coalesce(:key, contacts.key) AND same.id <> contacts.id)"""


def team_currency_of(db: sqlite_utils.Database) -> str:
    return read_setting(db, CURRENCY_KEY) or DEFAULT_CURRENCY


def rates_of(db: sqlite_utils.Database) -> dict[str, Decimal]:
    """Every rate the team set, by currency code."""
    rows = db.execute(
        "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ? ORDER BY key",
        [len(RATE_PREFIX), RATE_PREFIX],
    ).fetchall()
    return {key.removeprefix(RATE_PREFIX): Decimal(value) for key, value in rows}


def region_of(db: sqlite_utils.Database) -> str | None:
    return read_setting(db, REGION_KEY)


def phone_key_in(db: sqlite_utils.Database, phone: str | None) -> str | None:
    """The phone's dedupe key, national numbers read in the team's region."""
    return phone_key(phone, region_of(db)) if phone else None


class TeamSettings:
    def __init__(self, repo: Filters) -> None:
        self.repo = repo
        self._zone: tuple[float, tzinfo] | None = None  # (read at, zone)

    def team_now(self, *, read: bool = True) -> datetime:
        """The clock in the team's time zone: what "today", a follow-up's
        day, due and overdue are read in (domain/clock.py). Without `read`,
        in the zone last read however long ago (read only if none was): the
        TUI draws with that on its UI thread, which must not wait for the
        database, and refreshes it in each database job's thread."""
        kept = self._zone
        if kept is None or (read and time.monotonic() - kept[0] > ZONE_KEPT_SECONDS):
            try:
                with self.repo._connection() as db:
                    kept = self._zone = (time.monotonic(), zone_of(db))
            except DatabaseUnavailable:
                # The TUI asks on every redraw: a server gone for a moment
                # keeps the zone it had rather than failing the redraw.
                if kept is None:
                    raise
        return self.repo.clock().astimezone(kept[1])

    def time_zone(self) -> str | None:
        """The team's time zone as set (an IANA name), None when unset (UTC)."""
        with self.repo._connection() as db:
            return zone_name_of(db)

    def set_time_zone(self, text: str) -> str:
        """Set the team's time zone (an IANA name: "Asia/Tokyo"). Stored
        times do not change; the days they fall on do."""
        name = check_zone(text)
        with self.repo._transaction() as db:
            write_setting(db, TIME_ZONE_KEY, name)
        self._zone = None
        return name

    def team_currency(self) -> str:
        with self.repo._connection() as db:
            return team_currency_of(db)

    def other_currency_values(self, only: LeadFilter | None = None) -> dict[Stage, dict[str, int]]:
        """{stage: {currency: value in hundredths}} of the leads valued in
        another currency than the team's (of those `only` lets through):
        the board's column totals must not add them into the team's sum.
        Read through the partial index that holds only the leads naming a
        currency, so its cost grows with those leads alone."""
        where, params = self.repo._filtered(only)
        with self.repo._connection() as db:
            team = team_currency_of(db)
            rows = db.execute(
                OTHER_CURRENCY_VALUES.format(where=where), [team, team, *params]
            ).fetchall()
        found: dict[Stage, dict[str, int]] = {}
        for stage, currency, cents in rows:
            found.setdefault(Stage(stage), {})[currency] = int(cents)
        return found

    def set_team_currency(self, text: str) -> tuple[str, int]:
        """Set the team's currency (ISO 4217, or a symbol: "€"); the leads
        that name none are in it from now on. A change clears the rates,
        which were in the old one. Returns the code and the rates cleared."""
        code = check_currency(text)
        with self.repo._transaction() as db:
            cleared = 0
            if code != team_currency_of(db):
                cleared = db.execute(
                    "DELETE FROM settings WHERE substr(key, 1, ?) = ?",
                    [len(RATE_PREFIX), RATE_PREFIX],
                ).rowcount
            write_setting(db, CURRENCY_KEY, code)
        return code, cleared

    def leads_in_team_currency(self) -> int:
        """How many leads name no currency of their own: a change of the
        team's currency changes theirs (3,000 USD reads 3,000 EUR)."""
        with self.repo._connection() as db:
            return int(
                db.execute("SELECT count(*) FROM leads WHERE currency IS NULL").fetchone()[0]
            )

    def rates(self) -> dict[str, Decimal]:
        with self.repo._connection() as db:
            return rates_of(db)

    def set_rate(self, currency: str, rate: str | None) -> tuple[str, Decimal | None]:
        """Set (or, with None, clear) what one unit of `currency` is worth in
        the team's currency. Returns the code and the rate it had."""
        code = check_currency(currency)
        value = None if rate is None else check_rate(rate)
        with self.repo._transaction() as db:
            team = team_currency_of(db)
            if code == team:
                raise InvalidInput(f"rate: {code} is the team's currency (its rate is 1)")
            before = rates_of(db).get(code)
            write_setting(db, RATE_PREFIX + code, None if value is None else rate_text(value))
        return code, before

    def phone_region(self) -> str | None:
        with self.repo._connection() as db:
            return region_of(db)

    def set_phone_region(self, text: str) -> tuple[str, int]:
        """Set the region national phone numbers are read in ("GB"), and
        recompute every lead's and contact's phone key with it. Returns the
        region and how many keys changed."""
        region = check_region(text)
        changed = 0
        with self.repo._transaction() as db:
            write_setting(db, REGION_KEY, region)
            for sql, update in (
                ("SELECT id, phone, phone_key FROM leads WHERE phone IS NOT NULL",
                 "UPDATE leads SET phone_key = :key WHERE id = :id"),
                ("SELECT id, value, key FROM contacts WHERE kind = 'phone'", _REKEY_CONTACT),
            ):  # fmt: skip
                updates = [
                    {"key": new, "id": row_id}
                    for row_id, phone, old in db.execute(sql).fetchall()
                    if (new := phone_key(phone, region)) != old
                ]
                db.conn.executemany(update, updates)
                changed += len(updates)
        return region, changed
