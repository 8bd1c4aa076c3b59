"""`score train` on PostgreSQL, judged by the server's own account of its two
big statements (EXPLAIN ANALYZE, rolled back): the training read and the
win chances' bulk UPDATE (features.read_learning, scores.update_chances).
On 2,000 leads it took 4-15 s against 0.3 s on SQLite, nearly all of it
compiling the UPDATE with LLVM (JIT) and looking each lead's custom field
up once per bin and again for each use of the log-odds."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from leadtui.demo import build_synthetic_database
from leadtui.repository import copy_database, open_repository
from leadtui.repository.pg.connection import to_pyformat
from tests.conftest import NOW

Statement = tuple[str, Any]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _explained(url: str, ran: list[Statement], start: str) -> tuple[dict[str, Any], int]:
    """The plan, as run, of the first statement starting with `start`, after
    the SETs run just before it; and the open leads it scores (its id bounds
    as the UPDATE's, if any). Every statement is costed high enough to be
    compiled, as on a big table: only a `jit = off` keeps it from that."""
    at = next(i for i, (sql, _) in enumerate(ran) if sql.startswith(start))
    settings = [s for s in ran[max(0, at - 3) : at] if s[0].startswith("SET")]
    sql, params = ran[at]
    with psycopg.connect(url) as conn, conn.transaction(force_rollback=True):
        for setting in ("jit_above_cost", "jit_inline_above_cost", "jit_optimize_above_cost"):
            conn.execute(f"SET LOCAL {setting} = 0")
        for setting, _ in settings:
            conn.execute(setting)
        # A statement without parameters is run as traced (its % unescaped).
        plan = conn.execute(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + (to_pyformat(sql) if params else sql),
            params or None,
        ).fetchone()
        bounds = params if params else [0, 2**31 - 1]
        open_leads = conn.execute(
            "SELECT count(*) FROM leads WHERE stage NOT IN ('won', 'lost')"
            " AND id > %s AND id <= %s",
            bounds,
        ).fetchone()
    assert plan is not None and open_leads is not None
    return plan[0][0], int(open_leads[0])


def test_training_compiles_nothing_and_reads_each_custom_field_once(
    tmp_path: Path, pg_url: str
) -> None:
    path = tmp_path / "demo.db"
    build_synthetic_database(path, 300, 7, NOW)
    copy_database(path, pg_url)
    ran: list[Statement] = []
    repo = open_repository(pg_url, clock=lambda: NOW, tracer=lambda *s: ran.append(s))
    model = repo.train_model().model
    assert model is not None
    custom = [spec for spec in model.specs if spec.kind != "standard"]
    assert any(spec.kind == "custom_numeric" for spec in custom)  # the binned field
    read, _ = _explained(pg_url, ran, "SELECT * FROM (SELECT CASE l.stage")
    assert "JIT" not in read
    update, open_leads = _explained(pg_url, ran, "WITH odds")
    assert "JIT" not in update
    assert open_leads > 100
    # Each custom field looked up once a lead: not once for each of the
    # bins, nor again for each use of the log-odds in the chance and of the
    # chance in the UPDATE (the features read activities alike).
    lookups = sum(
        node["Actual Loops"]
        for node in _nodes(update["Plan"])
        if node.get("Relation Name") == "custom_fields"
    )
    assert lookups <= len(custom) * open_leads
