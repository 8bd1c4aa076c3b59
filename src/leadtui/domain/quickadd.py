"""The one-line quick-add: `Jane Doe <jane@acme.io> @Acme Corp $5k #referral
!fri =maria +44 20 7946 0001 "met at expo"` understood field by field. Pure.

- `<…>` the email (a bare address works too);
- `@…` the company, up to the next marker or phone number;
- `$5k`, `$5,000`, `€1.2m`, `£750`, `5k EUR`, `JPY 100000` the value, in the
  currency it names (`$` is the US dollar; none named: the team's);
- `#word` the source when it names one, else a tag;
- `!when` the follow-up: today, tomorrow, fri, 3d, 2w or 2026-12-01;
- `=name` the owner (the caller may give a default: the current user);
- a phone number (7+ digits, with + ( ) - . / and spaces);
- `"…"` a note;
- the rest is the name (words apart, on both sides of another part, are
  joined, and a note says so: they are more likely a company or a source).

Nothing is guessed silently: a second email, value or date is reported in
`notes` (the first one is used), and a part that cannot be read is an
`error` for its field. Parsing never raises.

The quick-add form holds the same fields as text (form_line) and is
checked by the same function (check), so a line and the form it opens
into can never disagree on what is saved.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from leadtui.domain.clock import is_overdue, parse_follow_up
from leadtui.domain.currency import (
    COMMONLY_QUOTED,
    MINOR_UNITS,
    SYMBOLS,
    format_money,
    parse_amount,
    shared_mark_note,
)
from leadtui.domain.errors import InvalidInput
from leadtui.domain.field_errors import field_errors, value_errors_folded
from leadtui.domain.models import LeadDraft, Source, usual_currency
from leadtui.domain.sanitize import clean_line
from leadtui.domain.vocabulary import SOURCE_NAMES, lookup

_EMAIL = re.compile(r"[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+")
_PHONE_TOKEN = re.compile(r"^[+(]?[0-9][0-9()\-./]*$")
_MARKERS = ("$", "#", "!", "@", "<", "=")
_TAG = re.compile(r"^[\w-]{1,40}$")


@dataclass
class QuickLine:
    """What a line says, as the texts it gave for each field."""

    name: str = ""
    email: str = ""
    company: str = ""
    value: str = ""  # as typed, with its currency: "$5k", "€1.2m", "5k EUR"
    source: str = ""  # a Source value
    tags: list[str] = field(default_factory=list)
    follow_up: str = ""  # as typed after !, e.g. "fri"
    owner: str = ""  # as typed after =
    phone: str = ""
    note: str = ""
    notes: list[str] = field(default_factory=list)  # ambiguities, shown to the user

    def fields(self) -> dict[str, object]:
        """The understood fields (what round-trips through render)."""
        return {
            "name": self.name, "email": self.email, "company": self.company,
            "value": self.value, "source": self.source, "tags": list(self.tags),
            "follow_up": self.follow_up, "owner": self.owner, "phone": self.phone,
            "note": self.note,
        }  # fmt: skip


def parse(line: str) -> QuickLine:
    """Read one line; never raises."""
    text = clean_line(line)
    parsed = QuickLine()
    text = _take_note(text, parsed)
    text = _take_bracketed_email(text, parsed)
    tokens = text.split()
    # The name's runs of words: a word after another part starts a new run.
    name_runs: list[list[str]] = []
    last_name_word = -2
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == _GAP:
            index += 1
            continue
        if token.startswith("@") and len(token) > 1 and not _EMAIL.fullmatch(token[1:]):
            index = _take_company(tokens, index, parsed)
            continue
        money_end = _money_end(tokens, index)
        if money_end > index:
            _set_once(parsed, "value", " ".join(tokens[index:money_end]), "value")
            index = money_end
            continue
        phone_end = _phone_end(tokens, index)
        if phone_end > index:
            _set_once(parsed, "phone", " ".join(tokens[index:phone_end]), "phone")
            index = phone_end
            continue
        if token.startswith("#") and len(token) > 1:
            _take_hash(token[1:], parsed)
        elif token.startswith("!") and len(token) > 1:
            _set_once(parsed, "follow_up", token[1:], "follow-up")
        elif token.startswith("=") and len(token) > 1:
            _set_once(parsed, "owner", token[1:], "owner")
        elif _EMAIL.fullmatch(token):
            _set_once(parsed, "email", token, "email")
        else:
            if index != last_name_word + 1:
                name_runs.append([])
            name_runs[-1].append(token)
            last_name_word = index
        index += 1
    runs = [" ".join(run) for run in name_runs]
    parsed.name = " ".join(runs)
    if len(runs) > 1:
        # "Zoë Ørsted zoe@x.dk Acme referral": the words after the email are
        # most likely the company and the source, not more of the name.
        apart = " + ".join(repr(run) for run in runs)
        parsed.notes.append(f"the name joins words apart ({apart}): @ marks a company, # a source")
    return parsed


# Where a part the line has already given up (a quoted note, a <bracketed>
# email) stood: it ends a run of name words. A control character, so no
# cleaned line can hold it.
_GAP = "\x00"


def _set_once(parsed: QuickLine, attribute: str, value: str, label: str) -> None:
    current = getattr(parsed, attribute)
    if current:
        parsed.notes.append(f"two {label}s: using {current!r}, not {value!r}")
    else:
        setattr(parsed, attribute, value)


def _take_note(text: str, parsed: QuickLine) -> str:
    start = text.find('"')
    if start < 0:
        return text
    end = text.find('"', start + 1)
    if end < 0:
        parsed.notes.append("a quote is not closed: the rest of the line is the note")
        end = len(text)
    parsed.note = text[start + 1 : end].strip()
    rest = f"{text[:start]} {_GAP} {text[end + 1 :]}"
    if '"' in rest:
        parsed.notes.append("only the first quoted part is the note")
        rest = rest.replace('"', " ")
    return rest


def _take_bracketed_email(text: str, parsed: QuickLine) -> str:
    for match in re.finditer(r"<([^<>]*)>", text):
        _set_once(parsed, "email", match[1].strip(), "email")
    return re.sub(r"<[^<>]*>", f" {_GAP} ", text)


def _take_company(tokens: list[str], index: int, parsed: QuickLine) -> int:
    words = [tokens[index][1:]]
    index += 1
    while index < len(tokens) and not tokens[index].startswith((*_MARKERS, _GAP)):
        if _phone_end(tokens, index) > index or _EMAIL.fullmatch(tokens[index]):
            break
        if _money_end(tokens, index) > index:
            break
        words.append(tokens[index])
        index += 1
    _set_once(parsed, "company", " ".join(words), "company")
    return index


def _take_hash(word: str, parsed: QuickLine) -> None:
    source = lookup(SOURCE_NAMES, word)
    if source is not None and not parsed.source:
        parsed.source = source.value
    elif _TAG.fullmatch(word) and word.lower() not in parsed.tags:
        parsed.tags.append(word.lower())
    elif not _TAG.fullmatch(word):
        parsed.notes.append(f"#{word} is not a tag (letters, digits, - and _ only)")


# Symbols that are no letters: a token starting with one is a value even if
# it cannot be read ("$abc" is shown as a bad value, not taken as a name).
_SIGNS = tuple(symbol for symbol in SYMBOLS if not any(ch.isalpha() for ch in symbol))
_AMOUNT = re.compile(r"^\d[\d,.]*(?:[kmKM]|[bB][nN])?$")


def _reads_as_money(text: str) -> bool:
    try:
        parse_amount(text)
    except InvalidInput:
        return False
    return True


def _money_end(tokens: list[str], index: int) -> int:
    """Where a value starting at tokens[index] ends (index if none): `$5k`,
    `€1.2m`, `5kEUR`, or an amount and a currency code in either
    order (`5k EUR`, `JPY 100000`: an ISO 4217 code, in capitals unless it
    follows the amount and is a commonly quoted one (`5k eur`), so a word
    like "all" or "top" is never taken for one)."""
    token = tokens[index]
    following = tokens[index + 1] if index + 1 < len(tokens) else ""
    if token.startswith(_SIGNS) and len(token) > 1:
        return index + 1
    if token[:1].isdigit() and _AMOUNT.match(token) and _names_currency(following):
        return index + 2
    if token in MINOR_UNITS and _AMOUNT.match(following):
        return index + 2
    if token[:1].isdigit() and not _AMOUNT.match(token) and _reads_as_money(token):
        return index + 1 if parse_amount(token).currency in MINOR_UNITS else index
    return index


def _names_currency(word: str) -> bool:
    return word in MINOR_UNITS or word.upper() in COMMONLY_QUOTED


def _phone_end(tokens: list[str], index: int) -> int:
    """Where a phone number starting at tokens[index] ends (index if none):
    phone-like tokens with 7 to 15 digits in all."""
    end = index
    digits = 0
    while end < len(tokens) and _PHONE_TOKEN.match(tokens[end].lstrip("(")):
        digits += sum(ch.isdigit() for ch in tokens[end])
        end += 1
        if digits >= 7 and (end == len(tokens) or not _PHONE_TOKEN.match(tokens[end])):
            break
    return end if 7 <= digits <= 15 else index


def render(parsed: QuickLine) -> str:
    """The canonical line for these fields (parse(render(x)) gives x back)."""
    parts = [parsed.name]
    if parsed.email:
        parts.append(f"<{parsed.email}>")
    if parsed.company:
        parts.append(f"@{parsed.company}")
    if parsed.value:
        parts.append(parsed.value)
    if parsed.source:
        parts.append(f"#{parsed.source}")
    parts += [f"#{tag}" for tag in parsed.tags]
    if parsed.follow_up:
        parts.append(f"!{parsed.follow_up}")
    if parsed.owner:
        parts.append(f"={parsed.owner}")
    if parsed.phone:
        parts.append(parsed.phone)
    if parsed.note:
        parts.append(f'"{parsed.note}"')
    return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class Understood:
    """A parsed line checked against the model: a draft when it is valid,
    else one message per bad field; plus the follow-up moment and tags."""

    line: QuickLine
    draft: LeadDraft | None
    errors: dict[str, str]
    follow_up_at: datetime | None
    warnings: list[str]
    owner: str = ""  # the line's owner, else the default one


def understand(
    line: str, now: datetime, *, owner: str = "", currency: str | None = None
) -> Understood:
    """Parse and validate; never raises. `owner` is the owner when the line
    names none (`=name`); `currency` the team's (a bare `$` is its dollar)."""
    return check(parse(line), now, owner=owner, currency=currency)


# The form's one-text fields, by QuickLine's names ("tags" is a list).
FORM_TEXTS = ("name", "email", "company", "value", "source", "follow_up", "owner", "phone", "note")


def form_line(texts: dict[str, str]) -> QuickLine:
    """The quick-add form's fields, as typed, as the line they stand for:
    tags comma-separated, a source by any name the line takes (web)."""
    fields = {key: clean_line(texts.get(key, "")) for key in FORM_TEXTS}
    source = lookup(SOURCE_NAMES, fields["source"]) if fields["source"] else None
    if source is not None:
        fields["source"] = source.value
    tags = [tag.strip().lower() for tag in texts.get("tags", "").split(",") if tag.strip()]
    line = QuickLine(tags=list(dict.fromkeys(tags)))
    for key, text in fields.items():
        setattr(line, key, text)
    return line


def line_texts(parsed: QuickLine) -> dict[str, str]:
    """The other way: what the form shows for a parsed line."""
    return {key: getattr(parsed, key) for key in FORM_TEXTS} | {"tags": ", ".join(parsed.tags)}


def check(
    parsed: QuickLine, now: datetime, *, owner: str = "", currency: str | None = None
) -> Understood:
    """Validate parsed fields against the model; never raises."""
    errors: dict[str, str] = {}
    warnings = list(parsed.notes)
    follow_up_at = None
    if parsed.follow_up:
        try:
            follow_up_at = parse_follow_up(parsed.follow_up, now)
            if is_overdue(follow_up_at, now):
                warnings.append(f"the follow-up {follow_up_at:%a %d %b} is in the past")
        except InvalidInput as error:
            errors["follow_up"] = str(error).removeprefix("follow-up: ")
    bad_tags = [tag for tag in parsed.tags if not _TAG.fullmatch(tag)]
    if bad_tags:
        errors["tags"] = f"{bad_tags[0]!r} is not a tag (letters, digits, - and _ only)"
    draft = None
    try:
        draft = LeadDraft.model_validate(
            {
                "name": parsed.name,
                "email": parsed.email or None,
                "phone": parsed.phone or None,
                "company": parsed.company or None,
                "source": parsed.source or Source.OTHER.value,
                "owner": parsed.owner or owner,
                "value_cents": parsed.value,  # text: the model reads "5k"
                "notes": parsed.note,
            },
            context=usual_currency(currency),
        )
    except ValidationError as error:
        errors |= value_errors_folded(field_errors(error))
    if parsed.value and (note := shared_mark_note(parsed.value, currency)):
        warnings.append(note)
    if errors:
        draft = None
    return Understood(parsed, draft, errors, follow_up_at, warnings, parsed.owner or owner)


def _money(draft: LeadDraft) -> str:
    """'5,000 EUR'; no code when the line named none (the team's)."""
    amount = format_money(draft.value_cents, draft.currency)
    return f"{amount} {draft.currency}" if draft.currency else amount


def preview_lines(understood: Understood) -> list[str]:
    """How the line was understood, field by field, for the live preview."""
    line = understood.line
    shown = [
        ("name", line.name), ("email", line.email), ("company", line.company),
        ("phone", line.phone),
        ("value", _money(understood.draft) if understood.draft and line.value else line.value),
        ("source", line.source), ("tags", ", ".join(line.tags)),
        ("follow-up", f"{understood.follow_up_at:%a %d %b %Y}" if understood.follow_up_at
         else line.follow_up),
        ("owner", understood.owner),
        ("note", line.note),
    ]  # fmt: skip
    keys = {"value": "value_cents", "follow-up": "follow_up"}
    lines = []
    for label, value in shown:
        error = understood.errors.get(keys.get(label, label))
        if error:
            lines.append(f"{label}: {value or '—'}  ✗ {error}")
        elif value:
            lines.append(f"{label}: {value}")
    lines += [f"⚠ {warning}" for warning in understood.warnings]
    return lines
