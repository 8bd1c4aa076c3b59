"""Taking turns at SQLite's write lock, so that a long job written in many
transactions (a bulk move and its undo, a reassignment, a full rescore)
does not keep a teammate's save waiting until it ends.

SQLite gives the write lock to whoever asks first once it is free, and a
connection waiting for it sleeps between tries, up to 100 ms at a time
(its busy handler: 1, 2, 5, ... 50, 100, 100 ms). A writer that commits and
begins again within microseconds takes the lock back before a sleeping
waiter wakes. Measured (bench.bulk_move's probe, 100k leads): a teammate's
save waited 4.5 s, the whole of a 4.6 s bulk loss of 55,000 leads in eleven
transactions; with a pause of 0.1 s between them, 0.63 s at most. With the
10 s busy timeout, a longer job would have failed the save with "busy".

So an engine that has held the lock for HOLD_BUDGET across writes that
follow each other closely pauses before its next one, a little longer than
a waiter's longest sleep, and a waiter wakes inside the pause. A rep's own
writes, seconds apart, never pause. PostgreSQL needs none of this: its
advisory lock queues its waiters in order.
"""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Longer than the busy handler's longest sleep (100 ms), with room for a
# loaded machine waking the waiter late.
PAUSE = 0.12
# Lock time one engine may take across closely following writes before it
# pauses: a teammate's save then waits for about this, one transaction and
# the pause at most.
HOLD_BUDGET = 0.5


class FairTurns:
    """One engine's turns at the write lock (shared by its threads)."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._guard = threading.Lock()
        self._held = 0.0  # lock time since the last pause (or a gap as long)
        self._ended = float("-inf")  # when the last write ended

    def _wait_before_writing(self) -> float:
        with self._guard:
            since = self._clock() - self._ended
            if since >= PAUSE:  # a waiter has had its chance already
                self._held = 0.0
                return 0.0
            if self._held < HOLD_BUDGET:
                return 0.0
            self._held = 0.0
            return PAUSE - since

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Around one write transaction: pause first if it is due."""
        if wait := self._wait_before_writing():
            self._sleep(wait)
        began = self._clock()
        try:
            yield
        finally:
            with self._guard:
                self._ended = self._clock()
                self._held += self._ended - began
