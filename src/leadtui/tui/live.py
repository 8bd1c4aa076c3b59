"""Live refresh, pane by pane: where a lead another process changed
belongs in a list shown in one of leadtui.domain.orders.ORDERS, so that the
inbox and the board update only the rows and cards it touches and re-read
a page only when a lead enters the range they show. Pure."""

from collections.abc import Sequence
from typing import Any

from leadtui.domain.models import Lead
from leadtui.domain.orders import ORDERS, page_key


def before(a: tuple[Any, int], b: tuple[Any, int], order: str) -> bool:
    """Whether a lead keyed `a` is listed before one keyed `b` (page_key
    keys: the order's value, then the id, both the order's way)."""
    return a > b if ORDERS[order].descending else a < b


def stays_put(shown: Sequence[Lead], index: int, lead: Lead, order: str) -> bool:
    """Whether `lead`, now, still sorts between the neighbours of row
    `index` of `shown` (so its row can be redrawn where it is)."""
    key = page_key(lead, order)
    above = index == 0 or before(page_key(shown[index - 1], order), key, order)
    below = index == len(shown) - 1 or before(key, page_key(shown[index + 1], order), order)
    return above and below


def falls_within(
    shown: Sequence[Lead], lead: Lead, order: str, *, more_above: bool, more_below: bool
) -> bool:
    """Whether `lead`, not shown, sorts inside the range `shown` covers
    (with `more_above`/`more_below`: leads beyond either end are not
    loaded, and one sorting there is not shown until scrolled to)."""
    if not shown:
        return not (more_above or more_below)
    key = page_key(lead, order)
    if before(key, page_key(shown[0], order), order):
        return not more_above
    if before(page_key(shown[-1], order), key, order):
        return not more_below
    return True


def place(shown: Sequence[Lead], lead: Lead, order: str) -> int:
    """Where `lead` goes in `shown` (listed in `order`): before the first
    lead that sorts after it."""
    key = page_key(lead, order)
    return next(
        (i for i, other in enumerate(shown) if before(key, page_key(other, order), order)),
        len(shown),
    )
