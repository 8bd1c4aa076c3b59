"""`leadtui db backup` for a PostgreSQL database: PostgreSQL's own pg_dump
(custom format, restored with pg_restore), consistent while others keep
writing; or, without it, one line saying what to install."""

import os
import shutil
from pathlib import Path

from leadtui.domain.errors import DatabaseUnavailable
from leadtui.repository.pg.client_tools import database_argument, run_tool


def dump(url: str, shown: str, target: Path) -> int:
    """Write a pg_dump of the database to the new file `target` (0600);
    returns its size."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise DatabaseUnavailable(
            "backing up PostgreSQL needs pg_dump: install PostgreSQL's client tools"
            " (apt-get install postgresql-client) or use your server's backups"
        )
    # Created first, private; pg_dump writes into it.
    os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        dbname, env = database_argument(url)
        run_tool(
            [pg_dump, "--format=custom", f"--file={target}", dbname], f"pg_dump of {shown}", env=env
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return target.stat().st_size
