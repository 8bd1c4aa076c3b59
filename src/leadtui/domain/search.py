"""What a rep types into `/`, as an FTS5 query. Pure.

Every word typed must match the start of a word of the lead's name,
company, email, phone or notes ("jan acm" finds Jane at Acme; "7946" a phone
number). Each word goes to FTS5 as one quoted string, which FTS5 splits with
the same tokenizer as the stored text ("acme.io" becomes the phrase "acme
io", its last part a prefix), so a query finds whatever the text it was
typed from holds, in any script. Quoting (with " doubled) means no input can
be read as FTS5 syntax (NEAR, column filters) or fail to parse."""

import unicodedata

from leadtui.domain.sanitize import clean_line

MAX_WORDS = 8  # beyond this a query only narrows what it finds anyway


def _indexed(char: str) -> bool:
    """A character FTS5's unicode61 tokenizer keeps in a token: a letter, a
    number or a private-use character; all else separates tokens."""
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co"


def fts_query(text: str) -> str | None:
    """'Jane acme.io' → '"Jane"* AND "acme.io"*'; None for no words."""
    # Control characters (a NUL ends an FTS5 string early) are never stored,
    # so they are dropped here too.
    words = [word for word in clean_line(text).split() if any(map(_indexed, word))]
    quoted = ('"' + word.replace('"', '""') + '"*' for word in words[:MAX_WORDS])
    return " AND ".join(quoted) or None


# Ranking (bm25) costs per match, and a vague query ("zoe", "a") matches a
# large share of a big file: only the newest matches this many are ranked,
# which bounds a keystroke's work; a query that specific is ranked whole.
RANK_WITHIN = 2000
