"""A demo build killed with -9 leaves its build file and its workers; the
workers end by themselves, and the next build of that file removes the file."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadtui.cli.root import main
from leadtui.demo import unfinished_builds
from leadtui.demo.leftovers import building

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            # "pid (name) state ppid ...": the name may hold spaces.
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@linux_only
def test_a_build_killed_with_9_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    target = tmp_path / "big.db"
    # Three batches, so worker processes make them while the parent writes.
    build = subprocess.Popen(
        [sys.executable, "-m", "leadtui", "demo", "--db", str(target), "--leads", "150000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        wait_for(lambda: bool(unfinished_builds(target)), 60, "the build file")
        wait_for(lambda: bool(children(build.pid)), 60, "the worker processes")
        workers = children(build.pid)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=30)
        assert unfinished_builds(target), "the killed build left its file"
        # The workers notice their parent is gone and end within a second.
        wait_for(lambda: not any(alive(pid) for pid in workers), 20, "the workers to end")
        leftover = unfinished_builds(target)[0]

        result = CliRunner().invoke(main, ["demo", "--db", str(target), "--leads", "10"])
        assert result.exit_code == 0, result.output
        assert f"removed {leftover}, left by a build that was killed" in result.stderr
        assert unfinished_builds(target) == []
        assert "wrote 10 leads" in result.stdout and target.exists()
    finally:
        for pid in [build.pid, *workers]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)  # only what this test started
        build.wait(timeout=30)


def test_the_file_of_a_build_still_running_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "x.db"
    live = tmp_path / ".x.db.abcd1234.building"
    removed: list[Path] = []
    with building(target):  # a build running in this folder
        live.write_bytes(b"rows")
        with building(target, removed.append):  # another build starts meanwhile
            pass
        assert removed == [] and live.exists()
    with building(target, removed.append):  # the first one is gone (killed)
        pass
    assert removed == [live] and not live.exists()


def test_only_the_build_files_of_that_name_are_removed(tmp_path: Path) -> None:
    mine = tmp_path / ".x.db.abcd1234.building"
    other = tmp_path / ".y.db.abcd1234.building"
    kept = tmp_path / ".x.db.notes"
    for path in (mine, other, kept):
        path.write_bytes(b"")
    with building(tmp_path / "x.db"):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == [kept.name, other.name]
