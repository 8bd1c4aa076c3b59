"""The orders the inbox and a board column can be ranked in (`o` cycles
them). Each is a sort expression backed by a (stage, expression, id) index,
so that any page of a column, however deep, is one keyset range scan. Pure."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from leadtui.domain.clock import to_iso
from leadtui.domain.currency import VALUE_RANK
from leadtui.domain.models import Lead

# Sorts after every real time (no follow-up: last) and before (never touched: first).
NEVER, ALWAYS = "9999", ""


def value_rank(lead: Lead) -> int:
    return lead.value_cents if lead.value_rank is None else lead.value_rank


@dataclass(frozen=True)
class Order:
    name: str
    label: str  # what the notification says: "Ranked by value"
    column: str
    descending: bool
    key: Callable[[Lead], Any]  # the same value, from a lead: a page's cursor
    # For a time column that may be empty: the key standing in for "no time"
    # (NEVER or ALWAYS), spelled in SQL by the engine (repository Dialect).
    no_time: str | None = None

    @property
    def sql(self) -> str:
        """The expression the index holds, spelled identically (SQLite's:
        ISO texts, so '9999' sorts after every time and '' before)."""
        if self.no_time is None:
            return self.column
        return f"coalesce({self.column}, '{self.no_time}')"


ORDERS: dict[str, Order] = {
    order.name: order
    for order in (
        Order("score", "rule score", "score", True, lambda lead: lead.score),
        Order("chance", "learned win chance", "win_chance", True, lambda lead: lead.win_chance),
        Order("value", "value, largest first", VALUE_RANK, True, value_rank),
        Order(
            "age", "age, oldest first", "created_at", False, lambda lead: to_iso(lead.created_at)
        ),
        Order(
            "follow_up", "next follow-up, overdue first", "follow_up_at", False,
            lambda lead: to_iso(lead.follow_up_at) if lead.follow_up_at else NEVER, NEVER,
        ),
        Order(
            "touch", "last touch, longest ago first", "last_touch_at", False,
            lambda lead: to_iso(lead.last_touch_at) if lead.last_touch_at else ALWAYS, ALWAYS,
        ),
    )
}  # fmt: skip


def next_order(name: str) -> str:
    names = list(ORDERS)
    return names[(names.index(name) + 1) % len(names)]


def page_key(lead: Lead, order: str) -> tuple[Any, int]:
    """Where a page ending at `lead` stops, in the given order."""
    return (ORDERS[order].key(lead), lead.id)
