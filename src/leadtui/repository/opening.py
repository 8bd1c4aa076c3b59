"""Opening a database: a file (check it, create it private, migrate it) or
a PostgreSQL URL (migrate it: repository/pg/engine.py)."""

import os
from pathlib import Path

from leadtui.domain.clock import Clock, utc_now
from leadtui.domain.errors import DatabaseUnavailable
from leadtui.domain.scoring_rules import LoadedRules
from leadtui.paths import is_url
from leadtui.repository.connection import Tracer
from leadtui.repository.read_only import read_only_reason
from leadtui.repository.store import Repository


def open_repository(
    path: Path | str,
    *,
    actor: str | None = None,
    clock: Clock = utc_now,
    tracer: Tracer | None = None,
    rules: LoadedRules | None = None,
    own_leads_only: bool = False,
    reading_allowed: bool = False,
) -> Repository:
    """Check the file can be used, create it (mode 0600) if missing, migrate it.

    Raises DatabaseUnavailable with one readable line for a missing directory,
    a read-only file or directory, a file that is not a leadtui database, or
    one written by a newer leadtui (which is left untouched); for a URL, a
    server that cannot be reached or a database that is not leadtui's.
    With `reading_allowed` (the CLI and the TUI), a file this process may
    read but not write is opened read-only instead, and refuses each write
    (read_only.py).
    """
    if is_url(path):
        repo = Repository(
            path, actor=actor, clock=clock, tracer=tracer, rules=rules,
            own_leads_only=own_leads_only,
        )  # fmt: skip
        repo.migrate()
        return repo
    path = Path(path).expanduser()
    directory = path.parent
    if not directory.is_dir():
        raise DatabaseUnavailable(f"cannot open {path}: directory {directory} does not exist")
    if path.is_dir():
        raise DatabaseUnavailable(f"cannot open {path}: it is a directory")
    if reading_allowed and (read_only := read_only_reason(path)):
        repo = Repository(path, actor=actor, clock=clock, tracer=tracer, rules=rules,
                          own_leads_only=own_leads_only, read_only=read_only)  # fmt: skip
        repo.migrate()  # checks the schema is current; writes nothing
        return repo
    # WAL needs to create -wal and -shm files beside the database.
    if not os.access(directory, os.W_OK):
        raise DatabaseUnavailable(f"cannot open {path}: directory {directory} is read-only")
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DatabaseUnavailable(f"cannot open {path}: the file is read-only")
    if not path.exists():
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass  # another process created it first; it will have migrated it
        except OSError as error:
            raise DatabaseUnavailable(f"cannot create {path}: {error.strerror}") from None
    repo = Repository(
        path, actor=actor, clock=clock, tracer=tracer, rules=rules, own_leads_only=own_leads_only
    )
    repo.migrate()
    return repo
