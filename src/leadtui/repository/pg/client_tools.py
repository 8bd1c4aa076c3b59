"""PostgreSQL's client programs (pg_dump, pg_restore) run for backup and
restore, their failure said as one line: the last line of what they wrote
to stderr is the cause (the lines before it are context)."""

import subprocess

from leadtui.domain.errors import DatabaseUnavailable


def run_tool(command: list[str], failure: str, after: str = "") -> str:
    """Run `command`; its standard output, or DatabaseUnavailable saying
    "{failure}: {cause}{after}"."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        cause = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise DatabaseUnavailable(f"{failure}: {cause}{after}")
    return done.stdout
