"""The user's own settings for the TUI: `config.toml` in the user config dir
(`$LEADTUI_CONFIG` if set). Keys are remapped by binding id, e.g.

    [keys]
    advance = "A"            # a binding id = one key, or several: "A,ctrl+a"
    undo = "ctrl+z"

    [board]
    follow_moved_card = true # the cursor follows a moved card to its column

    [ui]
    theme = "nord"           # written by the TUI when a theme is picked

A missing file is the defaults; a broken one is one readable error, found
before anything is drawn: a mistyped id, or a key that two actions would
share (one of them would silently lose it). Pure apart from reading the
file, and writing the theme (save_theme)."""

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

# The TUI's keys by binding id, as it binds them by default, in the layers
# that hold them: the main screen, and the widgets that can have the focus
# over it. Textual gives a key to the focused widget first, then to its
# containers, then to the screen; two bindings in one layer cannot share a
# key (Textual drops one). Kept here, not read from the TUI, so a broken
# keymap stops before the first paint without importing the screens;
# tests/test_keymap.py checks it against the TUI's own bindings.
SCREEN_KEYS = {
    "advance": "a", "lose": "x", "win": "w", "back": "b", "reopen": "r", "mark": "space",
    "mark-all": "V", "unmark": "escape", "undo": "u", "redo": "U", "assign": "equals_sign",
    "open-lead": "enter",
    "log-touch": "l,L", "pin-temperature": "t", "edit": "e", "classify": "c", "follow-up": "f",
    "snooze": "z", "due": "d", "hide": "s", "quick-add": "n", "search": "slash",
    "filter": "ctrl+f", "filter-overdue": "exclamation_mark", "filter-rotting": "tilde",
    "toggle-order": "o", "previous-lead": "left_square_bracket",
    "next-lead": "right_square_bracket", "tab-inbox": "1", "tab-pipeline": "2",
    "tab-lead": "3", "tab-kpis": "4", "keys": "question_mark", "quit": "q",
}  # fmt: skip
INBOX_KEYS = {"cursor-down": "j", "cursor-up": "k", "scroll-top": "g", "scroll-bottom": "G"}
CARD_KEYS = {"cursor-down": "j", "cursor-up": "k", "first": "g", "last": "G"}
BOARD_KEYS = {"column-left": "h,left", "column-right": "l,right", "fold-lost": "F"}
KPI_KEYS = {
    "kpi-next-window": "d", "kpi-custom-window": "D", "kpi-next-owner": "f",
    "kpi-next-sort": "s", "kpi-spend": "dollar_sign",
}  # fmt: skip
# The app's own, under every screen: a screen's key given the same key wins
# there (`undo = "ctrl+z"` undoes), so they are not checked for clashes.
APP_KEYS = {"suspend": "ctrl+z"}
# Where each set of layers is active at once, innermost first.
PLACES: dict[str, tuple[dict[str, str], ...]] = {
    "the inbox": (INBOX_KEYS, SCREEN_KEYS),
    "the pipeline": (CARD_KEYS, BOARD_KEYS, SCREEN_KEYS),
    "the KPIs tab": (KPI_KEYS, SCREEN_KEYS),
    "the Lead tab": (SCREEN_KEYS,),
}
# Keys Textual's own widgets and the app keep, with no id to remap them by:
# an action moved onto one of them would never see it.
RESERVED_KEYS = frozenset({
    "ctrl+q", "ctrl+c", "ctrl+p", "super+c", "tab", "shift+tab", "enter", "up", "down",
    "left", "right", "home", "end", "pageup", "pagedown", "ctrl+home", "ctrl+end",
    "ctrl+pageup", "ctrl+pagedown",
})  # fmt: skip


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
    check_keymap(keymap, origin)
    unknown = set(board) - {"follow_moved_card"}
    if unknown:
        raise InvalidInput(f"{origin}: [board] has no setting {sorted(unknown)[0]!r}")
    follow = board.get("follow_moved_card", False)
    if not isinstance(follow, bool):
        raise InvalidInput(f"{origin}: [board] follow_moved_card must be true or false")
    return Settings(keymap=keymap, follow_moved_card=follow, theme=_theme(ui, origin))


def binding_ids() -> set[str]:
    """Every id config.toml's [keys] can remap."""
    screens = {binding for layers in PLACES.values() for layer in layers for binding in layer}
    return screens | set(APP_KEYS)


def check_keymap(keymap: dict[str, str], origin: str) -> None:
    """Every id is one the TUI has, and no key given in `keymap` lands on a
    key another action keeps in a place where both act: one of the two
    would be lost. A binding's own default keys are never a clash."""
    known = binding_ids()
    unknown = sorted(set(keymap) - known)
    if unknown:
        raise InvalidInput(
            f"{origin}: [keys] {unknown[0]!r} is not a key's id;"
            f" the ids are {', '.join(sorted(known))} (and ? shows them)"
        )
    for place, layers in PLACES.items():
        keys = {
            binding: set((keymap.get(binding) or default).split(","))
            for layer in layers
            for binding, default in layer.items()
        }
        for binding, spelled in keymap.items():
            if binding not in keys:
                continue
            defaults = {key for layer in layers for key in layer.get(binding, "").split(",") if key}
            for key in sorted(set(spelled.split(",")) - defaults):
                said = f'{origin}: [keys] {binding} = "{spelled}"'
                if key in RESERVED_KEYS:
                    raise InvalidInput(f"{said}: {key} is kept by the TUI itself; pick another key")
                other = next((b for b, ks in keys.items() if b != binding and key in ks), None)
                if other is not None:
                    raise InvalidInput(
                        f"{said}: {key} is already {other}'s key in {place};"
                        f" pick another key, or give {other} one too"
                    )


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
    updated = with_theme(text, theme)
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


def with_theme(text: str, theme: str) -> str:
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
