"""`/`: the leads whose name, company, email, phone or notes, or one of
whose secondary contacts, have words that start with every word typed, best
match first among the newest RANK_WITHIN matches. On SQLite through FTS5
(rank: bm25), on PostgreSQL through tsvector columns (pg/search.py)."""

from typing import Any

from leadtui.domain.search import RANK_WITHIN, fts_query
from leadtui.repository.engine import POSTGRES, Dialect
from leadtui.repository.rows import LEAD_SELECT

FTS5_SEARCH = (
    f"{LEAD_SELECT} JOIN (SELECT hit, min(rank) AS rank FROM ("
    " SELECT hit, rank FROM (SELECT rowid AS hit, rank FROM leads_fts"
    "  WHERE leads_fts MATCH :q ORDER BY rowid DESC LIMIT :within)"
    " UNION ALL"
    " SELECT c.lead_id, f.rank FROM (SELECT rowid AS cid, rank FROM contacts_fts"
    "  WHERE contacts_fts MATCH :q ORDER BY rowid DESC LIMIT :within) AS f"
    "  JOIN contacts c ON c.id = f.cid"
    ") GROUP BY hit ORDER BY rank LIMIT :limit) ON hit = id ORDER BY rank"
)


def search_rows(db: Any, dialect: Dialect, text: str, limit: int) -> list[tuple[Any, ...]]:
    """The matching leads' rows (LEAD_SELECT's columns), best first."""
    if dialect is POSTGRES:
        from leadtui.repository.pg import search

        return search.search_rows(db, text, limit)
    query = fts_query(text)
    if query is None:
        return []
    params = {"q": query, "within": max(RANK_WITHIN, limit), "limit": limit}
    rows: list[tuple[Any, ...]] = db.execute(FTS5_SEARCH, params).fetchall()
    return rows
