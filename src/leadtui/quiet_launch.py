"""No echo, and no line editing, of keys typed while leadtui starts.

Until Textual puts the terminal in raw mode, a few tenths of a second after
launch, the terminal is in the shell's cooked mode, which echoes each key as
it arrives: `leadtui` then `jja` typed at once printed "jja" (an arrow key,
"^[[B") on the shell's screen, left there after the app ended. Cooked mode
also edits the line as it arrives: ctrl+u erased the keys before it, so `e`
then ctrl+u (to clear the field `e` opens) lost the `e` and the keys after
it ran as commands (`e Tab Tab Tab ctrl+u Fast Co enter` advanced a lead);
backspace and ctrl+w erased too, ctrl+v quoted, ctrl+s and ctrl+q were kept
for flow control. The keys are still wanted as typed (the first page acts on
them: tui/cooked.py), so echo, line editing (ICANON, IEXTEN) and flow control
(IXON) go off first thing, with the input left waiting (TCSANOW, not
TCSAFLUSH). The terminal's signals stay on: ctrl+c (ctrl+z) before the app
is up ends (suspends) it, as for any program that has not taken the terminal
over; Textual's raw mode turns them off once it has. ICRNL stays, so an
enter typed now still reaches the app as an LF (tui/cooked.py reads it as
enter). The terminal's own settings come back when the process ends, after
Textual has restored the ones it found (these), and when ctrl+\\ (SIGQUIT)
or SIGTERM, which skip the exit handlers, end it while it starts.
"""

import atexit
import contextlib
import os
import signal
import sys
import termios
from types import FrameType
from typing import Any

_LINE_EDITING = termios.ECHO | termios.ICANON | termios.IEXTEN
# Signals whose default action ends the process without its exit handlers.
ENDING_SIGNALS = (signal.SIGQUIT, signal.SIGTERM)


NEEDS_TERMINAL = "leadtui needs a terminal: use ssh -t, or a command like `leadtui list`"


def insist_on_terminal() -> None:
    """End with one line (exit 1) unless stdin and stdout are a terminal;
    if only stderr is not (`leadtui 2>err.log`), draw on stdout. Before
    anything is drawn, and two system calls: the first paint does not wait.

    With no terminal the app drew anyway: `ssh host leadtui` (no -t) sent
    45 KB of escape codes down the pipe and exited 0, and with stdin from
    /dev/null it drew, `q` did nothing and only ctrl+c ended it. Textual
    draws on stderr (its driver writes to sys.__stderr__): redirected to a
    file, the screen stayed blank and the app went into the file. Now the
    app stays on the terminal, while what Python and leadtui write to
    sys.stderr (an error's line, a traceback) still goes to the file."""
    if not (os.isatty(0) and os.isatty(1)):
        sys.stderr.write(f"Error: {NEEDS_TERMINAL}\n")
        sys.exit(1)
    if not os.isatty(2):
        # Python's writes to stderr keep to the file, through a descriptor of
        # their own; descriptor 2, which Textual draws on, is the terminal.
        sys.stderr.flush()
        errors = sys.stderr.errors or "backslashreplace"
        sys.stderr = os.fdopen(os.dup(2), "w", buffering=1, errors=errors)
        os.dup2(1, 2)


def quiet_until_raw(fd: int = 0) -> None:
    """Turn the echo, line editing and flow control of terminal `fd` off
    until this process exits; nothing if it is not a terminal or does none."""
    try:
        before = termios.tcgetattr(fd)
    except (termios.error, OSError):  # input piped in, or closed
        return
    iflag, oflag, cflag, lflag, ispeed, ospeed, chars = before
    if not (lflag & _LINE_EDITING or iflag & termios.IXON):
        return
    chars = list(chars)
    # Without ICANON a read waits for VMIN bytes, VTIME tenths apart: one
    # byte, no timer, as Textual sets them (VMIN shares VEOF's slot on some
    # systems, so it held ctrl+d's 4 there).
    chars[termios.VMIN], chars[termios.VTIME] = 1, 0
    quiet = [iflag & ~termios.IXON, oflag, cflag, lflag & ~_LINE_EDITING, ispeed, ospeed, chars]
    _restore_on_quit(fd, before)  # first: the echo may go off any instant now
    _FOUND[:] = [before]
    try:
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
    except (termios.error, OSError):
        return
    atexit.register(_restore, fd, before)


# The terminal's settings as launch found them, once quiet_until_raw changed them.
_FOUND: list[list[Any]] = []


def settings_found() -> list[Any] | None:
    """The terminal's settings before quiet_until_raw turned its echo off;
    None if it did not. Textual gives back those it finds when it starts,
    these quiet ones, on ctrl+z too (tui/shell_settings.py)."""
    return _FOUND[0] if _FOUND else None


def _restore(fd: int, before: list[Any]) -> None:
    # The terminal may be gone (a hung-up ssh session): nothing to give back.
    with contextlib.suppress(termios.error, OSError):
        termios.tcsetattr(fd, termios.TCSADRAIN, before)


def _restore_on_quit(fd: int, before: list[Any]) -> None:
    """ctrl+\\ before the app is raw sends SIGQUIT, and `kill` SIGTERM, whose
    default actions end the process without its exit handlers: the shell got
    its terminal back with no echo. Now the settings are given back first,
    then the signal is raised again, so the process still ends by it (as a
    shell expects). A signal the caller ignores, or handles, is left as it is."""

    def quit_(signum: int, frame: FrameType | None) -> None:
        _restore(fd, before)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for ending in ENDING_SIGNALS:
        with contextlib.suppress(ValueError):  # not the main thread: no handler to set
            if signal.getsignal(ending) is signal.SIG_DFL:
                signal.signal(ending, quit_)
