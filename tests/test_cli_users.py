"""`leadtui user` and `leadtui serve` at the command line; `leadtui
--serve-session` without a session. On both engines."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from leadtui.launch import serve_session_args
from leadtui.repository import open_repository
from tests.conftest import both_clis
from tests.test_cli import fails, ok, run


@both_clis
def test_user_add_prints_a_link_with_the_token_after_the_hash(db: str) -> None:
    out = ok(
        "user", "add", "Anna", "--role", "manager", "--db", db, "--url", "https://crm.example/"
    )
    first, link = out.strip().splitlines()
    assert first == "added anna (manager); sign-in link, good once for 7 days:"
    assert link.startswith("https://crm.example/signin#") and len(link.split("#")[1]) >= 40
    user = open_repository(db).users.link_user(link.split("#")[1])
    assert user is not None and user.name == "anna"


@both_clis
def test_the_default_address_is_leadtui_url_or_loopback(db: str) -> None:
    assert "http://127.0.0.1:8000/signin#" in ok("user", "add", "anna", "--db", db)
    result = run("user", "link", "anna", "--db", db, env={"LEADTUI_URL": "http://h:9"})
    assert result.output.startswith("http://h:9/signin#")


@both_clis
def test_user_list_and_remove(db: str) -> None:
    ok("user", "add", "anna", "--db", db)
    ok("user", "add", "maria", "--role", "manager", "--db", db)
    listed = ok("user", "list", "--db", db).splitlines()
    assert listed[0].split()[:3] == ["anna", "rep", "0"] and "not used yet" in listed[0]
    records = json.loads(ok("user", "list", "--json", "--db", db))
    assert [(r["name"], r["role"], r["link_pending"]) for r in records] == [
        ("anna", "rep", True),
        ("maria", "manager", True),
    ]
    assert ok("user", "remove", "anna", "--db", db).strip() == "removed anna"
    assert [r["name"] for r in json.loads(ok("user", "list", "--json", "--db", db))] == ["maria"]


@both_clis
def test_user_mistakes_are_one_line(db: str) -> None:
    ok("user", "add", "anna", "--db", db)
    assert "exists" in fails("user", "add", "anna", "--db", db)
    assert "letters, digits" in fails("user", "add", "an na", "--db", db)
    assert "no user 'bob'" in fails("user", "remove", "bob", "--db", db)
    assert "no user 'bob'" in fails("user", "link", "bob", "--db", db)


@both_clis
def test_serve_beyond_loopback_warns_and_a_busy_port_is_one_line(db: str) -> None:
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--host", "0.0.0.0", "--port", str(port), "--db", db)
    assert result.exit_code == 1
    assert "warning: serving plain HTTP beyond this machine" in result.output
    assert "TLS reverse proxy" in result.output and "ssh -L" in result.output
    assert result.output.strip().splitlines()[-1] == (
        f"Error: cannot listen on 0.0.0.0:{port}: the address is in use"
    )


def test_serve_refuses_an_empty_host_which_would_listen_everywhere(db_path: Path) -> None:
    with socket.socket() as taken:  # were it to listen after all, it would stop here
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        for host in ("", "  "):
            line = fails("serve", "--host", host, "--port", port, "--db", str(db_path))
            assert line == (
                "Error: Invalid value for '--host': an empty address; 0.0.0.0 listens on every"
                " interface (try 'main serve --help')"
            )


@both_clis
def test_serve_refuses_an_unknown_theme(db: str) -> None:
    assert "is not a theme; one of" in fails("serve", "--theme", "no-such", "--db", db)


@pytest.mark.parametrize(
    "db", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)], indirect=True
)
def test_a_serve_session_without_a_session_does_not_start(db: str) -> None:
    """The app learns its session from the first line of its stdin (a pipe
    only the server holds): none, a made-up one, or one in the environment
    instead is refused."""
    open_repository(db)
    env = {**os.environ, "LEADTUI_SERVE_SESSION": "x"}
    for line in ("", "\n", "forged 80 24\n"):
        done = subprocess.run(
            [sys.executable, "-m", "leadtui", "--serve-session", "--db", db],
            input=line,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1
        assert done.stderr.strip() == "Error: not signed in (the session ended); sign in again"


def test_a_tab_app_takes_its_database_from_the_command_line_or_leadtui_db(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """serve/spawn.py passes a file as --db and a URL in $LEADTUI_DB only."""
    url = "postgresql://rep:secret@db.example/leads"
    monkeypatch.setenv("LEADTUI_DB", url)
    assert serve_session_args(["--serve-session", "--theme", "nord"]) == (url, "nord")
    assert serve_session_args(["--serve-session"]) == (url, None)
    assert serve_session_args(["--serve-session", "--db", "x.db"]) == (Path("x.db"), None)
    assert serve_session_args(["--serve-session", "--db", "x.db", "--theme", "a"]) == (
        Path("x.db"),
        "a",
    )
    assert serve_session_args(["--serve-session", "--bogus"]) is None
    assert serve_session_args(["user", "list"]) is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://crm.example", "crm.example"])
def test_a_link_address_browsers_cannot_open_is_refused_before_the_user_is_added(
    db: str, url: str
) -> None:
    open_repository(db)  # user list only reads: it creates none
    assert fails("user", "add", "anna", "--url", url, "--db", db) == (
        f"Error: --url {url!r}: give scheme and host, e.g. https://crm.example.com"
    )
    assert json.loads(ok("user", "list", "--json", "--db", db)) == []
    result = run("user", "add", "anna", "--db", db, env={"LEADTUI_URL": url})
    assert result.exit_code == 1
    assert result.output == (
        f"Error: $LEADTUI_URL {url!r}: give scheme and host, e.g. https://crm.example.com\n"
    )
    assert json.loads(ok("user", "list", "--json", "--db", db)) == []


@both_clis
def test_a_users_role_changes_and_remove_says_what_they_still_own(db: str) -> None:
    """`user add carla --role rep` on an existing user only said 'exists':
    there was no way to change a role; and `user remove` said nothing of
    the leads the user still owned."""
    ok("user", "add", "carla", "--role", "manager", "--db", db)
    assert ok("user", "role", "Carla", "rep", "--db", db).splitlines() == [
        "carla: manager → rep",
        "carla's open tabs keep manager until they are reloaded",
    ]
    assert open_repository(db).users.all()[0].role.value == "rep"
    assert ok("user", "role", "carla", "rep", "--db", db) == "carla is already a rep\n"
    assert "no user 'bob'" in fails("user", "role", "bob", "manager", "--db", db)
    assert "'boss' is not one of" in fails("user", "role", "carla", "boss", "--db", db)
    for name in ("One", "Two"):
        ok("add", name, "--owner", "Carla", "--db", db)
    assert ok("user", "remove", "carla", "--db", db).splitlines() == [
        "removed carla",
        "carla still owns 2 leads; they stay carla's"
        " ('leadtui assign NEW --from carla' hands over the open ones)",
    ]
    assert json.loads(ok("list", "--json", "--db", db))[0]["owner"] == "Carla"
