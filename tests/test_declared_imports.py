"""Every package the app imports is declared in pyproject.toml: in the
dependencies, or in the extra that brings the feature using it. A package
that only arrives through another's dependencies (rich through textual,
aiohttp through textual-serve) can leave in that package's next release."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The extras that are features of the app (test and bench are tooling).
APP_EXTRAS = ("postgres", "serve")


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in APP_EXTRAS:
        requirements += project["optional-dependencies"][extra]
    return {normalised(re.split(r"[\s\[<>=!~;]", line, maxsplit=1)[0]) for line in requirements}


def imported_modules() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "src" / "leadtui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"leadtui"}


def test_every_imported_package_is_declared() -> None:
    providers = packages_distributions()
    undeclared = {
        module: providers.get(module, ["?"])
        for module in imported_modules()
        if not {normalised(dist) for dist in providers.get(module, [])} & declared()
    }
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"
