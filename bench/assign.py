"""Reassigning many leads at once (repository/assign_set.py), as `leadtui
assign` or `=` on marked leads does it, then its undo and redo: wall and
CPU time, and the longest a teammate's write waited for the lock meanwhile
(bench/bulk_move.py's probe: another connection takes the write lock every
10 ms).

    python -m bench.assign --db COPY [--leads 50000]
    python -m bench.assign --db postgresql://.../copy [--leads 50000]

It writes: use a copy (of a PostgreSQL database too: `db copy` a file into
an empty one). On PostgreSQL the probe takes the advisory lock every write
transaction takes first. The leads are the first LEADS by id that are not
the new owner's already, each expected with the owner it has (as the TUI
passes the owner each marked lead was seen with).
"""

import argparse
from pathlib import Path

from bench.bulk_move import timed
from leadtui.paths import is_url
from leadtui.repository import open_repository

OWNER = "bench-owner"


def database(text: str) -> Path | str:
    """A file, or a postgresql:// URL kept as text (Path would fold its //)."""
    return text if is_url(text) else Path(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--db", type=database, required=True, help="a copy (file or URL): leads are reassigned"
    )
    parser.add_argument("--leads", type=int, default=50_000, help="leads reassigned")
    args = parser.parse_args()
    repo = open_repository(args.db, actor="bench")
    seen = [
        (lead.id, lead.owner or "") for lead in repo.all_leads(batch=20_000) if lead.owner != OWNER
    ][: args.leads]
    count = len(seen)

    def assign() -> str:
        done = repo.assign_many(OWNER, seen)
        return f"{len(done.changed):,} changed, {len(done.left):,} left"

    timed(args.db, f"assign {count:,} leads", assign)
    timed(args.db, f"undo of those {count:,}", lambda: repo.undo().message())
    timed(args.db, f"redo of those {count:,}", lambda: repo.redo().message())


if __name__ == "__main__":
    main()
