"""What every command's parameters and errors share: the lead id type, and
turning any error into the one line the README promises.

Every failure exits 1 with one line on stderr, `Error: ...`: a command line
click cannot parse (which click would answer with its usage block and exit
2) as much as bad data or an unusable file, so a script needs one check.
"""

import errno
import os
import re
import sys
from pathlib import Path

import click
from click.exceptions import NoArgsIsHelpError

from leadtui.domain.sanitize import clean_line, clean_typed, escape_unsafe
from leadtui.domain.search import MAX_LEAD_ID

EXIT_ERROR = 1
# Write errors worth naming as such when the OSError names no file (a write
# to stdout, or to a file object opened earlier).
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS, errno.EACCES}


class LeadId(click.ParamType[int]):
    """A lead's id: a whole number from 1 to 2**63 - 1."""

    name = "id"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not text.isascii() or not text.isdigit():
                self.fail(f"{text[:30]!r} is not a lead id (a whole number)", param, ctx)
            number = int(text[:30]) if len(text) <= 30 else MAX_LEAD_ID + 1
        if not 1 <= number <= MAX_LEAD_ID:
            shown = str(value).strip()
            shown = shown if len(shown) <= 30 else shown[:27] + "…"
            self.fail(f"{shown} is not a lead id (1 to {MAX_LEAD_ID})", param, ctx)
        return number


LEAD_ID = LeadId()


class FilePath(click.Path):
    """A file's name (click.Path, no directory): an empty one ("" from an
    unset shell variable) is refused here, where click would make it '.',
    the current directory, and a command would then misname it."""

    def convert(
        self,
        value: str | os.PathLike[str],
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> str | bytes | os.PathLike[str]:
        if isinstance(value, str) and not value.strip():
            self.fail("an empty file name", param, ctx)
        return super().convert(value, param, ctx)


FILE = FilePath(dir_okay=False, path_type=Path)


def at_terminal() -> bool:
    """Whether someone can answer a question: stdin is a terminal."""
    return sys.stdin.isatty()


def confirm(question: str, needs_yes: str) -> None:
    """Ask QUESTION at a terminal and go on only on yes. Elsewhere (a script,
    cron, a pipe) nobody can answer: refuse in one line, NEEDS_YES, which
    names --yes, rather than prompt into nothing (click would print its bare
    "Aborted!"). A no, or ctrl+d, at the prompt changes nothing, and says so."""
    if not at_terminal():
        raise OneLineError(needs_yes)
    try:
        # The question names leads, whose text another program may have stored.
        answered_yes = click.confirm(escape_unsafe(question), err=True)
    except click.Abort:  # ctrl+d or ctrl+c at the prompt, whose line stays open
        click.echo("", err=True)
        answered_yes = False
    if not answered_yes:
        raise OneLineError("nothing changed: not confirmed")


def not_blank(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An option given an empty value ("" from an unset shell variable) is
    refused: read as no option it would answer for everyone (list --owner
    "" listed every lead), read as itself for no one (kpi --owner "" gave
    the team's zeros)."""
    if value is not None and not clean_line(value):
        raise click.BadParameter("an empty value (leave the option out instead)")
    return value


def owner_name(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An --owner filter as owners are stored (one clean line, no edge
    spaces), so "anna " finds anna's leads instead of none."""
    value = not_blank(ctx, param, value)
    return None if value is None else clean_line(value)


def printable(text: str) -> str:
    """One line, with no control characters a terminal would act on: a
    newline or an escape sequence in a value is shown, escaped, not run."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def shown_path(path: object) -> str:
    """A file name as a line of output shows it. A name may hold an escape
    sequence, a BEL or a newline ("x\\x1b[31m.csv"), which the terminal would
    run: whole sequences and control characters are dropped, as the
    sanitiser does for lead text. Only for showing: files are opened by
    their real names. (Error lines escape them instead: see printable.)"""
    return clean_line(clean_typed(str(path)))


class OneLineError(click.ClickException):
    """Shown by click as `Error: MESSAGE`, one line, exit 1."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(printable(message))


_CHOICE_LAYOUT = re.compile(r"([:,])\n\t")


def usage_line(error: click.UsageError) -> OneLineError:
    """click's usage block (usage, hint, blank line, error) as one line:
    `Error: Invalid value for '--since': ... (try 'leadtui kpi --help')`."""
    ctx = error.ctx
    # click lays a list of choices out on lines of their own ("Choose
    # from:\n\temail,\n\tcall"): one line reads them as a list.
    message = _CHOICE_LAYOUT.sub(r"\1 ", error.format_message())
    if isinstance(error, NoArgsIsHelpError) and ctx is not None:
        group = ctx.command
        names = group.list_commands(ctx) if isinstance(group, click.Group) else []
        message = f"Missing command: one of {', '.join(names)}"
    hint = f" (try '{ctx.command_path} --help')" if ctx is not None else ""
    return OneLineError(f"{message.rstrip('.')}{hint}")


def os_error_line(error: OSError) -> OneLineError:
    """An OSError that reached the edge, as one line naming the file."""
    reason = error.strerror or str(error)
    if error.filename is not None:
        return OneLineError(f"{error.filename}: {reason}")
    if error.errno in _WRITE_ERRNOS:
        return OneLineError(f"cannot write the output: {reason}")
    return OneLineError(reason)


def flush_stdout() -> None:
    """Write out what the command printed while its errors can still be
    caught: a full disk under a redirected stdout shows here, not as
    Python's complaint at exit."""
    sys.stdout.flush()


def silence_stdout() -> None:
    """After a failed write, make sure stdout can be flushed at exit: what
    it still holds goes to /dev/null if it cannot go where it was meant to."""
    try:
        sys.stdout.flush()
    except OSError:
        try:
            fd = sys.stdout.fileno()
        except (AttributeError, OSError, ValueError):
            return  # not a real file (a test's capture): nothing flushes it at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
