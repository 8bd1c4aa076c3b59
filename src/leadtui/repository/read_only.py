"""Reading a database file this process cannot write.

A manager given read access to the team's file, or a backup on a read-only
mount, should still answer `list`, `show`, `kpi` and `export`; a write
through such a file is refused before it starts, naming why.

SQLite reads a WAL-mode file read-only (`mode=ro`) only if it can use the
-shm file beside it: one that exists (some process has the file open), or
one it may create. In a directory it cannot write, with no -shm, the file
is opened `immutable`: read as it stands, with no locking. That is only
sound when every committed change is in the file itself, so it is refused
while a -wal file with content waits beside it (a crash left changes not
yet merged). A writer who can write the directory and starts while such a
read runs could tear it; a reading command is over in moments, and the
directory being read-only to this user is the sign of a copy or a
read-only share, not of a team writing through it.
"""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from leadtui.domain.errors import DatabaseUnavailable


@dataclass(frozen=True)
class ReadOnly:
    why: str  # what keeps this process from writing, as the refusal says it
    immutable: bool  # no -shm can be used: read the file as it stands

    def uri(self, path: Path) -> str:
        flags = "mode=ro&immutable=1" if self.immutable else "mode=ro"
        return f"file:{quote(str(path.resolve()))}?{flags}"

    def refusal(self, path: Path) -> DatabaseUnavailable:
        return DatabaseUnavailable(f"cannot write {path}: {self.why}; nothing was changed")


def sqlite_connection(
    path: Path, read_only: ReadOnly | None, *, timeout: float = 5.0
) -> sqlite3.Connection:
    """A connection to `path` in autocommit (leadtui begins its own
    transactions), usable from any thread one at a time; read-only as
    `read_only` says, or the usual read-write one when it is None."""
    return sqlite3.connect(
        path if read_only is None else read_only.uri(path),
        timeout=timeout,
        isolation_level=None,
        check_same_thread=False,
        uri=read_only is not None,
    )


def read_only_reason(path: Path) -> ReadOnly | None:
    """How to read `path` if this process may read it but not write it;
    None if it may write it (or the file is missing, or cannot be read:
    opening it the usual way says what is wrong)."""
    if not path.is_file() or not os.access(path, os.R_OK):
        return None
    directory = path.parent
    if os.statvfs(path).f_flag & os.ST_RDONLY:
        why = "it is on a read-only file system"
    elif not os.access(path, os.W_OK):
        why = "the file is read-only"
    elif not os.access(directory, os.W_OK):
        why = f"its directory {directory} is read-only"
    else:
        return None
    shm, wal = Path(f"{path}-shm"), Path(f"{path}-wal")
    if os.access(directory, os.W_OK) or (shm.exists() and os.access(shm, os.R_OK)):
        return ReadOnly(why, immutable=False)
    if wal.exists() and wal.stat().st_size > 0:
        raise DatabaseUnavailable(
            f"cannot read {path}: {why}, and {wal.name} beside it holds changes not yet"
            " merged into it; someone who can write there should open it once"
        )
    return ReadOnly(why, immutable=True)
