"""Every --json that prints leads prints the whole lead, as `list --json`
does: its custom fields, tags, BANT answers and kept contacts, and a win
chance of null until a model is trained."""

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from leadtui.cli.root import main
from tests.conftest import both_clis


def ok(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _whole_lead(db: str) -> dict[str, object]:
    """Two look-alike leads (one group for `dupes`), the first one full."""
    lead_id = ok("add", "Zoë Åberg", "--company", "Acme", "--email", "zoe@acme.io", "--db", db)
    ok("add", "Zoë Åberg", "--company", "Acme", "--db", db)
    for field, value in (
        ("tags", "vip, expo"),
        ("custom.Région", "Île-de-France"),
        ("bant.budget", "yes: signed off"),
    ):
        ok("set", lead_id.strip(), field, value, "--db", db)
    ok("followup", lead_id.strip(), "today", "--db", db)
    listed: list[dict[str, object]] = json.loads(ok("list", "--json", "--db", db))
    whole = listed[0]
    assert whole["custom"] == {"Région": "Île-de-France"}
    assert whole["tags"] == ["expo", "vip"]
    return whole


@both_clis
def test_due_search_and_dupes_json_print_the_whole_lead_as_list_does(db: str) -> None:
    whole = _whole_lead(db)
    due = json.loads(ok("due", "--json", "--db", db))
    found = json.loads(ok("search", "Zoë", "--json", "--db", db))
    groups = json.loads(ok("dupes", "--json", "--db", db))
    assert due == [whole]
    assert [lead for lead in found if lead["id"] == whole["id"]] == [whole]
    assert [lead for lead in groups[0]["leads"] if lead["id"] == whole["id"]] == [whole]


@both_clis
def test_search_json_has_no_win_chance_before_a_model_is_trained(db: str) -> None:
    _whole_lead(db)
    found = json.loads(ok("search", "Acme", "--json", "--db", db))
    assert [lead["win_chance"] for lead in found] == [None, None]


@both_clis
def test_an_owner_filter_reads_the_name_as_it_is_stored(db: str, tmp_path: Path) -> None:
    """An owner is stored as one clean line ("anna", however typed); a filter
    typed with a stray space ("$REP " in a script) must find the same leads,
    not silently none."""
    ok("add", "Ann", "--owner", " anna ", "--db", db)
    for typed in ("anna", " anna", "anna "):
        assert [
            lead["name"] for lead in json.loads(ok("list", "--owner", typed, "--json", "--db", db))
        ] == ["Ann"]
        out = tmp_path / "out.json"
        ok("export", "--owner", typed, "--output", str(out), "--force", "--db", db)
        assert [lead["name"] for lead in json.loads(out.read_text(encoding="utf-8"))] == ["Ann"]
        report = json.loads(ok("kpi", "--owner", typed, "--json", "--db", db))
        assert (report["owner"], report["new_leads"]) == ("anna", 1)


@both_clis
def test_export_prints_the_whole_lead_as_list_does(db: str, tmp_path: Path) -> None:
    """An export is read by people and scripts too: before a model is trained
    its win chance is null (CSV: an empty cell), not a chance of 0."""
    whole = _whole_lead(db)
    for fmt in ("json", "jsonl"):
        printed = ok("export", "--format", fmt, "--db", db)
        exported = (
            json.loads(printed)
            if fmt == "json"
            else [json.loads(line) for line in printed.splitlines()]
        )
        assert exported[0] == whole
        assert [lead["win_chance"] for lead in exported] == [None, None]
    rows = list(csv.DictReader(io.StringIO(ok("export", "--format", "csv", "--db", db))))
    assert [row["win_chance"] for row in rows] == ["", ""]
