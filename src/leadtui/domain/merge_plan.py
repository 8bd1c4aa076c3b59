"""Merging two leads that are one person: which value each field keeps.
Pure; the repository applies the plan in one transaction.

By default the fuller value wins: a value over nothing, the longer text,
the larger amount, the later lifecycle. Who the person is, where they are
reached, who owns them and what a rep judged of them are not "fuller" when
longer: the kept lead keeps its own name, email, phone, company, owner,
source and fit, and takes the other's only where it has none (the email and
phone not kept stay as secondary contacts; the other's name stays in the
kept lead's history, "merged in: #41 Robert Smith"). A name that only
stands in for one (blank once cleaned, no letter or digit, or the lead's
own email, company or phone, as an import names a row that had no name)
is as good as none. Notes are joined rather than chosen. The rep may pick
either side per field instead (`picks`)."""

from dataclasses import dataclass

from leadtui.domain.currency import parse_money
from leadtui.domain.models import Lead, Lifecycle
from leadtui.domain.sanitize import clean_line

# The fields a merge decides between, in the order the form shows them.
MERGE_FIELDS = (
    "name", "email", "phone", "company", "title", "source", "owner", "value", "currency",
    "lifecycle", "fit", "expected_close",
)  # fmt: skip
# Values that say "nothing known" for a field that is never empty.
_EMPTY = {"source": "other", "fit": "unknown"}
# The kept lead's own, unless it has none: a longer email or owner's name is
# not more information, and taking it would silently hand the lead to another
# rep or change the address it is written to; a longer name ("Robert Smith"
# over the "Bob" a rep worked, or an import's "bob@acme.io") would rename
# the person the rep knows.
KEEPS_OWN = frozenset({"name", "email", "phone", "company", "owner", "source", "fit"})


@dataclass(frozen=True)
class FieldChoice:
    field: str
    keep: str  # the kept lead's value, as text
    other: str  # the merged-away lead's value
    default: str  # "keep" or "other": the fuller one

    @property
    def conflict(self) -> bool:
        """Both sides say something, and not the same thing."""
        empty = _EMPTY.get(self.field, "")
        return self.keep != self.other and empty not in (self.keep, self.other)


def _weight(field: str, text: str) -> tuple[int, int]:
    if text == _EMPTY.get(field, ""):
        return (0, 0)
    if field == "value":
        return (1, parse_money(text.replace(",", "")))
    if field == "lifecycle":
        return (1, next(stage.rank for stage in Lifecycle if stage.label == text))
    return (1, len(text))


def stand_in_name(lead: Lead) -> bool:
    """Whether the lead's name only stands in for one: nothing readable once
    cleaned, no letter or digit ("-", "?"), or its own email, company or
    phone (an import names a row without a name after them)."""
    name = clean_line(lead.name).casefold()
    if not any(char.isalnum() for char in name):
        return True
    return any(
        name == clean_line(v).casefold() for v in (lead.email, lead.company, lead.phone) if v
    )


def choices(keep: Lead, other: Lead) -> list[FieldChoice]:
    """Every field where the two leads differ, with the fuller side."""
    found: list[FieldChoice] = []
    for field in MERGE_FIELDS:
        mine, theirs = keep.field_text(field), other.field_text(field)
        if mine != theirs:
            if field == "name":
                fuller = "other" if stand_in_name(keep) and not stand_in_name(other) else "keep"
            elif field in KEEPS_OWN:
                fuller = "other" if mine == _EMPTY.get(field, "") else "keep"
            else:
                fuller = "other" if _weight(field, theirs) > _weight(field, mine) else "keep"
            if field == "currency":  # it goes with the value chosen
                fuller = next((c.default for c in found if c.field == "value"), fuller)
            found.append(FieldChoice(field, mine, theirs, fuller))
    return found


def joined_notes(keep: str, other: str) -> str:
    """Both leads' notes, once each."""
    if not other or other in keep:
        return keep
    if not keep or keep in other:
        return other
    return f"{keep}\n{other}"


def merged_fields(keep: Lead, other: Lead, picks: dict[str, str] | None = None) -> dict[str, str]:
    """The changes that make `keep` the merged lead (field → text)."""
    picks = picks or {}
    found = choices(keep, other)
    sides = {choice.field: picks.get(choice.field, choice.default) for choice in found}
    # The currency goes with the value chosen, unless the rep picked it.
    if "currency" in sides and "value" in sides and "currency" not in picks:
        sides["currency"] = sides["value"]
    wanted = {choice.field: choice.other for choice in found if sides[choice.field] == "other"}
    notes = joined_notes(keep.notes, other.notes)
    if notes != keep.notes:
        wanted["notes"] = notes
    return wanted
