"""What makes two leads the same person: the same email (any case), the same
phone number (E.164, read with the team's region; else its digits), or the
same name at the same company (case and accents ignored). Pure; the
repository stores these keys, indexed.

Phone numbers are read by `phonenumbers` (Google's libphonenumber): with the
team's region (`leadtui setting region GB`), `020 7946 0001`,
`+44 20 7946 0001` and `0044 20 7946 0001` are all +442079460001. A number
it cannot read keeps its digits as the key, as before there was a region.
"""

import re
import unicodedata
from functools import lru_cache

import phonenumbers

from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import Lead

_NOT_DIGIT = re.compile(r"\D+")
_EXTENSION = re.compile(r"\s*(?:x|ext\.?)\s*\d+$", re.IGNORECASE)


def email_key(email: str | None) -> str | None:
    return email.lower() if email else None


def phone_key(phone: str | None, region: str | None = None) -> str | None:
    """A phone number as E.164 ("+442079460001", extension dropped) when it
    can be read, national numbers in `region` (ISO 3166 alpha-2); else its
    digits. None if too short to identify anyone."""
    if not phone:
        return None
    return _phone_key(phone, region)


# Parsing costs 50-200 µs a number; an import or a region change meets the
# same numbers again (a company's switchboard), and a quick-add re-checks
# the same line on every keystroke.
@lru_cache(maxsize=65_536)
def _phone_key(phone: str, region: str | None) -> str | None:
    if "x" in phone or "X" in phone:  # only then can there be an extension
        phone = _EXTENSION.sub("", phone)
    digits = _NOT_DIGIT.sub("", phone)
    if len(digits) < 7:
        return None
    # Without a region only an international number can be read: skip the
    # parser for the rest (it would refuse them).
    if region is not None or phone.lstrip().startswith("+"):
        try:
            number = phonenumbers.parse(phone, region)
        except phonenumbers.NumberParseException:
            return digits
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return digits


def check_region(text: str) -> str:
    """A region as typed ("gb", "US") as the ISO 3166 code phonenumbers knows."""
    region = text.strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidInput(f"region: {text.strip()[:20]!r} is not a country code like GB or US")
    return region


# A file's names and companies repeat: an import folds each once.
@lru_cache(maxsize=65_536)
def _fold(text: str) -> str:
    """'  José  ÖZ ' → 'jose oz': case, accents and spacing ignored."""
    if text.isascii():  # no accents, and NFKD leaves ASCII as it is
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def person_key(name: str | None, company: str | None) -> str | None:
    """Name and company folded together; None without a company (a name
    alone is too common to call two leads the same)."""
    if not name or not company:
        return None
    return f"{_fold(name)}\x1f{_fold(company)}"


def duplicate_line(lead: Lead, why: str) -> str:
    """'possible duplicate of #123 Jane Doe (Acme, Qualified): same email'."""
    where = ", ".join(part for part in (lead.company, lead.stage.label) if part)
    return f"possible duplicate of {lead.tag()} ({where}): {why}"
