"""The `leadtui` command's entry point.

`leadtui` on its own (or with just `--db FILE`) opens the TUI, and the first
thing a rep sees should come as fast as a bare Textual app: so that case
reads the inbox's first page with plain sqlite3 and shows it before click,
pydantic and sqlite-utils are even imported (quick_inbox.py, tui/start.py).
Every other command line, and any database that needs checks, a migration or
the demo, goes through the click CLI (cli.py) exactly as before.
"""

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


def main() -> None:
    path = quick_start_path(sys.argv[1:])
    if path is not None:
        stop_on_broken_settings()  # a broken config.toml stops here, before anything is drawn
        from leadtui.domain.clock import utc_now
        from leadtui.repository.first_page import read_first_page

        rows = read_first_page(path, utc_now())
        if rows:  # else (None, or an empty inbox) the long way
            from leadtui.tui.start import run

            run(path, rows)  # exits with the app's return code
            return
    from leadtui.cli.root import main as cli_main

    cli_main()


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
