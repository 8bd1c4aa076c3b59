"""PostgreSQL's client programs (pg_dump, pg_restore) run for backup and
restore, their failure said as one line: the last line of what they wrote
to stderr that says "error:" is the cause (the lines around it are context)."""

import os
import subprocess

from psycopg.conninfo import conninfo_to_dict, make_conninfo

from leadtui.domain.errors import DatabaseUnavailable


def database_argument(url: str) -> tuple[str, dict[str, str]]:
    """`--dbname=...` for a client program, without the URL's password, and
    the environment that hands the password over instead (PGPASSWORD): a
    command line is shown to every user of the server by `ps`, a process's
    environment only to its own user."""
    parts = conninfo_to_dict(url)
    password = parts.pop("password", None)
    environment = dict(os.environ)
    if password is not None:
        environment["PGPASSWORD"] = str(password)
    return f"--dbname={make_conninfo('', **parts)}", environment


def run_tool(
    command: list[str], failure: str, after: str = "", *, env: dict[str, str] | None = None
) -> str:
    """Run `command` (in `env`, if given); its standard output, or
    DatabaseUnavailable saying "{failure}: {cause}{after}"."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise DatabaseUnavailable(f"{failure}: {_cause(done.stderr)}{after}")
    return done.stdout


def _cause(stderr: str) -> str:
    """The tool's last "error:" line (pg_restore follows the server's error
    with "Command was: ..." and the statement), else its last line."""
    lines = stderr.strip().splitlines() or ["failed"]
    errors = [line for line in lines if ": error: " in line]
    return (errors or lines)[-1].strip()
