"""Bulk inserts on PostgreSQL (an import, `db copy`) keep the board's stage
totals once per write, not once per lead.

Measured: the per-row trigger (pg/schema.py, STAGE_TOTALS) updates one of
a few kpi_stage_totals rows for every lead inserted. Inside one
transaction PostgreSQL cannot prune the row versions it leaves behind (the
transaction that made them is still running), so each update walks a
longer chain of them: 3,000 updates of one row took 0.25 s, the sixth
3,000 in the same transaction 2.6 s. An import of 100,000 rows took
797 s (318 s of it the server's CPU), 89 s without the trigger's work.
`db copy` (COPY, 5,000 rows a statement) is done the same way; at 100k
leads it was not measurably slower with the trigger.

So the trigger skips inserts (pg/schema.py, DEFER_STAGE_TOTALS) while the transaction has set
`leadtui.bulk_insert` (SET LOCAL: no other session and no later
transaction sees it), and the bulk writer adds the inserted leads' totals
in one statement at the end (add_inserted_totals). Updates and deletes in
such a transaction (an import's merges) are still counted row by row.
"""

from typing import Any

from leadtui.repository.pg import schema_kpi


def defer_inserted_totals(db: Any) -> None:
    """From here to the end of the transaction, inserted leads are not
    counted by the trigger: call add_inserted_totals before it commits."""
    db.execute("SET LOCAL leadtui.bulk_insert = 'on'")


def add_inserted_totals(db: Any, first_id: int, last_id: int) -> None:
    """Count the leads inserted with ids first_id..last_id into the stage
    totals, one row per stage, and count inserts row by row again."""
    db.execute(
        "INSERT INTO kpi_stage_totals AS t (stage, n, value)"
        " SELECT stage, count(*), coalesce(sum(value_cents), 0) FROM leads"
        " WHERE id BETWEEN ? AND ? GROUP BY stage"
        " ON CONFLICT (stage) DO UPDATE SET n = t.n + excluded.n, value = t.value + excluded.value",
        [first_id, last_id],
    )
    db.execute("SET LOCAL leadtui.bulk_insert = 'off'")


def defer_kpis(db: Any) -> None:
    """From here until rebuild_kpis, no KPI trigger runs in this
    transaction (kpi_triggers.DEFERRED): for an import big enough that one
    rebuild costs less than a trigger per row."""
    db.execute("SET LOCAL leadtui.kpi_deferred = 'on'")


def rebuild_kpis(db: Any) -> None:
    """Every KPI column and rollup from the rows (the triggers still
    deferred, so the rebuild's own updates are not counted again), then the
    triggers on again."""
    for sql in schema_kpi.REBUILD:
        db.execute(sql)
    db.execute("SET LOCAL leadtui.kpi_deferred = 'off'")
