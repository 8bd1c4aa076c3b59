"""Concurrent writers on PostgreSQL: N processes, each advancing its own
leads as fast as it can, for a few seconds.

    python -m bench.pg_writers --db postgresql://... [--writers 1,8] [--seconds 10]

It writes (adds leads to move): use a database of its own. Every move
updates one of the few per-stage total rows (kpi_stage_totals, and the
owner's), which PostgreSQL row-locks to the end of the transaction; and
every write takes the one write lock first (pg/engine.py). For each N it
reports the moves per second (all writers together), and checks that no
update was lost:
- each lead's version went up once per move its writer made, and its
  journal holds one stage line per move (every version bump accounted for);
- each lead's stage is its latest journal line's;
- the stage totals, the team's and each owner's, are the leads counted.
"""

import argparse
import multiprocessing
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from leadtui.domain.errors import DatabaseUnavailable, LeadtuiError
from leadtui.domain.models import build_draft
from leadtui.repository import open_repository
from leadtui.repository.pg.engine import PostgresEngine

OWNERS = ("anna", "ben", "carla", "dev")


@contextmanager
def _without_write_lock(engine: PostgresEngine) -> Iterator[Any]:
    """A write transaction as pg/engine.py's, less its one write lock: row
    locks alone (the experiment --row-locks-only; not how leadtui writes)."""
    with engine.connect() as db, db.raw.transaction():
        yield db


def writer(
    url: str,
    number: int,
    leads: Sequence[int],
    seconds: float,
    ready: Any,
    results: Any,
    row_locks_only: bool,
) -> None:
    """Advance `leads` one after the other (each up the ladder until it is
    refused) for `seconds` once every writer is `ready`; puts {lead: moves
    made} and the busy errors on `results`."""
    if row_locks_only:
        PostgresEngine.transaction = _without_write_lock  # type: ignore[method-assign,assignment]
    repo = open_repository(url, actor=f"writer{number}")
    repo.count_leads()  # connected before the start
    moves = dict.fromkeys(leads, 0)
    busy = 0
    ready.wait()
    stop = time.time() + seconds
    index = 0
    while time.time() < stop and index < len(leads):
        lead = leads[index]
        try:
            repo.advance(lead)
        except DatabaseUnavailable:
            busy += 1
            continue
        except LeadtuiError:  # won: nothing left to advance
            index += 1
            continue
        moves[lead] += 1
    results.put((moves, busy))


def snapshot(url: str, leads: Sequence[int]) -> dict[int, tuple[int, int, str, str]]:
    """{lead: (version, stage lines in the journal, stage, latest line's stage)}."""
    repo = open_repository(url)
    with repo.engine.connect() as db:
        rows = db.execute(
            "SELECT l.id, l.version, l.stage,"
            " (SELECT count(*) FROM journal j WHERE j.field = 'stage' AND j.lead_id = l.id),"
            " (SELECT j.new FROM journal j WHERE j.field = 'stage' AND j.lead_id = l.id"
            "   ORDER BY j.at DESC, j.id DESC LIMIT 1)"
            " FROM leads l WHERE l.id = ANY(?)",
            [list(leads)],
        ).fetchall()
    return {lead: (version, lines, stage, latest) for lead, version, stage, lines, latest in rows}


def totals_agree(url: str) -> bool:
    """The rollups' stage totals (team and owners) equal the leads counted."""
    repo = open_repository(url)
    with repo.engine.connect() as db:
        kept = db.execute(
            "SELECT stage, n, value FROM kpi_stage_totals WHERE n != 0 ORDER BY 1"
        ).fetchall()
        counted = db.execute(
            "SELECT stage, count(*), sum(value_cents) FROM leads GROUP BY 1 ORDER BY 1"
        ).fetchall()
        owners = db.execute(
            "SELECT owner, stage, n, value FROM kpi_owner_stage_totals WHERE n != 0 ORDER BY 1, 2"
        ).fetchall()
        counted_owners = db.execute(
            "SELECT owner, stage, count(*), sum(value_cents) FROM leads"
            " WHERE owner IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()
    return bool(kept == counted and owners == counted_owners)


def run(url: str, writers: int, seconds: float, per_writer: int, row_locks_only: bool) -> None:
    repo = open_repository(url, actor="bench")
    shares = [
        [
            repo.add_lead(build_draft(name=f"Writer {w} lead {i}", owner=OWNERS[w % 4]))
            for i in range(per_writer)
        ]
        for w in range(writers)
    ]
    every = [lead for share in shares for lead in share]
    before = snapshot(url, every)
    context = multiprocessing.get_context("spawn")
    ready, queue = context.Barrier(writers + 1), context.Queue()
    processes = [
        context.Process(
            target=writer, args=(url, w, shares[w], seconds, ready, queue, row_locks_only)
        )
        for w in range(writers)
    ]
    for process in processes:
        process.start()
    ready.wait()  # every writer connected: the clock starts
    start = time.time()
    results = [queue.get() for _ in processes]
    elapsed = time.time() - start
    for process in processes:
        process.join()
    after = snapshot(url, every)
    moves: dict[int, int] = {}
    busy = 0
    for made, refused in results:
        moves |= made
        busy += refused
    total = sum(moves.values())
    lost = [
        lead
        for lead in every
        if after[lead][0] - before[lead][0] != moves[lead]
        or after[lead][1] - before[lead][1] != moves[lead]
        or after[lead][2] != after[lead][3]
    ]
    print(
        f"  {writers} writer(s): {total:,} moves in {elapsed:.1f} s = {total / elapsed:,.0f}"
        f" moves/s; lost updates: {len(lost)}; busy: {busy};"
        f" stage totals agree: {totals_agree(url)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True, help="a postgresql:// URL (it is written to)")
    parser.add_argument("--writers", default="1,8", help="writer counts to run, e.g. 1,8")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--leads", type=int, default=400, help="leads each writer may advance (5 moves each)"
    )
    parser.add_argument(
        "--row-locks-only",
        action="store_true",
        help="an experiment: writes without the one write lock, to see the rollup rows' locks",
    )
    args = parser.parse_args()
    how = " (row locks only)" if args.row_locks_only else ""
    print(f"Concurrent writers advancing their own leads{how}, {args.seconds:g} s each run")
    for count in (int(part) for part in args.writers.split(",")):
        run(args.db, count, args.seconds, args.leads, args.row_locks_only)


if __name__ == "__main__":
    main()
