"""A private PostgreSQL cluster for the tests: initdb into a temp dir, one
server on a unix socket in that dir (no TCP port to collide with another
run), a fresh database per test copied from a template, stopped at the end.

The temp dir is in memory (/dev/shm) where there is one: each database is
some 300 files and 7.5 MB, and on a disk shared with other work copying
them took 0.25-0.5 s a test and removing a worker's sixty at the end up to
50 s (0.1 s and under 1 s in memory). Each test's database is dropped after
it, so the memory held stays at a few databases and a killed run leaves
little behind.

PostgreSQL refuses to run as root, and CI runs as root: there the cluster
belongs to `nobody`, who owns the temp dir. The server is tuned for tests
(fsync off): a crash loses only a throwaway cluster.

A test that asks for PostgreSQL fails when the cluster cannot start: a
skipped engine would let CI pass with half its tests unrun.
"""

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

SUPERUSER = "leadtui"
TEMPLATE = "leadtui_template"
START_TIMEOUT_SECONDS = 60


def find_binary(name: str) -> str | None:
    """On PATH, else in Debian's versioned directory (the newest version)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    return str(candidates[-1]) if candidates else None


@dataclass
class Cluster:
    """One running server; `url(name)` is a libpq URL on its socket."""

    root: Path
    socket_dir: Path
    pg_ctl: str
    user: str | None
    _numbers: Iterator[int] = field(default_factory=count)

    def url(self, database: str) -> str:
        return f"postgresql:///{database}?host={self.socket_dir}&user={SUPERUSER}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql)  # our own DDL, never user text

    def new_database(self, template: str = TEMPLATE) -> str:
        """A fresh database (a copy of `template`), as its URL."""
        name = f"test_{os.getpid()}_{next(self._numbers)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by new_database, closing whatever is still
        connected to it (a test's kept connections, a child process's)."""
        import psycopg

        name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
        self.admin(f'DROP DATABASE "{name}" WITH (FORCE)')

    def stop(self) -> None:
        _run([self.pg_ctl, "stop", "-D", str(self.root / "data"), "-m", "immediate"], self.user)


def _run(command: list[str], user: str | None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        user=user,
        group=_group_of(user),
        extra_groups=[] if user else None,
        capture_output=True,
        text=True,
        check=False,
        timeout=START_TIMEOUT_SECONDS,
    )


def _group_of(user: str | None) -> int | None:
    return pwd.getpwnam(user).pw_gid if user else None


class ClusterUnavailable(Exception):
    """Why the test cluster could not start, in one line plus the server's log."""


def _memory_dir() -> str | None:
    """/dev/shm if this system has one we may write to, else None (the
    usual temp dir)."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK | os.X_OK) else None


def start_cluster() -> Cluster:
    initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
    if not (initdb and pg_ctl):
        raise ClusterUnavailable(
            "PostgreSQL's initdb/pg_ctl not found (PATH, /usr/lib/postgresql/*/bin):"
            " run .ci/install-system-packages"
        )
    user = "nobody" if os.getuid() == 0 else None
    # Short: a unix socket's path must fit in about 100 bytes.
    root = Path(tempfile.mkdtemp(prefix="ltpg-", dir=_memory_dir()))
    if user:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    data = root / "data"
    done = _run(
        [initdb, "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync"],
        user,
    )  # fmt: skip
    if done.returncode != 0:
        raise ClusterUnavailable(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
    options = (
        f"-k {root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off"
        " -c full_page_writes=off -c max_connections=200"
    )
    log = root / "server.log"
    done = _run([pg_ctl, "start", "-w", "-D", str(data), "-l", str(log), "-o", options], user)
    if done.returncode != 0:
        server_log = log.read_text(errors="replace") if log.exists() else ""
        raise ClusterUnavailable(f"pg_ctl start failed: {done.stdout.strip()}\n{server_log}")
    # -w: pg_ctl returns once the server accepts connections.
    cluster = Cluster(root, root, pg_ctl, user)
    cluster.admin(f'CREATE DATABASE "{TEMPLATE}"')
    return cluster


@contextlib.contextmanager
def running_cluster() -> Iterator[Cluster]:
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(cluster.root, ignore_errors=True)
