"""Row locks or the one write lock on PostgreSQL (issue 20): W writer
processes, each moving its own leads (advance, then back, in turn), for a
fixed time; moves/s with every write transaction taking the one advisory
write lock (as leadtui does), and with row locks alone (no advisory lock;
the move reads its lead FOR UPDATE, as it does with the lock too).

    python -m bench.pg_row_locks --db postgresql://... [--writers 8] [--seconds 10]

It writes: use a new, empty database. Row locks are a prototype here,
patched in for the run; what they cost besides (deadlocks between two moves
that update the board's per-stage totals in opposite orders) is counted.
After each run it checks for lost updates: every lead's stage and version
against the moves its writer saw succeed, and the board's totals against
the leads.
"""

import argparse
import multiprocessing
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from leadtui.domain.models import build_draft
from leadtui.repository import open_repository

LEADS_PER_WRITER = 4
# The "-ordered" modes' board totals: both stages' rows in one statement,
# in stage order, so that two moves in opposite directions (advance, back)
# lock them in the same order and cannot deadlock; still one hot row per stage.
ORDERED_TOTALS = """
CREATE OR REPLACE FUNCTION leads_stage_totals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO kpi_stage_totals AS t (stage, n, value)
  SELECT stage, sum(n), sum(v) FROM (
      SELECT OLD.stage, -1, -OLD.value_cents WHERE TG_OP IN ('UPDATE', 'DELETE')
      UNION ALL
      SELECT NEW.stage, 1, NEW.value_cents WHERE TG_OP IN ('UPDATE', 'INSERT')
  ) AS d (stage, n, v) GROUP BY stage ORDER BY stage
  ON CONFLICT (stage) DO UPDATE SET n = t.n + excluded.n, value = t.value + excluded.value;
  RETURN NULL;
END $$
"""


def _row_locks() -> None:
    """The prototype: no advisory lock (a move reads its lead FOR UPDATE, as
    it always does), and journal lines stamped with their action as they
    are written."""
    from leadtui.repository import moves_store
    from leadtui.repository.pg import engine
    from leadtui.repository.pg.watch import CHANNEL

    @contextmanager
    def transaction(self: Any) -> Iterator[Any]:
        with self.connect() as db, db.raw.transaction():
            yield db
            db.execute(f"NOTIFY {CHANNEL}")

    @contextmanager
    def action(db: Any, actor: str, at: str, label: str, **_: Any) -> Iterator[int]:
        # The lines this transaction writes take the action's id as they are
        # inserted (the column's default reads a transaction-local setting):
        # stamping "the lines after the journal's last" needs one writer.
        group = db.execute(
            "INSERT INTO actions (actor, at, label, kind) VALUES (?, ?, ?, 'do') RETURNING id",
            [actor, at, label],
        ).fetchone()[0]
        db.execute("SELECT set_config('leadtui.group', ?, true)", [str(group)])
        yield group
        db.execute("SELECT set_config('leadtui.group', '', true)")

    engine.PostgresEngine.transaction = transaction  # type: ignore[method-assign]
    moves_store.action = action  # type: ignore[attr-defined]


def _writer(url: str, mode: str, leads: list[int], seconds: float, go: Any, out: Any) -> None:
    import psycopg

    from leadtui.domain.errors import DatabaseUnavailable

    if mode.startswith("row"):
        _row_locks()
    repo = open_repository(url, actor=f"w{leads[0]}")
    moves = failed = 0
    done = {lead: 0 for lead in leads}
    out.put("ready")
    go.wait()
    end = time.time() + seconds
    turn = 0
    while time.time() < end:
        lead = leads[turn % len(leads)]
        how = repo.advance if done[lead] % 2 == 0 else repo.back
        turn += 1
        try:
            how(lead)
        except (DatabaseUnavailable, psycopg.errors.DeadlockDetected):
            failed += 1
            continue
        done[lead] += 1
        moves += 1
    out.put((moves, failed, done))


def run(url: str, mode: str, leads: list[list[int]], seconds: float) -> tuple[float, int]:
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    go = context.Event()
    processes = [
        context.Process(target=_writer, args=(url, mode, mine, seconds, go, out)) for mine in leads
    ]
    for process in processes:
        process.start()
    for _ in processes:  # every writer started (imports, a connection)
        assert out.get() == "ready"
    go.set()
    results = [out.get() for _ in processes]
    for process in processes:
        process.join()
    check(url, [done for _, _, done in results], totals="untotalled" not in mode)
    return sum(moves for moves, _, _ in results) / seconds, sum(f for _, f, _ in results)


def check(url: str, done: list[dict[int, int]], *, totals: bool) -> None:
    """No lost update: each lead is where its moves put it (advance and back
    in turn: new after an even count), its journal has a stage line for each
    move, and the board's totals match the leads."""
    repo = open_repository(url)
    with repo.engine.connect() as db:
        for counts in done:
            for lead, moves in counts.items():
                stage = db.execute("SELECT stage FROM leads WHERE id = ?", [lead]).fetchone()[0]
                lines = db.execute(
                    "SELECT count(*) FROM journal WHERE lead_id = ? AND field = 'stage'"
                    " AND old IS NOT NULL",
                    [lead],
                ).fetchone()[0]
                assert stage == ("new" if moves % 2 == 0 else "contacted"), (lead, stage, moves)
                assert lines == moves, (lead, lines, moves)
        if totals:
            kept = dict(db.execute("SELECT stage, n FROM kpi_stage_totals WHERE n > 0").fetchall())
            real = dict(db.execute("SELECT stage, count(*) FROM leads GROUP BY stage").fetchall())
            assert kept == real, (kept, real)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a new, empty PostgreSQL database (URL)")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--modes",
        default="global,row",
        help="global, row, row-ordered (totals rows locked in stage order), and any with"
        " -untotalled: the board's per-stage totals trigger off for the run",
    )
    args = parser.parse_args()
    repo = open_repository(args.db, actor="bench")
    with repo.engine.transaction() as db:  # the row-lock prototype's journal stamping
        db.execute(
            "ALTER TABLE journal ALTER COLUMN group_id"
            " SET DEFAULT nullif(current_setting('leadtui.group', true), '')::bigint"
        )
    ids = [
        repo.add_lead(build_draft(name=f"Writer {w} lead {i}"))
        for w in range(args.writers)
        for i in range(LEADS_PER_WRITER)
    ]
    leads = [ids[w * LEADS_PER_WRITER : (w + 1) * LEADS_PER_WRITER] for w in range(args.writers)]
    with repo.engine.connect() as db:
        original = db.execute(
            "SELECT pg_get_functiondef('leads_stage_totals'::regproc)"
        ).fetchone()[0]
    modes = args.modes.split(",")
    figures: dict[str, list[float]] = {mode: [] for mode in modes}
    failures = dict.fromkeys(modes, 0)
    for _ in range(args.rounds):  # interleaved: the machine's load drifts
        for mode in modes:
            totals = "untotalled" not in mode
            with repo.engine.transaction() as db:
                # Every run starts from every lead in New, totals right.
                db.execute("UPDATE leads SET stage = 'new'")
                db.execute("DELETE FROM journal")
                db.execute("DELETE FROM actions")
                db.execute("DELETE FROM kpi_stage_totals")
                db.execute(
                    "INSERT INTO kpi_stage_totals (stage, n, value)"
                    " SELECT stage, count(*), sum(value_cents) FROM leads GROUP BY stage"
                )
                for trigger in ("leads_stage_totals_update", "leads_stage_totals_change"):
                    db.execute(
                        f"ALTER TABLE leads {'ENABLE' if totals else 'DISABLE'} TRIGGER {trigger}"
                    )
                db.execute(ORDERED_TOTALS if "ordered" in mode else original)
            rate, failed = run(args.db, mode, leads, args.seconds)
            figures[mode].append(rate)
            failures[mode] += failed
            print(f"{mode:16}  {rate:7.1f} moves/s  ({failed} refused: deadlock or busy)")
    for mode, rates in figures.items():
        print(
            f"{mode:16}  median {statistics.median(rates):7.1f} moves/s over {args.rounds} runs,"
            f" {failures[mode]} refused"
        )


if __name__ == "__main__":
    main()
