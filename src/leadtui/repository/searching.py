"""`/`: the leads whose name, company, email, phone or notes, or one of
whose secondary contacts, have words that start with every word typed, best
match first among the newest RANK_WITHIN matches. On SQLite through FTS5
(rank: bm25), on PostgreSQL through tsvector columns (pg/search.py).
A lead's id typed alone is looked up by its key: "#808" is lead 808 alone,
"808" lead 808 before the leads whose words start with 808, and "#808 Yara
Rossi" (a lead as messages name it) lead 808 before the Yara Rossis.
A query that reads as a phone number also finds the leads with that number
however it was written (their phone keys, indexed), before the word matches."""

from typing import Any

from leadtui.domain.search import (
    RANK_WITHIN,
    PhoneKeys,
    fts_excluded,
    fts_query,
    id_asked,
    phone_keys,
)
from leadtui.repository.engine import POSTGRES, Dialect
from leadtui.repository.rows import LEAD_SELECT
from leadtui.repository.team_settings import region_of

FTS5_SEARCH = (
    f"{LEAD_SELECT} JOIN (SELECT hit, min(rank) AS rank FROM ("
    " SELECT hit, rank FROM (SELECT rowid AS hit, rank FROM leads_fts"
    "  WHERE leads_fts MATCH :q{leads_left_out} ORDER BY rowid DESC LIMIT :within)"
    " UNION ALL"
    " SELECT c.lead_id, f.rank FROM (SELECT rowid AS cid, rank FROM contacts_fts"
    "  WHERE contacts_fts MATCH :q ORDER BY rowid DESC LIMIT :within) AS f"
    "  JOIN contacts c ON c.id = f.cid{contacts_left_out}"
    ") GROUP BY hit ORDER BY rank, hit DESC LIMIT :limit) ON hit = id ORDER BY rank, id DESC"
)  # equal ranks newest first, as on PostgreSQL (pg/search.py)
# "owens -fay": a lead is left out when its own words or its secondary
# contacts' have a word starting "fay" (not only the field that matched).
_LEFT_OUT = (
    "SELECT rowid FROM leads_fts WHERE leads_fts MATCH :x UNION ALL"
    " SELECT c.lead_id FROM contacts_fts f JOIN contacts c ON c.id = f.rowid"
    " WHERE contacts_fts MATCH :x"
)


def search_rows(db: Any, dialect: Dialect, text: str, limit: int) -> list[tuple[Any, ...]]:
    """The matching leads' rows (LEAD_SELECT's columns), best first."""
    asked = id_asked(text)
    if asked is None:
        return _word_rows(db, dialect, text, limit)
    lead_id = asked.lead_id
    by_id: list[tuple[Any, ...]] = []
    if lead_id is not None:  # else beyond any id: binding it would overflow
        by_id = db.execute(f"{LEAD_SELECT} WHERE id = :id", {"id": lead_id}).fetchall()
    if asked.only:
        return by_id
    # The id's own lead may match by its words too (a phone ending ...808 does
    # not, one starting 808 does): listed once, first.
    words = [row for row in _word_rows(db, dialect, asked.words, limit) if row[0] != lead_id]
    return (by_id + words)[:limit]


def _word_rows(db: Any, dialect: Dialect, text: str, limit: int) -> list[tuple[Any, ...]]:
    """The leads with the phone number typed, if it reads as one, then the
    leads whose words match (a lead listed once)."""
    keys = phone_keys(text, region_of(db)) if any(map(str.isdigit, text)) else None
    if keys is None:
        return _fts_rows(db, dialect, text, limit)
    by_phone = _phone_rows(db, keys, limit)
    listed = {row[0] for row in by_phone}
    words = [row for row in _fts_rows(db, dialect, text, limit) if row[0] not in listed]
    return (by_phone + words)[:limit]


def _phone_rows(db: Any, keys: PhoneKeys, limit: int) -> list[tuple[Any, ...]]:
    """The leads whose phone or a kept phone has one of `keys`: the team's
    reading of the number first, then the national ones; newest first."""
    every = (*keys.exact, *keys.national)
    params = {f"k{at}": key for at, key in enumerate(every)}
    named = ", ".join(f":{name}" for name in params)
    hits = db.execute(
        f"SELECT id, phone_key FROM leads WHERE phone_key IN ({named}) UNION ALL"
        f" SELECT lead_id, key FROM contacts WHERE kind = 'phone' AND key IN ({named})",
        params,
    ).fetchall()
    best: dict[int, bool] = {}  # lead id → whether found by an exact key
    for lead_id, key in hits:
        best[lead_id] = best.get(lead_id, False) or key in keys.exact
    ranked = sorted(best, key=lambda lead_id: (not best[lead_id], -lead_id))[:limit]
    if not ranked:
        return []
    ids = {f"i{at}": lead_id for at, lead_id in enumerate(ranked)}
    rows = db.execute(
        f"{LEAD_SELECT} WHERE id IN ({', '.join(f':{name}' for name in ids)})", ids
    ).fetchall()
    order = {lead_id: at for at, lead_id in enumerate(ranked)}
    return sorted(rows, key=lambda row: order[row[0]])


def _fts_rows(db: Any, dialect: Dialect, text: str, limit: int) -> list[tuple[Any, ...]]:
    if dialect is POSTGRES:
        from leadtui.repository.pg import search

        return search.search_rows(db, text, limit)
    query = fts_query(text)
    if query is None:
        return []
    params = {"q": query, "within": max(RANK_WITHIN, limit), "limit": limit}
    sql = FTS5_SEARCH.replace("{leads_left_out}", "").replace("{contacts_left_out}", "")
    if (excluded := fts_excluded(text)) is not None:
        params["x"] = excluded
        sql = FTS5_SEARCH.replace("{leads_left_out}", f" AND rowid NOT IN ({_LEFT_OUT})")
        sql = sql.replace("{contacts_left_out}", f" WHERE c.lead_id NOT IN ({_LEFT_OUT})")
    rows: list[tuple[Any, ...]] = db.execute(sql, params).fetchall()
    return rows
