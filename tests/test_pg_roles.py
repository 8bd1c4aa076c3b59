"""README's "Each rep as their own role", run as written: the lines it
gives the database's owner let a rep's own PostgreSQL role do all a rep
does (add, move, log, undo, search, reassign, the KPIs, sign-ins), and a
schema step only the owner may make is one line to the rep, then made
by the owner's next open."""

import re
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from psycopg.conninfo import conninfo_to_dict

from leadtui.cli.root import main
from leadtui.domain.errors import DatabaseUnavailable
from leadtui.domain.kpis import Window
from leadtui.domain.models import ActivityKind, Stage, build_draft
from leadtui.domain.users import Role
from leadtui.repository import open_repository
from leadtui.repository.pg.connection import close_idle
from tests.conftest import NOW, frozen_clock

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_grants() -> list[str]:
    """The SQL between `psql leadtui <<'SQL'` and `SQL` in README.md."""
    found = re.search(r"psql leadtui <<'SQL'\n(.*?)\n\s*SQL\n", README.read_text(), re.S)
    assert found, "README's role set-up block is gone"
    return [line.strip() for line in found[1].splitlines() if line.strip()]


def as_role(url: str, role: str) -> str:
    """The test database's URL, connecting as `role`."""
    assert "&user=" in url
    return re.sub(r"&user=[^&]*", lambda _: f"&user={role}", url)


def test_readmes_grants_let_a_reps_own_role_do_what_a_rep_does(pg_url: str) -> None:
    owner = open_repository(pg_url, actor="owner", clock=frozen_clock)
    ann = owner.add_lead(build_draft(name="Ann Lee", email="ann@example.com"))
    owner.users.add("rep2", Role.REP)
    database = conninfo_to_dict(pg_url)["dbname"]
    # Roles are the cluster's, shared by every test database: one per test.
    team, rep = f"team_{database}", f"rep_{database}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        for line in readme_grants():
            conn.execute(line.replace("leadtui_team", team).encode())
        conn.execute(f'CREATE ROLE "{rep}" LOGIN IN ROLE "{team}"'.encode())  # createuser --role
    close_idle()

    rep2 = open_repository(as_role(pg_url, rep), actor="rep2", clock=frozen_clock)
    bob = rep2.add_lead(build_draft(name="Bob Ray", email="bob@example.com"))
    rep2.advance(ann)
    rep2.log_touch(ann, ActivityKind.CALL, "called", "outbound")
    rep2.undo()
    rep2.update_fields(bob, {"title": "CEO"})
    rep2.assign_many("rep2", [(ann, None), (bob, None)])
    assert [lead.name for lead in rep2.search("Bob")] == ["Bob Ray"]
    assert rep2.kpi_report(Window.last("30d", NOW + timedelta(days=1))).headline.new_leads == 2
    assert rep2.get_lead(ann).stage is Stage.CONTACTED and rep2.get_lead(bob).owner == "rep2"
    assert rep2.users.new_link("rep2")  # a sign-in link, as `leadtui user link` makes
    said = CliRunner().invoke(main, ["list", "--json", "--db", as_role(pg_url, rep)])
    assert said.exit_code == 0, said.output
    close_idle()

    # A schema step a newer leadtui brings: the rep is told in one line, the
    # owner's next open makes it.
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE leadtui_schema SET version = version - 1")
    with pytest.raises(DatabaseUnavailable, match=r"only the database.s owner may make") as refused:
        open_repository(as_role(pg_url, rep), actor="rep2")
    assert "\n" not in str(refused.value), str(refused.value)
    close_idle()
    checked = CliRunner().invoke(main, ["db", "check", "--db", pg_url])  # as the owner
    assert checked.exit_code == 0, checked.output
    close_idle()
    assert open_repository(as_role(pg_url, rep), actor="rep2").get_lead(bob).title == "CEO"
