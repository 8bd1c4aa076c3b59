"""Demo data: deterministic, internally consistent, never overwrites a file."""

import functools
import multiprocessing
import sqlite3
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from leadtui.demo import (
    build_sample_database,
    build_synthetic_database,
    synthetic,
    synthetic_batches,
)
from leadtui.domain.clock import from_iso
from leadtui.domain.errors import DatabaseUnavailable
from leadtui.domain.learned import percent
from leadtui.domain.models import Stage
from leadtui.domain.scoring_rules import load_rules
from leadtui.repository import RowBatch, build_database, open_repository
from leadtui.repository.scores import rate, read_model
from tests.conftest import NOW


def _dump(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return [
            *conn.execute("SELECT * FROM leads ORDER BY id"),
            *conn.execute("SELECT * FROM stage_changes ORDER BY id"),
            *conn.execute("SELECT * FROM activities ORDER BY id"),
            *conn.execute("SELECT * FROM custom_fields ORDER BY lead_id, name"),
        ]


def test_same_seed_gives_the_same_data_and_another_seed_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Three batches, so the multi-process path is exercised too: with small
    # batches, not 120,001 leads. Forked workers see the patched size (a
    # worker that started afresh would not).
    monkeypatch.setattr(synthetic, "BATCH_SIZE", 500)
    fork = multiprocessing.get_context("fork")
    monkeypatch.setattr(
        synthetic, "ProcessPoolExecutor", functools.partial(ProcessPoolExecutor, mp_context=fork)
    )
    count = 1_001
    first, second, third = (tmp_path / n for n in ("a.db", "b.db", "c.db"))
    assert build_synthetic_database(first, count, 7, NOW) == count
    build_synthetic_database(second, count, 7, NOW)
    build_synthetic_database(third, 1000, 8, NOW)
    assert _dump(first) == _dump(second)
    assert _dump(first)[:1000] != _dump(third)[:1000]


def test_every_lead_history_ends_where_the_lead_is(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    build_synthetic_database(path, 2000, 3, NOW)
    with sqlite3.connect(path) as conn:
        mismatches = conn.execute("""
            SELECT count(*) FROM leads l WHERE l.stage != (
              SELECT to_stage FROM stage_changes s WHERE s.lead_id = l.id
              ORDER BY at DESC, id DESC LIMIT 1)""").fetchone()[0]
        stages = {row[0] for row in conn.execute("SELECT DISTINCT stage FROM leads")}
        lost_without_reason = conn.execute(
            "SELECT count(*) FROM leads WHERE stage = 'lost' AND lost_reason IS NULL"
        ).fetchone()[0]
    assert mismatches == 0
    assert stages == {stage.value for stage in Stage}
    assert lost_without_reason == 0


def test_synthetic_leads_are_named_in_the_worlds_scripts_and_found_by_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "d.db"
    build_synthetic_database(path, 2000, 3, NOW)
    repo = open_repository(path)
    scripts = {
        unicodedata.name(lead.name[0]).split()[0]
        for lead in repo.all_leads()
        if not lead.name.isascii()
    }
    wanted = {"CYRILLIC", "CJK", "ARABIC", "GREEK", "HEBREW", "HANGUL", "THAI", "DEVANAGARI"}
    assert wanted <= scripts
    found = repo.search("Иван")
    assert found and all(lead.name == "Иван Петров" for lead in found)
    assert all(lead.email and lead.email.isascii() for lead in found)


def test_demo_scores_are_what_the_repository_computes_for_them(tmp_path: Path) -> None:
    """The generator scores a million rows itself for speed; that must agree
    with the repository's own scoring, or the first refresh would reshuffle
    the inbox. The win chance comes from the model trained on the demo."""
    path = tmp_path / "d.db"
    build_synthetic_database(path, 3000, 5, NOW)
    repo = open_repository(path, clock=lambda: NOW)
    with sqlite3.connect(path) as conn:
        stored = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT id, score, temperature, win_chance, score_due_at FROM leads"
                " WHERE stage NOT IN ('won', 'lost') ORDER BY id LIMIT 500"
            )
        }
    with repo._connection() as db:
        model = read_model(db)
        assert model is not None and model.n_won + model.n_lost > 1000
        rated = rate(db, list(stored), repo.rules, model, NOW)
    for lead_id, (points, temperature, chance, due) in stored.items():
        now_rated = rated[lead_id]
        assert (points, temperature) == (now_rated.rule.points, now_rated.rule.temperature.value)
        assert chance == percent(now_rated.chance or 0)
        expected_due = now_rated.rule.next_change
        assert due == (expected_due.isoformat() if expected_due else None)
    assert repo.refresh_scores() == 0  # nothing due, rules unchanged: no work


def _closed_scores_against_a_rescore_at_the_close(path: Path) -> int:
    """Check each closed lead of the file at `path`: it was touched only
    before it closed, and it holds the score (and temperature) that scoring
    it as of its close gives, with no due time, as a real close leaves it
    (the calibration table compares that score with the outcome). Returns
    how many were checked."""
    repo = open_repository(path, clock=lambda: NOW)
    with sqlite3.connect(path) as conn:
        closed = conn.execute(
            "SELECT id, score, temperature, score_due_at, stage_entered_at FROM leads"
            " WHERE stage IN ('won', 'lost') ORDER BY id"
        ).fetchall()
        touched_after = conn.execute(
            "SELECT count(*) FROM activities a JOIN leads l ON l.id = a.lead_id"
            " WHERE l.stage IN ('won', 'lost') AND a.at > l.stage_entered_at"
        ).fetchone()[0]
    assert touched_after == 0
    wrong = []
    with repo._connection() as db:
        for lead_id, points, temperature, due, closed_at in closed:
            rule = rate(db, [lead_id], repo.rules, None, from_iso(closed_at))[lead_id].rule
            if (points, temperature, due) != (rule.points, rule.temperature.value, None):
                wrong.append((lead_id, points, rule.points, rule.reasons))
    assert wrong == []
    return len(closed)


def test_demo_closed_leads_hold_the_score_they_closed_with(tmp_path: Path) -> None:
    """`score show` of a lead lost in April listed "no touch for 30 days"
    though a meeting came two weeks before: the generator scored closed leads
    as of the day it ran, so the calibration table set outcomes against
    scores they never had."""
    from leadtui.resources import sample_data_dir

    path = tmp_path / "d.db"
    build_synthetic_database(path, 3000, 5, NOW)
    assert _closed_scores_against_a_rescore_at_the_close(path) > 1000
    sample = tmp_path / "sample.db"
    build_sample_database(sample, sample_data_dir(), NOW)
    assert _closed_scores_against_a_rescore_at_the_close(sample) > 5


def test_demo_never_writes_into_an_existing_file(db_path: Path) -> None:
    open_repository(db_path)
    before = db_path.read_bytes()
    with pytest.raises(DatabaseUnavailable, match="already exists"):
        build_synthetic_database(db_path, 10, 1, NOW)
    assert db_path.read_bytes() == before


def test_a_failed_build_leaves_no_file_behind(tmp_path: Path) -> None:
    target = tmp_path / "demo.db"

    def exploding() -> list[RowBatch]:
        batch = next(synthetic_batches(10, 1, NOW, load_rules().rules))
        batch.leads.append(batch.leads[0])  # duplicate primary key: the insert fails
        return [batch]

    with pytest.raises(DatabaseUnavailable):
        build_database(target, exploding())
    assert list(tmp_path.iterdir()) == []


def test_sample_database_is_realistic(tmp_path: Path) -> None:
    from leadtui.resources import sample_data_dir

    path = tmp_path / "sample.db"
    assert build_sample_database(path, sample_data_dir(), NOW) == 44
    repo = open_repository(path)
    maria = repo.get_lead(1)
    assert (maria.name, maria.company, maria.stage) == (
        "Maria Okafor",
        "Brightfield Analytics",
        Stage.NEW,
    )
    kinds = {entry.type for entry in repo.history(20)}
    assert kinds == {"stage_change", "touch"}
