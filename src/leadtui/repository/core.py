"""What the Repository's pieces need from it, and how it lends their methods.

The Repository (store.py) is a core (the file, who writes, the clock, the
rules in effect, connections, rescoring) that holds one object per piece of
its work: scoring, moves, KPIs, imports, edits, duplicates, history, undo,
each in its own module. A piece is given the Repository typed as one of the
protocols below, which names only what that piece uses. The Repository
inherits from nothing, so there is no base-class order for one piece's
declaration to shadow another's method, and no piece declares a stand-in
for a method it borrows: it calls the core, and a type checker checks that
the Repository has what each protocol asks for.
"""

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload

import sqlite_utils

from leadtui.domain.clock import Clock
from leadtui.domain.filters import LeadFilter
from leadtui.domain.scoring_rules import RuleSet
from leadtui.repository.engine import Engine

P = ParamSpec("P")
R = TypeVar("R")


class Reads(Protocol):
    """A read connection per operation, from the database's engine
    (engine.py: its dialect spells the few fragments that differ)."""

    engine: Engine

    def _connection(self) -> AbstractContextManager[sqlite_utils.Database]: ...


class Writes(Reads, Protocol):
    """... plus the time and a BEGIN IMMEDIATE transaction per write."""

    clock: Clock

    def team_now(self, *, read: bool = True) -> datetime:
        """The clock in the team's time zone (team_settings.py)."""
        ...

    def _transaction(self) -> AbstractContextManager[sqlite_utils.Database]: ...


class Journaled(Writes, Protocol):
    """... plus who writes, recorded on every journal line."""

    actor: str


class Filters(Journaled, Protocol):
    """... plus a LeadFilter as conditions on `leads` (as of the clock, for
    its actor)."""

    def _filtered(self, only: LeadFilter | None) -> tuple[str, list[Any]]: ...


class Ruled(Journaled, Protocol):
    """... plus the scoring rules in effect."""

    @property
    def rules(self) -> RuleSet: ...


class Rescores(Journaled, Protocol):
    """... plus rescoring the leads a write touched, in its transaction."""

    def _rescore(self, db: sqlite_utils.Database, lead_ids: list[int], now: datetime) -> None: ...


class Scores(Ruled, Rescores, Protocol):
    """... plus the flag stop() sets, to end long batch jobs early, and
    whether its actor is a rep kept to their own leads (a browser's rep,
    refused the team's model: domain/users.py managers_only)."""

    _stopping: threading.Event
    own_leads_only: bool


# Each piece as a refusal names it ("not yet supported on PostgreSQL: KPIs").
PIECE_FEATURES = {
    "_scoring": "scoring",
    "_moves": "moves",
    "_kpis": "KPIs",
    "_imports": "import",
    "_details": "lead edits and follow-ups",
    "_dupes": "duplicates and merging",
    "_history": "history",
    "_undo": "undo",
    "_team": "team settings",
    "_counts": "counts",
}


class Delegated(Generic[P, R]):
    """A Repository method that is one of its pieces' methods, declared once
    as `advance = Delegated("_moves", MoveStore.advance)`: `repo.advance` is
    `repo._moves.advance`, with its signature (for type checkers too) and
    docstring, so no signature is written twice. On the class it is the
    piece's function itself, for inspection."""

    def __init__(self, piece: str, method: Callable[Concatenate[Any, P], R]) -> None:
        self.piece, self.method = piece, method
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, repo: None, owner: type) -> Callable[Concatenate[Any, P], R]: ...

    @overload
    def __get__(self, repo: object, owner: type) -> Callable[P, R]: ...

    def __get__(self, repo: object, owner: type) -> Callable[..., R]:
        if repo is None:
            return self.method
        # A piece not yet ported to the repository's engine is refused by name.
        engine = getattr(repo, "engine", None)
        if engine is not None:
            feature = PIECE_FEATURES.get(self.piece, self.piece)
            engine.require(f"{feature} ({self.method.__name__})")
        bound: Callable[P, R] = getattr(getattr(repo, self.piece), self.method.__name__)
        return bound
