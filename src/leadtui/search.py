"""What a rep types into `/`, as an FTS5 query. Pure.

Every word must match the start of a word of the lead's name, company,
email, phone or notes ("jan acm" finds Jane at Acme; "7946" a phone number).
Only word characters reach FTS5, each quoted, so no input can be read as
FTS5 syntax (NEAR, column filters, quotes) or fail to parse."""

import re
import unicodedata

_WORD = re.compile(r"\w+")
MAX_WORDS = 8  # beyond this a query only narrows what it finds anyway


def fts_query(text: str) -> str | None:
    """'Jane acme.io' → '"jane"* AND "acme"* AND "io"*'; None for no words."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = _WORD.findall(folded)[:MAX_WORDS]
    return " AND ".join(f'"{word}"*' for word in words) or None


# Ranking (bm25) costs per match, and a vague query ("zoe", "a") matches a
# large share of a big file: only the newest matches this many are ranked,
# which bounds a keystroke's work; a query that specific is ranked whole.
RANK_WITHIN = 2000
