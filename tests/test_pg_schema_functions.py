"""A PostgreSQL database made by an earlier leadtui ends, once opened, with
the trigger functions a new one gets. A migration step's text is the build's
that applied it: those made before pg/kpi_triggers.FUNCTIONS_STEP kept
julianday() calls in two KPI row triggers (a query per call) and the owner
moves' join planned once per session (pg/kpi_triggers._OWNER_MOVES)."""

import re
from typing import Any

import psycopg

from leadtui.repository import open_repository
from leadtui.repository.pg import schema
from leadtui.repository.pg.connection import close_idle
from leadtui.repository.pg.kpi_triggers import JULIANDAY_EXPR, OWNER_STEP
from tests.pg_cluster import Cluster

# The schema version the step before FUNCTIONS_STEP left.
BEFORE_FUNCTIONS = 6


def earlier_kpi_step() -> str:
    """The KPI step as builds before the julianday() inlining wrote it."""
    step = schema.MIGRATIONS[1]
    for row in ("OLD", "NEW"):
        inline = " - ".join(
            JULIANDAY_EXPR.format(f"{row}.{at}") for at in ("last_stage_at", "created_at")
        )
        assert inline in step
        step = step.replace(inline, f"julianday({row}.last_stage_at) - julianday({row}.created_at)")
    return step


def earlier_owner_step() -> str:
    """The owner moves' step as the build that added it wrote it: EXISTS
    over the join first, each statement planned once per session."""
    exists = (
        "IF NOT EXISTS (SELECT FROM o JOIN n ON n.id = o.id"
        " WHERE o.owner IS DISTINCT FROM n.owner) THEN RETURN NULL; END IF;"
    )
    step, found = re.subn(r"IF \(SELECT array_agg.*?END IF;", exists, OWNER_STEP, flags=re.S)
    assert found == 1
    step, found = re.subn(
        r"IF \(SELECT count\(\*\) FROM n\) <= \d+ THEN\n(.*?)\n  ELSE\n.*?END IF;",
        r"\1",
        step,
        flags=re.S,
    )
    assert found == 1
    return step


def definitions(url: str) -> dict[str, Any]:
    """Every function and trigger of the database's schema, as PostgreSQL
    prints their definitions."""
    with psycopg.connect(url, autocommit=True) as db:
        functions = db.execute(
            "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p"
            " WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind = 'f'"
        ).fetchall()
        triggers = db.execute(
            "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t"
            " JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal"
        ).fetchall()
    return {"functions": dict(functions), "triggers": dict(triggers)}


def test_a_database_an_earlier_build_made_ends_with_a_new_ones_trigger_functions(
    pg_cluster: Cluster, pg_url: str
) -> None:
    fresh = definitions(pg_url)
    url = pg_cluster.new_database(template="template0")
    steps = list(schema.MIGRATIONS[:BEFORE_FUNCTIONS])
    steps[1], steps[5] = earlier_kpi_step(), earlier_owner_step()
    with psycopg.connect(url) as db:
        db.execute(schema.VERSION_TABLE)
        for step in steps:
            db.execute(step)
        db.execute("INSERT INTO leadtui_schema (version) VALUES (%s)", [BEFORE_FUNCTIONS])
    try:
        earlier = definitions(url)
        changed = {
            name for name, text in earlier["functions"].items() if fresh["functions"][name] != text
        }
        assert changed == {"leads_kpi_row", "leads_kpi_closed", "leads_kpi_owner_moves"}
        open_repository(url)
        assert definitions(url) == fresh
    finally:
        close_idle()
        pg_cluster.drop_database(url)
