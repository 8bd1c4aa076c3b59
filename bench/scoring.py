"""Scoring at scale, on a demo database made with `leadtui demo --leads N`:

- training the learned score (`evaluate_model` with 0.1% held out: every
  closed lead's features read in one query, the logistic regression fitted,
  the held-out leads scored, each field checked for a leak) against a floor
  of plain SQL (the same closed leads grouped by source and outcome and by
  touch count and outcome, straight from the raw columns) and against the
  naive Bayes training it replaced ("today's" figure of issue 18: the same
  features into a temp table, one GROUP BY each, the held-out leads scored),
  run here in the same process on the same file;
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
import math
import sqlite3
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from leadtui.domain import learned
from leadtui.domain.learned import FeatureSpec
from leadtui.repository import Repository, open_repository
from leadtui.repository.features import Population, choose_features, feature_sql, lead_features
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


def naive_bayes_training(repo: Repository, test_fraction: float = 0.001, seed: int = 1) -> float:
    """The naive Bayes evaluation the logistic regression replaced, as it
    ran: features of the training part into a temp table, one GROUP BY per
    feature (value counts by outcome), then each held-out lead scored by
    its smoothed log ratios. Returns the AUC (a check that it did the work)."""
    population = Population(None, test_fraction, seed)
    with repo._connection() as db:
        # Its numeric custom fields had fixed bins: specs without cut points.
        specs: tuple[FeatureSpec, ...] = choose_features(db)
        label = population.label_sql(db)
        select = ", ".join(feature_sql(spec) for spec in specs)
        columns = ", ".join(f"f{i}" for i in range(len(specs)))
        db.execute("DROP TABLE IF EXISTS temp.nb_training")
        db.execute(f"CREATE TEMP TABLE nb_training (won, {columns})")
        db.execute(
            f"INSERT INTO temp.nb_training SELECT * FROM (SELECT {label} AS won, {select}"
            f" FROM leads l WHERE NOT ({population.split_sql()})) WHERE won IS NOT NULL"
        )
        n_won, n_lost = db.execute("SELECT sum(won), sum(1 - won) FROM temp.nb_training").fetchone()
        ratios: dict[str, dict[str, float]] = {}
        for index, spec in enumerate(specs):
            rows = db.execute(
                f"SELECT f{index}, sum(won), sum(1 - won) FROM temp.nb_training GROUP BY f{index}"
            ).fetchall()
            slots = len(rows) + 1.0
            ratios[spec.name] = {
                str(value): math.log((won + 1) / (n_won + slots))
                - math.log((lost + 1) / (n_lost + slots))
                for value, won, lost in rows
            }
        db.execute("DROP TABLE temp.nb_training")
        prior = math.log((n_won + 1) / (n_lost + 1))
        predicted: list[float] = []
        outcomes: list[bool] = []
        for row in db.execute(
            f"SELECT * FROM (SELECT {label} AS won, {select} FROM leads l"
            f" WHERE {population.split_sql()}) WHERE won IS NOT NULL"
        ):
            odds = prior + sum(
                ratios[spec.name].get(str(value), 0.0)
                for spec, value in zip(specs, row[1:], strict=True)
            )
            predicted.append(1 / (1 + math.exp(-odds)))
            outcomes.append(bool(row[0]))
    learned.log_loss(predicted, outcomes)
    learned.deciles(predicted, outcomes)
    return learned.roc_auc(predicted, outcomes) or 0.0


def cpu_and_wall(job: Callable[[], object]) -> tuple[float, float]:
    """CPU time (this process: Python and SQLite) and wall time of a job: on
    a shared machine the wall time also counts waiting for a core."""
    cpu, wall = time.process_time(), time.perf_counter()
    job()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument(
        "--training-only", action="store_true", help="Time the training alone; write nothing."
    )
    args = parser.parse_args()
    repo = open_repository(args.db)
    with sqlite3.connect(args.db) as conn:
        leads, closed = conn.execute(
            "SELECT count(*), sum(stage IN ('won', 'lost')) FROM leads"
        ).fetchone()
    floor_seconds = min(floor(args.db) for _ in range(3))
    # Interleaved, so both see the same load on a shared machine; the best
    # of three of each.
    naive: list[tuple[float, float]] = []
    train: list[tuple[float, float]] = []
    for _ in range(3):
        naive.append(cpu_and_wall(partial(naive_bayes_training, repo)))
        train.append(cpu_and_wall(partial(repo.evaluate_model, test_fraction=0.001, seed=1)))
    naive_cpu, naive_wall = min(cpu for cpu, _ in naive), min(wall for _, wall in naive)
    train_cpu, train_wall = min(cpu for cpu, _ in train), min(wall for _, wall in train)
    print(f"scoring: {leads:,} leads, {closed:,} closed")
    print(f"  floor (plain SQL GROUP BYs over the closed leads):   {floor_seconds * 1000:8.0f} ms")
    print(
        f"  training on the closed leads (evaluate_model):        {train_wall * 1000:8.0f} ms"
        f"  ({train_wall / floor_seconds:.2f}x the floor), CPU {train_cpu * 1000:.0f} ms"
    )
    print(
        f"  the naive Bayes training it replaced:                 {naive_wall * 1000:8.0f} ms"
        f"  ({naive_wall / floor_seconds:.2f}x the floor), CPU {naive_cpu * 1000:.0f} ms"
    )
    print(
        "  training / naive Bayes training (goal: at most 2x):  "
        f"{train_wall / naive_wall:8.2f}x wall, {train_cpu / naive_cpu:.2f}x CPU",
        flush=True,
    )
    if args.training_only:
        return
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
