"""PostgreSQL moves an owner change's per-owner rollups once per UPDATE of
leads (pg/kpi_triggers.OWNER_STEP), not lead by lead: whatever else the
same UPDATE changes, the rollups equal a rebuild; and a database made
before that step gets it when it is opened."""

from datetime import timedelta

import psycopg

from leadtui.domain.models import build_draft
from leadtui.repository import Repository, open_repository
from leadtui.repository.pg import schema
from leadtui.repository.pg.connection import close_idle
from leadtui.repository.pg.kpi_triggers import PLANNED_ONCE_UP_TO
from tests.conftest import NOW
from tests.pg_cluster import Cluster
from tests.test_kpi_rollups import Clock, derived, rebuilt_on_postgresql

OWNERS = ("anna", "ben", None)
# The schema version before the owner moves' step (pg/schema.MIGRATIONS).
BEFORE_OWNER_MOVES = 5


def history(repo: Repository, clock: Clock) -> list[int]:
    """Nine leads over three owners, some moved on, won, lost or qualified
    (journal lines whose stays and entries count under their owner)."""
    ids = []
    for number in range(9):
        clock.now += timedelta(hours=5)
        owner = OWNERS[number % 3]
        ids.append(repo.add_lead(build_draft(name=f"Lead {number}", owner=owner)))
    for number, lead in enumerate(ids):
        for _ in range(number % 5):
            clock.now += timedelta(hours=7)
            repo.advance(lead)
        if number % 4 == 1:
            repo.win(lead)
        elif number % 4 == 2:
            repo.lose(lead, "price")
    return ids


def triggers(url: str) -> set[str]:
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'leads'::regclass AND NOT tgisinternal"
        )
        return {name for (name,) in rows}


def kept_through_a_reassignment_and_its_undo(repo: Repository, ids: list[int]) -> None:
    """Every lead to ben, then the undo: after each, the kept rollups equal
    a rebuild from the rows."""
    repo.assign_many("ben", [(lead, None) for lead in ids])
    for step in ("assigned", "undone"):
        if step == "undone":
            repo.undo()
        with repo.engine.connect() as db:
            kept = derived(db)
        assert rebuilt_on_postgresql(repo) == kept, step


def test_an_update_that_changes_owners_and_keys_at_once_keeps_the_rollups(pg_url: str) -> None:
    """One UPDATE gives some leads a new owner (from nobody, to nobody, to
    another) and changes their source, stage, value and creation time too (what the
    journal does not give); others
    in it keep their owner: each moved lead leaves its old row's keys whole
    and enters its new row's, the others move key to key as before."""
    clock = Clock(NOW - timedelta(days=60))
    repo = open_repository(pg_url, actor="tester", clock=clock)
    ids = history(repo, clock)
    with repo.engine.connect() as db:
        db.execute("BEGIN")
        db.execute(
            "UPDATE leads SET"
            " owner = CASE WHEN id % 2 = 0 THEN owner"
            "  WHEN owner IS NULL THEN 'cleo' WHEN owner = 'anna' THEN NULL ELSE 'anna' END,"
            " source = CASE WHEN id % 3 = 0 THEN 'referral' ELSE source END,"
            " stage = CASE WHEN id % 4 = 0 THEN 'contacted' ELSE stage END,"
            " value_cents = value_cents + id * 100,"
            " created_at = created_at - interval '2 days' * (id % 3)"
            " WHERE id IN (" + ", ".join(str(lead) for lead in ids) + ")"
        )
        db.execute("COMMIT")
        kept = derived(db)
    assert rebuilt_on_postgresql(repo) == kept
    # The reassignment path too: every lead to one owner, then back.
    kept_through_a_reassignment_and_its_undo(repo, ids)


def test_a_database_made_before_the_owner_moves_gets_them_when_opened(
    pg_cluster: Cluster,
) -> None:
    """A database at the schema before the step, with its row-by-row owner
    trigger (here one that refuses any owner change, to show it is gone):
    opened, it is migrated, and reassignments keep the rollups."""
    url = pg_cluster.new_database(template="template0")
    step = BEFORE_OWNER_MOVES
    with psycopg.connect(url) as db:
        db.execute(schema.VERSION_TABLE)
        for migration in schema.MIGRATIONS[:step]:
            db.execute(migration)
        db.execute("INSERT INTO leadtui_schema (version) VALUES (%s)", [step])
        db.execute(
            "DROP TRIGGER IF EXISTS leads_kpi_owner_lines ON leads;"
            " CREATE OR REPLACE FUNCTION leads_kpi_owner_lines() RETURNS trigger"
            " LANGUAGE plpgsql AS $$"
            " BEGIN RAISE EXCEPTION 'the old trigger ran'; END $$;"
            " CREATE TRIGGER leads_kpi_owner_lines AFTER UPDATE OF owner ON leads"
            " FOR EACH ROW EXECUTE FUNCTION leads_kpi_owner_lines()"
        )
    try:
        clock = Clock(NOW - timedelta(days=60))
        repo = open_repository(url, actor="tester", clock=clock)
        assert "leads_kpi_owner_moves" in triggers(url)
        assert "leads_kpi_owner_lines" not in triggers(url)
        ids = history(repo, clock)
        repo.assign_many("cleo", [(lead, None) for lead in ids[::2]])
        with repo.engine.connect() as db:
            kept = derived(db)
            assert db.execute("SELECT version FROM leadtui_schema").fetchone()[0] == len(
                schema.MIGRATIONS
            )
        assert rebuilt_on_postgresql(repo) == kept
    finally:
        close_idle()
        pg_cluster.drop_database(url)


def test_reassigning_many_leads_runs_one_trigger_call_not_one_per_lead(pg_url: str) -> None:
    """The per-owner rollups of 9 reassigned leads are moved by one call of
    the statement trigger; no per-lead trigger function runs for them."""
    clock = Clock(NOW - timedelta(days=60))
    repo = open_repository(pg_url, actor="tester", clock=clock)
    ids = history(repo, clock)
    with psycopg.connect(pg_url) as db:
        db.execute("SET LOCAL track_functions = 'pl'")
        db.execute("UPDATE leads SET owner = 'cleo' WHERE id = ANY(%s)", [ids])
        calls: dict[str, int] = dict(
            db.execute(
                "SELECT funcname, calls FROM pg_stat_xact_user_functions"
                " WHERE funcname LIKE 'leads_kpi_%'"
            ).fetchall()
        )
    assert calls == {"leads_kpi_owner_moves": 1}
    with repo.engine.connect() as kept_db:
        kept = derived(kept_db)
    assert rebuilt_on_postgresql(repo) == kept


def test_a_reassignment_too_big_for_the_kept_plans_keeps_the_rollups(pg_url: str) -> None:
    """Above PLANNED_ONCE_UP_TO leads the trigger's statements are planned
    for the call (EXECUTE): the same rollups as a rebuild, both ways."""
    clock = Clock(NOW - timedelta(days=60))
    repo = open_repository(pg_url, actor="tester", clock=clock)
    ids = history(repo, clock)
    for number in range(PLANNED_ONCE_UP_TO):
        clock.now += timedelta(minutes=30)
        ids.append(repo.add_lead(build_draft(name=f"More {number}", owner=OWNERS[number % 3])))
        if number % 5 == 0:
            repo.advance(ids[-1])
    kept_through_a_reassignment_and_its_undo(repo, ids)
