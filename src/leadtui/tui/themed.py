"""Colours from the theme, in Rich text too.

Textual's Content understands theme variables in a style ("bold
$text-error"), Rich's Text does not; yet DataTable cells and board cards are
Rich Text. So the app gives its Rich console a style per theme variable,
named as Content names it ("$text-error"), rebuilt whenever the theme
changes: leadtui writes "$text-error" in both, and no colour is named
anywhere else. Rich resolves one name per span, so a compound style ("bold
$text-error") is split into one span per word (`styled`).
"""

from collections.abc import Mapping

from rich.style import Style
from rich.text import Text
from rich.theme import Theme
from textual.color import Color
from textual.theme import BUILTIN_THEMES

# The variables leadtui's text uses: the text-* ones are legible on the
# background in dark and light themes alike; the plain ones fill bars.
VARIABLES = (
    "text-success", "text-warning", "text-error", "text-accent", "text-primary",
    "foreground-muted", "success", "warning", "error", "accent", "primary",
)  # fmt: skip


def _colour(value: str, background: Color) -> Color:
    """A variable's value as a solid colour over the background: "auto 60%"
    is the readable text colour at 60%, "#E0E0E099" is blended."""
    if value.startswith("auto"):
        words = value.split()
        alpha = float(words[1].rstrip("%")) / 100 if len(words) > 1 else 1.0
        return background + background.get_contrast_text(alpha)
    return background + Color.parse(value)


def rich_theme(variables: Mapping[str, str]) -> Theme:
    """Rich styles named "$VARIABLE" for the theme whose CSS variables these are."""
    background = Color.parse(variables.get("background", "#000000"))
    styles = {
        f"${name}": Style(color=_colour(variables[name], background).rich_color)
        for name in VARIABLES
        if name in variables
    }
    # Muted text is the text colour at part strength, over whatever is
    # behind it: on a table's cursor too, where a colour fixed against the
    # background would vanish. Rich's dim is exactly that. ($text-muted is
    # not used anywhere: in Content its "auto 60%" loses the 60%.)
    styles["$foreground-muted"] = Style(dim=True)
    return Theme(styles, inherit=True)


def styled(text: Text, style: str, start: int = 0, end: int | None = None) -> Text:
    """`text` (from `start` to `end`) with each word of `style` as a span of
    its own: Rich resolves a span's style as one name."""
    for word in style.split():
        text.stylize(word, start, end)
    return text


def theme_names() -> list[str]:
    """The themes leadtui offers: Textual's own."""
    return sorted(BUILTIN_THEMES)
