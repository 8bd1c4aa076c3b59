"""What a killed demo build leaves behind, and clearing it on the next run.

A build writes `.NAME.XXXX.building` beside NAME and links it into place at
the end; an ordinary failure removes it, but a build killed outright (kill
-9, a power cut) cannot. So every build holds a shared lock on its folder
while it runs, and the next build into that folder, finding no build
running there, removes such files first. Its worker processes end with it.
"""

import glob
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_PARENT_POLL_SECONDS = 0.5


def unfinished_builds(path: Path) -> list[Path]:
    """Every build file for `path` in its folder, live or not."""
    pattern = f".{glob.escape(path.name)}.*.building"
    return sorted(path.parent.glob(pattern)) if path.parent.is_dir() else []


@contextmanager
def building(path: Path, on_removed: Callable[[Path], None] | None = None) -> Iterator[None]:
    """Hold for the whole build of `path`. If no other build is running in
    its folder, the build files earlier builds left there are removed first
    (each passed to `on_removed`); then a shared lock on the folder tells
    later builds that this one is running. The lock goes with the process,
    however it ends. Where the OS has no flock, nothing is removed."""
    try:
        import fcntl
    except ImportError:  # not a POSIX system
        yield
        return
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        yield  # no such folder: the build itself says so
        return
    try:
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # another build is running here: its file is not a leftover
        else:
            for leftover in unfinished_builds(path):
                leftover.unlink(missing_ok=True)
                if on_removed:
                    on_removed(leftover)
        fcntl.flock(folder, fcntl.LOCK_SH)
        yield
    finally:
        os.close(folder)


def exit_with_parent(parent: int) -> None:
    """Run in each worker process: end it when the build that started it is
    gone. A killed parent cannot stop its workers, and a worker blocked on
    the parent's queue would otherwise wait forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit with the build", daemon=True).start()
