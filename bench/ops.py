"""What single repository operations cost in-process, on one or more
databases in the same run (a file and a PostgreSQL URL, say), interleaved
so that the machine's load falls on each alike.

    python -m bench.ops --db /tmp/pgb/copy.db --db 'postgresql:///copy?host=/tmp/pgb/c' \\
        [--runs 50]

It writes (advances and renames leads): use copies. For each operation,
the median and the 90th percentile of `--runs` calls, and each database's
median as a multiple of the first's. No terminal, no drawing: these are the
storage's share of what bench.keys and bench.team measure on screen, and
the per-operation costs docs/scaling.md scales up.
- a page: the board's first 50 cards of New (the keyset query);
- the stage totals (the board's column headers);
- a lead's page (the Lead tab: the lead, its history, its scores);
- search: a vague prefix ("a") and a precise one (an email's first 12
  characters);
- a write: an advance (a transaction, the journal line, the rollup row);
- a rename (the write bench.team's writers make).
"""

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from leadtui.domain.models import Stage
from leadtui.paths import database_target
from leadtui.repository import Repository, open_repository

Operation = Callable[[Repository, int], object]


def _operations(repo: Repository, runs: int) -> dict[str, Operation]:
    """The operations, each given its run's index (writes take a lead of
    their own each time: the same leads on every database, which are
    copies of one)."""
    new = repo.leads_in_stage(Stage.NEW, limit=2 * runs + 1)
    assert len(new) > 2 * runs, "too few New leads for --runs"
    email = next(lead.email for lead in new if lead.email)
    advanced, renamed = [lead.id for lead in new[:runs]], [lead.id for lead in new[runs:]]
    return {
        "page of 50 (New)": lambda r, _: r.leads_in_stage(Stage.NEW, limit=50),
        "stage totals": lambda r, _: r.stage_totals(),
        "lead page": lambda r, i: r.lead_page(new[-1 - i].id),
        "search 'a'": lambda r, _: r.search("a"),
        "search, 12 chars": lambda r, _: r.search(email[:12]),
        "advance (write)": lambda r, i: r.advance(advanced[i]),
        "rename (write)": lambda r, i: r.update_fields(renamed[i], {"name": f"Ops {i}"}),
    }


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return statistics.median(samples) * 1000, p90 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", type=database_target, action="append", required=True, help="a copy (repeat)"
    )
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    targets: list[Path | str] = args.db
    repos = [open_repository(target) for target in targets]
    operations = _operations(repos[0], args.runs)
    samples: dict[str, list[list[float]]] = {name: [[] for _ in repos] for name in operations}
    for repo in repos:  # warm: the first call opens connections, reads the schema
        repo.leads_in_stage(Stage.NEW, limit=50)
        repo.search("a")
    for index in range(args.runs):
        for name, operation in operations.items():
            for which, repo in enumerate(repos):
                start = time.perf_counter()
                operation(repo, index)
                samples[name][which].append(time.perf_counter() - start)
    leads = repos[0].count_leads()
    print(f"operations at {leads:,} leads, {args.runs} runs each, median (p90) in ms")
    for which, repo in enumerate(repos):
        print(f"  [{which}] {repo.shown}")
    for name, per_db in samples.items():
        medians = [_ms(runs)[0] for runs in per_db]
        cells = [
            f"[{which}] {median:7.2f} ({_ms(runs)[1]:7.2f})"
            + (f" {median / medians[0]:5.2f}x" if which else "")
            for which, (median, runs) in enumerate(zip(medians, per_db, strict=True))
        ]
        print(f"  {name:18} " + "   ".join(cells))


if __name__ == "__main__":
    main()
