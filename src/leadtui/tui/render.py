"""Lead data to on-screen text, never through markup.

A plain str handed to a DataTable cell, an OptionList prompt or notify() is
parsed as markup: `Acme [/] Corp` would crash the app and `[@click=...]` would
run an action. Everything here builds rich `Text` or textual `Content` from
the value as-is; fixed labels are joined with `Content.assemble`, which treats
plain strings literally.
"""

from datetime import datetime

from rich.text import Text
from textual.content import Content

from leadtui.domain.clock import age_label, is_overdue, team_day
from leadtui.domain.currency import format_money, with_currency
from leadtui.domain.models import BANT_CRITERIA, Answer, HistoryEntry, Lead, Temperature
from leadtui.domain.pipeline import is_open, rotting
from leadtui.domain.sanitize import shown_name
from leadtui.tui import cells
from leadtui.tui.cells import MARK, cell, plain
from leadtui.tui.themed import styled


def temperature_cell(temperature: Temperature) -> Text:
    return cells.temperature_cell(temperature.value)


def name_cell(lead: Lead, *, marked: bool = False) -> Text:
    return cells.name_cell(lead.name, marked=marked)


def inbox_row(
    lead: Lead, now: datetime, *, due: bool = False, marked: bool = False, order: str = "score"
) -> tuple[Text, ...]:
    """Name, company, source, owner, temperature and score, win chance,
    value, and last what the list is ranked by when it is a time: how late
    the follow-up is (the Due list, or ranked by follow-up), how long since
    the last touch (ranked by it), else the lead's age."""
    if due or order == "follow_up":
        last = _due_label(lead.follow_up_at, now)
    elif order == "touch":
        touched = lead.last_touch_at
        last = Text(age_label(touched, now) if touched else "never", justify="right")
    else:
        last = Text(age_label(lead.created_at, now), justify="right")
    return cells.inbox_cells(
        name_cell(lead, marked=marked), lead.company, lead.source.value, lead.owner,
        lead.temperature.value, lead.score, lead.win_chance, lead.value_cents, lead.currency,
        last,
    )  # fmt: skip


def _due_label(follow_up: datetime | None, now: datetime) -> Text:
    """In calendar days: "-3d" late (red), "today" (bold), "+2d" ahead (dim);
    weeks past 99 days and years past 99 weeks, so it always fits the
    column's six cells (a follow-up may be years away: 9999-12-31)."""
    if follow_up is None:
        return styled(Text("–", justify="right"), "$foreground-muted")
    days = (team_day(follow_up, now) - now.date()).days  # the team's days
    if days == 0:
        return Text("today", style="bold", justify="right")
    gap = abs(days)
    span = f"{gap}d" if gap < 100 else f"{gap // 7}w" if gap < 700 else f"{gap // 365}y"
    if days < 0:
        return styled(Text(f"-{span}", justify="right"), "bold $text-error")
    return styled(Text(f"+{span}", justify="right"), "$foreground-muted")


def chance_label(lead: Lead) -> str:
    return cells.chance_label(lead.win_chance)


def _two_sided(left: str, left_style: str, right: str, right_style: str, width: int) -> Text:
    """One line of exactly `width` cells: `left` cut with an ellipsis so that
    `right` always fits, right-aligned."""
    room = max(1, width - len(right) - 1)
    line = styled(Text(left), left_style)
    line.truncate(room, overflow="ellipsis")
    line.append(" " * (width - line.cell_len - len(right)))
    end = line.cell_len
    line.append(right)
    return styled(line, right_style, end)


def overdue(lead: Lead, now: datetime) -> bool:
    """A follow-up whose day has ended (clock.is_overdue, every surface's
    rule), on a lead still open: a won or lost lead keeps the day it had,
    but nothing is due on it any more (the Due list leaves closed leads out
    too)."""
    return is_open(lead.stage) and is_overdue(lead.follow_up_at, now)


def card_value(lead: Lead) -> str:
    """A card's value with its currency: "$42,000", "£45,000", "CHF 2,500"."""
    amount = format_money(lead.value_cents, lead.currency)
    return plain(with_currency(amount, lead.currency)) if lead.value_cents else ""


def card(lead: Lead, width: int, now: datetime | None = None, *, marked: bool = False) -> Text:
    """A two-line board card, `width` cells wide, "!" marking an overdue
    follow-up and "~" a rotting lead (nothing done for longer than its stage
    allows), and ● one marked for a bulk move:
    ● name ........ !~H75
    company ..... $42,000"""
    badge = f"{lead.temperature.value[0].upper()}{lead.score}"
    late = now is not None and overdue(lead, now)
    stale = now is not None and rotting(lead.stage, lead.last_activity(), now)
    marks = ("!" if late else "") + ("~" if stale else "")
    first = _two_sided(
        (MARK if marked else "") + plain(shown_name(lead.name)), "bold", marks + badge,
        cells.TEMPERATURE_STYLE[lead.temperature.value], width,
    )  # fmt: skip
    if marked:
        styled(first, cells.MARK_STYLE, 0, len(MARK))
    start = first.cell_len - len(badge) - len(marks)
    if late:
        styled(first, "bold $text-error", start, start + 1)
    if stale:
        styled(
            first,
            "bold $text-warning",
            first.cell_len - len(badge) - 1,
            first.cell_len - len(badge),
        )
    value = card_value(lead)
    second = _two_sided(plain(lead.company), "$foreground-muted", value, "", width)
    return Text("\n").join([first, second])


# Narrower than this beside its label, a value wraps from the left edge.
MIN_VALUE_WIDTH = 12


def _field_block(
    rows: list[tuple[str, str | None]], label_width: int, width: int | None = None
) -> Content:
    """Bold labels, each value beside its own; given the block's `width`, a
    long value wraps under itself (a long name wrapped under the labels)."""
    parts: list[str | tuple[str, str] | Content] = []
    room = None if width is None else width - label_width
    indent = "\n" + " " * label_width
    for label, value in rows:
        if value:
            text = Content(plain(value))
            if room is not None and room >= MIN_VALUE_WIDTH and text.cell_length > room:
                text = Content(indent).join(text.wrap(room))
            parts += [(f"{label:<{label_width}}", "bold"), text, "\n"]
    return Content.assemble(*parts).rstrip()


def lead_fields(
    lead: Lead,
    now: datetime | None = None,
    who_width: int | None = None,
    standing_width: int | None = None,
) -> tuple[Content, Content]:
    """The Lead tab's two field columns, fixed bold labels and literal values:
    who the lead is, and where it stands (notes go beneath, full width);
    each wrapped for its width, if given."""
    who = _field_block(
        [
            ("Lead", f"#{lead.id}"),  # as the CLI and every message name it
            ("Name", shown_name(lead.name)),
            ("Company", lead.company),
            ("Title", lead.title),
            ("Email", lead.email),
            ("Phone", lead.phone),
            ("Source", lead.source.value),
            ("Owner", lead.owner),
        ],
        8,
        who_width,
    )
    standing = _field_block(
        [
            ("Stage", lead.stage.label),
            ("Temp", lead.temperature_shown()),
            ("Score", str(lead.score)),
            ("Value", lead.money()),
            ("Created", f"{lead.created_at:%Y-%m-%d %H:%M}"),
            ("Follow", _follow_up_label(lead, now)),
            ("Close", f"{lead.expected_close:%d %b %Y}" if lead.expected_close else None),
            ("Tags", ", ".join(lead.tags)),
            ("Lost", lead.lost_reason),
        ],
        8,
        standing_width,
    )
    return who, standing


def qualification_block(lead: Lead) -> Content:
    """Lifecycle, fit and BANT: one line while BANT is unanswered, else the
    four answers two by two (coloured; a long note is cut, `c` shows it)."""
    parts: list[str | tuple[str, str]] = [
        ("Qualification ", "bold"),
        f"{lead.lifecycle.label} · fit {lead.fit.value} · ",
    ]
    if not lead.bant:
        parts.append(("BANT not assessed (c)", "$foreground-muted"))
        return Content.assemble(*parts)
    parts.append(f"BANT {lead.bant_yes()} of {len(BANT_CRITERIA)} yes")
    for index, criterion in enumerate(BANT_CRITERIA):
        answer = lead.bant_answer(criterion)
        style = {Answer.YES: "$text-success", Answer.NO: "$text-error"}.get(
            answer.answer, "$foreground-muted"
        )
        note = plain(answer.note)
        note = note if len(note) <= 18 else note[:17] + "…"
        parts += ["\n" if index % 2 == 0 else "  ", (f"{criterion.capitalize():<10}", "bold")]
        parts += [(f"{answer.answer.value:<8}", style), f"{note:<18}" if index % 2 == 0 else note]
    return Content.assemble(*parts).rstrip()


def custom_block(custom: dict[str, str]) -> Content:
    """Fields an import brought along, under their own headers (literal text;
    long values cut to a line, the whole value is in `leadtui show`)."""
    parts: list[str | tuple[str, str]] = [("Custom fields", "bold"), "\n"]
    for name, value in custom.items():
        line = plain(value)
        parts += [
            (f"{plain(name)}: ", "$foreground-muted"),
            line[:200] + ("…" if len(line) > 200 else ""),
            "\n",
        ]
    return Content.assemble(*parts).rstrip()


def _follow_up_label(lead: Lead, now: datetime | None) -> str | None:
    if lead.follow_up_at is None:
        return None
    late = " (overdue)" if now is not None and overdue(lead, now) else ""
    day = team_day(lead.follow_up_at, now) if now is not None else lead.follow_up_at.date()
    return f"{day:%a %d %b}{late}"


def history_row(entry: HistoryEntry) -> tuple[Text, ...]:
    """When, who, what; a line an undo or redo wrote starts ↶ or ↷, and a
    touch since undone is muted and struck through."""
    style = "$text-accent" if entry.type == "stage_change" else ""
    return (
        cell(f"{entry.at:%Y-%m-%d %H:%M}", "$foreground-muted"),
        cell(entry.actor),
        cell(entry.described(), "$foreground-muted strike" if entry.undone else style),
    )


def score_block(lines: list[str]) -> Text:
    """A score and its reasons: the heading line bold, each reason below it."""
    block = Text(no_wrap=True, overflow="ellipsis")
    for index, line in enumerate(lines):
        if index:
            block.append("\n")
        block.append(plain(line), style="bold" if index == 0 else "")
    return block
