"""No echo of keys typed while leadtui starts.

Until Textual puts the terminal in raw mode, a few tenths of a second after
launch, the terminal is in the shell's cooked mode, which echoes each key as
it arrives: `leadtui` then `jja` typed at once printed "jja" (an arrow key,
"^[[B") on the shell's screen, left there after the app ended. The keys are
still wanted (the first page acts on them: tui/cooked.py), only their echo
is not. So echo goes off first thing, with the input left waiting (TCSANOW,
not TCSAFLUSH), and the terminal's own settings come back when the process
ends, after Textual has restored the ones it found (these, without echo).
"""

import atexit
import contextlib
import termios
from typing import Any


def quiet_until_raw(fd: int = 0) -> None:
    """Turn the echo of terminal `fd` off until this process exits; nothing
    if it is not a terminal or does not echo."""
    try:
        before = termios.tcgetattr(fd)
    except (termios.error, OSError):  # input piped in, or closed
        return
    if not before[3] & termios.ECHO:
        return
    quiet = [*before[:3], before[3] & ~termios.ECHO, *before[4:]]
    try:
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
    except (termios.error, OSError):
        return
    atexit.register(_restore, fd, before)


def _restore(fd: int, before: list[Any]) -> None:
    # The terminal may be gone (a hung-up ssh session): nothing to give back.
    with contextlib.suppress(termios.error, OSError):
        termios.tcsetattr(fd, termios.TCSADRAIN, before)
