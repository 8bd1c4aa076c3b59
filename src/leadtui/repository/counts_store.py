"""How many leads, without reading them: the board's column totals, the
inbox's untriaged count, whether the database holds any lead. From the
rollups the writes keep (kpi_stage_totals, its per-owner twin) where no
filter asks otherwise; a scan of the leads only under a filter.
(CountsStore is a piece of the Repository: see repository/core.py.)"""

from datetime import datetime

from leadtui.domain.clock import to_iso
from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Stage
from leadtui.repository.core import Filters
from leadtui.repository.kpi_rollups import owner_filter, owner_stage_totals
from leadtui.repository.rows import stage_totals_from


class CountsStore:
    def __init__(self, repo: Filters) -> None:
        self.repo = repo

    def stage_totals(self, only: LeadFilter | None = None) -> dict[Stage, tuple[int, int]]:
        """{stage: (count, cents)} over every lead (kept by triggers in
        kpi_stage_totals) or every lead the filter lets through (a scan)."""
        if not only:
            with self.repo._connection() as db:
                rows = db.execute(
                    "SELECT stage, n, value FROM kpi_stage_totals WHERE n != 0"
                ).fetchall()
            return stage_totals_from(rows)
        if (owned := owner_filter(only, self.repo.actor)) is not None:
            with self.repo._connection() as db:
                return owner_stage_totals(db, *owned)
        where, params = self.repo._filtered(only)
        with self.repo._connection() as db:
            rows = db.execute(
                "SELECT stage, count(*), coalesce(sum(value_cents), 0) FROM leads"
                f" WHERE TRUE{where} GROUP BY stage",
                params,
            ).fetchall()
        return stage_totals_from(rows)

    def has_leads(self) -> bool:
        with self.repo._connection() as db:
            return bool(db.execute("SELECT EXISTS (SELECT 1 FROM leads)").fetchone()[0])

    def count_in_stage(
        self, stage: Stage, *, awake_at: datetime | None = None, only: LeadFilter | None = None
    ) -> int:
        """The inbox's untriaged total at any size: the stage's leads (its
        rollup row) less those hidden until after `awake_at` (an index range
        count; with a filter, a scan of the stage)."""
        if only:
            where, params = self.repo._filtered(only)
            if awake_at is not None:
                where += " AND (snoozed_until IS NULL OR snoozed_until <= ?)"
                params.append(to_iso(awake_at))
            with self.repo._connection() as db:
                row = db.execute(
                    f"SELECT count(*) FROM leads WHERE stage = ?{where}", [stage.value, *params]
                )
                return int(row.fetchone()[0])
        with self.repo._connection() as db:
            # The board's rollup (kept by triggers in the writes' own
            # transactions): counting the stage's index range instead cost
            # every console 2.5 ms at 25,000 New leads on each stage move.
            row = db.execute(
                "SELECT coalesce(sum(n), 0) FROM kpi_stage_totals WHERE stage = ?", [stage.value]
            )
            total = int(row.fetchone()[0])
            if awake_at is None:
                return total
            hidden = db.execute(
                f"SELECT count(*) FROM leads{self.repo.engine.dialect.indexed_by('leads_snoozed')}"
                " WHERE stage = ? AND snoozed_until > ?",
                [stage.value, to_iso(awake_at)],
            ).fetchone()[0]
            return total - int(hidden)

    def count_leads(self) -> int:
        with self.repo._connection() as db:
            return int(db.execute("SELECT count(*) FROM leads").fetchone()[0])
