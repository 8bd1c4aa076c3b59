"""Near-duplicates in the file (domain/near_dupes.py decides what is close):
the candidates come through indexes on person_key, never a scan of every
lead while typing.

- For one person (the quick-add's check): the distinct names at the same
  company (leads_company_fold, covering), and the distinct companies of
  people with the same name (leads_person_key, a range).
- For the whole file (`leadtui dupes`): one pass over leads_company_fold in
  company order, comparing each company's distinct names.
"""

from collections.abc import Iterator

import sqlite_utils

from leadtui.domain.dedupe import person_key
from leadtui.domain.near_dupes import (
    CLOSE_COMPANY,
    CLOSE_NAME,
    SEPARATOR,
    close_companies,
    close_names,
    close_pairs,
    split_key,
)
from leadtui.repository.engine import SQLITE, Dialect

# At most this many distinct names (or companies) are compared per probe:
# a vast company's names are read newest-keyed first, never all of them.
_PROBE_LIMIT = 5000


def near_keys(
    db: sqlite_utils.Database, name: str, company: str, dialect: Dialect = SQLITE
) -> list[tuple[str, str]]:
    """(person key, why) of the people close to `name` at `company`, closest
    first; exact matches are the exact checks' business and left out."""
    key = person_key(name, company)
    if key is None:
        return []
    folded_name, folded_company = split_key(key)
    names = [
        split_key(row[0])[0]
        for row in db.execute(
            f"SELECT DISTINCT person_key FROM leads{dialect.indexed_by('leads_company_fold')}"
            f" WHERE {dialect.company_fold} = ? AND person_key IS NOT NULL LIMIT ?",
            [folded_company, _PROBE_LIMIT],
        )
    ]
    found = [
        (f"{other}{SEPARATOR}{folded_company}", CLOSE_NAME)
        for other, _ in close_names(folded_name, names)
    ]
    companies = [
        split_key(row[0])[1]
        for row in db.execute(
            f"SELECT DISTINCT person_key FROM leads{dialect.indexed_by('leads_person_key')}"
            " WHERE person_key >= ? AND person_key < ? LIMIT ?",
            [folded_name + SEPARATOR, folded_name + chr(ord(SEPARATOR) + 1), _PROBE_LIMIT],
        )
    ]
    found += [
        (f"{folded_name}{SEPARATOR}{other}", CLOSE_COMPANY)
        for other, _ in close_companies(folded_company, companies)
    ]
    return found


def near_groups(db: sqlite_utils.Database, dialect: Dialect) -> Iterator[tuple[str, list[str]]]:
    """(why, person keys) for each set of close names at one company, over
    the whole file in one index pass."""
    rows = db.execute(
        f"SELECT DISTINCT {dialect.company_fold}, person_key"
        f" FROM leads{dialect.indexed_by('leads_company_fold')}"
        " WHERE person_key IS NOT NULL ORDER BY 1, 2"
    )
    company: str | None = None
    names: list[str] = []
    for folded_company, key in rows:
        if folded_company != company:
            yield from _grouped(company, names)
            company, names = folded_company, []
        names.append(split_key(key)[0])
    yield from _grouped(company, names)


def _grouped(company: str | None, names: list[str]) -> Iterator[tuple[str, list[str]]]:
    if company is None or len(names) < 2:
        return
    groups: list[set[str]] = []
    for first, second in close_pairs(names):
        joined = [group for group in groups if first in group or second in group]
        merged = {first, second}.union(*joined)
        groups = [group for group in groups if group not in joined] + [merged]
    for group in groups:
        yield CLOSE_NAME, [f"{name}{SEPARATOR}{company}" for name in sorted(group)]
