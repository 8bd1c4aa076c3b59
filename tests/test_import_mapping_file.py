"""A saved mapping (`--save-mapping`, read back by `--mapping`) that does
not say what it should: a misspelt key was ignored, so the automatic
mapping ran unsaid, and the errors of its entries named a `--map` the
user never typed. Both are one line naming the file and the entry."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.output


@pytest.fixture
def deals(tmp_path: Path) -> Path:
    path = tmp_path / "deals.csv"
    path.write_text("Name,Email,Deal Size,Zip\nAnn Lee,ann@x.example,12000,12345\n")
    return path


@pytest.fixture
def saved(deals: Path, tmp_path: Path) -> dict[str, object]:
    """The mapping `--map 'Deal Size=value' --save-mapping` writes."""
    path = tmp_path / "saved.json"
    code, output = run(
        "import", str(deals), "--map", "Deal Size=value", "--save-mapping", str(path),
        "--dry-run", "--db", str(tmp_path / "l.db"),
    )  # fmt: skip
    assert code == 0, output
    record: dict[str, object] = json.loads(path.read_text())
    assert record["columns"] == {
        "Name": "name", "Email": "email", "Deal Size": "value", "Zip": "custom"
    }  # fmt: skip
    return record


def refused_with(deals: Path, tmp_path: Path, record: dict[str, object]) -> str:
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps(record))
    code, output = run(
        "import", str(deals), "--mapping", str(mapping), "--dry-run", "--db", str(tmp_path / "l.db")
    )
    assert code == 1, output
    lines = output.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: mapping {mapping}: "), output
    return lines[0].removeprefix(f"Error: mapping {mapping}: ")


@pytest.mark.parametrize(("key", "near"), [("colums", "columns"), ("value", "values")])
def test_a_misspelt_key_is_refused_with_the_one_it_is_close_to(
    deals: Path, tmp_path: Path, saved: dict[str, object], key: str, near: str
) -> None:
    record = {(key if name == near else name): value for name, value in saved.items()}
    assert refused_with(deals, tmp_path, record) == (
        f'unknown key "{key}" (did you mean "{near}"?); a mapping holds columns, values,'
        " day_first, placeholders, encoding, decimal_comma"
    )


def test_a_key_close_to_none_is_refused_too(
    deals: Path, tmp_path: Path, saved: dict[str, object]
) -> None:
    said = refused_with(deals, tmp_path, saved | {"owner": "anna"})
    assert said.startswith('unknown key "owner"; a mapping holds columns,')


def test_an_entry_naming_no_field_names_the_file_and_the_entry(
    deals: Path, tmp_path: Path, saved: dict[str, object]
) -> None:
    columns = dict(saved["columns"]) | {"Zip": "emial"}  # type: ignore[call-overload]
    said = refused_with(deals, tmp_path, saved | {"columns": columns})
    assert said.startswith('columns: "Zip": "emial" is no field (did you mean "email"?); use one')


def test_a_column_the_file_lacks_names_the_mapping_not_map(
    deals: Path, tmp_path: Path, saved: dict[str, object]
) -> None:
    columns = dict(saved["columns"]) | {"Zpi": "custom"}  # type: ignore[call-overload]
    said = refused_with(deals, tmp_path, saved | {"columns": columns})
    assert said == 'columns: "Zpi": deals.csv has no such column'


@pytest.mark.parametrize(
    ("values", "said"),
    [
        (
            {"stage": {"Nurturing": "engagd"}},
            'values: "stage": "Nurturing": "engagd" is not one; use one of new, contacted,',
        ),
        ({"stages": {"Nurturing": "engaged"}}, 'values: "stages" takes no value map; only'),
    ],
)
def test_a_value_map_entry_it_cannot_use_names_the_file_and_the_entry(
    deals: Path, tmp_path: Path, saved: dict[str, object], values: object, said: str
) -> None:
    assert refused_with(deals, tmp_path, saved | {"values": values}).startswith(said)


def test_the_command_line_still_names_its_own_flags(deals: Path, tmp_path: Path) -> None:
    code, output = run(
        "import", str(deals), "--map", "Zpi=custom", "--dry-run", "--db", str(tmp_path / "l.db")
    )
    assert (code, output) == (1, "Error: --map: the file has no column 'Zpi'\n")


def test_a_mapping_read_back_imports_as_saved(
    deals: Path, tmp_path: Path, saved: dict[str, object]
) -> None:
    mapping = tmp_path / "again.json"
    mapping.write_text(json.dumps(saved))
    code, output = run(
        "import", str(deals), "--mapping", str(mapping), "--dry-run", "--db", str(tmp_path / "l.db")
    )
    assert code == 0, output
    assert "Deal Size  → value" in output
