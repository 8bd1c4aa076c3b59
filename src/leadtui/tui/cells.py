"""Table cells from plain values, never through markup (a str cell is parsed as
markup: `Acme [/] Corp` would crash the app). No models here: the start
screen draws the inbox's first page with these before pydantic is imported,
and render.py draws every later page with the same functions, so the two
cannot differ."""

from pathlib import Path

from rich.text import Text

from leadtui.domain.sanitize import clean_line, clean_text

# By the temperature's stored value ("hot", "warm", "cold").
TEMPERATURE_STYLE = {"hot": "bold red", "warm": "yellow", "cold": "cyan"}
# Shown before a marked lead's name in the inbox and on its card.
MARK = "● "
# The inbox's columns: (title, width); the key is the lowercased title.
INBOX_COLUMNS = (
    ("Name", 20),
    ("Company", 15),
    ("Source", 8),
    ("Temp", 4),
    ("Score", 6),
    ("Win", 4),
    ("Age", 5),  # "Due" in the Due list
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
    """A DataTable cell showing `value` literally."""
    return Text(plain(value), style=style, no_wrap=True, overflow="ellipsis")


def temperature_cell(temperature: str) -> Text:
    return cell(temperature, TEMPERATURE_STYLE.get(temperature, ""))


def name_cell(name: str, *, marked: bool = False) -> Text:
    """The inbox's name cell; a lead marked for a bulk move leads with ●."""
    shown = cell(name, "bold")
    return Text.assemble((MARK, "bold magenta"), shown) if marked else shown


def chance_label(win_chance: int) -> str:
    """'64%', or '–' before a model is trained (every chance is then 0)."""
    return f"{win_chance}%" if win_chance else "–"


def inbox_cells(
    name: Text, company: str | None, source: str, temperature: str, score: int,
    win_chance: int, last: Text,
) -> tuple[Text, ...]:  # fmt: skip
    """One inbox row, in INBOX_COLUMNS order; `last` is the Age (or Due) cell."""
    return (
        name,
        cell(company),
        cell(source),
        temperature_cell(temperature),
        Text(str(score), justify="right"),
        Text(chance_label(win_chance), justify="right"),
        last,
    )


def file_label(path: Path) -> str:
    """The database file's name as the header shows it. A file name is
    untrusted text like any other: it may hold an escape sequence, a C1
    control, a bidi mark or bytes that are not UTF-8."""
    return plain(path.name) or "?"
