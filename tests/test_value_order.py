"""Ranked by value (`o` twice) compares amounts in the team's money at its rates
(repository/schema_value.py): ¥100,000 at 0.0067 ranks as $670, below
$7,000; a currency with no rate ranks last. On both engines, in a file or
database made before the step, after a rate or currency change, and after
a copy between the engines."""

import sqlite3
from pathlib import Path

import psycopg
import sqlite_utils

from leadtui.domain.models import Stage, build_draft
from leadtui.domain.orders import ORDERS
from leadtui.repository import (
    Repository,
    copy_database,
    open_repository,
    page_key,
    schema,
    schema_value,
)
from leadtui.repository.connection import register_key_functions
from leadtui.repository.pg import schema as pg_schema
from leadtui.repository.pg.connection import close_idle
from tests.conftest import both_engines, frozen_clock, query_plan
from tests.pg_cluster import Cluster

AMOUNTS = {"dollars": "$7,000", "yen": "JPY 100000", "euros": "EUR 5000", "pounds": "GBP 9000"}


def add_the_amounts(repo: Repository) -> dict[str, int]:
    drafts = {name: build_draft(name=name, value_cents=value) for name, value in AMOUNTS.items()}
    found = {name: repo.add_lead(draft) for name, draft in drafts.items()}
    return found | {"none": repo.add_lead(build_draft(name="none"))}


def ranked(repo: Repository) -> list[str]:
    """The New column in value order, read in pages of two (the keyset)."""
    names, after = [], None
    while page := repo.leads_in_stage(Stage.NEW, after=after, limit=2, order="value"):
        names += [lead.name for lead in page]
        after = page_key(page[-1], "value")
    whole = repo.leads_in_stage(Stage.NEW, limit=50, order="value")
    assert [lead.name for lead in whole] == names
    return names


@both_engines
def test_value_order_ranks_in_the_team_money_at_its_rates(repo: Repository) -> None:
    add_the_amounts(repo)
    repo.set_rate("JPY", "0.0067")  # ¥100,000 = $670
    repo.set_rate("EUR", "1.1")  # €5,000 = $5,500
    assert ranked(repo) == ["dollars", "euros", "yen", "none", "pounds"]  # GBP: no rate
    repo.set_rate("JPY", "0.1")  # $10,000: a rate set moves its leads
    assert ranked(repo) == ["yen", "dollars", "euros", "none", "pounds"]
    repo.set_rate("GBP", "1.25")  # £9,000 = $11,250
    assert ranked(repo) == ["pounds", "yen", "dollars", "euros", "none"]
    repo.set_rate("JPY", None)  # cleared: no rate, last
    assert ranked(repo) == ["pounds", "dollars", "euros", "none", "yen"]
    euros = next(lead for lead in repo.leads_in_stage(Stage.NEW, limit=9) if lead.name == "euros")
    repo.update_fields(euros.id, {"value": "EUR 20000"})  # an edit moves it: $22,000
    assert ranked(repo) == ["euros", "pounds", "dollars", "none", "yen"]


@both_engines
def test_a_change_of_team_currency_reranks(repo: Repository) -> None:
    add_the_amounts(repo)
    repo.set_rate("JPY", "0.0067")
    repo.add_lead(build_draft(name="plain", value_cents="3000"))  # in the team's, as it goes
    repo.set_team_currency("JPY")  # the rates went; the yen at par, the plain 3,000 is ¥3,000
    # "$7,000" named USD, now without a rate: last with the others (by id, newest first)
    assert ranked(repo) == ["yen", "plain", "none", "pounds", "euros", "dollars"]
    repo.set_rate("USD", "150")
    assert ranked(repo)[:3] == ["dollars", "yen", "plain"]


@both_engines
def test_the_value_order_pages_on_its_index(repo: Repository) -> None:
    add_the_amounts(repo)
    ranking = ORDERS["value"]
    column = repo.engine.dialect.order_sql(ranking)
    sql = (
        f"SELECT * FROM leads WHERE stage = 'new' AND ({column}, id) < (500, 9)"
        f" ORDER BY {column} DESC, id DESC LIMIT 50"
    )
    if repo.engine.dialect.name == "SQLite":
        plan = query_plan(repo.path, sql)
        assert "TEMP B-TREE" not in plan and "USING INDEX leads_stage_value_team" in plan, plan
        return
    with repo.engine.connect() as db:
        db.execute("SET enable_seqscan = off")
        plan = " ".join(row[0] for row in db.execute(f"EXPLAIN {sql}").fetchall())
        db.execute("RESET enable_seqscan")
    assert "Sort" not in plan and "leads_stage_value_team" in plan, plan


_OLD_LEADS = (
    "INSERT INTO leads (id, name, value_cents, currency, created_at, updated_at,"
    " stage_entered_at) VALUES (1, 'dollars', 700000, NULL, {t}, {t}, {t}),"
    " (2, 'yen', 10000000, 'JPY', {t}, {t}, {t}), (3, 'pounds', 900000, 'GBP', {t}, {t}, {t})"
)
_OLD_RATE = "INSERT INTO settings (key, value) VALUES ('rate:JPY', '0.0067')"


def test_a_file_made_before_the_step_ranks_so_once_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite_utils.Database(path)
    register_key_functions(db)
    before = schema.MIGRATIONS.index(schema_value.STEP)  # a later step may follow it
    for step in schema.MIGRATIONS[:before]:
        db.executescript(step)
    db.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {before}")
    db.execute(_OLD_LEADS.format(t="'2026-01-01T00:00:00Z'"))
    db.execute(_OLD_RATE)
    db.conn.commit()
    db.close()
    repo = open_repository(path, actor="tester", clock=frozen_clock)  # migrates
    assert ranked(repo) == ["dollars", "yen", "pounds"]
    fresh = open_repository(tmp_path / "fresh.db", actor="tester", clock=frozen_clock)
    made = "SELECT name, sql FROM sqlite_master WHERE name LIKE '%value_team%' ORDER BY name"
    with sqlite3.connect(path) as old, sqlite3.connect(fresh.target) as new:
        assert old.execute(made).fetchall() == new.execute(made).fetchall()
        assert old.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_a_postgresql_database_made_before_the_step_ranks_so(pg_cluster: Cluster) -> None:
    url = pg_cluster.new_database(template="template0")
    before = pg_schema.MIGRATIONS.index(schema_value.PG_STEP)
    with psycopg.connect(url) as db:
        db.execute(pg_schema.VERSION_TABLE)
        for migration in pg_schema.MIGRATIONS[:before]:
            db.execute(migration)
        db.execute("INSERT INTO leadtui_schema (version) VALUES (%s)", [before])
        db.execute(_OLD_LEADS.format(t="now()"))
        db.execute(_OLD_RATE)
    try:
        repo = open_repository(url, actor="tester", clock=frozen_clock)  # migrates
        assert ranked(repo) == ["dollars", "yen", "pounds"]
    finally:
        close_idle()
        pg_cluster.drop_database(url)


def test_a_copy_either_way_ranks_alike(repo: Repository, pg_url: str, tmp_path: Path) -> None:
    add_the_amounts(repo)
    repo.set_rate("JPY", "0.1")
    order = ["yen", "dollars", "none", "pounds", "euros"]  # the last two: no rate, by id
    assert ranked(repo) == order
    copy_database(repo.target, pg_url)
    assert ranked(open_repository(pg_url, actor="tester", clock=frozen_clock)) == order
    back = tmp_path / "back.db"
    copy_database(pg_url, back)
    assert ranked(open_repository(back, actor="tester", clock=frozen_clock)) == order
