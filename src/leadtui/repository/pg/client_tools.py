"""PostgreSQL's client programs (pg_dump, pg_restore) run for backup and
restore, their failure said as one line: the last line of what they wrote
to stderr that says "error:" is the cause (the lines around it are context)."""

import subprocess

from leadtui.domain.errors import DatabaseUnavailable


def run_tool(command: list[str], failure: str, after: str = "") -> str:
    """Run `command`; its standard output, or DatabaseUnavailable saying
    "{failure}: {cause}{after}"."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise DatabaseUnavailable(f"{failure}: {_cause(done.stderr)}{after}")
    return done.stdout


def _cause(stderr: str) -> str:
    """The tool's last "error:" line (pg_restore follows the server's error
    with "Command was: ..." and the statement), else its last line."""
    lines = stderr.strip().splitlines() or ["failed"]
    errors = [line for line in lines if ": error: " in line]
    return (errors or lines)[-1].strip()
