"""The board's column totals under an owner filter (`owner:NAME`,
`owner:me`, `mine`) come from the per-owner rollups (kpi_rollups.
owner_stage_totals), not a scan of the leads. Specification: after any
history of adds, moves, undos, reassignments, merges and imports, they
equal the scan of the leads the filter lets through; any other filter is
still scanned."""

import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadtui.domain.filters import LeadFilter, parse
from leadtui.domain.models import Stage
from leadtui.repository import kpi_rollups, open_repository
from tests.conftest import NOW
from tests.test_kpi_rollups import Clock, Step, play, steps

FILTERS = ["owner:anna", "owner:ANNA", "owner:ben", "owner:nobody", "owner:me", "mine"]


def scanned(path: Path, only: LeadFilter, actor: str) -> dict[Stage, tuple[int, int]]:
    where, params = only.sql(NOW, actor)
    with sqlite3.connect(path) as db:
        rows = db.execute(
            f"SELECT stage, count(*), sum(value_cents) FROM leads WHERE 1{where} GROUP BY stage",
            params,
        ).fetchall()
    return {Stage(stage): (n, value) for stage, n, value in rows}


@pytest.mark.slow
@settings(max_examples=30)
@given(history=steps, actor=st.sampled_from(["anna", "Ben", "carl"]))
def test_owner_totals_from_the_rollups_equal_the_scan(history: list[Step], actor: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "leads.db"
        clock = Clock(NOW - timedelta(days=60))
        repo = open_repository(path, actor=actor, clock=clock)
        play(repo, clock, history)
        for text in FILTERS:
            only = parse(text)
            assert kpi_rollups.owner_filter(only, actor) is not None
            assert repo.stage_totals(only) == scanned(path, only, actor), text


def test_other_filters_are_not_read_from_the_rollups() -> None:
    for text in ("owner:anna source:website", "mine hot", "rotting", ""):
        assert kpi_rollups.owner_filter(parse(text), "anna") is None
