"""`/` on PostgreSQL: the same words find the same leads as FTS5 does on
SQLite (domain/search.py): every word typed must start a word of the
lead's name, company, email, phone or notes, or of one of its secondary
contacts; a word with punctuation in it ("acme.io") is its parts in that
order, the last a prefix. Matching runs on the generated tsvector columns
and their GIN indexes (pg/schema.py); the best match (ts_rank) first among
the newest RANK_WITHIN matches, as on SQLite."""

import unicodedata
from typing import Any

from leadtui.domain.sanitize import clean_line
from leadtui.domain.search import MAX_WORDS, RANK_WITHIN
from leadtui.repository.pg.connection import PgDatabase
from leadtui.repository.rows import LEAD_SELECT


def _indexed(char: str) -> bool:
    """A character that belongs to a word (as FTS5's unicode61 has it)."""
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co"


def ts_query(text: str) -> str | None:
    """'Jane acme.io' → "'Jane':* & ('acme' <-> 'io':*)"; None for no words.
    Each part holds only letters and digits, so no input is tsquery syntax."""
    phrases: list[str] = []
    for word in clean_line(text).split():
        parts = "".join(char if _indexed(char) else " " for char in word).split()
        if parts:
            quoted = [f"'{part}'" for part in parts]
            quoted[-1] += ":*"
            phrases.append(f"({' <-> '.join(quoted)})" if len(quoted) > 1 else quoted[0])
    return " & ".join(phrases[:MAX_WORDS]) or None


SEARCH = f"""{LEAD_SELECT} JOIN (
  SELECT hit, max(rank) AS rank FROM (
    SELECT hit, rank FROM (
      SELECT id AS hit, ts_rank(search, q) AS rank
        FROM leads, to_tsquery('leadtui_search', :q) AS q
       WHERE search @@ q ORDER BY id DESC LIMIT :within) AS l
    UNION ALL
    SELECT lead_id, rank FROM (
      SELECT lead_id, ts_rank(search, q) AS rank
        FROM contacts, to_tsquery('leadtui_search', :q) AS q
       WHERE search @@ q ORDER BY id DESC LIMIT :within) AS c
  ) AS hits GROUP BY hit ORDER BY rank DESC, hit DESC LIMIT :limit
) AS ranked ON hit = id ORDER BY rank DESC, id DESC"""


def search_rows(db: PgDatabase, text: str, limit: int) -> list[tuple[Any, ...]]:
    query = ts_query(text)
    if query is None:
        return []
    params = {"q": query, "within": max(RANK_WITHIN, limit), "limit": limit}
    # Planned for its own words every time: prepared, the statement got a
    # generic plan after a few vague prefixes ("a", "al", ... as a rep
    # types), one that walks every lead newest first, and a precise word
    # then took 50 ms instead of 1 ms at 100k leads (bench.ops).
    rows: list[tuple[Any, ...]] = db.execute(SEARCH, params, prepare=False).fetchall()
    return rows
