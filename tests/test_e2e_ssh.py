"""Reps as they work: `ssh` into the team's server, then `leadtui`, through a
real OpenSSH server and client (tests/ssh_server.py) in a real pty.

- What a rep does over ssh is journaled as the OS account sshd logged in,
  whatever $USER their shell sets.
- Two reps on one SQLite file, each over their own ssh session: a lead one
  advances leaves the other's inbox within the live refresh, and both
  quit cleanly, with ssh passing leadtui's exit status on.
"""

import os
import pwd
import re
import shlex
import sqlite3
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from bench.ptyterm import Terminal, program_in_pty

from leadtui.domain.models import Stage
from leadtui.repository import Repository
from tests.ssh_server import SshServer, ssh_server

pytestmark = pytest.mark.slow

INBOX_COUNT = re.compile(r"Inbox (\d+)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    with ssh_server(tmp_path_factory.mktemp("sshd")) as running:
        yield running


def leadtui_over_ssh(server: SshServer, db: Path, shell_user: str) -> list[str]:
    """The remote command a rep's login runs: their shell has set $USER and
    $LOGNAME (to anyone: a shell may), and config in the test's directory."""
    here = db.parent
    remote = (
        f"cd {shlex.quote(str(here))} && exec env USER={shlex.quote(shell_user)}"
        f" LOGNAME={shlex.quote(shell_user)} XDG_CONFIG_HOME={shlex.quote(str(here / 'config'))}"
        f" XDG_DATA_HOME={shlex.quote(str(here / 'data'))}"
        f" {shlex.quote(sys.executable)} -m leadtui --db {shlex.quote(str(db))}"
    )
    return server.command(remote)


def inbox_count(term: Terminal) -> int | None:
    found = INBOX_COUNT.search(term.text())
    return int(found.group(1)) if found else None


def counted(term: Terminal) -> bool:
    return inbox_count(term) is not None


def test_a_rep_over_ssh_acts_as_the_account_sshd_logged_in(
    server: SshServer, sample_repo: Repository
) -> None:
    first = sample_repo.leads_in_stage(Stage.NEW, limit=1)[0]
    with program_in_pty(leadtui_over_ssh(server, sample_repo.path, "mallory"), Path.cwd()) as term:
        term.wait_for(first.name)
        term.type("a")
        term.wait_for(f"{first.name} → Contacted")
        term.type("q")
        assert term.wait_for_exit() == 0
    with sqlite3.connect(sample_repo.path) as conn:
        actors = conn.execute(
            "SELECT DISTINCT actor FROM journal WHERE lead_id = ? AND field = 'stage'"
            " AND new = 'contacted'",
            (first.id,),
        ).fetchall()
    assert actors == [(pwd.getpwuid(os.getuid()).pw_name,)]


def test_two_reps_over_ssh_see_each_others_moves(
    server: SshServer, sample_repo: Repository
) -> None:
    first = sample_repo.leads_in_stage(Stage.NEW, limit=1)[0]
    db = sample_repo.path
    with (
        program_in_pty(leadtui_over_ssh(server, db, "anna"), Path.cwd()) as anna,
        program_in_pty(leadtui_over_ssh(server, db, "ben"), Path.cwd()) as ben,
    ):
        for rep in (anna, ben):
            rep.wait_until(partial(counted, rep), "no inbox count")
        before = inbox_count(ben)
        assert before is not None and before > 1
        anna.type("a")
        anna.wait_for(f"{first.name} → Contacted")
        ben.wait_until(lambda: inbox_count(ben) == before - 1, "ben's inbox never lost the lead")
        for rep in (anna, ben):
            rep.type("q")
            assert rep.wait_for_exit() == 0
    assert sample_repo.get_lead(first.id).stage is Stage.CONTACTED
