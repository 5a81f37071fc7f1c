"""One live log for the team: LISTEN on the log's channel, tell the subscribers.

Every log write notifies `vismadesk_log` when it commits (schema.py), from whichever
console wrote it. One thread per store listens on a connection of its own and calls
each subscriber, which then reads what is new the way it always does (`log_since`).
A lost connection is opened again; subscribers are called each time it (re)starts
listening, since notices sent before that are gone.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

import psycopg

from vismadesk.store.api import LogListener, Unsubscribe
from vismadesk.store.errors import StoreError
from vismadesk.store.postgres.schema import LOG_CHANNEL

_log = logging.getLogger("vismadesk.store")
# How often the thread looks up from waiting to see whether it should stop.
_WAKE_S = 0.5
_RETRY_S = (0.5, 1, 2, 5, 10)


class LogNotices:
    def __init__(self, connect: Callable[[], psycopg.Connection]) -> None:
        self._connect = connect
        self._listeners: list[LogListener] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Set once the thread is listening: notices from then on reach the subscribers.
        self.listening = threading.Event()

    def subscribe(self, callback: LogListener, wait_s: float = 5.0) -> Unsubscribe:
        """From the moment this returns, every log write is heard (the listening
        connection is waited for, up to `wait_s`; a server that is slow to answer
        still gets its listener, and the subscriber is called once it is there)."""
        with self._lock:
            self._listeners.append(callback)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="vismadesk-log-listener", daemon=True
                )
                self._thread.start()
        self.listening.wait(wait_s)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(callback)

        return unsubscribe

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _tell(self) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for cb in listeners:
            try:
                cb()
            except Exception:  # one broken subscriber must not silence the others
                _log.exception("a log subscriber failed")

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                with self._connect() as conn:
                    conn.execute(f"LISTEN {LOG_CHANNEL}")
                    self.listening.set()
                    # Whatever was written before we listened (or while we were
                    # away): the subscribers look, and find nothing or catch up.
                    self._tell()
                    failures = 0
                    while not self._stop.is_set():
                        seen = False
                        for _notice in conn.notifies(timeout=_WAKE_S):
                            seen = True
                            break
                        if seen:
                            # Drain what else is queued: a burst becomes one call.
                            for _notice in conn.notifies(timeout=0):
                                pass
                            self._tell()
            except (psycopg.Error, StoreError) as e:
                # StoreError: the server out of reach (our connect says so); keep
                # trying, so the live log comes back with the server.
                self.listening.clear()
                delay = _RETRY_S[min(failures, len(_RETRY_S) - 1)]
                failures += 1
                _log.warning("live log connection lost (%s); again in %s s", e, delay)
                self._stop.wait(delay)
