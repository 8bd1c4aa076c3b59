"""`leadtui import --json`: the outcome as one JSON document (the keys
README's table lists), with the text mode's exit code."""

import json
import re
from pathlib import Path

from click.testing import CliRunner, Result

from leadtui.cli.root import main

README = Path(__file__).parent.parent / "README.md"
ROWS = (
    "Name,Email,Lead Source,No. of Employees,Created\n"
    "Ann Lee,ann@example.com,Olark Chat,51-200,2025-03-14\n"
    "Bob Roe,not-an-email,Web,3,2025-03-15\n"
    "Cy Poe,cy@example.com,Select,,someday\n"
    "Di Nye,also-bad,Web,,2025-03-16\n"
)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def leads_file(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text(ROWS, encoding="utf-8")
    return path


def test_import_json_reports_counts_reasons_mapping_and_what_it_kept(
    db: str, tmp_path: Path
) -> None:
    source = leads_file(tmp_path)
    result = run("import", str(source), "--json", "--db", db)
    assert result.exit_code == 1  # rows were rejected, as in text mode
    record = json.loads(result.stdout)  # stdout is the JSON and nothing else
    assert (record["read"], record["imported"], record["rejected"]) == (4, 2, 2)
    assert record["committed"] is True and record["dry_run"] is False
    assert record["rejected_by_reason"] == [
        {"reason": "email: not a valid email address", "count": 2, "lines": [3, 5]}
    ]
    assert record["mapping"] == {
        "Name": "name",
        "Email": "email",
        "Lead Source": "source",
        "No. of Employees": "custom:employees",
        "Created": "created_at",
    }
    assert record["custom_fields"] == ["employees"]
    # "Olark Chat" is kept under its column, and "someday" too: both are new.
    assert record["custom_fields_created"] == ["Created", "employees", "Lead Source"]  # natural
    assert record["unknown_values"] == [
        {
            "field": "source",
            "column": "Lead Source",
            "value": "Olark Chat",
            "rows": 1,
            "suggestion": "website",
            "value_map": "--value-map 'source:Olark Chat=website'",
        }
    ]
    assert record["bad_dates"][0] | {"why": ""} == {
        "field": "created_at",
        "column": "Created",
        "rows": 1,
        "example_line": 4,
        "why": "",
    }
    assert record["placeholders"]["found"] == {"Select": 1}
    assert "Select" in record["placeholders"]["words"]
    rejects = Path(record["rejects_file"])
    assert rejects == source.with_name("leads.rejects.csv") and rejects.exists()
    assert record["rejects_written"] == 2
    assert record["encoding"] == {"name": "utf-8", "how": "valid UTF-8"}
    assert record["notes"] and all(isinstance(line, str) for line in record["notes"])


def test_import_json_dry_run_counts_without_writing(db: str, tmp_path: Path) -> None:
    source = leads_file(tmp_path)
    result = run("import", str(source), "--json", "--dry-run", "--db", db)
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    assert record["dry_run"] is True and record["committed"] is False
    assert record["rejected"] == 2 and record["rejects_file"] is None
    assert record["custom_fields_created"] == []
    assert not source.with_name("leads.rejects.csv").exists()
    listed = json.loads(run("list", "--json", "--db", db).stdout)
    assert listed == []


def test_import_json_of_a_clean_file_exits_0_and_counts_duplicates(db: str, tmp_path: Path) -> None:
    source = tmp_path / "clean.csv"
    source.write_text("Name,Email\nAnn,ann@example.com\nAnn again,ann@example.com\n")
    result = run("import", str(source), "--json", "--db", db)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert (record["imported"], record["skipped_duplicates"], record["rejected"]) == (1, 1, 0)
    assert record["duplicates"] == [{"line": 3, "lead_id": 1, "why": "same email"}]
    # The skipped duplicate is written out, to import again another way.
    assert record["rejects_written"] == 1


def test_import_json_with_strict_prints_the_outcome_then_fails(db: str, tmp_path: Path) -> None:
    result = run("import", str(leads_file(tmp_path)), "--json", "--strict", "--db", db)
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    assert record["committed"] is False and record["custom_fields_created"] == []
    assert "--strict" in result.stderr


def test_readme_lists_exactly_the_import_json_keys(db: str, tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| `import` |"))
    # Top-level keys only: what is inside {…} and […] belongs to one of them.
    top = re.sub(r"\{[^}]*\}|\[[^\]]*\]", "", row.split("|")[2])
    documented = set(re.findall(r"`([a-z_]+)`", top))
    result = run("import", str(leads_file(tmp_path)), "--json", "--db", db)
    assert set(json.loads(result.stdout)) == documented
