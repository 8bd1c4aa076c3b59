"""Which lead field a column of someone else's export holds, from its header.

Real exports name the same thing many ways: "Email", "Email Address",
"E-mail", "emailAddress", "email_address", "Person - Email - Work". Headers
are compared in a normalised spelling (words, lower case), and each field
lists the spellings the big CRMs use (Salesforce, HubSpot, SuiteCRM,
EspoCRM, Pipedrive) and those web forms and spreadsheets commonly use.

A field may be fed by several columns (Phone, Mobile, Office Phone): they are
kept in the order listed here, and each row takes the first one that is not
empty. Columns that name no field become custom fields: nothing is dropped.
"""

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from leadtui.domain.models import CUSTOM_PREFIX
from leadtui.domain.vocabulary import normalise

# Spellings per field, most specific first: when several are present, a
# row's value comes from the first non-empty one in this order.
# fmt: off
ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name", "full name", "contact name", "lead name", "person name", "your name",
        "contact", "contact full name", "customer name",
        "nombre completo", "nom complet", "nome completo", "vollständiger name",
    ),
    "first_name": (
        "first name", "firstname", "given name", "person first name", "fname",
        "vorname", "prénom", "prenom", "nombre", "nome", "voornaam",
    ),
    "last_name": (
        "last name", "lastname", "surname", "family name", "person last name", "lname",
        "nachname", "nom", "nom de famille", "apellido", "apellidos", "cognome", "sobrenome",
        "achternaam",
    ),
    "email": (
        "email", "e mail", "email address", "emailaddress", "email 1", "email1",
        "primary email", "work email", "business email", "person email", "person email work",
        "person email home", "person email other", "contact email", "your email",
        "e mail address", "e mail 1 value",  # Outlook; Google Contacts
        "email address 1", "email 2", "email2", "secondary email",
        "e mail 2 address", "e mail 3 address", "e mail 2 value", "e mail 3 value",
        "courriel", "correo", "correo electrónico", "correo electronico",
    ),
    "phone": (
        "phone", "phone number", "office phone", "work phone", "business phone", "phone work",
        "phone office", "person phone", "person phone work", "telephone", "tel", "phone mobile",
        "mobile", "mobile phone", "mobile phone number", "mobile number", "cell", "cell phone",
        "person phone mobile", "phone home", "home phone", "person phone home", "phone other",
        "other phone", "your phone", "phone 1 value", "phone 2 value", "phone 3 value",
        "telefon", "téléphone", "telephone number", "teléfono", "telefono", "telefoon", "handy",
    ),
    "company": (
        "company", "company name", "account name", "account", "organization", "organisation",
        "organization name", "organisation name", "org name", "employer", "business name",
        "organization 1 name",
        "your company",
        "firma", "unternehmen", "société", "societe", "entreprise", "empresa", "azienda",
        "bedrijf",
    ),
    "title": (
        "title", "job title", "jobtitle", "position", "job role", "role", "person job title",
        "organization title", "organization 1 title",
    ),
    "source": (
        "lead source", "source", "original source", "leadsource", "person source",
        "lead origin", "origin", "channel",
    ),
    # Pipedrive's deal status (open/won/lost) is consulted before its stage:
    # "open" defers to the stage column, "won" and "lost" settle it.
    "stage": (
        "deal status", "lead status", "status", "stage", "lead stage", "deal stage",
        "pipeline stage", "lifecycle stage", "lifecyclestage", "stagename", "stage name",
    ),
    "temperature": ("rating", "lead rating", "temperature", "lead temperature"),
    "value": (
        "value", "amount", "opportunity amount", "deal value", "lead value", "deal amount",
        "expected revenue", "estimated value", "potential value", "budget", "estimated budget",
    ),
    "currency": ("currency", "currency code", "currencyisocode", "currency iso code"),
    "created_at": (
        "created at", "created date", "date created", "create date", "created", "created on",
        "createdate", "date entered", "lead created", "lead lead created", "deal deal created",
        "deal created", "creation date", "created time", "submitted at", "submission date",
        "submitted on", "timestamp", "date", "createddate",
    ),
    "owner": (
        "owner", "lead owner", "contact owner", "deal owner", "lead owner name", "owner name",
        "assigned to", "assigned user", "assigned user name", "sales rep", "account owner",
        "hubspot owner", "sales owner",
    ),
    "notes": (
        "notes", "note", "description", "comments", "comment", "message", "your message",
        "lead description", "enquiry", "inquiry",
    ),
    "lost_reason": (
        "lost reason", "reason lost", "deal lost reason", "closed lost reason", "loss reason",
        "unqualified reason", "disqualification reason",
    ),
    "follow_up_at": (
        "follow up at", "follow up", "follow up date", "next follow up", "next follow up date",
        "next activity date", "next contact date",
    ),
    "last_touch_at": (
        "last touch at", "last activity", "last activity date", "last contacted",
        "last contact date", "last touch",
    ),
    "tags": ("tags", "tag", "labels", "lead labels", "deal labels", "person labels"),
    # Classification: leadtui's own export and the usual spellings.
    "lifecycle": ("lifecycle",),
    "expected_close": (
        "expected close", "expected close date", "close date", "closedate", "closing date",
        "estimated close date", "expected close day",
    ),
    "fit": ("fit", "lead fit", "quality", "lead quality"),
    **{
        f"bant_{criterion}": (f"bant {criterion}",)
        for criterion in ("budget", "authority", "need", "timeline")
    },
    # leadtui's own export: whether the temperature was set by hand; when
    # the lead entered its stage (a won or lost lead's close); the emails
    # and phones a merge kept (CSV: a column each; JSON: `contacts`).
    "temperature_pinned": ("temperature pinned",),
    "stage_entered_at": ("stage entered at",),
    "other_emails": ("other emails",),
    "other_phones": ("other phones",),
    "contacts": ("contacts",),
    "history": ("history",),  # JSON's --with-history
}
# fmt: on

# Company size is no lead field, but the shipped scoring rule "company of
# 50+ people" reads the custom field `employees`: every spelling of it is
# kept under that one name (its text unchanged: "51-200", "1,000+"), so the
# rule sees an imported size. (An alias in ALIASES would name a field the
# converter does not have, and the values would go nowhere.)
EMPLOYEES = "employees"
_EMPLOYEE_HEADERS = frozenset({
    "employees", "no of employees", "number of employees", "of employees", "num employees",
    "nb employees", "employee count", "employees count", "count of employees",
    "company size", "company size employees", "headcount", "head count", "staff count",
    "size of company", "organization size", "organisation size",
})  # fmt: skip

STANDARD_FIELDS = tuple(ALIASES)
_FIELD_OF = {spelling: field for field, spellings in ALIASES.items() for spelling in spellings}
_RANK = {
    spelling: rank for spellings in ALIASES.values() for rank, spelling in enumerate(spellings)
}

# A leadtui export carries figures leadtui computes itself; importing them
# would only be overwritten, so they are skipped (and say so).
_LEADTUI_SIGNATURE = {"temperature pinned", "win chance", "value cents"}
_LEADTUI_COMPUTED = {
    "id", "score", "win chance", "version", "updated at", "value cents",
}  # fmt: skip


@dataclass(frozen=True)
class Target:
    """What one column feeds: a standard field, a custom field, or nothing."""

    kind: str  # "field", "custom" or "ignore"
    name: str  # the field's or custom field's name; for "ignore", why
    # Why a column whose header names a field is kept as a custom field.
    note: str = dataclass_field(default="", compare=False)

    def describe(self) -> str:
        if self.kind == "field":
            return self.name
        if self.kind == "custom":
            return f"custom field {self.name!r}" + (f" ({self.note})" if self.note else "")
        return f"ignored ({self.name})"


def is_leadtui_export(headers: list[str]) -> bool:
    return {normalise(h) for h in headers} >= _LEADTUI_SIGNATURE


def auto_target(header: str, headers: list[str]) -> Target:
    """The field a header names, knowing the file's other headers."""
    if header.startswith(CUSTOM_PREFIX) and len(header) > len(CUSTOM_PREFIX):
        return Target("custom", header[len(CUSTOM_PREFIX) :])
    key = normalise(header)
    if key in _LEADTUI_COMPUTED and is_leadtui_export(headers):
        return Target("ignore", "leadtui computes it")
    if not key:  # a header of punctuation only ("#", "--"): its values are kept
        return Target("custom", header.strip())
    field = _FIELD_OF.get(key)
    if field in ("contacts", "history") and not is_leadtui_export(headers):
        return Target("custom", header.strip())  # another system's: its own meaning
    if field:
        return Target("field", field)
    if key in _EMPLOYEE_HEADERS:
        return Target("custom", EMPLOYEES)
    return Target("custom", header.strip())


def priority(header: str) -> int:
    """Where a header stands among its field's spellings (lower wins)."""
    return _RANK.get(normalise(header), len(_RANK))
