"""What makes two leads the same person: the same email (any case), the same
phone number (its digits), or the same name at the same company (case and
accents ignored). Pure; the repository stores these keys, indexed."""

import re
import unicodedata

from leadtui.domain.models import Lead

_NOT_DIGIT = re.compile(r"\D+")
_EXTENSION = re.compile(r"\s*(?:x|ext\.?)\s*\d+$", re.IGNORECASE)


def email_key(email: str | None) -> str | None:
    return email.lower() if email else None


def phone_key(phone: str | None) -> str | None:
    """A phone number as its digits (extension dropped); None if too short
    to identify anyone."""
    if not phone:
        return None
    if "x" in phone or "X" in phone:  # only then can there be an extension
        phone = _EXTENSION.sub("", phone)
    digits = _NOT_DIGIT.sub("", phone)
    return digits if len(digits) >= 7 else None


def _fold(text: str) -> str:
    """'  José  ÖZ ' → 'jose oz': case, accents and spacing ignored."""
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
    return f"possible duplicate of #{lead.id} {lead.name} ({where}): {why}"
