"""The user's own settings for the TUI: `config.toml` in the user config dir
(`$LEADTUI_CONFIG` if set). Keys are remapped by binding id, e.g.

    [keys]
    advance = "A"            # a binding id = one key, or several: "A,ctrl+a"
    undo = "ctrl+z"

    [board]
    follow_moved_card = true # the cursor follows a moved card to its column

    [ui]
    theme = "nord"           # written by the TUI when a theme is picked

A missing file is the defaults; a broken one is one readable error. Pure
apart from reading the file, and writing the theme (save_theme)."""

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from leadtui.domain.errors import InvalidInput

# A key as Textual names it: "a", "A", "ctrl+z", "f5", "exclamation_mark".
_KEY = re.compile(r"^[A-Za-z0-9_+-]{1,40}$")
# A theme's name as Textual names them: "nord", "textual-dark".
_THEME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
_THEME_LINE = re.compile(r"^\s*theme\s*=")
_UI_TABLE = re.compile(r"^\s*\[\s*ui\s*\]\s*(#.*)?$")


@dataclass(frozen=True)
class Settings:
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys
    follow_moved_card: bool = False
    theme: str | None = None  # None: Textual's default


def config_path() -> Path:
    override = os.environ.get("LEADTUI_CONFIG")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path("leadtui", appauthor=False) / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read it ({error})") from None
    return parse_settings(text, str(path))


def parse_settings(text: str, origin: str) -> Settings:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidInput(f"{origin}: not valid TOML ({error})") from None
    unknown = set(data) - {"keys", "board", "ui"}
    if unknown:
        raise InvalidInput(
            f"{origin}: unknown section [{sorted(unknown)[0]}]; use [keys], [board], [ui]"
        )
    keys, board, ui = data.get("keys", {}), data.get("board", {}), data.get("ui", {})
    if not all(isinstance(table, dict) for table in (keys, board, ui)):
        raise InvalidInput(f"{origin}: [keys], [board] and [ui] must be tables")
    keymap = {}
    for binding, value in keys.items():
        spelled = [key.strip() for key in value.split(",")] if isinstance(value, str) else []
        if not spelled or not all(_KEY.match(key) for key in spelled):
            raise InvalidInput(
                f"{origin}: [keys] {binding} = {str(value)[:40]!r} is not a key like"
                ' "A", "ctrl+z" or "A,ctrl+a"'
            )
        keymap[binding] = ",".join(spelled)
    unknown = set(board) - {"follow_moved_card"}
    if unknown:
        raise InvalidInput(f"{origin}: [board] has no setting {sorted(unknown)[0]!r}")
    follow = board.get("follow_moved_card", False)
    if not isinstance(follow, bool):
        raise InvalidInput(f"{origin}: [board] follow_moved_card must be true or false")
    return Settings(keymap=keymap, follow_moved_card=follow, theme=_theme(ui, origin))


def _theme(ui: dict[str, object], origin: str) -> str | None:
    unknown = set(ui) - {"theme"}
    if unknown:
        raise InvalidInput(f"{origin}: [ui] has no setting {sorted(unknown)[0]!r}")
    theme = ui.get("theme")
    if theme is not None and not (isinstance(theme, str) and _THEME.match(theme)):
        raise InvalidInput(f"{origin}: [ui] theme = {str(theme)[:40]!r} is not a theme's name")
    return theme


def save_theme(theme: str, path: Path | None = None) -> Path:
    """Keep `theme` as [ui] theme in config.toml; the rest of the file (its
    keys, comments and layout) stays as it was. Returns the file."""
    path = path or config_path()
    if not _THEME.match(theme):
        raise InvalidInput(f"{theme[:40]!r} is not a theme's name")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read it ({error})") from None
    parse_settings(text, str(path))  # a file it cannot read back is left alone
    updated = _with_theme(text, theme)
    try:
        kept = parse_settings(updated, str(path)).theme == theme
    except InvalidInput:
        kept = False
    if not kept:  # e.g. [ui] written inline: set it by hand
        raise InvalidInput(f"{path}: cannot set [ui] theme in it; set it by hand")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        spare = path.with_name(f".{path.name}.new")
        spare.write_text(updated, encoding="utf-8")
        spare.replace(path)  # whole, or not at all
    except OSError as error:
        raise InvalidInput(f"{path}: cannot save the theme ({error.strerror})") from None
    return path


def _with_theme(text: str, theme: str) -> str:
    """`text` with its [ui] table's theme line set (added if missing)."""
    line = f'theme = "{theme}"'
    lines = text.splitlines()
    start = next((i for i, row in enumerate(lines) if _UI_TABLE.match(row)), None)
    if start is None:
        return "\n".join([*lines, *([""] if lines else []), "[ui]", line]) + "\n"
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
        len(lines),
    )
    found = next((i for i in range(start + 1, end) if _THEME_LINE.match(lines[i])), None)
    if found is None:
        lines.insert(start + 1, line)
    else:
        lines[found] = line
    return "\n".join(lines) + "\n"
