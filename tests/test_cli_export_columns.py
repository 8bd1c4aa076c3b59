"""An export lists custom fields in the order a lead shows them (natural
order: field2 before field10, case aside), in the CSV header as in JSON's
`custom`: the header read field10 before field2, and `Field1` before
every lower-case name, out of the order the Lead tab shows."""

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.models import build_draft
from leadtui.repository import Repository

NAMES = ["field10", "field2", "Field1", "b", "field0"]
NATURAL = ["b", "field0", "Field1", "field2", "field10"]


def test_csv_header_and_json_keys_follow_natural_order(repo: Repository, db_path: Path) -> None:
    lead_id = repo.add_lead(build_draft(name="Ann"))
    repo.update_fields(lead_id, {f"custom.{name}": f"v-{name}" for name in NAMES})
    runner = CliRunner()
    as_csv = runner.invoke(main, ["export", "--format", "csv", "--db", str(db_path)])
    assert as_csv.exit_code == 0, as_csv.output
    header, row = list(csv.reader(io.StringIO(as_csv.output)))
    custom = [column.removeprefix("custom.") for column in header if column.startswith("custom.")]
    assert custom == NATURAL
    assert [row[header.index(f"custom.{name}")] for name in NATURAL] == [
        f"v-{name}" for name in NATURAL
    ]
    as_json = runner.invoke(main, ["export", "--db", str(db_path)])
    assert list(json.loads(as_json.output)[0]["custom"]) == NATURAL
    assert repo.custom_field_names() == NATURAL
