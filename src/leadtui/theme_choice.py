"""Keeping the chosen theme in config.toml, as `[ui] theme = "NAME"`, without
disturbing anything else in the file (the user's keys, comments, order)."""

import os
import re
import tempfile
from pathlib import Path

from leadtui.config import parse_settings
from leadtui.domain.errors import InvalidInput

_TABLE = re.compile(r"^\s*\[([^\]]*)\]\s*(#.*)?$")
_THEME_LINE = re.compile(r"^\s*theme\s*=")


def with_theme(text: str, name: str) -> str:
    """config.toml's text with [ui] theme set to `name`."""
    line = f'theme = "{name}"'
    lines = text.splitlines()
    section, ui_at = None, None
    for index, current in enumerate(lines):
        table = _TABLE.match(current)
        if table:
            section = table.group(1).strip()
            if section == "ui":
                ui_at = index
        elif section == "ui" and _THEME_LINE.match(current):
            lines[index] = line
            return "\n".join(lines) + "\n"
    if ui_at is not None:
        lines.insert(ui_at + 1, line)
    else:
        lines += [*([""] if lines and lines[-1].strip() else []), "[ui]", line]
    return "\n".join(lines) + "\n"


def save_theme(path: Path, name: str) -> None:
    """Write the theme into config.toml (created if missing), all at once;
    a file that does not read back as valid settings is left alone."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot read it ({error})") from None
    parse_settings(text, str(path))  # a broken file stays as the user left it
    updated = with_theme(text, name)
    parse_settings(updated, str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(updated)
        if path.exists():
            Path(temporary).chmod(path.stat().st_mode & 0o777)
        Path(temporary).replace(path)
    except OSError as error:
        raise InvalidInput(f"{path}: cannot write it ({error.strerror})") from None
