"""One connection for several reads in a row, in one thread.

A screen's re-read is several short reads (the board's six columns and
its totals are eight): on one connection they take it from the kept ones
(sqlite_pool.py) once, and the reads of a PostgreSQL console borrow once
from its pool."""

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any


class ReadPin:
    """Within `pinned()`, every read of this thread uses the one connection
    it took; outside, each read takes its own, as before. Reads only:
    writes always take a transaction on a connection of their own."""

    def __init__(self, connect: Callable[[], AbstractContextManager[Any]]) -> None:
        self._connect = connect
        self._local = threading.local()

    def connection(self) -> AbstractContextManager[Any]:
        pinned = getattr(self._local, "db", None)
        return nullcontext(pinned) if pinned is not None else self._connect()

    @contextmanager
    def pinned(self) -> Iterator[None]:
        if getattr(self._local, "db", None) is not None:
            yield  # already pinned further up this thread's stack
            return
        with self._connect() as db:
            self._local.db = db
            try:
                yield
            finally:
                self._local.db = None
