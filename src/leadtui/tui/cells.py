"""Table cells from plain values, never through markup (a str cell is parsed as
markup: `Acme [/] Corp` would crash the app). No models here: the start
screen draws the inbox's first page with these before pydantic is imported,
and render.py draws every later page with the same functions, so the two
cannot differ."""

from pathlib import Path
from urllib.parse import urlsplit

from rich.text import Text

from leadtui.domain.currency import with_currency
from leadtui.domain.sanitize import clean_line, clean_text, shown_name
from leadtui.tui.themed import styled

# By the temperature's stored value ("hot", "warm", "cold"); colours are the
# theme's (themed.py), so they hold in light and dark themes alike.
TEMPERATURE_STYLE = {"hot": "bold $text-error", "warm": "$text-warning", "cold": "$text-primary"}
# A lead marked for a bulk move: its ● and its card's mark.
MARK_STYLE = "bold $text-accent"
# Shown before a marked lead's name in the inbox and on its card.
MARK = "● "
# The inbox's columns: (title, width); the key is the lowercased title.
# With a cell's padding (2) each, they fill 78 of 80 columns, the scrollbar
# the rest. To fit the owner and the value with its currency ("CHF9,400"),
# the name and the company gave up some width (cut with "…"), and the
# temperature shares the score's column as its first letter, in its colour,
# as on a board card ("H 90").
INBOX_COLUMNS = (
    ("Name", 14),
    ("Company", 9),
    ("Source", 8),
    ("Owner", 7),
    ("Score", 6),
    ("Win", 4),
    ("Value", 8),
    ("Age", 6),  # or Due, or Touch: what the list is ranked by (InboxPane)
)


def plain(value: str | None) -> str:
    """Stored text as one line fit for a terminal. The models clean what
    they are given, but a file another program wrote may hold anything: an
    escape sequence shown is an escape sequence the terminal obeys. Every
    stored string the TUI shows goes through here (or plain_lines)."""
    return clean_line(value) if value else ""


def plain_lines(value: str | None) -> str:
    """As plain(), keeping line breaks (notes, a touch's body)."""
    return clean_text(value).strip() if value else ""


def cell(value: str | None, style: str = "") -> Text:
    """A DataTable cell showing `value` literally, in `style` (which may name
    theme variables: "bold $text-error")."""
    return styled(Text(plain(value), no_wrap=True, overflow="ellipsis"), style)


def temperature_cell(temperature: str) -> Text:
    return cell(temperature, TEMPERATURE_STYLE.get(temperature, ""))


def name_cell(name: str, *, marked: bool = False) -> Text:
    """The inbox's name cell; a lead marked for a bulk move leads with ●."""
    shown = cell(shown_name(name), "bold")
    return Text.assemble(styled(Text(MARK), MARK_STYLE), shown) if marked else shown


def score_cell(temperature: str, score: int) -> Text:
    """ "H 90": the temperature's letter in its colour, then the score."""
    letter = styled(Text(temperature[:1].upper()), TEMPERATURE_STYLE.get(temperature, ""))
    return Text.assemble(letter, f" {score}", justify="right")


def short_value(cents: int) -> str:
    """A deal's value in at most 6 characters: "", "9,400", "188k",
    "1.2m", "12.3m", "5.3bn" (the full figure is on the Lead tab)."""
    units = cents // 100
    if not units:
        return ""
    if units < 100_000:
        return f"{units:,}"
    if units < 999_500:
        return f"{units / 1000:.0f}k"
    size, suffix = (1_000_000, "m") if units < 999_500_000 else (1_000_000_000, "bn")
    return f"{units / size:.{0 if units / size >= 99.95 else 1}f}{suffix}"


def value_label(cents: int, currency: str) -> str:
    """short_value with the currency's mark, in at most 8 cells: "$9,400",
    "£188k", "¥1.2m", "CHF9,400"; "" for no value."""
    short = short_value(cents)
    # plain(): the currency is stored text, which another program may have written.
    return plain(with_currency(short, currency, spaced=False)) if short else ""


def chance_label(win_chance: int) -> str:
    """'64%', or '–' before a model is trained (every chance is then 0)."""
    return f"{win_chance}%" if win_chance else "–"


def inbox_cells(
    name: Text, company: str | None, source: str, owner: str | None, temperature: str,
    score: int, win_chance: int, value_cents: int, currency: str, last: Text,
) -> tuple[Text, ...]:  # fmt: skip
    """One inbox row, in INBOX_COLUMNS order; `last` is the Age (or Due,
    or Touch) cell. Every value shows its currency, the team's too: one
    rule, and a list mixing currencies never reads as one."""
    return (
        name,
        cell(company),
        cell(source),
        cell(owner),
        score_cell(temperature, score),
        Text(chance_label(win_chance), justify="right"),
        Text(value_label(value_cents, currency), justify="right"),
        last,
    )


def file_label(path: Path | str) -> str:
    """The database file's name as the header shows it, or a PostgreSQL
    URL's database name (never the rest: it may hold a password). A file
    name is untrusted text like any other: it may hold an escape sequence,
    a C1 control, a bidi mark or bytes that are not UTF-8."""
    if isinstance(path, str):
        return plain(urlsplit(path).path.lstrip("/")) or "?"
    return plain(path.name) or "?"
