"""A job written in many transactions takes turns at SQLite's write lock
with teammates (repository/fair_turns.py). Specification: once an engine
has held the lock for its budget across closely following writes, it
pauses longer than a waiting connection's longest sleep before the next;
a gap as long counts as a pause; and a teammate who asks for the lock
during a chunked bulk move gets it before the move ends, where it used to
wait for the whole move."""

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from leadtui.domain.models import Stage, build_draft
from leadtui.repository import Repository, fair_turns, moves_set
from leadtui.repository.fair_turns import HOLD_BUDGET, PAUSE, FairTurns


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def write(turns: FairTurns, fake: FakeTime, holding: float, then_idle: float) -> None:
    with turns.turn():
        fake.now += holding
    fake.now += then_idle


def test_writes_that_follow_closely_pause_once_they_have_held_the_budget() -> None:
    fake = FakeTime()
    turns = FairTurns(fake.clock, fake.sleep)
    write(turns, fake, holding=HOLD_BUDGET / 2, then_idle=0.001)
    write(turns, fake, holding=HOLD_BUDGET / 2, then_idle=0.001)
    assert fake.slept == []  # half the budget held when the second began
    write(turns, fake, holding=0.01, then_idle=0.0)
    assert fake.slept == [pytest.approx(PAUSE - 0.001)]
    # The pause started the count afresh.
    write(turns, fake, holding=0.01, then_idle=0.0)
    assert len(fake.slept) == 1


def test_a_gap_as_long_as_the_pause_lets_waiters_in_by_itself() -> None:
    fake = FakeTime()
    turns = FairTurns(fake.clock, fake.sleep)
    for _ in range(10):  # a rep's writes, each longer than the budget, seconds apart
        write(turns, fake, holding=HOLD_BUDGET * 2, then_idle=PAUSE)
    assert fake.slept == []


def test_a_failed_write_counts_the_time_it_held_the_lock() -> None:
    fake = FakeTime()
    turns = FairTurns(fake.clock, fake.sleep)
    with pytest.raises(RuntimeError), turns.turn():
        fake.now += HOLD_BUDGET
        raise RuntimeError("rolled back")
    write(turns, fake, holding=0.01, then_idle=0.0)
    assert fake.slept == [pytest.approx(PAUSE)]


@pytest.mark.slow
def test_a_teammate_waiting_during_a_bulk_move_gets_the_lock_before_it_ends(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five transactions of five leads, each holding the lock 200 ms (one
    of 5,000 holds it 400 ms) and pausing after (a budget of none): the
    teammate starts asking inside the first and writes after it, or the
    second on a loaded machine. Without the pause it waited for all five
    in five runs of six (SQLite's lock goes to whoever asks first once it
    is free, and a waiter sleeps up to 100 ms between tries)."""
    ids = [repo.add_lead(build_draft(name=f"Lead {n}", source="website")) for n in range(25)]
    monkeypatch.setattr(moves_set, "CHUNK", 5)
    monkeypatch.setattr(fair_turns, "HOLD_BUDGET", 0.0)
    seen_lost: list[int] = []
    asking = threading.Event()

    def teammate(path: Path) -> None:
        with sqlite3.connect(path, isolation_level=None, timeout=10) as db:
            asking.set()
            db.execute("BEGIN IMMEDIATE")
            (lost,) = db.execute("SELECT count(*) FROM leads WHERE stage = 'lost'").fetchone()
            seen_lost.append(lost)
            db.execute("COMMIT")
        db.close()

    thread = threading.Thread(target=teammate, args=(repo.path,))
    rescore = moves_set.rescore_moved

    def start_the_teammate_in_the_first_chunk(*args: object, **kwargs: object) -> None:
        if not thread.is_alive() and not seen_lost:
            thread.start()
            asking.wait()
        time.sleep(0.2)  # a bigger chunk's work, the lock held
        rescore(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(moves_set, "rescore_moved", start_the_teammate_in_the_first_chunk)
    moved = repo.move_count("lose", [(lead_id, Stage.NEW) for lead_id in ids], reason="budget")
    thread.join()
    assert moved == 25
    assert seen_lost in ([5], [10])
