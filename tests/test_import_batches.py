"""An import's result does not depend on how its rows are cut up: chunks
converted and keyed together, stored rows built and written per batch
(repository/import_store.py). Small chunks and batches must give the same
file as one of each, merges into a lead not yet written included."""

import csv
import sqlite3
from pathlib import Path

import pytest

from leadtui.repository import import_store, open_repository
from leadtui.usecases.importing import plan_import, run_import
from tests.conftest import NOW

TABLES = {
    "leads": "SELECT * FROM leads ORDER BY id",
    "journal": "SELECT lead_id, field, old, new, note, at, actor FROM journal ORDER BY id",
    "custom_fields": "SELECT lead_id, name, value FROM custom_fields ORDER BY lead_id, name",
}


def source_file(path: Path) -> Path:
    """26 rows: new leads, bad emails, and rows that repeat an earlier row's
    email, a row or a few on, and many rows on."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Name", "Email", "Phone", "Company", "Status", "Region"])
        for i in range(20):
            email = "not an email" if i % 7 == 3 else f"lead{i}@example.com"
            stage = ("New", "Working", "Closed - Not Converted")[i % 3]
            writer.writerow([f"Lead {i}", email, f"+1 555 010 {i:04d}", f"Firm {i}", stage, ""])
            if i in (4, 11, 15):  # a lead of this chunk or one not yet written
                writer.writerow(again(i - i % 2))
        for i in (1, 8, 17):  # long after
            writer.writerow(again(i))
    return path


def again(i: int) -> list[str]:
    """Row i's lead again, with what it lacked."""
    return [f"Lead {i}", f"lead{i}@example.com", "", f"Firm {i}", "", f"North {i}"]


def imported(path: Path, source: Path, policy: str) -> tuple[dict[str, list[object]], list[int]]:
    repo = open_repository(path, actor="tester", clock=lambda: NOW)
    written: list[int] = []
    result = run_import(repo, plan_import(source), on_duplicate=policy, progress=written.append)
    assert sum(written) == result.outcome.imported
    with sqlite3.connect(path) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in TABLES.items()}, written


@pytest.mark.parametrize("policy", ["skip", "merge", "create"])
def test_small_chunks_and_batches_store_what_one_of_each_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: str
) -> None:
    source = source_file(tmp_path / "leads.csv")
    whole, written = imported(tmp_path / "whole.db", source, policy)
    assert len(written) == (4 if policy == "merge" else 1)  # a merge writes what came before
    monkeypatch.setattr(import_store, "_CHUNK_ROWS", 3)
    monkeypatch.setattr(import_store, "BATCH_ROWS", 4)
    cut, written = imported(tmp_path / "cut.db", source, policy)
    assert cut == whole
    assert len(written) > 3 and max(written) <= 4 + 2  # a batch: a few chunks
    # 17 good rows, 3 bad emails; 4 repeats of a good row, 2 of a bad one.
    assert len(whole["leads"]) == {"skip": 19, "merge": 19, "create": 23}[policy]
