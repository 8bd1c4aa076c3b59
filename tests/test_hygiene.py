"""The core is headless: it never imports textual (harlequin's approach)."""

import subprocess
import sys

CORE = [
    "models",
    "pipeline",
    "scoring",
    "scoring_rules",
    "learned",
    "score_text",
    "kpis",
    "kpi_export",
    "importing.reading",
    "importing.plan",
    "importing.convert",
    "importing.report",
    "cli_io",
    "repository",
    "demo",
    "cli",
    "sanitize",
    "schema",
    "quick_inbox",
    "launch",
    "resources",
    "paths",
    "clock",
    "errors",
]


def test_core_and_cli_never_import_textual() -> None:
    imports = "; ".join(f"import leadtui.{module}" for module in CORE)
    code = (
        f"import sys; {imports}; print(sorted(m for m in sys.modules if m.startswith('textual')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_tui_package_is_the_one_that_imports_textual() -> None:
    code = "import sys, leadtui.tui.app; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
