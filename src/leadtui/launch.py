"""The `leadtui` command's entry point.

`leadtui` on its own (or with just `--db FILE`) opens the TUI, and the first
thing a rep sees should come as fast as a bare Textual app: so that case
reads the inbox's first page with plain sqlite3 and shows it before click,
pydantic and sqlite-utils are even imported (quick_inbox.py, tui/start.py).
Every other command line, and any database that needs checks, a migration or
the demo, goes through the click CLI (cli.py) exactly as before.

`leadtui serve` spawns `leadtui --serve-session --db FILE [--theme NAME]`
for each browser tab, which takes the same quick way as its signed-in user
(on PostgreSQL, `--db` is left out and the URL comes in $LEADTUI_DB).
"""

import atexit
import gc
import os
import sys
from pathlib import Path
from types import TracebackType


def db_arg(args: list[str]) -> str | None:
    """The NAME of `leadtui [--db NAME]` ("" for none), if ARGS ask for
    nothing else: the command line of the TUI alone. None for any other."""
    if not args:
        return ""
    if len(args) == 2 and args[0] == "--db" and args[1]:
        return args[1]
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        return args[0].removeprefix("--db=")
    return None


def quick_start_path(args: list[str]) -> Path | None:
    """The database `leadtui ARGS` opens in the TUI, if ARGS ask for nothing
    else; None for any other command line."""
    from leadtui.paths import database_target, default_db_target

    named = db_arg(args)
    target: Path | str | None = None
    if named == "":
        target = default_db_target()
    elif named is not None:
        target = database_target(named)
    # A PostgreSQL URL takes the long way: the quick first page reads a file.
    return target if isinstance(target, Path) else None


def serve_session_args(args: list[str]) -> tuple[Path | str, str | None] | None:
    """The database (a file, or a PostgreSQL URL) and theme of a browser
    tab's app, as the server spawns it (serve/spawn.py); None for any other
    command line."""
    if args[:1] != ["--serve-session"]:
        return None
    from leadtui.paths import database_target, default_db_target

    # `--db FILE`, or none: a PostgreSQL URL comes in $LEADTUI_DB.
    target, rest = (
        (database_target(args[2]), args[3:]) if args[1:2] == ["--db"] and len(args) > 2
        else (default_db_target(), args[1:])
    )  # fmt: skip
    if rest and (len(rest) != 2 or rest[0] != "--theme"):
        return None
    return target, rest[1] if rest else None


def _serve_session(path: Path | str, theme: str | None) -> None:
    """A browser tab's app. It imports what it needs first: the server may
    start it before any page asks (serve/spawn.py). Then who it is for
    comes as the first line of its stdin, a pipe only the server holds: a
    session id, checked against the database, and the terminal's size."""
    from leadtui.domain.clock import utc_now
    from leadtui.domain.users import Role
    from leadtui.repository.first_page import read_first_page
    from leadtui.repository.web_identity import signed_in
    from leadtui.tui.start import run

    session, *size = _first_line().split() or [""]
    if len(size) == 2 and all(part.isdigit() for part in size):
        os.environ["COLUMNS"], os.environ["ROWS"] = size  # the web driver's first size
    if isinstance(path, str):  # PostgreSQL: the quick first page reads a file
        _long_way(session)
        return
    now = utc_now()
    found = signed_in(path, session, now)
    if found is None:
        sys.stderr.write("Error: not signed in (the session ended); sign in again\n")
        sys.exit(1)
    identity, chosen = found
    mine = identity.name if identity.role is Role.REP else None
    rows = read_first_page(path, now, mine=mine)
    if rows:
        run(path, rows, identity=identity, theme=chosen or theme)
        return
    _long_way(session)


def _long_way(session: str) -> None:
    """The click CLI, which checks the session through the repository
    (cli/root.py) and opens the TUI as its user."""
    from leadtui.cli.root import main as cli_main
    from leadtui.domain.users import ENV_SESSION

    os.environ[ENV_SESSION] = session  # in this process only
    cli_main()


def _first_line(limit: int = 200) -> str:
    """The first line of stdin, read a byte at a time: what follows it is
    the web driver's, which reads the same descriptor."""
    line = b""
    while len(line) < limit:
        byte = os.read(0, 1)
        if not byte or byte == b"\n":
            break
        line += byte
    return line.decode("ascii", errors="replace")


def theme_arg(args: list[str]) -> tuple[str | None, list[str]]:
    """`--theme NAME` (or `--theme=NAME`) taken out of ARGS, once."""
    for index, arg in enumerate(args):
        if arg == "--theme" and index + 1 < len(args):
            return args[index + 1], args[:index] + args[index + 2 :]
        if arg.startswith("--theme="):
            return arg.removeprefix("--theme="), args[:index] + args[index + 1 :]
    return None, args


def main() -> None:
    # Registered first, so it runs last, after every other exit handler (the
    # pooled connections' closing among them): Python's final collection
    # then has nothing left to walk. It walked every module leadtui imported,
    # a sixth of a `leadtui list` (bench/README.md, "The collector's pauses").
    atexit.register(gc.freeze)
    served = serve_session_args(sys.argv[1:])
    if served is not None:
        _serve_session(*served)
        return
    theme, args = theme_arg(sys.argv[1:])
    if db_arg(args) is not None:  # the TUI alone
        try:
            path = _quiet_then_path(args)
            if path is not None:
                _quick_start(path, theme)
        except KeyboardInterrupt:
            # ctrl+c before the app made the terminal raw (then it is a key):
            # the terminal's signal, left on (quiet_launch.py), ends the
            # launch as it ends any program, without a traceback. Raised on,
            # so Python still ends by SIGINT, which tells a shell's loop to stop.
            sys.excepthook = _quiet_on_interrupt
            raise
    from leadtui.cli.root import main as cli_main

    cli_main()


def _quiet_on_interrupt(
    kind: type[BaseException], error: BaseException, trace: TracebackType | None
) -> None:
    if not issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)


def _quiet_then_path(args: list[str]) -> Path | None:
    """Keys typed from now on wait, unseen and unedited, for the app: first
    thing, before even leadtui.paths (platformdirs: half the 26 ms of
    imports that came before). Then the file quick_start_path finds."""
    from leadtui.quiet_launch import quiet_until_raw

    quiet_until_raw()
    return quick_start_path(args)


def _quick_start(path: Path, theme: str | None) -> None:
    """The TUI on PATH's first page, read without the CLI; returns only if
    that page cannot be read so (then the long way)."""
    stop_on_broken_settings()  # a broken config.toml stops here, before anything is drawn
    from leadtui.quiet_launch import insist_on_terminal

    insist_on_terminal()  # nothing drawn where no one can see it
    from leadtui.domain.clock import utc_now
    from leadtui.domain.users import Role
    from leadtui.repository.first_page import read_first_page
    from leadtui.repository.web_identity import terminal_user

    identity = terminal_user(path)  # a rep starts on their own leads
    mine = identity.name if identity is not None and identity.role is Role.REP else None
    rows = read_first_page(path, utc_now(), mine=mine)
    if rows:  # else (None, or an empty inbox) the long way
        from leadtui.tui.start import run

        run(path, rows, identity=identity, theme=theme)  # exits with the app's return code


def stop_on_broken_settings() -> None:
    """Read config.toml as the TUI will, and end with its one-line error
    (exit 1, as the CLI prints errors) if it is broken. Cheap: tomllib and
    a table, no screens imported."""
    from leadtui.config import load_settings
    from leadtui.domain.errors import LeadtuiError

    try:
        load_settings()
    except LeadtuiError as error:
        sys.stderr.write(f"Error: {error}\n")
        sys.exit(1)
