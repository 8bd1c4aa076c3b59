"""Near-duplicates: two leads whose names (or companies) are close but not
equal, "Jon Smith" and "John Smith" at Acme. Pure; rapidfuzz scores them.

Only a flag: shown by `leadtui dupes` and the quick-add's warning, ranked
after the exact matches (dedupe.py), never merged by itself. Blocking keeps
it fast at a million leads: a name is compared only with the names at the
same company, and a company only with the companies of people of the same
name (both found through indexes on person_key).
"""

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

# token_sort_ratio out of 100: "jon smith"/"john smith" 95, "smith john"/
# "john smith" 100; "ann lee"/"dan lee" (86) is not the same person.
NAME_CUTOFF = 88.0
COMPANY_CUTOFF = 88.0
CLOSE_NAME = "close name at the same company"
CLOSE_COMPANY = "same name at a close company"
CLOSE_BOTH = "close name at a close company"
# Words that make one company look like two: "Acme" and "Acme Inc." are one.
_LEGAL = re.compile(
    r"\b(?:inc|incorporated|ltd|limited|llc|llp|plc|gmbh|ag|sa|sas|sarl|bv|nv|srl|spa|oy|ab"
    r"|co|corp|corporation|company|group|holdings?)\b\.?"
)
_PUNCTUATION = re.compile(r"[^\w\s]+")
# Past this many distinct names at one company, each name is compared only
# with its neighbours, sorted as written and sorted by its last word first
# ("smith john" beside "smith jon"), rather than with all (dupes across a
# file: 680 names took 0.1 s all against all, 9 ms by neighbours).
_ALL_PAIRS_UP_TO = 300
_NEIGHBOURS = 12

SEPARATOR = "\x1f"  # between the name and the company in a person key


def split_key(person_key: str) -> tuple[str, str]:
    name, _, company = person_key.partition(SEPARATOR)
    return name, company


def company_core(company: str) -> str:
    """'acme, inc.' → 'acme': legal forms and punctuation left out."""
    return " ".join(_LEGAL.sub(" ", _PUNCTUATION.sub(" ", company)).split())


def close_names(name: str, others: Iterable[str]) -> list[tuple[str, float]]:
    """Of `others` (folded names at the same company), those close to `name`
    but not equal to it, closest first."""
    found = process.extract(
        name,
        [other for other in set(others) if other != name],
        scorer=fuzz.token_sort_ratio,
        score_cutoff=NAME_CUTOFF,
        limit=None,
    )
    return [(other, score) for other, score, _ in found]


def close_companies(company: str, others: Iterable[str]) -> list[tuple[str, float]]:
    """Of `others` (folded companies of people with the same name), those
    close to `company` but not equal to it, closest first."""
    core = company_core(company)
    scored = []
    for other in set(others):
        if other == company:
            continue
        score = fuzz.ratio(core, company_core(other))
        if score >= COMPANY_CUTOFF:
            scored.append((other, score))
    return sorted(scored, key=lambda item: -item[1])


def close_pairs(names: Sequence[str]) -> list[tuple[str, str]]:
    """Pairs of close, unequal names among one company's distinct names."""
    distinct = sorted(set(names))
    if len(distinct) <= _ALL_PAIRS_UP_TO:
        orders, window = [distinct], len(distinct)
    else:
        by_last = sorted(distinct, key=lambda name: name.split()[::-1])
        orders, window = [distinct, by_last], _NEIGHBOURS
    pairs: set[tuple[str, str]] = set()
    for order in orders:
        for i, name in enumerate(order):
            later = order[i + 1 : i + 1 + window]
            found = process.extract(
                name, later, scorer=fuzz.token_sort_ratio, score_cutoff=NAME_CUTOFF, limit=None
            )
            pairs.update((min(name, other), max(name, other)) for other, _, _ in found)
    return sorted(pairs)


def close_cores(cores: Iterable[str]) -> list[tuple[str, str]]:
    """Pairs of unequal company cores close enough to be one company, by
    close_companies' measure (the companies of one person's name: few)."""
    distinct = sorted(set(cores))
    pairs = []
    for i, core in enumerate(distinct):
        later = distinct[i + 1 :]
        found = process.extract(
            core, later, scorer=fuzz.ratio, score_cutoff=COMPANY_CUTOFF, limit=None
        )
        pairs += [(core, other) for other, _, _ in found]
    return pairs


def joined(pairs: Iterable[tuple[str, str]], singles: Iterable[str] = ()) -> list[set[str]]:
    """The sets that pairs sharing a member make (each of `singles` a set
    of its own unless a pair takes it in), by their least member."""
    parent: dict[str, str] = {}

    def root(member: str) -> str:
        while (up := parent.setdefault(member, member)) != member:
            parent[member] = parent[up]  # halve the path as it is walked
            member = up
        return member

    for first, second in pairs:
        parent[root(first)] = root(second)
    for single in singles:
        root(single)
    groups: dict[str, set[str]] = {}
    for member in parent:
        groups.setdefault(root(member), set()).add(member)
    return sorted(groups.values(), key=min)
