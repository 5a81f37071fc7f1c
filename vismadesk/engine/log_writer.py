"""A run's log entries stored in batches by one thread of their own.

One transaction per entry cost an export about a quarter of a millisecond of CPU per
work order, most of it the full-text index: SQLite's FTS5 writes a new index segment
per transaction (and merges them later), so entries stored together share one. The
run's threads hand their entries over and go on; the writer stores what has gathered
a moment later (`GATHER_S`, or sooner once `MAX_BATCH` wait) and only then reports
each entry (`on_stored`), so whoever shows them shows what is kept, with its id.
`close` stores what is left before the run ends.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from vismadesk.domain import LogEntry
from vismadesk.store import StoreAPI

# How long the first entry of a batch waits for others: short enough that the window's
# live log still looks immediate, long enough for an export's threads to add a few.
GATHER_S = 0.05
MAX_BATCH = 200


class LogWriter:
    def __init__(self, store: StoreAPI, on_stored: Callable[[LogEntry], None]) -> None:
        self._store = store
        self._on_stored = on_stored
        self._pending: list[LogEntry] = []
        self._cond = threading.Condition()
        self._closing = False
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._loop, name="run-log-writer", daemon=True)
        self._thread.start()

    def put(self, entry: LogEntry) -> None:
        with self._cond:
            self._raise_failure()
            if self._closing:
                raise RuntimeError("the run's log is closed")
            self._pending.append(entry)
            if len(self._pending) == 1 or len(self._pending) >= MAX_BATCH:
                self._cond.notify()

    def close(self) -> None:
        """Store every entry handed over, then stop; raises what storing raised."""
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._thread.join()
        with self._cond:
            self._raise_failure()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            raise failure

    def _take(self) -> list[LogEntry] | None:
        with self._cond:
            while not self._pending and not self._closing:
                self._cond.wait()
            if not self._pending:
                return None  # closing, and nothing left
            if not self._closing and len(self._pending) < MAX_BATCH:
                self._cond.wait_for(
                    lambda: self._closing or len(self._pending) >= MAX_BATCH, GATHER_S
                )
            batch, self._pending = self._pending, []
            return batch

    def _loop(self) -> None:
        while (batch := self._take()) is not None:
            try:
                self._store.add_logs(batch)
                for entry in batch:
                    self._on_stored(entry)
            except BaseException as e:  # handed to the run's next put or close
                with self._cond:
                    self._failure = self._failure or e
