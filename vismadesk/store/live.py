"""The SQLite store's `subscribe`: hear of log entries that any process wrote.

A file has no way to call out, so one thread per store looks at the newest log id
(max(id) on the primary key: next to nothing) every `poll_s` seconds and calls the
subscribers when it has grown: what the window's own timer did, now off its thread
and behind the same method the team store offers.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

from vismadesk.store.api import LogListener, Unsubscribe

_log = logging.getLogger("vismadesk.store")
POLL_S = 1.0


class LogPoller:
    def __init__(self, latest_id: Callable[[], int]) -> None:
        self._latest_id = latest_id
        self._listeners: list[tuple[LogListener, float]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = threading.Event()

    def subscribe(self, callback: LogListener, poll_s: float = POLL_S) -> Unsubscribe:
        item = (callback, max(0.01, poll_s))
        with self._lock:
            self._listeners.append(item)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="vismadesk-log-poller", daemon=True
                )
                self._thread.start()
        # The thread's first look is the baseline: what is written after subscribe()
        # returns is news. Read on the thread (its own connection, none on the caller's).
        self._started.wait(5)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(item)

        return unsubscribe

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _interval(self) -> float:
        with self._lock:
            return min((p for _cb, p in self._listeners), default=POLL_S)

    def _run(self) -> None:
        try:
            seen = self._latest_id()
        except Exception:  # closed under us, or the file went away: stop quietly
            return
        finally:
            self._started.set()
        while not self._stop.wait(self._interval()):
            try:
                latest = self._latest_id()
            except Exception:  # closed under us, or the file went away: stop quietly
                return
            if latest > seen:
                with self._lock:
                    listeners = [cb for cb, _p in self._listeners]
                for cb in listeners:
                    try:
                        cb()
                    except Exception:
                        _log.exception("a log subscriber failed")
            seen = max(seen, latest)
