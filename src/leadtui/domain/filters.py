"""The inbox and board filter: which leads a rep wants to see (source, owner,
temperature, a score range, overdue, rotting), typed as one line
(`source:referral owner:maria hot score:50-80 overdue`) or built from the
palette, and spelled as SQL conditions for the repository. `owner:me` is
whoever is signed in (the repository's actor), and `mine` is `owner:me` plus
the leads nobody owns yet: a rep's default view. Pure."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from leadtui.domain.clock import overdue_before, to_iso
from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import Source, Temperature
from leadtui.domain.pipeline import CLOSED_STAGES, ROTTING_DAYS
from leadtui.domain.sanitize import clean_line

# A word, or a key with a quoted value (owner:"David Love"); a quote left
# open runs to the end of the line.
_WORD = re.compile(r'(?:[^\s"]|"[^"]*(?:"|$))+')
_SCORE = re.compile(r"^(\d{1,3})?-(\d{1,3})?$|^(\d{1,3})\+?$")
SYNTAX = "source:NAME owner:NAME|me mine hot|warm|cold score:50-80 overdue rotting"
# `owner:me`: resolved to the actor when the filter becomes SQL.
ME = "me"


@dataclass(frozen=True)
class LeadFilter:
    source: Source | None = None
    owner: str | None = None
    temperature: Temperature | None = None
    min_score: int | None = None
    max_score: int | None = None
    overdue: bool = False
    rotting: bool = False
    mine: bool = False  # owned by me or by nobody

    def __bool__(self) -> bool:
        return self != LeadFilter()

    def with_(self, **changes: Any) -> "LeadFilter":
        return replace(self, **changes)

    def text(self) -> str:
        """The filter as it is typed; parse(text()) gives it back."""
        parts = []
        if self.source:
            parts.append(f"source:{self.source.value}")
        if self.owner:
            # An owner an import brought ("David Love") is quoted to read back.
            owner = self.owner.replace('"', "")
            parts.append(f'owner:"{owner}"' if " " in owner else f"owner:{owner}")
        if self.temperature:
            parts.append(self.temperature.value)
        if self.max_score is None and self.min_score is not None:
            parts.append(f"score:{self.min_score}+")  # "90-" read as "up to 90"
        elif self.min_score is not None or self.max_score is not None:
            low = "" if self.min_score is None else str(self.min_score)
            parts.append(f"score:{low}-{self.max_score}")
        flags = (("overdue", self.overdue), ("rotting", self.rotting), ("mine", self.mine))
        parts += [word for word, on in flags if on]
        return " ".join(parts)

    def sql(self, now: datetime, me: str = "") -> tuple[str, list[Any]]:
        """Conditions on `leads` (" AND ..." each) and their parameters; `me`
        is who `owner:me` and `mine` mean."""
        where, params = "", list[Any]()
        owner = me if self.owner is not None and self.owner.lower() == ME else self.owner
        if self.mine:
            where += " AND (owner IS NULL OR owner = '' OR lower(owner) = lower(?))"
            params.append(me)
        for condition, value in (
            ("source = ?", self.source.value if self.source else None),
            ("lower(owner) = lower(?)", owner),
            ("temperature = ?", self.temperature.value if self.temperature else None),
            ("score >= ?", self.min_score),
            ("score <= ?", self.max_score),
            ("follow_up_at < ?", to_iso(overdue_before(now)) if self.overdue else None),
        ):
            if value is not None:
                where += f" AND {condition}"
                params.append(value)
        if self.overdue:
            # Nothing is due on a won or lost lead any more, though it keeps
            # the follow-up day it had (the cards and the Due list agree).
            where += f" AND stage NOT IN ({', '.join('?' for _ in CLOSED_STAGES)})"
            params += [stage.value for stage in CLOSED_STAGES]
        if self.rotting:
            # Nothing done (no touch, no move) for longer than the stage
            # allows: each open stage against its own cut-off. One condition
            # per stage, each cut-off compared with a time column, so that
            # SQLite (ISO texts) and PostgreSQL (timestamptz) read the same
            # text; a CASE of cut-offs would be text to PostgreSQL.
            latest = (
                "CASE WHEN last_touch_at > stage_entered_at"
                " THEN last_touch_at ELSE stage_entered_at END"
            )
            where += (
                " AND ("
                + " OR ".join(
                    f"(stage = '{stage.value}' AND {latest} < ?)" for stage in ROTTING_DAYS
                )
                + ")"
            )
            params += [to_iso(now - timedelta(days=days)) for days in ROTTING_DAYS.values()]
        return where, params


def parse(text: str) -> LeadFilter:
    """A typed filter; an unknown word is an error naming it (nothing is
    guessed). Empty text is no filter."""
    found = LeadFilter()
    for word in _WORD.findall(clean_line(text)):
        key, _, quoted = word.partition(":")
        key, value = key.lower(), " ".join(quoted.replace('"', " ").split())
        if key == "source" and value:
            found = found.with_(source=_source(value))
        elif key == "owner" and value:
            found = found.with_(owner=value[:100])
        elif key == "score" and value:
            found = found.with_(**_score_range(value))
        elif not value and key in {t.value for t in Temperature}:
            found = found.with_(temperature=Temperature(key))
        elif not value and key in ("overdue", "rotting", "mine"):
            found = found.with_(**{key: True})
        else:
            raise InvalidInput(f"filter: {word[:40]!r} is not understood; use {SYNTAX}")
    return found


def _source(value: str) -> Source:
    for source in Source:
        if value.lower() in (source.value, source.value.replace("_", "-")):
            return source
    names = ", ".join(source.value for source in Source)
    raise InvalidInput(f"filter: no source {value[:40]!r}; one of {names}")


def _score_range(value: str) -> dict[str, int | None]:
    """ "50-80", "50-", "-20", "50" or "50+" (50 and up)."""
    match = _SCORE.match(value)
    if not match:
        raise InvalidInput(f"filter: score {value[:40]!r} is not a range like 50-80 or 50+")
    low_text, high_text, single = match.groups()
    if single is not None:
        return {"min_score": int(single), "max_score": None}
    low = int(low_text) if low_text else None
    high = int(high_text) if high_text else None
    if low is None and high is None:
        raise InvalidInput("filter: score needs a bound, like 50-80 or 50+")
    if low is not None and high is not None and low > high:
        raise InvalidInput(f"filter: score {value} runs backwards")
    return {"min_score": low, "max_score": high}


# Owners named in a warning: a file imported from a big team may hold
# hundreds, and the line must stay one line.
_OWNERS_SHOWN = 8


def unknown_owner(wanted: str, known: Iterable[str], *, fold_case: bool) -> str | None:
    """A warning when no lead has owner `wanted` and no user has that name
    (a typo, "bne" for "ben"): an empty answer would read as "nothing there"
    when it is "nobody by that name". `fold_case` as the filter compares:
    the TUI's filter ignores case, the CLI's --owner does not. None when
    `wanted` is someone."""
    return _unknown(
        wanted, known, fold_case, ("no lead has owner", "no lead has an owner yet", "owners")
    )


def unknown_actor(wanted: str, known: Iterable[str]) -> str | None:
    """A warning when no journal line has actor `wanted` (`journal --actor`
    compares exactly), naming the actors there are; None when it has."""
    return _unknown(
        wanted, known, False, ("no journal line has actor", "the journal is empty", "actors")
    )


def _unknown(
    wanted: str, known: Iterable[str], fold_case: bool, words: tuple[str, str, str]
) -> str | None:
    no_one, none_yet, listed = words
    # An empty name (a lead nobody owns) is no one to name.
    names = sorted({name for name in known if name}, key=str.casefold)
    same = (lambda name: name.casefold() == wanted.casefold()) if fold_case else wanted.__eq__
    if any(same(name) for name in names):
        return None
    if not names:
        return f"{no_one} {wanted!r}: {none_yet}"
    shown = ", ".join(names[:_OWNERS_SHOWN])
    more = f", … ({len(names)} in all)" if len(names) > _OWNERS_SHOWN else ""
    return f"{no_one} {wanted!r}; {listed}: {shown}{more}"
