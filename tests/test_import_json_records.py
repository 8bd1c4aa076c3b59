"""A JSON file whose records sit in an object, as the Salesforce CLI's
`data export tree` writes them ({"records": [...]}) and as API dumps do
({"totalSize": 2, "done": true, "records": [...]}), imports its records:
it was refused with "expected a JSON array of objects". The report says
where the records were read from, and names the keys left out."""

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from leadtui.cli.root import main
from leadtui.domain.errors import InvalidInput
from leadtui.usecases.importing import plan_import

TREE = """{
    "records": [
        {"attributes": {"type": "Opportunity", "referenceId": "OpportunityRef1"},
         "name": "Cape starling", "amount": "119373.34", "StageName": "Negotiation/Review"},
        {"attributes": {"type": "Opportunity", "referenceId": "OpportunityRef2"},
         "name": "Pelican", "amount": 15065.70, "StageName": "Closed Won"}
    ]
}"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def test_a_salesforce_tree_export_imports_its_records(db: str, tmp_path: Path) -> None:
    source = tmp_path / "Opportunities.json"
    source.write_text(TREE, encoding="utf-8")
    result = run("import", str(source), "--db", db)
    assert result.exit_code == 0, result.output
    assert "read the 2 records under 'records'" in result.output
    assert "read 2 rows: imported 2" in result.output
    listed = run("export", "--format", "json", "--db", db).output
    assert '"referenceId\\": \\"OpportunityRef2\\"' in listed  # attributes kept whole
    assert '"value_cents": 1506570' in listed and '"stage": "won"' in listed


@pytest.mark.parametrize(
    ("text", "key", "others"),
    [
        (
            '{"totalSize": 1, "done": true, "records": [{"Name": "Ann"}]}',
            "records",
            ("totalSize", "done"),
        ),
        (
            '{"success": true, "data": [{"Name": "Ann"}], "additional_data": {}}',
            "data",
            ("success", "additional_data"),
        ),
        ('{"results": [{"Name": "Ann"}], "paging": {"next": {}}}', "results", ("paging",)),
        ('{"Leads": [{"Name": "Ann"}]}', "Leads", ()),
    ],
)
def test_an_api_dump_names_the_keys_it_did_not_import(
    text: str, key: str, others: tuple[str, ...], tmp_path: Path
) -> None:
    source = tmp_path / "query.json"
    source.write_text(text, encoding="utf-8")
    plan = plan_import(source)
    assert plan.table.headers == ["Name"]
    assert plan.table.records_key == key
    assert plan.table.other_keys == others


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "Ann"}',
        '{"records": [{"x": 1}], "data": [{"y": 2}]}',
        '"leads"',
        "3",
        # One lead as an object (as `show --json` prints it): its lists are
        # parts of the lead, not records.
        '{"name": "Ann", "history": [{"type": "stage", "at": "2025-01-02"}]}',
        '{"name": "Ann", "tags": ["vip"]}',
        '{"name": "Ann", "contacts": [{"kind": "email", "value": "ann@example.com"}]}',
        '{"records": ["Ann", "Bob"]}',
    ],
)
def test_a_document_with_no_one_list_of_records_is_refused_in_one_line(
    text: str, tmp_path: Path
) -> None:
    source = tmp_path / "leads.json"
    source.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        plan_import(source)
    said = str(refused.value)
    assert "expected a JSON array of objects" in said and "\n" not in said


def test_a_json_list_of_tags_keeps_a_tag_holding_a_comma_whole(db: str, tmp_path: Path) -> None:
    source = tmp_path / "leads.json"
    source.write_text(
        '[{"name": "Ann", "tags": ["Trade show, 2025", "VIP"], "Topics": ["a; b", "c"]}]',
        encoding="utf-8",
    )
    assert run("import", str(source), "--db", db).exit_code == 0
    listed = run("list", "--json", "--db", db).output
    assert '"tags": ["trade show, 2025", "vip"]' in listed
    assert '"Topics": "\\"a; b\\", \\"c\\""' in listed  # the items still told apart
