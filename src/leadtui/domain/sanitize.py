"""Make untrusted text safe to store and to show in a terminal.

Lead text comes from web forms and imports. Rich and Textual strip only a few
control characters, so an ESC, OSC or C1 byte in a name would reach the
user's terminal byte for byte. We drop them once, at
the model boundary, so nothing unsafe is ever stored.
"""

import re

# C0 controls except TAB and LF, DEL, C1 controls, and the Unicode bidi
# embeddings/overrides/isolates that can make text display reversed
# ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def clean_text(value: str) -> str:
    """Return `value` without terminal-unsafe characters (CR is dropped too)."""
    # Every character _UNSAFE matches is a control (Cc) or format (Cf)
    # character, which str.isprintable() rejects: a printable string is
    # already clean, and that C-speed check spares a million-row import
    # a regex pass per cell.
    return value if value.isprintable() else _UNSAFE.sub("", value)


def clean_line(value: str) -> str:
    """Single-line fields: unsafe characters dropped, newlines and tabs become
    spaces, surrounding whitespace trimmed."""
    if value.isprintable():  # no controls, so no newline or tab either
        return value.strip()
    return clean_text(value).replace("\n", " ").replace("\t", " ").strip()
