"""Where the stylesheet and the sample data are, however leadtui was installed.

They live at the repository root (styles/, sample_data/). A wheel carries them
inside the package (pyproject's force-include); a source checkout and an
editable install do not, so we fall back to the repository root. A relative
CSS_PATH would resolve against the module's file and miss both.
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _CHECKOUT / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"leadtui is missing its {name}/ directory (looked in {_PACKAGE})")


def stylesheet() -> Path:
    return _find("styles") / "leadtui.tcss"


def sample_data_dir() -> Path:
    return _find("sample_data")
