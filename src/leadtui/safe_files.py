"""Writing the files leadtui hands to people (exports, history, rejected
rows, saved mappings): private, complete, and never through something that
is not a plain file.

- Every file is created 0600: an export holds the whole customer list.
- It is written to a temporary file beside the target and renamed over it
  once complete, so a reader never sees half a file and a failed write
  leaves the old one as it was.
- A symlink, FIFO, device, socket or directory at the target is refused,
  whoever runs it (root too) and whatever `replace` says: writing "through"
  a symlink planted in a shared directory, or blocking on a FIFO, is never
  what was meant.
- An existing regular file is replaced only when the caller says so
  (`replace`: `export --force`, or an import's own rejects file).
"""

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from leadtui.domain.errors import InvalidInput

PRIVATE_MODE = 0o600


def check_target(path: Path, *, replace: bool) -> None:
    """Raise InvalidInput (one line) unless `path` may be written: absent, or
    a regular file and `replace`. Call it for every target before writing
    any, so that a refusal leaves nothing half-done."""
    if not path.parent.is_dir():
        raise InvalidInput(f"cannot write {path}: directory {path.parent} does not exist")
    try:
        found = path.lstat()  # lstat: a symlink is judged itself, not its target
    except FileNotFoundError:
        return
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror}") from None
    if stat.S_ISLNK(found.st_mode):
        raise InvalidInput(f"cannot write {path}: it is a symbolic link; name a plain file")
    if not stat.S_ISREG(found.st_mode):
        raise InvalidInput(f"cannot write {path}: it is not a regular file (a FIFO, device...)")
    if not replace:
        raise InvalidInput(f"{path} already exists; pass --force to replace it")


def unused_name(path: Path) -> Path:
    """`path` if nothing is there, else the first of NAME-2.EXT, NAME-3.EXT…
    that is free: for a report leadtui writes on its own account (an
    import's rejects), which must neither replace an earlier one nor stop
    the work that made it."""
    candidate, number = path, 1
    while candidate.exists() or candidate.is_symlink():
        number += 1
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
    return candidate


@contextmanager
def private_file(path: Path, *, replace: bool, bom: bool = False) -> Iterator[IO[str]]:
    """A text stream (UTF-8, newlines as written) whose content becomes
    `path`, mode 0600, once the block ends without an error. With `bom` the
    file starts with UTF-8's byte-order mark: Excel, where a team opens a
    CSV, reads a file without one in the machine's legacy code page and
    shows every non-Latin name as mojibake."""
    check_target(path, replace=replace)
    try:
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror}") from None
    try:
        os.fchmod(handle, PRIVATE_MODE)  # mkstemp's 0600, said explicitly
        encoding = "utf-8-sig" if bom else "utf-8"
        with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
            yield stream
        # Checked again at the last moment: something may have appeared at
        # the target meanwhile. The rename replaces a name, never writes
        # through a link, so what is left is only whether to replace.
        check_target(path, replace=replace)
        Path(temp).replace(path)
    finally:
        Path(temp).unlink(missing_ok=True)


def write_private(path: Path, text: str, replace: bool) -> None:
    """`text` as the whole of `path`, by private_file."""
    with private_file(path, replace=replace) as stream:
        stream.write(text)
