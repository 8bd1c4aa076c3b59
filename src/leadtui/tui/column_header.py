"""A board column's header: the stage, its true count, and its value and
weighted value in the team's currency (other currencies are never added
in: the header says how many there are and its tooltip lists them)."""

from rich.text import Text
from textual.content import Content

from leadtui.domain.currency import format_money, short_money, with_currency
from leadtui.domain.models import Stage
from leadtui.domain.pipeline import WIN_PROBABILITY
from leadtui.tui.cells import plain

# The narrowest column, 26 (styles/leadtui.tcss), less border, padding and
# scrollbar; a wider terminal shares its width among the columns.
CARD_WIDTH = 22


def _amounts(value_cents: int, weighted_cents: int, width: int) -> str:
    """ "188,000 · w 9,400", or "5.28bn · w 264m" when that would not fit."""
    full = f"{format_money(value_cents)} · w {format_money(weighted_cents)}"
    return full if len(full) <= width else (
        f"{short_money(value_cents)} · w {short_money(weighted_cents)}"
    )  # fmt: skip


def header(
    stage: Stage, count: int, value_cents: int, others: dict[str, int], width: int = CARD_WIDTH
) -> tuple[Content, Text | None]:
    """The header's two lines and its tooltip (None: one currency only).
    `others`: the values in other currencies (currency → hundredths)."""
    team_cents = value_cents - sum(others.values())
    weighted = round(team_cents * WIN_PROBABILITY[stage])
    amounts = _amounts(team_cents, weighted, width)
    if others:
        more = f" +{len(others)} cur"
        amounts = (
            amounts + more
            if len(amounts + more) <= width
            else f"{short_money(team_cents)} · w {short_money(weighted)}{more}"
        )
    lines = Content.assemble(
        (stage.label, "bold"), f"  {count:,}\n", (amounts, "$foreground-muted")
    )
    listed = ", ".join(
        with_currency(format_money(cents, code), code) for code, cents in sorted(others.items())
    )
    # A stored currency is text from a file: plain, never markup.
    tooltip = Text(plain(f"Not added in (no sum across currencies): {listed}"))
    return lines, tooltip if others else None
