"""The corpus of real exports in tests/data/imports (sources and licences in
tests/data/SOURCES.md) imported as a new user would: no mapping, no flags,
through the use case `leadtui import` runs, into a fresh database.

Beside each file, `<file name>.expected.json` says what must come of it,
written from reading the file itself:
- "encoding": the codec it must be read as;
- "read", "imported": rows read and stored; "rejected": {reason: rows};
- "mapping": {header: "field:NAME" | "custom:NAME" | "ignore"};
- "custom_fields": every custom field name the stored leads carry;
- "cells": [{"lead": N, "field": F, "value": V}]: the Nth stored lead (by
  id, from 1) holds exactly V in F (a lead attribute, "custom.NAME", or
  a date as ISO text);
- "notes": texts the import's report must say;
- "error": instead of all that, the file is refused with this text;
- "gunzip": the file is kept gzipped (size) and imported decompressed;
- "slow": it takes more than a second to import.
"""

import gzip
import json
import shutil
from collections import Counter
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from leadtui.domain.errors import InvalidInput
from leadtui.domain.models import Lead
from leadtui.domain.sanitize import clean_text
from leadtui.importing.headers import Target
from leadtui.importing.plan import Plan
from leadtui.importing.reading import RawRow
from leadtui.repository import open_repository
from leadtui.usecases.importing import plan_import, run_import
from tests.conftest import frozen_clock

CORPUS = Path(__file__).parent / "data" / "imports"
SUFFIX = ".expected.json"


def _cases() -> list[Any]:
    cases = []
    for path in sorted(CORPUS.rglob(f"*{SUFFIX}")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        marks = [pytest.mark.slow] if expected.get("slow") else []
        if expected.get("xfail"):
            marks.append(pytest.mark.xfail(reason=expected["xfail"], strict=True))
        cases.append(pytest.param(path, marks=marks, id=str(path.relative_to(CORPUS))))
    return cases


def test_every_corpus_file_has_an_expected_outcome() -> None:
    files = {
        path
        for path in CORPUS.rglob("*")
        if path.is_file() and not path.name.endswith(SUFFIX) and ".rejects." not in path.name
    }
    described = {
        path.with_name(path.name.removesuffix(SUFFIX)) for path in CORPUS.rglob(f"*{SUFFIX}")
    }
    assert files == described


def _copy(source: Path, into: Path, gunzip: bool) -> Path:
    """The file in a scratch directory, so the rejects file lands there."""
    if not gunzip:
        return Path(shutil.copy(source, into / source.name))
    target = into / source.name.removesuffix(".gz")
    with gzip.open(source) as packed, target.open("wb") as plain:
        shutil.copyfileobj(packed, plain)
    return target


def _target(target: Target) -> str:
    return "ignore" if target.kind == "ignore" else f"{target.kind}:{target.name}"


def _value(lead: Lead, field: str) -> Any:
    if field.startswith("custom."):
        return lead.custom.get(field.removeprefix("custom."))
    value = getattr(lead, field)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _every_custom_column_kept_whole(plan: Plan, leads: list[Lead], rejected: set[int]) -> None:
    """Beyond the chosen cells: every non-empty cell of every column kept as
    a custom field is on its lead, exact after the documented sanitising."""
    columns = [(i, t.name) for i, t in enumerate(plan.targets) if t.kind == "custom"]
    rows = [r for r in plan.table.rows() if isinstance(r, RawRow) and r.line not in rejected]
    assert len(rows) == len(leads)
    for row, lead in zip(rows, leads, strict=True):
        for index, name in columns:
            cell = clean_text(row.values[index]).strip()
            if cell and cell not in plan.placeholders:
                assert lead.custom.get(name) == cell, (row.line, name)


@pytest.mark.parametrize("expected_path", _cases())
def test_corpus_file_imports_as_expected(expected_path: Path, tmp_path: Path) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    source = expected_path.with_name(expected_path.name.removesuffix(SUFFIX))
    file = _copy(source, tmp_path, bool(expected.get("gunzip")))
    repo = open_repository(tmp_path / "leads.db", actor="tester", clock=frozen_clock)
    if "error" in expected:
        with pytest.raises(InvalidInput) as refused:
            run_import(repo, plan_import(file))
        assert expected["error"] in str(refused.value)
        assert "\n" not in str(refused.value)  # one readable line
        return
    plan: Plan = plan_import(file)
    result = run_import(repo, plan)
    outcome = result.outcome
    assert plan.table.encoding.name == expected["encoding"]
    mapping = {h: _target(t) for h, t in zip(plan.table.headers, plan.targets, strict=True)}
    assert mapping == expected["mapping"]
    assert (outcome.read, outcome.imported) == (expected["read"], expected["imported"])
    assert Counter(p.reason for p in outcome.rejected) == Counter(expected["rejected"])
    assert not outcome.skipped
    leads = list(repo.all_leads(custom=True))
    assert len(leads) == expected["imported"]
    assert sorted({name for lead in leads for name in lead.custom}) == expected["custom_fields"]
    for cell in expected["cells"]:
        lead = leads[cell["lead"] - 1]
        assert _value(lead, cell["field"]) == cell["value"], cell
    _every_custom_column_kept_whole(plan, leads, {p.line for p in outcome.rejected})
    said = "\n".join(result.notes)
    for note in expected.get("notes", []):
        assert note in said
    if outcome.rejected:  # the rows turned away are in the rejects file, by line
        assert result.rejects is not None and result.rejects.exists()
        assert result.rejects_written == len(outcome.rejected)
