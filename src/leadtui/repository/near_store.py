"""Near-duplicates in the file (domain/near_dupes.py decides what is close):
the candidates come through indexes on person_key, never a scan of every
lead while typing.

- For one person (the quick-add's check): the distinct names at the same
  company (leads_company_fold, covering), and the distinct companies of
  people with the same name (leads_person_key, a range).
- For the whole file (`leadtui dupes`): one read of the distinct person
  keys, compared company core by company core, then name by name.
"""

from collections.abc import Iterator

import sqlite_utils

from leadtui.domain.dedupe import person_key
from leadtui.domain.near_dupes import (
    CLOSE_BOTH,
    CLOSE_COMPANY,
    CLOSE_NAME,
    SEPARATOR,
    close_companies,
    close_cores,
    close_names,
    close_pairs,
    company_core,
    joined,
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
    """(why, person keys) of the people who look like one another over the
    whole file, from one read of the distinct person keys, company by
    company: its spellings are one ("Acme", "ACME, Inc" and "Acme Inc."
    share the core "acme"), and so are companies whose cores are close
    where one name is written at both (the quick-add's "same name at a
    close company"). In each, close names and a name at two spellings.
    Lazily, company by company: `dupes` stops once it has its share."""
    by_core: dict[str, dict[str, set[str]]] = {}  # core → name → companies
    cores_of: dict[str, set[str]] = {}  # name → cores
    cores: dict[str, str] = {}
    for (key,) in db.execute(
        f"SELECT DISTINCT person_key FROM leads{dialect.indexed_by('leads_person_key')}"
        " WHERE person_key IS NOT NULL"
    ):
        name, company = split_key(key)
        if (core := cores.get(company)) is None:
            # A company of legal words alone ("Inc.") is its own core.
            core = cores[company] = company_core(company) or company
        by_core.setdefault(core, {}).setdefault(name, set()).add(company)
        cores_of.setdefault(name, set()).add(core)
    # Many names share one set of cores (the same few companies): each set
    # compared once.
    sets = {frozenset(found) for found in cores_of.values() if len(found) > 1}
    close = [pair for found in sets for pair in close_cores(found)]
    for block in joined(close, by_core):
        names: dict[str, set[str]] = {}
        for core in block:
            for name, companies in by_core[core].items():
                names.setdefault(name, set()).update(companies)
        yield from _company_groups(names)


def _company_groups(names: dict[str, set[str]]) -> Iterator[tuple[str, list[str]]]:
    """One company's groups (its spellings, and close companies): close
    names, and a name written at two of its companies."""
    if sum(len(companies) for companies in names.values()) < 2:
        return
    twice = [name for name, companies in names.items() if len(companies) > 1]
    for group in joined(close_pairs(list(names)), twice):
        companies = set().union(*(names[name] for name in group))
        if len(group) == 1:
            why = CLOSE_COMPANY
        else:
            why = CLOSE_NAME if len(companies) == 1 else CLOSE_BOTH
        yield why, sorted(f"{name}{SEPARATOR}{c}" for name in group for c in names[name])
