"""The user's own settings for the TUI: `config.toml` in the user config dir
(`$LEADTUI_CONFIG` if set). Keys are remapped by binding id, e.g.

    [keys]
    advance = "A"            # a binding id = one key, or several: "A,ctrl+a"
    undo = "ctrl+z"

    [board]
    follow_moved_card = true # the cursor follows a moved card to its column

    [ui]
    theme = "nord"           # the theme chosen last (ctrl+p, "Change theme")

A missing file is the defaults; a broken one is one readable error. Pure
apart from reading the file."""

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from leadtui.domain.errors import InvalidInput

# A key as Textual names it: "a", "A", "ctrl+z", "f5", "exclamation_mark".
_KEY = re.compile(r"^[A-Za-z0-9_+-]{1,40}$")
_THEME = re.compile(r"^[A-Za-z0-9_.-]{1,40}$")


@dataclass(frozen=True)
class Settings:
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys
    follow_moved_card: bool = False
    theme: str | None = None


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
    theme = _theme(data.get("ui", {}), origin)
    keys, board = data.get("keys", {}), data.get("board", {})
    if not isinstance(keys, dict) or not isinstance(board, dict):
        raise InvalidInput(f"{origin}: [keys] and [board] must be tables")
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
    return Settings(keymap=keymap, follow_moved_card=follow, theme=theme)


def _theme(ui: object, origin: str) -> str | None:
    """[ui] theme: a theme's name (the app checks that it is one)."""
    if not isinstance(ui, dict) or set(ui) - {"theme"}:
        raise InvalidInput(f'{origin}: [ui] takes only theme = "NAME"')
    theme = ui.get("theme")
    if theme is not None and (not isinstance(theme, str) or not _THEME.match(theme)):
        raise InvalidInput(f'{origin}: [ui] theme must be a theme\'s name, like "nord"')
    return theme
