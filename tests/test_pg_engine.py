"""The PostgreSQL engine's own promises (issue 20): placeholders, schema
and migrations under an advisory lock, errors as one line, pieces not yet
ported refused by name, LISTEN/NOTIFY live refresh, the board's totals kept
by plpgsql triggers, and search's accent folding. The shared repository
tests run on both engines through tests/conftest.py's both_engines."""

import os
import re
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from leadtui import paths
from leadtui.cli.root import main
from leadtui.domain.errors import DatabaseBusy, DatabaseUnavailable, NotYetSupported
from leadtui.domain.filters import LeadFilter
from leadtui.domain.models import Stage, build_draft
from leadtui.launch import quick_start_path
from leadtui.repository import Repository, connection, open_repository
from leadtui.repository.engine import shown
from leadtui.repository.pg import schema
from leadtui.repository.pg.connection import close_idle, to_pyformat
from leadtui.repository.watch import Changes, ChangeWatcher
from tests.conftest import both_clis, both_engines, frozen_clock
from tests.pg_cluster import Cluster


def _one_line_error(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


# ----------------------------------------------------------- one SQL text


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT * FROM t WHERE id = ? AND a = ?", "SELECT * FROM t WHERE id = %s AND a = %s"),
        ("WHERE id = :lead LIMIT :limit", "WHERE id = %(lead)s LIMIT %(limit)s"),
        ("SELECT '?', ':x', '50%', 'it''s ?' , ?", "SELECT '?', ':x', '50%%', 'it''s ?' , %s"),
        ('SELECT "odd?name" FROM t WHERE a = ?', 'SELECT "odd?name" FROM t WHERE a = %s'),
        ("SELECT x::text, y % 2 WHERE z = :z", "SELECT x::text, y %% 2 WHERE z = %(z)s"),
        ("SET a = :a -- the team's ?\n, b = ?", "SET a = %(a)s -- the team's ?\n, b = %s"),
    ],
)  # fmt: skip
def test_one_sql_text_becomes_psycopg_placeholders(sqlite: str, postgres: str) -> None:
    assert to_pyformat(sqlite) == postgres


def test_a_url_is_shown_without_its_password() -> None:
    assert shown("postgresql://rep:s3cret@db.example:5432/crm") == (
        "postgresql://rep:***@db.example:5432/crm"
    )
    assert (
        shown("postgresql:///crm?host=/run/postgresql") == "postgresql:///crm?host=/run/postgresql"
    )
    assert shown(Path("/srv/leads.db")) == "/srv/leads.db"
    # libpq reads a password (and a client key's passphrase) from the query too.
    assert shown("postgresql://rep@/crm?host=/run/pg&password=s3cret&port=5433") == (
        "postgresql://rep@/crm?host=/run/pg&password=***&port=5433"
    )
    assert shown("postgresql://rep:a@db/crm?sslpassword=k3y&sslmode=verify-full") == (
        "postgresql://rep:***@db/crm?sslpassword=***&sslmode=verify-full"
    )


# ------------------------------------------------- schema and migrations


def _version(url: str) -> int:
    repo = Repository(url)
    with repo.engine.connect() as db:
        return int(db.execute("SELECT version FROM leadtui_schema").fetchone()[0])


def test_an_empty_database_is_migrated_once_by_many_starting_at_once(pg_cluster: Cluster) -> None:
    url = pg_cluster.new_database(template="template0")  # no schema at all
    errors: list[BaseException] = []

    def start() -> None:
        try:
            open_repository(url, actor="tester", clock=frozen_clock)
        except BaseException as error:  # noqa: BLE001 (reported by the assert below)
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _version(url) == schema.SCHEMA_VERSION
    repo = open_repository(url, actor="tester", clock=frozen_clock)
    assert repo.get_lead(repo.add_lead(build_draft(name="First"))).id == 1


def test_times_are_timestamptz_and_read_back_as_sqlites_iso_text(pg_url: str) -> None:
    repo = open_repository(pg_url, actor="tester", clock=frozen_clock)
    lead = repo.get_lead(repo.add_lead(build_draft(name="Ann", value_cents="12.5")))
    with repo.engine.connect() as db:
        types = dict(
            db.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_name = 'leads' AND column_name IN ('created_at', 'value_cents', 'id')"
            ).fetchall()
        )
        created = db.execute("SELECT created_at FROM leads").fetchone()[0]
    assert types == {
        "created_at": "timestamp with time zone", "value_cents": "bigint", "id": "bigint",
    }  # fmt: skip
    assert created == "2026-11-20T12:00:00+00:00"
    assert lead.value_cents == 1250


def test_a_newer_schema_is_refused_and_left_untouched(pg_url: str) -> None:
    with Repository(pg_url).engine.connect() as db:
        db.execute("UPDATE leadtui_schema SET version = 99")
    with pytest.raises(DatabaseUnavailable, match=r"newer leadtui \(schema 99"):
        open_repository(pg_url)
    assert _version(pg_url) == 99


def test_a_leadtui_database_that_cannot_store_every_script_is_refused_at_open(
    pg_cluster: Cluster,
) -> None:
    """A LATIN1 database an earlier leadtui made (the check ran only before
    the schema was made) opened, and the first Chinese name failed in
    psycopg's encoder with a traceback. Each open refuses it in one line,
    the CLI's as the TUI's, and leaves it as it was."""
    name = f"latin_{os.getpid()}_{time.monotonic_ns()}"
    pg_cluster.admin(
        f"CREATE DATABASE {name} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
    )
    url = pg_cluster.url(name)
    try:
        # As an earlier leadtui made it: before the folded search words,
        # whose SQL (’, ß, ł) a LATIN1 database cannot even read.
        earlier = schema.MIGRATIONS.index(schema.FOLDED_SEARCH)
        with Repository(url).engine.connect() as db:
            db.execute(schema.VERSION_TABLE)
            for step in schema.MIGRATIONS[:earlier]:
                db.execute(step)
            db.execute("INSERT INTO leadtui_schema (version) VALUES (?)", [earlier])
            db.execute(
                "INSERT INTO leads (name, created_at, updated_at, stage_entered_at)"
                " VALUES ('Zoë', now(), now(), now())"
            )
        said = (
            f"{url} stores text as LATIN1: leadtui needs a UTF8 database; make one"
            " (createdb --encoding=UTF8 --template=template0 NAME) and move this one's data"
            " into it with pg_dump and pg_restore"
        )
        with pytest.raises(DatabaseUnavailable) as raised:
            open_repository(url, actor="tester")
        assert str(raised.value) == said
        assert _one_line_error("list", "--db", url) == f"Error: {said}"
        assert _one_line_error("add", "王芳", "--db", url) == f"Error: {said}"
        with Repository(url).engine.connect() as db:
            assert db.execute("SELECT name FROM leads").fetchall() == [("Zoë",)]
    finally:
        close_idle()
        pg_cluster.drop_database(url)


def test_another_programs_database_is_refused(pg_cluster: Cluster) -> None:
    url = pg_cluster.new_database(template="template0")
    with Repository(url).engine.connect() as db:
        db.execute("CREATE TABLE invoices (id integer)")
    with pytest.raises(DatabaseUnavailable, match="has tables, but is not a leadtui database"):
        open_repository(url)


def test_a_server_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    url = f"postgresql:///leads?host={tmp_path}"
    with pytest.raises(DatabaseUnavailable, match=re.escape(f"cannot use {url}: ")):
        open_repository(url)
    assert _one_line_error("list", "--db", url).startswith(f"Error: cannot use {url}: ")


# ---------------------------------------------- what is not ported yet


def test_a_write_waits_as_long_as_on_sqlite_for_another_writer_then_says_busy(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another session holding the write lock (a long import, a stuck
    transaction) made a write wait as long as it held it: a cron job hung.
    Now it waits SQLite's busy timeout, then fails in one line, writing
    nothing; once the lock is free the same write goes through."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.5)
    repo = open_repository(pg_url, actor="anna", clock=frozen_clock)
    lead_id = repo.add_lead(build_draft(name="Ann Lee"))
    with psycopg.connect(pg_url) as other:  # a transaction open until the rollback
        other.execute("SELECT pg_advisory_xact_lock(%s)", [schema.WRITE_LOCK])
        with pytest.raises(DatabaseBusy, match=r"is busy: someone else is writing to it; try"):
            repo.update_fields(lead_id, {"title": "CEO"})
        said = CliRunner().invoke(main, ["set", str(lead_id), "title", "CEO", "--db", pg_url])
        assert said.exit_code == 1
        assert said.output.strip().endswith("is busy: someone else is writing to it; try again")
        assert "Traceback" not in said.output
        other.rollback()
    assert repo.get_lead(lead_id).title is None  # nothing was written while it waited
    repo.update_fields(lead_id, {"title": "CEO"})
    assert repo.get_lead(lead_id).title == "CEO"


def test_a_current_database_opens_while_another_session_holds_the_migration_lock(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command opened through the migration lock: behind a session
    that took it and hung, `leadtui list` waited forever. A database at
    this schema is now opened without it; one a step behind waits as long
    as a write does, then says so in one line."""
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_SECONDS", 0.5)
    opened: list[int] = []

    def open_and_count() -> None:
        opened.append(open_repository(pg_url, actor="anna").count_leads())

    with psycopg.connect(pg_url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [schema.MIGRATION_LOCK])
        try:
            thread = threading.Thread(target=open_and_count, daemon=True)
            thread.start()
            thread.join(timeout=30)
            assert opened == [0]
            other.execute("UPDATE leadtui_schema SET version = version - 1")
            with pytest.raises(DatabaseBusy, match="is being brought to this leadtui's schema"):
                open_repository(pg_url, actor="anna")
            assert _one_line_error("list", "--db", pg_url).endswith(
                "by another process; try again when it is done"
            )
        finally:
            other.execute("SELECT pg_advisory_unlock_all()")
            thread.join()
    open_and_count()  # the step made again once the lock is free
    assert opened == [0, 0]


def test_a_piece_not_yet_ported_is_refused_by_name(pg_url: str) -> None:
    """What a later version adds to SQLite first is refused on PostgreSQL in
    one line naming it, not run half-way (every piece runs there today)."""
    repo = open_repository(pg_url, actor="tester", clock=frozen_clock)
    with pytest.raises(NotYetSupported) as refused:
        repo.engine.require("forecasts (forecast)")
    assert str(refused.value) == "not yet supported on PostgreSQL: forecasts (forecast)"
    with pytest.raises(NotYetSupported, match="PostgreSQL: this needs a database file"):
        _ = repo.path


# ------------------------------------------------------------ live refresh


def test_the_watcher_hears_each_commit_once_and_no_reads(pg_url: str) -> None:
    me = open_repository(pg_url, actor="anna", clock=frozen_clock)
    maria = open_repository(pg_url, actor="maria", clock=frozen_clock)
    watcher = me.watcher()
    try:
        assert not watcher.changed()
        lead_id = maria.add_lead(build_draft(name="Ann"))  # one transaction, one NOTIFY
        assert _eventually(watcher.changed)
        assert not watcher.changed()  # told once
        me.get_lead(lead_id)  # a read is no change
        assert not watcher.changed()
        maria.advance(lead_id)
        assert _eventually(watcher.changed)
    finally:
        watcher.close()


def test_a_write_transaction_that_writes_nothing_notifies_no_one(pg_url: str) -> None:
    """A console's periodic rescore mostly finds nothing due: it must not
    have every other console re-read its screen (on SQLite, data_version
    does not move either). Notifications arrive in commit order, so the
    advance's being the first heard shows the rescore sent none."""
    import psycopg

    maria = open_repository(pg_url, actor="maria", clock=frozen_clock)
    lead_id = maria.add_lead(build_draft(name="Ann"))
    maria.refresh_scores()  # whatever was due at the start
    with psycopg.connect(pg_url, autocommit=True) as listener:
        listener.execute("LISTEN leadtui_changes")
        assert maria.refresh_scores() == 0  # a write transaction, nothing written
        maria.advance(lead_id)
        heard = next(listener.notifies(timeout=5))
        start, end = map(int, heard.payload.split())
        assert end > start  # the advance's journal lines, not an empty span
        assert list(listener.notifies(timeout=0)) == []


def _drop_connections(url: str, *, allow_new: bool = True) -> None:
    """What a server restart or a failover does to a console's connections:
    the server ends every one of them (and, with allow_new=False, takes no
    new ones: a server still down)."""
    import psycopg

    database = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    maintenance = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(
            psycopg.sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                psycopg.sql.Identifier(str(database)), psycopg.sql.Literal(allow_new)
            )
        )
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )

        def gone() -> bool:
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]
            ).fetchone()
            return row is not None and row[0] == 0

        assert _eventually(gone)


def test_a_console_carries_on_after_the_server_drops_its_connections(pg_url: str) -> None:
    me = open_repository(pg_url, actor="anna", clock=frozen_clock)
    maria = open_repository(pg_url, actor="maria", clock=frozen_clock)
    lead_id = maria.add_lead(build_draft(name="Ann"))
    watcher = me.watcher()
    try:
        assert me.get_lead(lead_id).name == "Ann"  # leaves a kept connection
        _drop_connections(pg_url)
        # No error for a rep who did nothing: a dead kept connection is not used.
        assert me.get_lead(lead_id).name == "Ann"
        maria.advance(lead_id)
        # The listener died too: a look finds it out (the server's closing
        # reaches its socket just after the backend is gone), listens again
        # and, as commits may have gone unheard, asks for a whole re-read.
        assert _first_news(watcher) == Changes(whole=True)
        maria.advance(lead_id)  # and it hears the next commit as before
        assert _eventually(watcher.changed)
    finally:
        watcher.close()


def test_a_console_says_once_that_the_server_is_gone_then_listens_again(pg_url: str) -> None:
    me = open_repository(pg_url, actor="anna", clock=frozen_clock)
    watcher = me.watcher()

    def look() -> Changes | None:
        return watcher.changes(LeadFilter(), "anna", frozen_clock())

    try:
        _drop_connections(pg_url, allow_new=False)
        with pytest.raises(DatabaseUnavailable, match=r"^cannot use postgresql://"):
            _first_news(watcher)
        assert look() is None  # said once: no notification at every look
        assert look() is None
        _drop_connections(pg_url, allow_new=True)
        assert look() == Changes(whole=True)
        open_repository(pg_url, actor="maria").add_lead(build_draft(name="Bo"))
        assert _eventually(watcher.changed)
    finally:
        watcher.close()


def _first_news(watcher: ChangeWatcher) -> Changes:
    """The first look (within five seconds) that finds something."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        found = watcher.changes(LeadFilter(), "anna", frozen_clock())
        if found is not None:
            return found
        threading.Event().wait(0.01)
    raise AssertionError("no change found")


def _eventually(check: Callable[[], bool]) -> bool:
    """A NOTIFY reaches the listener shortly after the commit returns: poll
    the condition (never a fixed sleep) for up to five seconds."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if check():
            return True
        threading.Event().wait(0.01)
    return False


# ----------------------------------------------------- board and inbox


@both_engines
def test_the_board_totals_follow_adds_moves_and_value_changes(repo: Repository) -> None:
    ids = [repo.add_lead(build_draft(name=f"L{n}", value_cents="100")) for n in range(3)]
    repo.advance(ids[0])
    repo.lose(ids[1], "no budget")
    repo.update_fields(ids[2], {"value": "250"})
    assert repo.stage_totals() == {
        Stage.NEW: (1, 25_000), Stage.CONTACTED: (1, 10_000), Stage.LOST: (1, 10_000),
    }  # fmt: skip
    repo.undo()  # the value change
    repo.undo()  # the loss
    assert repo.stage_totals() == {Stage.NEW: (2, 20_000), Stage.CONTACTED: (1, 10_000)}
    assert repo.count_in_stage(Stage.NEW) == 2


@both_engines
def test_the_inbox_leaves_out_snoozed_leads_until_their_time(repo: Repository) -> None:
    ids = [repo.add_lead(build_draft(name=f"L{n}")) for n in range(3)]
    now = repo.clock()
    repo.hide_until(ids[0], now + timedelta(days=2))
    assert repo.count_in_stage(Stage.NEW, awake_at=now) == 2
    assert [lead.id for lead in repo.leads_in_stage(Stage.NEW, awake_at=now)] == sorted(
        ids[1:], reverse=True
    )
    assert repo.count_in_stage(Stage.NEW, awake_at=now + timedelta(days=3)) == 3


# ---------------------------------------------------------------- search


@both_engines
def test_search_folds_accents_and_splits_emails_and_phones(repo: Repository) -> None:
    jose = repo.add_lead(build_draft(name="José Núñez", email="jose.nunez@acme.io"))
    repo.add_lead(build_draft(name="Jane Doe", phone="+44 20 7946 0001"))
    assert [lead.id for lead in repo.search("jose nun")] == [jose]
    assert [lead.id for lead in repo.search("NÚÑ")] == [jose]
    assert [lead.id for lead in repo.search("acme.io")] == [jose]
    assert [lead.name for lead in repo.search("7946")] == ["Jane Doe"]
    assert repo.search("jose doe") == []  # every word must match
    assert repo.search("'; DROP TABLE leads; --") == []
    assert repo.count_leads() == 2


@both_engines
def test_a_precise_search_after_vague_ones_is_planned_for_its_own_words(
    repo: Repository,
) -> None:
    for index in range(20):
        repo.add_lead(build_draft(name=f"Alma Alder {index}"))
    fay = repo.add_lead(build_draft(name="Fay Singh", email="fay.singh838@acme.io"))
    # As a rep types: more vague prefixes than psycopg runs before it
    # prepares a statement, then a precise one.
    for prefix in ("al", "alm", "alma", "alde", "al", "alm", "alma", "alde"):
        assert len(repo.search(prefix)) == 20
    assert [lead.id for lead in repo.search("fay.singh838")] == [fay]
    if repo.engine.dialect.name == "PostgreSQL":
        # Prepared, the server plans the search once for any words (a
        # generic plan walking every lead newest first): 50x slower for a
        # precise word at 100k leads. The kept connection shows none.
        with repo.engine.connect() as db:
            prepared = db.execute("SELECT statement FROM pg_prepared_statements").fetchall()
        assert [text for (text,) in prepared if "to_tsquery" in text] == []


@pytest.mark.slow
@both_clis
def test_an_import_counts_its_leads_into_the_stage_totals_once(db: str, tmp_path: Path) -> None:
    rows = [("Open - Not Contacted", 100), ("Closed - Converted", 2500), ("Closed - Lost", 40)]
    source = tmp_path / "leads.csv"
    source.write_text(
        "Name,Lead Status,Amount\n"
        + "".join(f"P{i},{rows[i % 3][0]},{rows[i % 3][1]}\n" for i in range(3000))
    )
    done = CliRunner().invoke(main, ["import", str(source), "--db", db])
    assert done.exit_code == 0, done.output
    repo = open_repository(db, actor="tester", clock=frozen_clock)

    def recount() -> dict[Stage, tuple[int, int]]:
        counted: dict[Stage, tuple[int, int]] = {}
        for lead in repo.all_leads():
            n, value = counted.get(lead.stage, (0, 0))
            counted[lead.stage] = (n + 1, value + lead.value_cents)
        return counted

    assert sum(n for n, _ in repo.stage_totals().values()) == 3000
    assert repo.stage_totals() == recount()
    # The next write counts its lead again, row by row (nothing left deferred).
    repo.add_lead(build_draft(name="After", value_cents="7"))
    assert repo.stage_totals() == recount()
    if db.startswith("postgresql"):
        # Counted once, not by a trigger per lead: 3,000 updates of a few
        # rows in one transaction leave 3,000 row versions (about 22 pages).
        with repo.engine.connect() as conn:
            size = conn.execute("SELECT pg_relation_size('kpi_stage_totals')").fetchone()[0]
        assert size <= 2 * 8192


# ------------------------------------------------------------- quick-add


@both_clis
def test_quick_add_stops_at_a_duplicate_and_merges_into_it(db: str) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["quick", "Jane Doe jane@acme.io", "--db", db]).exit_code == 0
    stopped = runner.invoke(main, ["quick", "Jane D. jane@ACME.io +44 20 7946 0001", "--db", db])
    assert stopped.exit_code == 1 and "same email" in stopped.output
    merged = runner.invoke(
        main, ["quick", "Jane D. jane@ACME.io +44 20 7946 0001 #vip", "--merge", "--db", db]
    )
    assert merged.exit_code == 0, merged.output
    assert merged.output.strip().endswith("merged into #1 Jane Doe")
    lead = open_repository(db).get_lead(1)
    assert (lead.phone, lead.tags) == ("+44 20 7946 0001", ["vip"])
    assert open_repository(db).count_leads() == 1


# --------------------------------------------------- naming the database


def test_the_environment_and_db_take_a_url_which_goes_the_long_way(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The quick first page reads a file: a URL takes the click way instead.
    assert quick_start_path(["--db", pg_url]) is None
    assert quick_start_path([f"--db={pg_url}"]) is None
    monkeypatch.setenv(paths.ENV_DB, pg_url)
    assert quick_start_path([]) is None
    assert paths.default_db_target() == pg_url  # not folded into a Path
    result = CliRunner().invoke(main, ["add", "From the environment"])
    assert result.exit_code == 0, result.output
    assert open_repository(pg_url).get_lead(1).name == "From the environment"


def test_a_backup_of_postgresql_is_a_private_pg_dump(pg_url: str, tmp_path: Path) -> None:
    open_repository(pg_url).add_lead(build_draft(name="Kept"))
    target = tmp_path / "team.dump"
    result = CliRunner().invoke(main, ["db", "backup", str(target), "--db", pg_url])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"PGDMP")  # pg_restore's custom format
    assert target.stat().st_mode & 0o777 == 0o600
    assert _one_line_error("db", "backup", str(target), "--db", pg_url).endswith(
        "already exists; back up to a new file"
    )


def test_a_postgresql_backup_is_not_named_as_an_sqlite_file(pg_url: str, tmp_path: Path) -> None:
    """pg_dump's file under a .db name would be opened as a database later,
    and read as a broken one."""
    for name in ("team.db", "team.sqlite"):
        assert _one_line_error("db", "backup", str(tmp_path / name), "--db", pg_url) == (
            f"Error: {name} names an SQLite database, which db backup does not write:"
            " name it team.dump"
        )
    assert list(tmp_path.iterdir()) == []
