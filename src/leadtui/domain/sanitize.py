"""Make untrusted text safe to store and to show in a terminal.

Lead text comes from web forms, imports and pastes. Rich and Textual strip
only a few control characters, so an ESC, OSC or C1 byte in a name would
reach the user's terminal byte for byte. We drop them once, at the model
boundary, so nothing unsafe is ever stored; the TUI's text fields drop them
again as they are typed or pasted (clean_typed), so they are never echoed.

Besides controls, characters that draw nothing but that terminals and Rich
measure differently go too, as they misalign a table's rows: the bidi
controls (U+061C, U+200E/F, U+202A-E, U+2066-9: they can also make text
display reversed, "Trojan Source"), zero-width spaces and joiners (U+200B,
U+2060, U+FEFF), the soft hyphen (U+00AD), invisible operators and other
deprecated format characters (U+180E, U+2061-4, U+206A-F, U+FFF9-B,
U+E0001), and lone UTF-16 surrogates (a file name that is not UTF-8).
U+2028/U+2029 (line and paragraph separators) become line breaks.

Kept on purpose: U+200C (ZWNJ) and U+200D (ZWJ) between two non-ASCII
letters or symbols. Persian writes ZWNJ inside words (می‌خواهم), Indic
scripts use both to pick a letter's form, and emoji sequences (👩‍💻, ❤️‍🔥)
are joined by ZWJ; dropping them would change the text. Anywhere else
(next to ASCII, a space, the edge of the text, another joiner) a joiner
joins nothing and is dropped. Emoji tag sequences (U+E0020-7F, in
subdivision flags) are kept for the same reason.
"""

import re

from leadtui.domain.errors import InvalidInput

_JOINERS = "\u200c\u200d"
# C0 controls except TAB and LF, DEL, C1 controls, then the invisible and
# bidi format characters the module's docstring lists.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0001\ud800-\udfff]"
)
_SEPARATORS = re.compile("[\u2028\u2029]")
# A joiner kept has a letter or symbol beyond ASCII on both sides.
_JOINABLE = f"[^\\x00-\\x7f\\s{_JOINERS}]"
_LONE_JOINER = re.compile(f"(?<!{_JOINABLE})[{_JOINERS}]|[{_JOINERS}](?!{_JOINABLE})")
# Whole terminal sequences, 7-bit (ESC-led) and 8-bit (C1-led): CSI, OSC
# (ended by BEL or ST), DCS/SOS/PM/APC strings, and two-byte escapes. A paste
# of coloured terminal output keeps its words, not "[31m".
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)


def _drop_unsafe(value: str) -> str:
    return _UNSAFE.sub("", _SEPARATORS.sub("\n", value))


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    if code > 0xFFFF:  # as JSON spells it: a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def escape_unsafe(value: str) -> str:
    """`value` with each character the sanitiser would drop (an escape, a
    bidi override, a line separator) written as its \\uXXXX escape: what a
    command prints, which may hold what another program stored behind
    leadtui's back. On a terminal it shows and does nothing; inside a JSON
    string it is the same character, so --json output keeps the data."""
    if value.isprintable():
        return value
    return _UNSAFE.sub(_escape, _SEPARATORS.sub(_escape, value))


def clean_text(value: str) -> str:
    """Return `value` without terminal-unsafe characters (CR is dropped too)."""
    # Every character dropped or replaced is a control (Cc), format (Cf),
    # separator (Zl, Zp) or surrogate (Cs), which str.isprintable() rejects:
    # a printable string is already clean, and that C-speed check spares a
    # million-row import a regex pass per cell.
    if value.isprintable():
        return value
    return _LONE_JOINER.sub("", _drop_unsafe(value))


def clean_line(value: str) -> str:
    """Single-line fields: unsafe characters dropped, newlines and tabs become
    spaces, surrounding whitespace trimmed."""
    if value.isprintable():  # no controls, so no newline or tab either
        return value.strip()
    return clean_text(value).replace("\n", " ").replace("\t", " ").strip()


def clean_typed(value: str, *, multi_line: bool = False) -> str:
    """Text as a rep types or pastes it into a field: whole escape sequences
    and unsafe characters dropped; on one line, breaks and tabs become
    spaces. Nothing is trimmed (a space typed at the end stays), and joiners
    stay wherever they are typed: the next character may be the one they
    join, and saving (clean_text) drops those that join nothing."""
    if value.isprintable():
        return value
    cleaned = _drop_unsafe(_SEQUENCE.sub("", value))
    return cleaned if multi_line else cleaned.replace("\n", " ").replace("\t", " ")


# What a lead whose name reads as nothing is called on every screen.
NO_NAME = "(no name)"


def shown_name(name: str | None) -> str:
    """A lead's name as screens and messages show it: "(no name)" when
    nothing readable is left of it once cleaned (another program stored
    only control or zero-width characters, or spaces: the lead would show
    as a blank row); else as stored, for the output to clean or escape."""
    return name if name and clean_line(name) else NO_NAME


# How long a custom field's name may be (longer is cut, as on import).
CUSTOM_NAME_LIMIT = 200


def clean_custom_name(name: str) -> str:
    """A custom field's name as stored, shown and journaled: one clean line
    ("Région " is "Région"), so an edit names the field it wrote."""
    return clean_line(name)[:CUSTOM_NAME_LIMIT]


TAG_LIMIT = 40  # characters a tag holds (a quick-add #tag likewise)


def tag_list(text: str) -> list[str]:
    """ "VIP, expo" as typed into `set ID tags` or the edit form: one clean
    line each, lower case, no empties or repeats. A tag too long is refused,
    not cut short where nobody sees it."""
    tags = list(dict.fromkeys(clean_line(tag).lower() for tag in text.split(",")))
    for tag in tags:
        if len(tag) > TAG_LIMIT:
            shown = tag[:20] + "…"
            raise InvalidInput(f"tags: {shown!r} is longer than {TAG_LIMIT} characters")
    return [tag for tag in tags if tag]
