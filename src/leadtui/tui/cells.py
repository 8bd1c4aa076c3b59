"""Table cells from plain values, never through markup (a str cell is parsed as
markup: `Acme [/] Corp` would crash the app). No models here: the start
screen draws the inbox's first page with these before pydantic is imported,
and render.py draws every later page with the same functions, so the two
cannot differ."""

from rich.text import Text

from leadtui.tui.themed import styled

# By the temperature's stored value ("hot", "warm", "cold"); colours are the
# theme's (themed.py), so they hold in light and dark themes alike.
TEMPERATURE_STYLE = {"hot": "bold $text-error", "warm": "$text-warning", "cold": "$text-primary"}
# A lead marked for a bulk move: its ● and its card's mark.
MARK_STYLE = "bold $text-accent"
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


def cell(value: str | None, style: str = "") -> Text:
    """A DataTable cell showing `value` literally, in `style` (which may name
    theme variables: "bold $text-error")."""
    return styled(Text(value or "", no_wrap=True, overflow="ellipsis"), style)


def temperature_cell(temperature: str) -> Text:
    return cell(temperature, TEMPERATURE_STYLE.get(temperature, ""))


def name_cell(name: str, *, marked: bool = False) -> Text:
    """The inbox's name cell; a lead marked for a bulk move leads with ●."""
    shown = cell(name, "bold")
    return Text.assemble(styled(Text(MARK), MARK_STYLE), shown) if marked else shown


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
