"""A PostgreSQL server for the benchmarks: initdb into a directory, one
server on a unix socket there (no TCP port to collide with anyone's), as
`nobody` when run as root (PostgreSQL refuses root).

    python -m bench.pg_server start /tmp/pgb/cluster   # prints the URL base
    python -m bench.pg_server create /tmp/pgb/cluster k100   # an empty database
    python -m bench.pg_server create /tmp/pgb/cluster copy1 --template k100
    python -m bench.pg_server stop /tmp/pgb/cluster

A benchmark that writes wants a copy: `create NAME --template SOURCE` is
PostgreSQL's copy of a whole database (no one may be connected to SOURCE).

Unlike the test cluster (tests/pg_cluster.py: fsync off), this one keeps
PostgreSQL's durable defaults (fsync, synchronous_commit, full page
writes), so that a commit costs what it costs SQLite at its default
`synchronous = FULL`: the figures compare two engines that both keep the
last sale. Only the memory is set: shared_buffers 256 MB (the default is
128 MB), about what SQLite gets from the page cache for a 100k file.
"""

import argparse
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

USER = "leadtui"
SETTINGS = "-c listen_addresses='' -c shared_buffers=256MB -c max_connections=100"


def find_binary(name: str) -> str:
    """On PATH, else in Debian's versioned directory (the newest version)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if not candidates:
        sys.exit(f"PostgreSQL's {name} not found (PATH, /usr/lib/postgresql/*/bin)")
    return str(candidates[-1])


def _owner() -> str | None:
    return "nobody" if os.getuid() == 0 else None


def _run(command: list[str]) -> None:
    user = _owner()
    group = pwd.getpwnam(user).pw_gid if user else None
    done = subprocess.run(
        command, user=user, group=group, extra_groups=[] if user else None,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        sys.exit(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")


def url(root: Path, database: str) -> str:
    return f"postgresql:///{database}?host={root}&user={USER}"


def start(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    if user := _owner():
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    data = root / "data"
    if not data.exists():
        _run([find_binary("initdb"), "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8"])  # fmt: skip
    log = root / "server.log"
    _run([find_binary("pg_ctl"), "start", "-w", "-D", str(data), "-l", str(log),
          "-o", f"-k {root} {SETTINGS}"])  # fmt: skip
    print(url(root, "DATABASE"))


def create(root: Path, database: str, template: str | None = None) -> None:
    """An empty database (`leadtui db copy` and the benchmarks migrate it),
    or a copy of `template`, replacing any database of that name."""
    import psycopg

    with psycopg.connect(url(root, "postgres"), autocommit=True) as conn:
        # The names are the operator's own, quoted as identifiers.
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        copy_of = f' TEMPLATE "{template}"' if template else ""
        conn.execute(f'CREATE DATABASE "{database}"{copy_of}')
    print(url(root, database))


def stop(root: Path) -> None:
    _run([find_binary("pg_ctl"), "stop", "-D", str(root / "data"), "-m", "fast"])


def database_url(server_url: str, database: str) -> str:
    """The URL of another database on the same server, as the same user."""
    # Not urlunsplit: it drops the empty host of a unix-socket URL's `///`.
    parts = urlsplit(server_url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc}/{database}{query}"


def admin(server_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql)  # the benchmarks' own DDL, never user text


def postmaster_pid(server_url: str) -> int:
    """The server's main process, from its data directory (a superuser's
    URL, as the bench cluster's): its children are the server's processes."""
    import psycopg

    with psycopg.connect(server_url) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    assert row is not None
    return int((Path(row[0]) / "postmaster.pid").read_text().split()[0])


def server_cpu(postmaster: int) -> float:
    """CPU seconds (user + system) the server has used: the postmaster's own,
    its ended children's (reaped into its cutime/cstime: a connection's
    backend ends with the connection) and its running children's. Needs
    /proc and permission to read the server's processes (root, or the same
    user)."""

    def fields(pid: str | int) -> list[str]:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    ticks = os.sysconf("SC_CLK_TCK")
    own = fields(postmaster)
    total = sum(int(value) for value in own[11:15])  # utime stime cutime cstime
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            child = fields(entry.name)
        except OSError:  # ended while we looked
            continue
        if int(child[1]) == postmaster:
            total += int(child[11]) + int(child[12])
    return total / ticks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=("start", "create", "stop"))
    parser.add_argument("root", type=Path, help="the cluster's directory (keep it short)")
    parser.add_argument("database", nargs="?", help="for create: the new database's name")
    parser.add_argument("--template", help="for create: the database to copy")
    args = parser.parse_args()
    if args.action == "start":
        start(args.root.resolve())
    elif args.action == "stop":
        stop(args.root.resolve())
    elif not args.database:
        sys.exit("create needs a database name")
    else:
        create(args.root.resolve(), args.database, args.template)


if __name__ == "__main__":
    main()
