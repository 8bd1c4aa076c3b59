"""Whether the board's per-stage totals (kpi_stage_totals, kept by
triggers on both engines) still agree with the leads: `db check` says
where they do not, on SQLite as on PostgreSQL, since the board's headers
and the pipeline value read only the totals."""

from typing import Any


def stage_total_problems(db: Any) -> list[str]:
    """One line per stage whose kept (leads, cents) differ from the leads'
    own; none when they agree. `db`: any connection whose execute() gives
    rows (sqlite3's, sqlite-utils', leadtui's PostgreSQL one)."""
    kept = {
        stage: (int(n), int(value))
        for stage, n, value in db.execute("SELECT stage, n, value FROM kpi_stage_totals")
        if n or value
    }
    counted = {
        stage: (int(n), int(value))
        for stage, n, value in db.execute(
            "SELECT stage, count(*), coalesce(sum(value_cents), 0) FROM leads GROUP BY stage"
        )
    }
    return [
        f"kpi_stage_totals: {stage} says {kept.get(stage, (0, 0))} (leads, cents),"
        f" the leads {counted.get(stage, (0, 0))}"
        for stage in sorted(kept.keys() | counted.keys())
        if kept.get(stage, (0, 0)) != counted.get(stage, (0, 0))
    ]
