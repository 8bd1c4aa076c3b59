"""A number in a JSON or JSON Lines import is kept as the file writes it.

Python's json would read 1e400 as inf, 1.10 as 1.1, -0 as 0 and NaN as nan,
and refuse an integer of more than 4,300 digits with a traceback: the
user's text would be lost or the import would crash. Every number is kept as
its own text, alone, in a list or in a nested object; a key written twice in
one object keeps both values; a document nested too deeply to read is
refused in one line (JSON) or rejects its line (JSON Lines).
"""

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import Lead
from leadtui.importing.placeholders import DEFAULT_PLACEHOLDERS, key
from leadtui.repository import open_repository
from leadtui.usecases.importing import ImportResult, plan_import, run_import
from tests.conftest import frozen_clock

# Numbers whose text a float or int would change, or refuse.
AS_WRITTEN = [
    "1e400",
    "-1e400",
    "1E+02",
    "1.10",
    "-0",
    "-0.0",
    "0.000",
    "123456789012345678901234567890",
    "9" * 5000,
    "1" + "0" * 400 + ".5",
    "NaN",
    "Infinity",
    "-Infinity",
]


def import_text(folder: Path, name: str, text: str) -> tuple[list[Lead], ImportResult]:
    source = folder / name
    source.write_text(text, encoding="utf-8")
    repo = open_repository(folder / "leads.db", actor="tester", clock=frozen_clock)
    result = run_import(repo, plan_import(source))
    return list(repo.all_leads(custom=True)), result


def numbers_file(kind: str, numbers: list[str]) -> str:
    """A file of one lead per number, the number in column "size"."""
    if kind == "csv":  # a CSV cell is text already: the same rule, held too
        return "name,size\n" + "".join(f"N{i},{n}\n" for i, n in enumerate(numbers))
    records = [f'{{"name": "N{i}", "size": {n}}}' for i, n in enumerate(numbers)]
    return "[" + ", ".join(records) + "]" if kind == "json" else "\n".join(records) + "\n"


@pytest.mark.parametrize("kind", ["json", "jsonl", "csv"])
def test_every_number_is_kept_as_written(kind: str, tmp_path: Path) -> None:
    leads, result = import_text(tmp_path, f"leads.{kind}", numbers_file(kind, AS_WRITTEN))
    assert not result.outcome.rejected
    assert [lead.custom["size"] for lead in leads] == AS_WRITTEN


def test_a_value_that_is_no_amount_keeps_its_text(tmp_path: Path) -> None:
    leads, result = import_text(tmp_path, "leads.json", '[{"name": "Big", "value": 1e400}]')
    assert leads[0].custom["value"] == "1e400"
    assert leads[0].value_cents == 0
    assert "'1e400'" in "\n".join(result.notes)  # the report quotes the file's text


def test_numbers_inside_lists_and_objects_are_kept_as_written(tmp_path: Path) -> None:
    text = '[{"name": "A", "sizes": [1.10, -0, 1e400], "deal": {"value": 2.50, "won": true}}]'
    leads, _ = import_text(tmp_path, "leads.json", text)
    assert leads[0].custom["sizes"] == "[1.10, -0, 1e400]"  # a list, not tags
    assert leads[0].custom["deal"] == '{"value": 2.50, "won": true}'


def test_a_key_written_twice_keeps_both_values(tmp_path: Path) -> None:
    text = '[{"name": "A", "color": "first", "color": "second", "custom": {"x": 1, "x": 2}}]'
    leads, _ = import_text(tmp_path, "leads.json", text)
    assert leads[0].custom["color"] == "first"
    assert leads[0].custom["color (2)"] == "second"
    assert leads[0].custom["x"] == "1"
    assert leads[0].custom["x (2)"] == "2"


def test_a_json_file_nested_too_deeply_is_refused_in_one_line(tmp_path: Path) -> None:
    source = tmp_path / "deep.json"
    source.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(InvalidInput) as refused:
        plan_import(source)
    assert "nested too deeply" in str(refused.value)
    assert "\n" not in str(refused.value)


def test_a_json_lines_line_nested_too_deeply_is_rejected_with_its_line(tmp_path: Path) -> None:
    deep = '{"name": "Deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    text = '{"name": "Ann"}\n' + deep + '\n{"name": "Bob"}\n'
    leads, result = import_text(tmp_path, "leads.jsonl", text)
    assert [lead.name for lead in leads] == ["Ann", "Bob"]
    [problem] = result.outcome.rejected
    assert problem.line == 2 and "nested too deeply" in problem.reason
    assert result.rejects is not None and result.rejects_written == 1


# JSON's number grammar (RFC 8259), and the tokens Python's json also takes.
NUMBER = st.from_regex(
    r"-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,30})?([eE][-+]?[0-9]{1,4})?", fullmatch=True
)
NUMBERS = st.lists(
    NUMBER | st.sampled_from(["NaN", "Infinity", "-Infinity"]), min_size=1, max_size=5
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NUMBERS, st.sampled_from(["json", "jsonl", "csv"]))
def test_any_number_keeps_its_text(numbers: list[str], kind: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        leads, result = import_text(Path(folder), f"leads.{kind}", numbers_file(kind, numbers))
        assert not result.outcome.rejected
        assert [lead.custom["size"] for lead in leads] == numbers


PLACEHOLDER_KEYS = {key(word) for word in DEFAULT_PLACEHOLDERS}
# Any JSON object, written as the import writes a nested value back (", " and
# ": " between items): its text must come back unchanged, numbers and all.
WORDS = st.text(st.characters(categories=["L", "N", "P", "S"]), max_size=8)
SCALAR = (
    NUMBER
    | st.sampled_from(["true", "false", "null"])
    | WORDS.map(lambda text: json.dumps(text, ensure_ascii=False))
)


def _as_list(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _as_object(pairs: dict[str, str]) -> str:
    items = (f"{json.dumps(key, ensure_ascii=False)}: {value}" for key, value in pairs.items())
    return "{" + ", ".join(items) + "}"


VALUE = st.recursive(
    SCALAR,
    lambda inner: (
        st.lists(inner, max_size=3).map(_as_list)
        | st.dictionaries(WORDS, inner, max_size=3).map(_as_object)
    ),
    max_leaves=12,
)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(WORDS, VALUE, min_size=1, max_size=3).map(_as_object))
def test_any_nested_object_keeps_its_text(nested: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        leads, _ = import_text(Path(folder), "leads.json", f'[{{"name": "A", "v": {nested}}}]')
        if key(nested) in PLACEHOLDER_KEYS:  # '{"": null}' is the word "null", by design
            assert "v" not in leads[0].custom
        else:
            assert leads[0].custom["v"] == nested
