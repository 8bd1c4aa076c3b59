"""A command that prints scores prints current ones, with no console open:
the TUI rescores the leads whose time-window rules have changed their
score every minute, and a team's script read what was stored before
(`show` said 50 warm where `score show` said 30). Busy, it prints what
is stored and says so; nothing is waited for when nothing is due."""

import json
import sqlite3
from contextlib import closing

import psycopg
import pytest
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.errors import DatabaseUnavailable
from leadtui.repository import Repository, connection, open_repository
from tests.conftest import both_clis

STALE = 99  # a score no rule gives a lead with a name alone


def stale_lead(db: str) -> int:
    """A lead whose stored score is stale and due for a rescore."""
    added = CliRunner().invoke(main, ["add", "Ann Lee", "--db", db])
    assert added.exit_code == 0, added.output
    lead_id = open_repository(db).search("Ann Lee")[0].id
    sql = (
        f"UPDATE leads SET score = {STALE}, score_due_at = '2000-01-01T00:00:00+00:00'"
        f" WHERE id = {lead_id}"
    )
    if db.startswith("postgresql"):
        with psycopg.connect(db, autocommit=True) as conn:
            conn.execute(sql.replace("score_due_at = '", "score_due_at = timestamptz '").encode())
    else:
        with closing(sqlite3.connect(db)) as file, file:
            file.execute(sql)
    return lead_id


def shown_score(db: str, lead_id: int) -> int:
    said = CliRunner().invoke(main, ["show", str(lead_id), "--json", "--db", db])
    assert said.exit_code == 0, said.output
    return int(json.loads(said.stdout)["score"])


@both_clis
@pytest.mark.parametrize("command", ["show", "list", "export", "kpi"])
def test_a_command_that_prints_scores_brings_the_due_ones_up_to_date(db: str, command: str) -> None:
    lead_id = stale_lead(db)
    args = {
        "show": ["show", str(lead_id), "--json"],
        "list": ["list", "--json"],
        "export": ["export", "--format", "json"],
        "kpi": ["kpi", "--json"],
    }[command]
    said = CliRunner().invoke(main, [*args, "--db", db])
    assert said.exit_code == 0, said.output
    stored = open_repository(db).get_lead(lead_id).score
    assert stored != STALE  # rescored, and kept
    assert shown_score(db, lead_id) == stored


def test_busy_it_prints_what_is_stored_and_says_so(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before any connection is opened: the pool keeps each one's timeout.
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.2)
    db = str(tmp_path_factory.mktemp("busy") / "busy.db")
    lead_id = stale_lead(db)
    with closing(sqlite3.connect(db, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")  # a teammate's long import
        said = CliRunner().invoke(main, ["show", str(lead_id), "--json", "--db", db])
        writer.execute("ROLLBACK")
    assert said.exit_code == 0, said.output
    assert json.loads(said.stdout)["score"] == STALE
    assert said.stderr.strip() == (
        "warning: scores shown as stored: someone else is writing, so none was brought up to date"
    )


def test_nothing_due_nothing_is_waited_for(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Current scores are read without the write lock: a teammate's long
    write delays no one (the check is one index probe)."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.2)  # before any connection
    db = str(tmp_path_factory.mktemp("idle") / "idle.db")
    added = CliRunner().invoke(main, ["add", "Ann Lee", "--db", db])
    assert added.exit_code == 0, added.output
    with closing(sqlite3.connect(db, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        said = CliRunner().invoke(main, ["list", "--json", "--db", db])
        writer.execute("ROLLBACK")
    assert said.exit_code == 0, said.output
    assert said.stderr == ""
    assert [lead["name"] for lead in json.loads(said.stdout)] == ["Ann Lee"]


def test_a_database_it_may_not_write_prints_what_is_stored_and_says_why(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A PostgreSQL replica or a role that may only read refuses the
    rescore's UPDATE: the report asked for still comes, as stored."""
    db = str(tmp_path_factory.mktemp("replica") / "replica.db")
    lead_id = stale_lead(db)

    def refused(self: Repository, **options: object) -> int:
        raise DatabaseUnavailable("cannot write postgresql:///crm: it is read-only (a replica?)")

    monkeypatch.setattr(Repository, "refresh_scores", refused)
    said = CliRunner().invoke(main, ["show", str(lead_id), "--json", "--db", db])
    assert said.exit_code == 0, said.output
    assert json.loads(said.stdout)["score"] == STALE
    assert said.stderr == (
        "warning: scores shown as stored, not brought up to date:"
        " cannot write postgresql:///crm: it is read-only (a replica?)\n"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--json"],
        ["search", "Ann"],
        ["export", "--format", "json"],
        ["kpi"],
        ["show", "1", "--json"],
        ["show", "1"],
    ],
)
def test_a_broken_rules_file_prints_what_is_stored_and_says_why(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """A typing mistake in the team's rules file stops the rescoring (and
    every write), not a read: the leads print, scores as stored, with the
    rules file's problem on stderr."""
    folder = tmp_path_factory.mktemp("typo")
    db = str(folder / "typo.db")
    stale_lead(db)
    rules = folder / "r_typo.toml"
    rules.write_text(
        "[[rules]]\nlabel = 'referral source'\npoints = 25\nfield = 'sorce'\nequals = 'referral'\n"
    )
    monkeypatch.setenv("LEADTUI_RULES", str(rules))
    said = CliRunner().invoke(main, [*args, "--db", db])
    assert said.exit_code == 0, said.output
    assert said.stdout.strip()
    if args[0] == "list":
        assert json.loads(said.stdout)[0]["score"] == STALE
    if args == ["show", "1", "--json"]:
        assert json.loads(said.stdout)["score"] == STALE
    if args == ["show", "1"]:
        assert f"Rule score {STALE} (cold) as stored\n  (why is not known:" in said.stdout
    assert said.stderr == (
        f"warning: scores shown as stored, not brought up to date: scoring rules in {rules}:"
        ' rule 1 ("referral source"): field = "sorce": no field leadtui scores is called that'
        ' (did you mean "source"?); use one of source, title, company, email, phone, owner,'
        " name, value or custom.<name>\n"
    )


def test_score_show_with_a_broken_rules_file_shows_the_stored_score_and_says_why(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path_factory.mktemp("typo-show")
    db = str(folder / "typo.db")
    lead_id = stale_lead(db)
    rules = folder / "r_typo.toml"
    rules.write_text("[bands]\nhot = 40\nwarm = 50\n[[rules]]\nlabel = 'x'\npoints = 1\n")
    monkeypatch.setenv("LEADTUI_RULES", str(rules))
    said = CliRunner().invoke(main, ["score", "show", str(lead_id), "--db", db])
    assert said.exit_code == 0, said.output
    assert said.stdout.splitlines()[1:] == [
        f"Rule score {STALE} (cold) as stored",
        "  (why is not known: the scoring rules file cannot be used)",
        "Win chance n/a",
        "  not scored now: the scoring rules file cannot be used",
    ]
    assert said.stderr == f"warning: scoring rules in {rules}: bands: warm must be below hot\n"
