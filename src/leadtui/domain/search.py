"""What a rep types into `/`, as an FTS5 query. Pure.

Every word typed must match the start of a word of the lead's name,
company, email, phone or notes ("jan acm" finds Jane at Acme; "7946" a phone
number). Each word goes to FTS5 as one quoted string, which FTS5 splits with
the same tokenizer as the stored text ("acme.io" becomes the phrase "acme
io", its last part a prefix), so a query finds whatever the text it was
typed from holds, in any script. Quoting (with " doubled) means no input can
be read as FTS5 syntax (NEAR, column filters) or fail to parse.

Two operators, as web search has them, since a rep types them expecting
that: `fay OR sara` finds either (OR, in capitals, between two words;
`jane OR jan acme` is (jane or jan) and acme), and `owens -fay` leaves out
the leads with a word starting "fay". Anything else is a plain word.

A lead's id is asked for too: "#808" (as notifications, reports and the
CLI write it) is lead 808 alone; a bare "808" is lead 808 first, then the
leads whose words start with 808 (phones, names with digits)."""

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

from leadtui.domain.dedupe import phone_key
from leadtui.domain.sanitize import clean_line

MAX_WORDS = 8  # beyond this a query only narrows what it finds anyway
# SQLite's INTEGER and PostgreSQL's bigint: a larger id names no lead, and
# cannot even be bound as a parameter (OverflowError).
MAX_LEAD_ID = 2**63 - 1
# "#808", "# 808"; a bare number only without a leading zero: "0808" is the
# start of a phone number, never how an id is written.
# "#-1" and "#+5" too: written as an id, they ask for one (no lead has it),
# rather than for the leads with words starting "1".
_HASH_ID = re.compile(r"#\s*([-+]?[0-9]+)")
# "#808 Yara Rossi", as messages and `list` name a lead, pasted whole.
_TAGGED = re.compile(r"#\s*([0-9]+)\s+(.+)")
_BARE_ID = re.compile(r"[1-9][0-9]*")


@dataclass(frozen=True)
class IdAsked:
    """A lead's id typed as the whole query, or before its name."""

    digits: str  # as typed: it may name no possible lead
    only: bool  # "#808": that lead alone; "808": that lead first, then word matches
    # The words to match after that lead: "808" itself, or "Yara Rossi" of
    # "#808 Yara Rossi"; none for "#808".
    words: str = ""

    @property
    def lead_id(self) -> int | None:
        """The id, or None when no lead can have it (0, 2**63 and beyond)."""
        # Checked by length before int(): Python refuses to convert a string
        # of more than 4,300 digits, and no id has more than 19.
        if not self.digits.isdecimal() or len(self.digits) > len(str(MAX_LEAD_ID)):
            return None  # "-1": no lead's
        number = int(self.digits)
        return number if 1 <= number <= MAX_LEAD_ID else None

    def missing(self) -> str:
        """What to say when no lead has it: one line however long the digits."""
        shown = self.digits if len(self.digits) <= 30 else self.digits[:29] + "…"
        return f"no lead #{shown}"


def id_asked(text: str) -> IdAsked | None:
    """'#808' → lead 808 alone; '808' → lead 808 first, then what matches
    808; '#808 Yara Rossi' → lead 808 first, then what matches Yara Rossi;
    None for other text."""
    typed = clean_line(text).strip()
    if match := _HASH_ID.fullmatch(typed):
        return IdAsked(match[1], only=True)
    if match := _TAGGED.fullmatch(typed):
        return IdAsked(match[1], only=False, words=match[2])
    if _BARE_ID.fullmatch(typed):
        return IdAsked(typed, only=False, words=typed)
    return None


def _indexed(char: str) -> bool:
    """A character FTS5's unicode61 tokenizer keeps in a token: a letter, a
    number or a private-use character; all else separates tokens."""
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co"


@dataclass(frozen=True)
class Terms:
    """What to match: every group (any one word of it), and none of `excluded`."""

    groups: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...]


def terms(text: str) -> Terms:
    """'fay OR sara owens -jo' → groups (fay, sara), (owens); excluded jo.
    A word holds a letter or digit (else it is dropped, as the index has
    no such word). OR between two words joins them; elsewhere it is a word,
    save at the end, where the next word is still being typed."""
    # Control characters (a NUL ends an FTS5 string early) are never stored,
    # so they are dropped here too.
    tokens = [token for token in clean_line(text).split() if any(map(_indexed, token))]
    groups: list[list[str]] = []
    excluded: list[str] = []
    joining = after_word = False
    for at, token in enumerate(tokens[: MAX_WORDS * 2]):
        if token == "OR" and after_word:
            if at == len(tokens) - 1:
                break  # "fay OR": the other word is still being typed
            joining, after_word = True, False
            continue
        if token.startswith("-") and any(map(_indexed, token[1:])):
            excluded.append(token[1:])
            after_word = False
        else:
            if joining:
                groups[-1].append(token)
            else:
                groups.append([token])
            after_word = True
        joining = False
    kept = groups[:MAX_WORDS]
    return Terms(tuple(tuple(group) for group in kept), tuple(excluded[:MAX_WORDS]))


def _phrase(word: str) -> str:
    return '"' + word.replace('"', '""') + '"*'


def fts_query(text: str) -> str | None:
    """'Jane acme.io' → '"Jane"* AND "acme.io"*'; 'fay OR sara' →
    '("fay"* OR "sara"*)'; None for no words to find."""
    parts = [
        _phrase(group[0]) if len(group) == 1 else f"({' OR '.join(map(_phrase, group))})"
        for group in terms(text).groups
    ]
    return " AND ".join(parts) or None


def fts_excluded(text: str) -> str | None:
    """'owens -fay -jo' → '"fay"* OR "jo"*': the leads to leave out."""
    return " OR ".join(map(_phrase, terms(text).excluded)) or None


def something_to_find(text: str) -> bool:
    """Whether `text` asks for anything: a word to match or a lead's id."""
    return id_asked(text) is not None or bool(terms(text).groups)


# A query that reads as a phone number: digits (7 or more, as a phone key
# needs) written any way a number is, "+44 20 7946 0001", "(555) 000-0333".
_PHONE_LIKE = re.compile(r"\+?[0-9 ().\-/]+")
_NOT_DIGIT = re.compile(r"[^0-9]")
_CALLING_CODES = tuple(sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE))


@dataclass(frozen=True)
class PhoneKeys:
    """The stored phone keys (dedupe.phone_key) a query may name: `exact`,
    the number as the team's region reads it (and the same digits stored
    with or without "+", as the duplicate check has them), then `national`,
    the digits as the national number of any country: with no region, or
    another country's number typed as its people write it, "(555) 000-0333"
    is still +1 555 000 0333."""

    exact: tuple[str, ...]
    national: tuple[str, ...]


def phone_keys(text: str, region: str | None) -> PhoneKeys | None:
    """None unless `text` reads as a phone number."""
    typed = clean_line(text).strip()
    if not _PHONE_LIKE.fullmatch(typed):
        return None
    digits = _NOT_DIGIT.sub("", typed)
    key = phone_key(typed, region)
    if key is None:  # too short to name anyone: words match its digits
        return None
    exact = [key, key[1:] if key.startswith("+") else f"+{key}"]
    if digits.startswith("00"):  # "0044 20 ...": the international prefix
        exact.append(f"+{digits[2:]}")
    national: list[str] = []
    if not typed.startswith("+"):
        # A trunk prefix ("020 ...") is not part of the international form.
        number = digits.lstrip("0")
        national = [f"+{code}{number}" for code in _CALLING_CODES]
    return PhoneKeys(tuple(dict.fromkeys(exact)), tuple(k for k in national if k not in exact))


# Ranking (bm25) costs per match, and a vague query ("zoe", "a") matches a
# large share of a big file: only the newest matches this many are ranked,
# which bounds a keystroke's work; a query that specific is ranked whole.
RANK_WITHIN = 2000
