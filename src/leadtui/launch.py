"""The `leadtui` command's entry point.

`leadtui` on its own (or with just `--db FILE`) opens the TUI, and the first
thing a rep sees should come as fast as a bare Textual app: so that case
reads the inbox's first page with plain sqlite3 and shows it before click,
pydantic and sqlite-utils are even imported (quick_inbox.py, tui/start.py).
Every other command line, and any database that needs checks, a migration or
the demo, goes through the click CLI (cli.py) exactly as before.

`leadtui serve` spawns `leadtui --serve-session --db FILE [--theme NAME]`
for each browser tab, which takes the same quick way as its signed-in user.
"""

import os
import sys
from pathlib import Path


def quick_start_path(args: list[str]) -> Path | None:
    """The database `leadtui ARGS` opens in the TUI, if ARGS ask for nothing
    else; None for any other command line."""
    if not args:
        from leadtui.paths import default_db_path

        return default_db_path()
    if len(args) == 2 and args[0] == "--db" and args[1]:
        return Path(args[1]).expanduser()
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        return Path(args[0].removeprefix("--db=")).expanduser()
    return None


def serve_session_args(args: list[str]) -> tuple[Path, str | None] | None:
    """The database and theme of a browser tab's app, as the server spawns it
    (serve/spawn.py); None for any other command line."""
    if args[:2] != ["--serve-session", "--db"] or len(args) not in (3, 5):
        return None
    if len(args) == 5 and args[3] != "--theme":
        return None
    return Path(args[2]), args[4] if len(args) == 5 else None


def _serve_session(path: Path, theme: str | None) -> None:
    """A browser tab's app: who it is comes from its session, in the
    environment the server set; the first page is that user's view."""
    from leadtui.domain.clock import utc_now
    from leadtui.domain.users import ENV_SESSION, Role
    from leadtui.repository.first_page import read_first_page
    from leadtui.repository.web_identity import signed_in

    now = utc_now()
    found = signed_in(path, os.environ.get(ENV_SESSION, ""), now)
    if found is None:
        sys.stderr.write("Error: not signed in (the session ended); sign in again\n")
        sys.exit(1)
    identity, chosen = found
    mine = identity.name if identity.role is Role.REP else None
    rows = read_first_page(path, now, mine=mine)
    if rows:
        from leadtui.tui.start import run

        run(path, rows, identity=identity, theme=chosen or theme)
        return
    from leadtui.cli.root import main as cli_main

    cli_main()


def main() -> None:
    served = serve_session_args(sys.argv[1:])
    if served is not None:
        _serve_session(*served)
        return
    path = quick_start_path(sys.argv[1:])
    if path is not None:
        from leadtui.domain.clock import utc_now
        from leadtui.repository.first_page import read_first_page

        rows = read_first_page(path, utc_now())
        if rows:  # else (None, or an empty inbox) the long way
            from leadtui.tui.start import run

            run(path, rows)  # exits with the app's return code
            return
    from leadtui.cli.root import main as cli_main

    cli_main()
