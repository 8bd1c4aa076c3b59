"""Rescoring many leads on PostgreSQL is one UPDATE per batch (scores.py),
and an UPDATE of many leads that changes no owner costs the owner moves'
statement trigger (pg/kpi_triggers.py) work in proportion to the leads, not
to their square. Both were most of a reassignment chunk's time there
(bench/README.md, "Reassigning many leads")."""

import re
from datetime import timedelta

import psycopg
import pytest

from leadtui.domain.models import Temperature, build_draft
from leadtui.repository import Repository
from leadtui.repository.pg.kpi_triggers import PLANNED_ONCE_UP_TO
from leadtui.repository.scores import read_model, rescore
from tests.conftest import NOW
from tests.test_score_repository import RULES_A, Clock, with_rules

DAY = timedelta(days=1)
# More than the owner moves' trigger runs on its kept plans.
LEADS = PLANNED_ONCE_UP_TO + 16


@pytest.fixture
def counted(pg_url: str) -> None:
    """A counter of the UPDATE statements run on leads (a statement trigger
    of the test's own), read by updates_since."""
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute(
            "CREATE TABLE updates_seen (n integer NOT NULL); INSERT INTO updates_seen VALUES (0);"
            " CREATE FUNCTION count_updates() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN UPDATE updates_seen SET n = n + 1; RETURN NULL; END $$;"
            " CREATE TRIGGER count_updates AFTER UPDATE ON leads"
            " FOR EACH STATEMENT EXECUTE FUNCTION count_updates()"
        )


def updates_since(url: str, before: int = 0) -> int:
    with psycopg.connect(url, autocommit=True) as db:
        found = db.execute("SELECT n FROM updates_seen").fetchone()
    assert found is not None
    return int(found[0]) - before


def leads(repo: Repository) -> list[int]:
    """LEADS open leads, half from referrals (40 points by RULES_A), the
    first pinned hot, the second won (it keeps the score it closed with)."""
    ids = [
        repo.add_lead(build_draft(name=f"Lead {n}", source="referral" if n % 2 else "website"))
        for n in range(LEADS)
    ]
    repo.pin_temperature(ids[0], Temperature.HOT)
    repo.win(ids[1])
    return ids


def test_rescoring_every_open_lead_is_one_update_and_keeps_pins_and_closed_scores(
    pg_url: str, counted: None
) -> None:
    clock = Clock(NOW)
    repo = with_rules(pg_url, RULES_A, clock)
    repo.refresh_scores()
    ids = leads(repo)
    before = updates_since(pg_url)
    doubled = with_rules(pg_url, RULES_A.replace("points = 40", "points = 80"), clock)
    assert doubled.refresh_scores() == LEADS - 1
    assert updates_since(pg_url, before) == 1  # was one per lead
    scored = {lead.id: lead for lead in doubled.all_leads()}
    assert scored[ids[1]].score == 40  # won before the change: its score when it closed
    assert scored[ids[0]].temperature is Temperature.HOT and scored[ids[0]].temperature_pinned
    assert {scored[i].score for i in ids[3::2]} == {80}
    assert {scored[i].score for i in ids[2::2]} == {0}


def test_due_leads_are_rescored_in_one_update_with_their_win_chance_and_next_time(
    pg_url: str, counted: None
) -> None:
    """The periodic refresh's rescore writes the win chance and the next
    due time too (rescore with chance)."""
    clock = Clock(NOW)
    repo = with_rules(pg_url, RULES_A, clock)
    repo.refresh_scores()
    ids = leads(repo)
    clock.now = NOW + 31 * DAY  # "no touch for 30 days" is due for every open lead
    before = updates_since(pg_url)
    assert repo.refresh_scores() == LEADS - 1
    assert updates_since(pg_url, before) == 1
    scored = {lead.id: lead for lead in repo.all_leads()}
    assert {scored[i].score for i in ids[3::2]} == {20}
    with repo.engine.connect() as db:
        due = dict(db.execute("SELECT id, score_due_at FROM leads").fetchall())
    assert due[ids[1]] is None  # closed: never due again
    assert due[ids[3]] is None  # nothing left in RULES_A to change its score
    assert repo.refresh_scores() == 0


def test_updates_of_many_leads_on_a_kept_connection_do_linear_work_in_the_owner_trigger(
    pg_url: str,
) -> None:
    """The owner moves' statement trigger over the transition tables o and
    n. Its check for a moved owner was EXISTS over their join, planned as a
    nested loop betting on an early match: an UPDATE of many leads moving
    none (a rescore) compared every old row with every new one (25 million
    pairs, 4-6 s, for a chunk of 5,000). And plpgsql kept each statement's
    plan with the sizes of the session's first call: after one lead's owner
    change on a kept connection, a reassignment joined o and n the same way
    (39.5 s for 5,000 leads, 1.5 s on a new connection). Every plan the
    statements run, their triggers' included, is read with auto_explain."""
    clock = Clock(NOW)
    repo = with_rules(pg_url, RULES_A, clock)
    ids = leads(repo)
    plans: list[str] = []
    with repo.engine.connect() as db:
        db.execute("BEGIN")
        for lead in ids[:3]:  # the session's first calls: one row each
            db.execute("UPDATE leads SET owner = 'anna' WHERE id = ?", [lead])
        db.raw.add_notice_handler(lambda notice: plans.append(notice.message_primary or ""))
        for setting in (
            "LOAD 'auto_explain'",
            "SET LOCAL auto_explain.log_min_duration = 0",
            "SET LOCAL auto_explain.log_analyze = on",
            "SET LOCAL auto_explain.log_nested_statements = on",
            "SET LOCAL auto_explain.log_level = notice",
        ):
            db.execute(setting)
        rescore(db, ids, repo.rules, read_model(db), clock())
        db.execute("UPDATE leads SET owner = 'ben' WHERE id = ANY(?)", [ids])
        db.execute("ROLLBACK")
    over_both = [plan for plan in plans if plan.count("Named Tuplestore Scan") >= 2]
    assert any("kpi_owner_created" in plan for plan in over_both), plans  # the move ran
    for plan in over_both:
        removed = re.findall(r"Rows Removed by Join Filter: (\d+)", plan)
        assert all(int(n) <= LEADS for n in removed), plan
