"""The layers are enforced, not just intended: import-linter's contracts
(pyproject.toml) run here, and a few imports are checked in a fresh
interpreter, where what a module drags in can be seen."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_layer_contracts_hold() -> None:
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.slow
def test_textual_in_the_domain_breaks_a_contract(tmp_path: Path) -> None:
    shutil.copytree(REPO / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    models = tmp_path / "src/leadtui/domain/models.py"
    models.write_text(models.read_text() + "\nimport textual  # a mistake\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "leadtui.domain.models -> textual" in result.stdout


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return {name.split(".")[0] for name in result.stdout.split()}


def test_the_core_and_the_cli_never_import_textual() -> None:
    loaded = _loaded_after(
        "import leadtui.domain.models, leadtui.domain.kpi_format, leadtui.importing.report,"
        " leadtui.repository, leadtui.cli.root, leadtui.demo,"
        " leadtui.launch"
    )
    assert "textual" not in loaded


def test_the_domain_loads_no_storage() -> None:
    loaded = _loaded_after(
        "import leadtui.domain.results, leadtui.domain.score_text, leadtui.domain.kpi_format"
    )
    assert not loaded & {"sqlite_utils", "sqlite3", "textual", "click"}


def test_the_first_page_reader_loads_no_sqlite_utils() -> None:
    loaded = _loaded_after("import leadtui.repository.first_page, leadtui.tui.start")
    assert not loaded & {"sqlite_utils", "pydantic", "click"}


def test_the_tui_package_is_the_one_that_imports_textual() -> None:
    assert "textual" in _loaded_after("import leadtui.tui.app")
