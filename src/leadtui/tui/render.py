"""Lead data to on-screen text, never through markup (ARCHITECTURE.md hazard 1).

A plain str handed to a DataTable cell, an OptionList prompt or notify() is
parsed as markup: `Acme [/] Corp` would crash the app and `[@click=...]` would
run an action. Everything here builds rich `Text` or textual `Content` from
the value as-is; fixed labels are joined with `Content.assemble`, which treats
plain strings literally.
"""

from datetime import datetime

from rich.text import Text
from textual.content import Content

from leadtui.clock import age_label
from leadtui.models import HistoryEntry, Lead, Temperature, format_money

TEMPERATURE_STYLE = {
    Temperature.HOT: "bold red",
    Temperature.WARM: "yellow",
    Temperature.COLD: "cyan",
}


def cell(value: str | None, style: str = "") -> Text:
    """A DataTable cell showing `value` literally."""
    return Text(value or "", style=style, no_wrap=True, overflow="ellipsis")


def temperature_cell(temperature: Temperature) -> Text:
    return cell(temperature.value, TEMPERATURE_STYLE[temperature])


def inbox_row(lead: Lead, now: datetime) -> tuple[Text, ...]:
    """Name, company, source, temperature, score, win chance, age."""
    return (
        cell(lead.name, "bold"),
        cell(lead.company),
        cell(lead.source.value),
        temperature_cell(lead.temperature),
        Text(str(lead.score), justify="right"),
        Text(chance_label(lead), justify="right"),
        Text(age_label(lead.created_at, now), justify="right"),
    )


def chance_label(lead: Lead) -> str:
    """'64%', or '–' before a model is trained (every chance is then 0)."""
    return f"{lead.win_chance}%" if lead.win_chance else "–"


def _two_sided(left: str, left_style: str, right: str, right_style: str, width: int) -> Text:
    """One line of exactly `width` cells: `left` cut with an ellipsis so that
    `right` always fits, right-aligned."""
    room = max(1, width - len(right) - 1)
    line = Text(left, style=left_style)
    line.truncate(room, overflow="ellipsis")
    line.append(" " * (width - line.cell_len - len(right)))
    line.append(right, right_style)
    return line


def card(lead: Lead, width: int) -> Text:
    """A two-line board card, `width` cells wide:
    name ............ H75
    company ...... 42,000"""
    badge = f"{lead.temperature.value[0].upper()}{lead.score}"
    first = _two_sided(lead.name, "bold", badge, TEMPERATURE_STYLE[lead.temperature], width)
    value = format_money(lead.value_cents) if lead.value_cents else ""
    second = _two_sided(lead.company or "", "dim", value, "", width)
    return Text("\n").join([first, second])


def _field_block(rows: list[tuple[str, str | None]], label_width: int) -> Content:
    parts: list[str | tuple[str, str]] = []
    for label, value in rows:
        if value:
            parts += [(f"{label:<{label_width}}", "bold"), value, "\n"]
    return Content.assemble(*parts).rstrip()


def lead_fields(lead: Lead) -> tuple[Content, Content]:
    """The Lead tab's two field columns, fixed bold labels and literal values:
    who the lead is, and where it stands (notes go beneath, full width)."""
    who = _field_block(
        [
            ("Name", lead.name),
            ("Company", lead.company),
            ("Title", lead.title),
            ("Email", lead.email),
            ("Phone", lead.phone),
            ("Source", lead.source.value),
            ("Owner", lead.owner),
        ],
        8,
    )
    standing = _field_block(
        [
            ("Stage", lead.stage.label),
            ("Temp", lead.temperature.value),
            ("Score", str(lead.score)),
            ("Value", format_money(lead.value_cents)),
            ("Created", f"{lead.created_at:%Y-%m-%d %H:%M}"),
            ("Follow", f"{lead.follow_up_at:%a %d %b}" if lead.follow_up_at else None),
            ("Tags", ", ".join(lead.tags)),
            ("Lost", lead.lost_reason),
        ],
        8,
    )
    return who, standing


def custom_block(custom: dict[str, str]) -> Content:
    """Fields an import brought along, under their own headers (literal text;
    long values cut to a line, the whole value is in `leadtui show`)."""
    parts: list[str | tuple[str, str]] = [("Custom fields", "bold"), "\n"]
    for name, value in custom.items():
        line = value.replace("\n", " ")
        parts += [(f"{name}: ", "dim"), line[:200] + ("…" if len(line) > 200 else ""), "\n"]
    return Content.assemble(*parts).rstrip()


def history_row(entry: HistoryEntry) -> tuple[Text, ...]:
    """When, who, what."""
    style = "magenta" if entry.type == "stage_change" else ""
    return (
        cell(f"{entry.at:%Y-%m-%d %H:%M}", "dim"),
        cell(entry.actor),
        cell(entry.summary(), style),
    )


def score_block(lines: list[str]) -> Text:
    """A score and its reasons: the heading line bold, each reason below it."""
    block = Text(no_wrap=True, overflow="ellipsis")
    for index, line in enumerate(lines):
        if index:
            block.append("\n")
        block.append(line, style="bold" if index == 0 else "")
    return block
