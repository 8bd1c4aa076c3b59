"""A company size imported from someone else's export reaches the shipped
scoring rule "company of 50+ people", whatever the header calls it and
whether it is a number or a bracket ("51-200", "1,000+")."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.scoring import ScoreInput, score
from leadtui.domain.scoring_rules import parse_rules
from tests.conftest import NOW

RULE = "company of 50+ people"


def _reasons(db: str, lead_id: int) -> list[str]:
    shown = CliRunner().invoke(main, ["score", "show", str(lead_id), "--json", "--db", db])
    assert shown.exit_code == 0, shown.output
    return [reason["label"] for reason in json.loads(shown.output)["rule"]["reasons"]]


@pytest.mark.parametrize(
    "header",
    ["No. of Employees", "Employees", "Company Size", "NumberOfEmployees", "# of employees"],
)
def test_an_imported_company_size_fires_the_company_size_rule(
    header: str, db: str, tmp_path: Path
) -> None:
    source = tmp_path / "leads.csv"
    source.write_text(
        f'Name,Email,"{header}"\n'
        "Big Co Buyer,big@example.com,51-200\n"
        'Huge Co Buyer,huge@example.com,"1,000+"\n'
        "Plain Count,plain@example.com,120\n"
        "Small Co Buyer,small@example.com,11-50\n"
        "Tiny Co Buyer,tiny@example.com,3\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["import", str(source), "--db", db])
    assert result.exit_code == 0, result.output
    fired = [RULE in _reasons(db, lead_id) for lead_id in range(1, 6)]
    assert fired == [True, True, True, False, False]
    listed = CliRunner().invoke(main, ["list", "--json", "--db", db])
    # The text is kept exactly as the file gave it.
    sizes = [lead["custom"]["employees"] for lead in json.loads(listed.output)]
    assert sizes == ["51-200", "1,000+", "120", "11-50", "3"]


RULES = parse_rules(
    """
[[rules]]
label = "50+"
points = 10
field = "custom.employees"
at_least = 50

[[rules]]
label = "under 50"
points = -5
field = "custom.employees"
below = 50
""",
    "test rules",
)


@pytest.mark.parametrize(
    ("size", "labels"),
    [
        ("51-200", ["50+"]),
        ("201 – 500", ["50+"]),
        ("51 to 200", ["50+"]),
        ("1,000+", ["50+"]),
        ("50", ["50+"]),
        ("11-50", []),  # reaches 50 but may be 11: neither rule holds for all of it
        ("1-10", ["under 50"]),
        ("49", ["under 50"]),
        ("200-51", []),  # not a bracket
        ("lots", []),
    ],
)
def test_a_numeric_rule_holds_for_a_bracket_only_when_it_holds_for_all_of_it(
    size: str, labels: list[str]
) -> None:
    lead = ScoreInput(fields={}, created_at=NOW, custom={"employees": size})
    assert [label for _, label in score(lead, RULES, NOW).reasons] == labels
