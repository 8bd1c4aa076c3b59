"""`leadtui import` starts with what an import uses: none of the front ends'
modules (the TUI's Textual, the browser server's asyncio, near-duplicate
matching) is loaded on its way. Each would add to every import's start."""

import subprocess
import sys
from pathlib import Path

# Module names (and what is below them) an import must not load.
_FRONT_ENDS = (
    "textual",
    "asyncio",
    "leadtui.tui",
    "leadtui.serve",
    "leadtui.cli.serve",
    "leadtui.domain.near_dupes",
)


def test_an_import_loads_no_front_end_module(tmp_path: Path) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        "First Name,Last Name,Email,Phone\nAnn,Lee,ann@example.com,+1 555 0100 200\n",
        encoding="utf-8",
    )
    db = tmp_path / "leads.db"
    # The command as the console script runs it (launch.main, then the CLI).
    program = (
        "import sys\n"
        "from leadtui.launch import main\n"
        f"sys.argv = ['leadtui', '--db', {str(db)!r}, 'import', {str(source)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as end:\n"
        "    assert not end.code, end.code\n"
        f"front = {_FRONT_ENDS!r}\n"
        "below = tuple(name + '.' for name in front)\n"
        "loaded = [n for n in sys.modules if n in front or n.startswith(below)]\n"
        "print(sorted(loaded), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "imported 1," in done.stdout, done.stdout
    assert done.stderr.strip() == "[]", done.stderr
