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
from typing import Protocol

import sqlite_utils

from leadtui.domain.clock import check_zone
from leadtui.domain.currency import (
    DEFAULT_CURRENCY,
    check_currency,
    check_rate,
    format_units,
    minor_units,
    rate_text,
)
from leadtui.domain.dedupe import check_region, phone_key
from leadtui.domain.errors import DatabaseUnavailable, InvalidInput
from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Stage
from leadtui.repository.core import Filters, Rescores
from leadtui.repository.money_settings import (
    CURRENCY_KEY,
    RATE_PREFIX,
    rates_of,
    team_currency_of,
)
from leadtui.repository.scores import OPEN_STAGE_SQL, read_setting, write_setting
from leadtui.repository.team_zone import TIME_ZONE_KEY, zone_name_of, zone_of

REGION_KEY = "phone_region"
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


def region_of(db: sqlite_utils.Database) -> str | None:
    return read_setting(db, REGION_KEY)


def phone_key_in(db: sqlite_utils.Database, phone: str | None) -> str | None:
    """The phone's dedupe key, national numbers read in the team's region."""
    return phone_key(phone, region_of(db)) if phone else None


class _Team(Filters, Rescores, Protocol):
    """... what the team's settings use: filters, and rescoring the leads
    whose value a rate or currency change moves in the team's money."""


# The open leads naming a currency (through the partial index holding only
# those): a rate or the team's currency changes what their value is worth.
_PRICED_IN = (
    "SELECT id FROM leads WHERE currency IS NOT NULL{only}"
    f" AND stage IN ({OPEN_STAGE_SQL}) ORDER BY id"
)


def _too_fine_for(db: sqlite_utils.Database, code: str) -> str | None:
    """Why the amounts that follow the team's currency cannot be in `code`:
    a lead naming no currency, or a month's spend, with a fraction `code`
    has no minor unit for (None when there is none)."""
    step = 10 ** (2 - min(2, minor_units(code)))
    if step == 1:
        return None
    lead = db.execute(
        "SELECT id, value_cents, count(*) OVER () FROM leads"
        " WHERE currency IS NULL AND value_cents % ? != 0 ORDER BY id LIMIT 1",
        [step],
    ).fetchone()
    spend = db.execute("SELECT count(*) FROM spend WHERE amount_cents % ? != 0", [step]).fetchone()[
        0
    ]
    if lead is None and not spend:
        return None
    what = []
    if lead is not None:
        count = int(lead[2])
        what.append(
            f"{count:,} lead{'s' if count > 1 else ''} naming no currency"
            f" (#{lead[0]}: {format_units(int(lead[1]))})"
        )
    if spend:
        what.append(f"{int(spend):,} spend month{'s' if spend > 1 else ''}")
    # A lead naming no currency cannot be given the old one explicitly (it
    # is the team's, so `set` leaves it following): rounding is the way on.
    how = f"leadtui set {lead[0]} value {int(lead[1]) // 100:,}" if lead else "leadtui spend"
    return (
        f"currency {code}: it has no unit for the cents of {' and '.join(what)};"
        f" round them first ({how}…), then change it"
    )


class TeamSettings:
    def __init__(self, repo: _Team) -> None:
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
        that name none, and the recorded spend, are in it from now on. A
        change clears the rates, which were in the old one. Refused when
        those amounts hold fractions the new one has no unit for (cents
        into yen): shown as ¥1,234 but kept and exported as 1,234.50, the
        screens and the file would disagree. Returns the code and the rates
        cleared."""
        code = check_currency(text)
        with self.repo._transaction() as db:
            cleared = 0
            if code == team_currency_of(db):
                return code, 0
            if refusal := _too_fine_for(db, code):
                raise InvalidInput(refusal)
            cleared = db.execute(
                "DELETE FROM settings WHERE substr(key, 1, ?) = ?",
                [len(RATE_PREFIX), RATE_PREFIX],
            ).rowcount
            write_setting(db, CURRENCY_KEY, code)
            # Their value in the team's money moved (the rates went, and a
            # lead in the new currency is now at par): rescored with it.
            ids = [row[0] for row in db.execute(_PRICED_IN.format(only="")).fetchall()]
            self.repo._rescore(db, ids, self.repo.clock())
        return code, cleared

    def currency_refusal(self, code: str) -> str | None:
        """Why the team's currency may not become `code`, or None (the CLI
        says it before asking to confirm)."""
        with self.repo._connection() as db:
            return _too_fine_for(db, check_currency(code))

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
            if value != before:  # what its leads' values are worth moved: rescored
                sql = _PRICED_IN.format(only=" AND currency = ?")
                ids = [row[0] for row in db.execute(sql, [code]).fetchall()]
                self.repo._rescore(db, ids, self.repo.clock())
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
