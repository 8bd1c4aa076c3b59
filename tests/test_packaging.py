"""styles/ and sample_data/ load from a wheel, a checkout and an editable
install (ARCHITECTURE.md "styles/"). The editable case is this test run itself."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter, from a directory outside the repository: import
# leadtui from wherever PYTHONPATH says, build the demo database from the
# packaged sample data, and mount the app headless to prove the stylesheet
# applied (the board's columns are 26 cells wide only through leadtui.tcss).
PROBE = """
import asyncio, sys
import leadtui
from leadtui import resources
from leadtui.cli.root import _demo_repository
from leadtui.tui.app import LeadApp

print("module", leadtui.__file__)
print("styles", resources.stylesheet())
print("sample", resources.sample_data_dir())
repo = _demo_repository()
print("leads", repo.count_leads())

async def mount():
    app = LeadApp(repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        print("column_width", app.screen.query_one(".stage-column").outer_size.width)

asyncio.run(mount())
"""


def _probe(pythonpath: Path, cwd: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath), "XDG_DATA_HOME": str(cwd / "data")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split(" ", 1) for line in result.stdout.splitlines())


@pytest.mark.slow
def test_an_installed_wheel_finds_its_styles_and_sample_data(tmp_path: Path) -> None:
    dist, site = tmp_path / "dist", tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = dist.glob("leadtui-*.whl")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    found = _probe(site, outside)
    for key in ("module", "styles", "sample"):
        assert found[key].startswith(str(site)), found
    assert found["leads"] == "44"
    assert found["column_width"] == "26"


@pytest.mark.slow
def test_a_source_checkout_finds_them_at_the_repository_root(tmp_path: Path) -> None:
    found = _probe(REPO / "src", tmp_path)
    assert found["styles"] == str(REPO / "styles" / "leadtui.tcss")
    assert found["sample"] == str(REPO / "sample_data")
    assert found["leads"] == "44" and found["column_width"] == "26"
