"""A lead's ways to be reached: whether a phone number or an email address
is well formed (as the models check them), and the secondary contacts a
merge keeps. Pure."""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict
from pydantic.networks import validate_email

_PHONE = re.compile(r"^\+?[0-9 ().\-/]{4,30}(?:\s*(?:x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)


def _check_phone(value: str | None) -> str | None:
    if value is not None and not _PHONE.match(value):
        # Named by the field already ("phone: ..."): the message says what it takes.
        raise ValueError("4 to 30 digits, spaces or + ( ) - . /, then an extension if any (x12)")
    return value


# The common shape of an address (ASCII local part of atoms, a dotted ASCII
# domain with a letter TLD). email-validator accepts each of these and
# returns it with the domain lower-cased; asking it costs about 50 µs, which
# dominated a million-row import. Anything else (quoted or Unicode parts,
# "Name <a@b>", special-use domains, lengths near the limits) still goes to
# email-validator. tests/test_models.py proves the shortcut agrees with it.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_COMMON_EMAIL = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+[A-Za-z]{{2,24}}"
)
_SPECIAL_USE_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def _check_email(value: str | None) -> str | None:
    if value is None:
        return None
    local, _, domain = value.rpartition("@")
    if (
        len(value) <= 200
        and len(local) <= 64
        and _COMMON_EMAIL.fullmatch(value)
        and domain.rpartition(".")[2].lower() not in _SPECIAL_USE_TLDS
    ):
        return f"{local}@{domain.lower()}"
    return validate_email(value)[1]


class Contact(BaseModel):
    """An email or phone a lead has besides its own: the other lead's, kept
    when two were merged. Shown on the Lead tab and by `show`; `/` finds it."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["email", "phone"]
    value: str

    def text(self) -> str:
        return f"{self.kind} {self.value}"


def checked_contact(kind: str, value: str) -> Contact | None:
    """A secondary contact read back from a file (leadtui's own export), in
    the spelling a lead's own would be stored with; None when it is not a
    well-formed email or phone, which the import keeps as text instead."""
    text = value.strip()
    try:
        if kind == "email":
            checked = _check_email(text)
        elif kind == "phone":
            checked = _check_phone(text)
        else:
            return None
    except ValueError:  # email-validator's refusal is a ValueError too
        return None
    return Contact.model_validate({"kind": kind, "value": checked}) if checked else None
