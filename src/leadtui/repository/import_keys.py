"""The keys an import finds its duplicates by (import_store.py)."""

from collections.abc import Iterable
from operator import itemgetter

import sqlite_utils

from leadtui.domain.dedupe import email_key, phone_key
from leadtui.repository.team_settings import region_of


class Keys:
    """Email and phone of every lead, and the emails and phones merges kept
    (the contacts), to find an import's duplicates: re-importing an old list
    must not bring back a person merged away. The stored leads' phone keys
    are read as stored (parsing a million numbers again would take minutes);
    a row's are computed in the team's region.

    A contact's key joins the same dicts as the leads' own (a row's lookup
    stays one probe each, on the path almost every row takes), unless a
    lead holds it as its own; the sets say which keys came from contacts."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.region = region_of(db)
        self.emails: dict[str, int] = {}
        self.phones: dict[str, int] = {}
        for lead_id, email, key in db.execute("SELECT id, email, phone_key FROM leads"):
            self._keep(lead_id, email_key(email), key)
        self.secondary_emails: set[str] = set()
        self.secondary_phones: set[str] = set()
        for lead_id, kind, key in db.execute("SELECT lead_id, kind, key FROM contacts ORDER BY id"):
            keys, secondary = (
                (self.emails, self.secondary_emails)
                if kind == "email"
                else (self.phones, self.secondary_phones)
            )
            key = key if kind == "email" else key.lstrip("+")
            if key not in keys:
                keys[key] = lead_id
                secondary.add(key)

    def keep_contacts(self, lead_id: int, contacts: Iterable[tuple[str, str]]) -> None:
        """A row's secondary contacts (leadtui's own export), so that a later
        row of the same file with one of them as its own email or phone is
        found to be the same person, as a stored contact would be."""
        for kind, value in contacts:
            if kind == "email":
                key, keys, secondary = email_key(value), self.emails, self.secondary_emails
            else:
                key, keys, secondary = (
                    phone_key(value, self.region),
                    self.phones,
                    self.secondary_phones,
                )
                key = key.lstrip("+") if key is not None else None
            if key is not None and key not in keys:
                keys[key] = lead_id
                secondary.add(key)

    def keep(self, lead_id: int, keys: tuple[str | None, str | None]) -> None:
        self._keep(lead_id, *keys)

    def _keep(self, lead_id: int, email: str | None, phone: str | None) -> None:
        if email is not None:
            self.emails.setdefault(email, lead_id)
        if phone is not None:
            self.phones.setdefault(phone.lstrip("+"), lead_id)

    def match(self, keys: tuple[str | None, str | None]) -> tuple[int, str] | None:
        """The lead a row duplicates, and why: a lead's own email or phone
        first, then a contact's, as the quick-add ranks them."""
        email, phone = keys
        # Matched without the "+": a number read before there was a region
        # (its digits) and the same number as E.164 are one.
        bare = phone.lstrip("+") if phone is not None else None
        hits = [
            (key in secondary, found, why)
            for key, table, secondary, why in (
                (email, self.emails, self.secondary_emails, "same email"),
                (bare, self.phones, self.secondary_phones, "same phone"),
            )
            if key is not None and (found := table.get(key)) is not None
        ]
        if not hits:
            return None
        secondary, lead_id, why = min(hits, key=itemgetter(0))  # the first of a lead's own
        return lead_id, f"{why} (secondary)" if secondary else why
