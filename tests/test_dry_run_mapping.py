"""`import --dry-run --save-mapping`: the dry run writes the mapping it was
asked to save (check it, keep it, import with it) and nothing else, and
says that it wrote it."""

import json
from pathlib import Path

from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.repository import open_repository


def test_a_dry_run_saves_the_mapping_and_says_so(tmp_path: Path) -> None:
    """README said a dry run writes nothing, and it wrote vm.json silently."""
    source = tmp_path / "x.csv"
    source.write_text("Who,Mail\nAnn,ann@x.com\n", encoding="utf-8")
    db, saved = tmp_path / "d.db", tmp_path / "vm.json"
    open_repository(db)
    runner = CliRunner()
    args = ["import", str(source), "--map", "Who=name", "--dry-run", "--db", str(db)]
    result = runner.invoke(main, [*args, "--save-mapping", str(saved)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"mapping saved to {saved}\n"
    assert json.loads(saved.read_text())["columns"]["Who"] == "name"
    assert open_repository(db).count_leads() == 0  # the mapping alone
    result = runner.invoke(main, [*args, "--json", "--save-mapping", str(tmp_path / "j.json")])
    assert json.loads(result.stdout)["dry_run"] is True  # stdout stays the document
    assert result.stderr.startswith("mapping saved to")
    helped = runner.invoke(main, ["import", "--help"]).output
    assert "write nothing but a --save-mapping" in " ".join(helped.split())
