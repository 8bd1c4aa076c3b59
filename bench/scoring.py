"""Scoring at scale, on a demo database made with `leadtui demo --leads N`:

- training the learned score (features into a temp table, one GROUP BY each)
  against a floor of plain SQL: the same closed leads grouped by source and
  outcome and by touch count and outcome, straight from the raw columns;
- storing every open lead's win chance (SQL, in slices of ids), alone and
  with the training before it;
- rescoring every open lead by the rules (Python, in batches), as happens
  once after the rules file changes;
- scoring one lead with its explanation, as the Lead tab does, and the
  explanation alone (its feature values read, its factors computed).

    python -m bench.scoring --db /tmp/1m.db

It writes to the file (the stored chances and scores); run it on a copy if
the file matters.
"""

import argparse
import sqlite3
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from leadtui.repository import open_repository
from leadtui.repository.features import lead_features
from leadtui.repository.scores import read_model, update_chances
from leadtui.repository.scoring_store import CHANCE_BATCH

FLOOR_SQL = (
    "SELECT source, stage, count(*) FROM leads WHERE stage IN ('won', 'lost') GROUP BY 1, 2",
    "SELECT n, stage, count(*) FROM (SELECT l.stage, (SELECT count(*) FROM activities a"
    " WHERE a.lead_id = l.id) AS n FROM leads l WHERE l.stage IN ('won', 'lost'))"
    " GROUP BY 1, 2",
)


def seconds(job: Callable[[], object]) -> float:
    start = time.perf_counter()
    job()
    return time.perf_counter() - start


def floor(path: Path) -> float:
    def run() -> None:
        with sqlite3.connect(path) as conn:
            for sql in FLOOR_SQL:
                conn.execute(sql).fetchall()

    return seconds(run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    repo = open_repository(args.db)
    with sqlite3.connect(args.db) as conn:
        leads, closed = conn.execute(
            "SELECT count(*), sum(stage IN ('won', 'lost')) FROM leads"
        ).fetchone()
    floor_seconds = min(floor(args.db) for _ in range(3))
    train_seconds = min(
        seconds(lambda: repo.evaluate_model(test_fraction=0.001, seed=1)) for _ in range(3)
    )
    # A full train also stores the chance of every open lead; do it twice so
    # the second run measures the steady state (chances already there).
    first_train = repo.train_model()
    store_seconds = first_train.seconds
    with repo._connection() as db:
        model = read_model(db)
        last_id = int(db.execute("SELECT max(id) FROM leads").fetchone()[0])

    def store_all() -> None:
        with repo._connection() as db:  # the chances change: nothing left to skip
            db.execute("UPDATE leads SET win_chance = 0")
        for after in range(0, last_id, CHANCE_BATCH):
            with repo._transaction() as db:
                update_chances(db, model, after, after + CHANCE_BATCH)

    store_alone = seconds(store_all)
    rescore_seconds = seconds(repo.rescore_open_leads)
    open_ids = [lead.id for lead in repo.all_leads(batch=5000)][:: max(1, leads // 200)][:200]
    per_lead = [seconds(partial(repo.score_details, lead_id)) for lead_id in open_ids]
    assert model is not None

    def explain(lead_id: int) -> None:
        with repo._connection() as db:
            values = lead_features(db, model.specs, [lead_id])[lead_id]
        model.factors(values)

    explanation = [seconds(partial(explain, lead_id)) for lead_id in open_ids]
    print(f"scoring: {leads:,} leads, {closed:,} closed")
    print(f"  floor (plain SQL GROUP BYs over the closed leads):   {floor_seconds * 1000:8.0f} ms")
    print(
        f"  training on the closed leads (temp table + GROUP BYs): {train_seconds * 1000:8.0f} ms"
        f"  ({train_seconds / floor_seconds:.2f}x the floor)"
    )
    print(f"  train + store the chance of every open lead:          {store_seconds:8.1f} s")
    print(f"  store the chance of every open lead (SQL) alone:      {store_alone:8.1f} s")
    print(f"  rescore every open lead by the rules:                  {rescore_seconds:8.1f} s")
    print(
        f"  one lead's scores with reasons (median of {len(per_lead)}):"
        f"   {statistics.median(per_lead) * 1000:8.1f} ms"
    )
    print(
        f"  one lead's win chance explained (features + factors):"
        f"  {statistics.median(explanation) * 1000:8.2f} ms"
    )


if __name__ == "__main__":
    main()
