"""`leadtui db copy` and `db restore` when PostgreSQL says no: each failure
is one readable line and a non-zero exit, and the target is left as it
was (no half copy, no empty file made and left behind)."""

import re
import uuid
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.domain.errors import DatabaseUnavailable
from leadtui.repository import (
    Repository,
    backup_database,
    copy_database,
    copying,
    open_repository,
)
from tests.conftest import NOW
from tests.pg_cluster import SUPERUSER, Cluster


def _one_line_error(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and "Traceback" not in result.output, result.output
    return result.output.strip()


def _tables(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()
    assert found is not None
    return int(found[0])


def _leads(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as conn:
        found = conn.execute("SELECT count(*) FROM leads").fetchone()
    assert found is not None
    return int(found[0])


def _role(pg_cluster: Cluster, url: str) -> str:
    """A new role that may sign in, and `url` as that role."""
    name = f"rep_{uuid.uuid4().hex[:12]}"
    pg_cluster.admin(f"CREATE ROLE {name} LOGIN")
    return url.replace(f"user={SUPERUSER}", f"user={name}")


@pytest.mark.parametrize(
    ("revoked", "said"),
    [
        # No USAGE on any schema: the server's InvalidSchemaName was a traceback.
        ("ALL", "no schema has been selected to create in (the role needs USAGE"),
        # USAGE without CREATE: the line was "cannot use URL: ^" (the caret
        # under the failing statement, the last line of psycopg's text).
        ("CREATE", "permission denied for schema public"),
    ],
)
def test_a_role_that_may_not_create_the_schema_is_one_line(
    sample_repo: Repository, pg_cluster: Cluster, revoked: str, said: str
) -> None:
    url = pg_cluster.new_database(template="template0")
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"REVOKE {revoked} ON SCHEMA public FROM PUBLIC")
        weak = _role(pg_cluster, url)
        line = _one_line_error("db", "copy", str(sample_repo.target), weak)
        assert line.startswith(f"Error: cannot use {weak}: {said}")
        assert _tables(url) == 0
    finally:
        pg_cluster.drop_database(url)


def test_a_connection_ended_mid_copy_is_one_line_and_copies_nothing(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path
) -> None:
    """The server ends the connection between two batches (a restart, an
    administrator): one line, nothing copied. Ended during a COPY (seen by
    hand with `pg_ctl stop -m fast`), the line was psycopg's last, the
    CONTEXT quoting the customer row being written; the server's primary
    message is said now (the role tests above fail without that)."""
    from leadtui.demo import build_synthetic_database

    source = tmp_path / "demo.db"
    build_synthetic_database(source, 200, seed=3, now=NOW)
    ended: list[bool] = []

    def end_the_copy(done: int, total: int) -> None:
        if not ended:
            ended.append(True)
            with psycopg.connect(pg_cluster.url("postgres"), autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [psycopg.conninfo.conninfo_to_dict(pg_url)["dbname"]],
                )

    with pytest.raises(DatabaseUnavailable) as raised:
        copy_database(source, pg_url, progress=end_the_copy)
    said = str(raised.value)
    assert "\n" not in said and "CONTEXT" not in said and "@" not in said, said
    assert said.startswith(f"cannot use {pg_url}: ")
    assert _leads(pg_url) == 0


def test_a_statement_timeout_is_said_not_taken_for_quitting(
    sample_repo: Repository, pg_cluster: Cluster, pg_url: str
) -> None:
    """A statement the server cancels (its statement_timeout, here while the
    copy waits for a lock another session holds) was Interrupted, which the
    TUI takes for its own quitting and says nothing about."""
    name = psycopg.conninfo.conninfo_to_dict(pg_url)["dbname"]
    pg_cluster.admin(f"ALTER DATABASE \"{name}\" SET statement_timeout = '200ms'")
    with psycopg.connect(pg_url) as holder:
        holder.execute("LOCK TABLE leads IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(DatabaseUnavailable, match=f"^{re.escape(pg_url)} stopped the work: "):
            copy_database(sample_repo.target, pg_url)
        holder.rollback()
    assert _leads(pg_url) == 0


@pytest.mark.parametrize(
    "mode",
    [
        "ACCESS EXCLUSIVE",  # the copy's first read of the target waited
        "ROW EXCLUSIVE",  # an open transaction that wrote leads: turning the triggers off waited
    ],
)
def test_a_copy_into_a_table_another_session_locks_stops_in_one_line(
    sample_repo: Repository, pg_url: str, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """It waited until Ctrl-C. Now it waits copying.LOCK_TIMEOUT (shortened
    here), says so in one line, exits 1 and copies nothing; once the other
    session lets go, the same copy goes through."""
    monkeypatch.setattr(copying, "LOCK_TIMEOUT", "300ms")
    with psycopg.connect(pg_url) as holder:
        holder.execute(f"LOCK TABLE leads IN {mode} MODE")
        line = _one_line_error("db", "copy", str(sample_repo.target), pg_url)
        assert line == f"Error: {pg_url} is locked by another session; nothing was copied"
        holder.rollback()
    assert _leads(pg_url) == 0
    result = CliRunner().invoke(main, ["db", "copy", str(sample_repo.target), pg_url])
    assert result.exit_code == 0, result.output
    assert _leads(pg_url) == len(list(sample_repo.all_leads()))


def test_a_missing_source_file_is_named_and_not_made(pg_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "mistyped.db"
    assert _one_line_error("db", "copy", str(missing), pg_url) == (
        f"Error: no database at {missing}"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_copy_into_a_file_that_fails_leaves_no_file(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path
) -> None:
    """From PostgreSQL into a new file, refused part-way (here a role that
    may read the schema's version, not the rows): the file it had made was
    left behind, empty."""
    weak = _role(pg_cluster, pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        # It may open the database (read and stamp its schema version), not read the rows.
        conn.execute(f"GRANT SELECT, UPDATE ON leadtui_schema TO {weak.partition('user=')[2]}")
    target = tmp_path / "home.db"
    line = _one_line_error("db", "copy", weak, str(target))
    assert line.startswith(f"Error: cannot use {weak}: permission denied for table ")
    assert list(tmp_path.iterdir()) == []


def test_a_restore_pg_restore_refuses_says_the_servers_error(
    pg_cluster: Cluster, pg_url: str, tmp_path: Path
) -> None:
    """pg_restore writes the statement after the server's error ("Command
    was: ALTER TABLE ..."): that was the line said, not the cause."""
    open_repository(pg_url, actor="tester")
    backup = tmp_path / "team.dump"
    backup_database(pg_url, backup)
    weak = _role(pg_cluster, pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        # A rep's role: may read and write the rows, owns no table.
        role = weak.partition("user=")[2]
        conn.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
    line = _one_line_error("db", "restore", "--db", weak, "--yes", str(backup))
    assert "must be owner of " in line and "Command was" not in line, line
    assert line.endswith("; nothing was changed")


def test_a_database_that_cannot_store_every_script_is_refused_before_the_copy(
    sample_repo: Repository, pg_cluster: Cluster
) -> None:
    """Into a LATIN1 database the first name in another script failed in
    psycopg's encoder with a traceback; it is refused before the schema is made."""
    name = f"latin_{uuid.uuid4().hex[:12]}"
    pg_cluster.admin(
        f"CREATE DATABASE {name} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
    )
    url = pg_cluster.url(name)
    try:
        sample_repo.update_fields(1, {"name": "王芳"})
        line = _one_line_error("db", "copy", str(sample_repo.target), url)
        assert line == (
            f"Error: {url} stores text as LATIN1: leadtui needs a UTF8 database"
            " (createdb --encoding=UTF8 --template=template0)"
        )
        assert _tables(url) == 0
    finally:
        pg_cluster.drop_database(url)
