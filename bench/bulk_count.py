"""One step of bench.bulk_move, alone, to be counted in instructions under
valgrind: CPU time on a loaded 2-core machine varies by 15-20% from run to
run, more than most changes to a bulk move; an instruction count does not
(two runs of the same code differ by about 0.5%).

    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \\
        .venv/bin/python -m bench.bulk_count --db COPY --leads 10000 --step lose

Each step opens the file and lists its open leads first, then: `none`
nothing more (subtract its count from the others'), `floor` the floor's
writes (bench.bulk_move.floor, rolled back), `lose` a bulk loss of the
first LEADS open leads after the first 5,000 (the leads bench.bulk_move
loses in its big move), `undo` that loss and its undo. The loss and the
undo write: a fresh copy for each run.
"""

import argparse
from pathlib import Path

from bench.bulk_move import floor, open_leads
from leadtui.repository import open_repository

STEPS = ("none", "floor", "lose", "undo")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="a copy: leads are moved")
    parser.add_argument("--leads", type=int, default=10_000, help="leads moved")
    parser.add_argument("--step", choices=STEPS, required=True)
    args = parser.parse_args()
    repo = open_repository(args.db, actor="bench")
    leads = open_leads(repo)[5_000 : 5_000 + args.leads]
    if args.step == "floor":
        floor(args.db, [lead_id for lead_id, _ in leads])
    elif args.step in ("lose", "undo"):
        repo.move_count("lose", leads, reason="x")
        if args.step == "undo":
            repo.undo()
    print(f"{args.step}: {len(leads):,} leads")


if __name__ == "__main__":
    main()
