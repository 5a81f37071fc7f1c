"""What every run shares: its hooks, progress, result, and the run log that writes entries.

A run writes each entry to the store first and only then reports it, so the
window and the command line show exactly what is kept, with its id. An export
stores its entries in batches (`RunLog(batched=True)`, log_writer.py) and closes
its log before it ends.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

from vismadesk import messages
from vismadesk.domain import Action, ExitCode, Level, LogEntry
from vismadesk.engine.log_writer import LogWriter
from vismadesk.errors import AppError
from vismadesk.store import RunBusy, RunHolder, StoreAPI

# Each sync-log entry also goes to the diagnostic log file (when one is open).
_log = logging.getLogger("vismadesk.runs")
_LOG_LEVELS = {
    Level.INFO: logging.INFO,
    Level.SUCCESS: logging.INFO,
    Level.WARNING: logging.WARNING,
    Level.ERROR: logging.ERROR,
}


@dataclass(frozen=True, slots=True)
class Progress:
    action: Action
    done: int
    total: int
    failed: int
    current: str | None = None


@dataclass(slots=True)
class RunResult:
    run_id: str
    action: Action
    total: int = 0
    succeeded: int = 0
    failed: int = 0
    cancelled: bool = False
    exit_code: ExitCode = ExitCode.OK


LogCallback = Callable[[LogEntry], None]
ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True, slots=True)
class RunHooks:
    """How a run talks to whoever started it; every engine entry point takes one.

    Both callbacks are called on worker threads, often several at once. A run
    stops starting new work once `cancel` is set and finishes what is under way.
    """

    on_log: LogCallback | None = None
    on_progress: ProgressCallback | None = None
    cancel: threading.Event = field(default_factory=threading.Event)


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


class RunLog:
    """Writes a run's log entries in the catalogue's words and reports each one."""

    def __init__(
        self,
        store: StoreAPI,
        action: Action,
        run_id: str,
        on_log: LogCallback | None = None,
        *,
        batched: bool = False,
    ) -> None:
        self.store = store
        self.action = action
        self.run_id = run_id
        self._on_log = on_log
        self._lock = threading.Lock()
        self.errors = 0
        self._writer = LogWriter(store, self._report) if batched else None

    def close(self) -> None:
        """Store what is still waiting (batched); the entries are all kept after this."""
        if self._writer is not None:
            self._writer.close()

    def emit(
        self,
        message: messages.Message,
        *,
        level: Level | None = None,
        details: dict[str, Any] | None = None,
        work_order: str | None = None,
        record: str | None = None,
        **values: object,
    ) -> LogEntry:
        if work_order is not None and "work_order" in message.fields:
            values.setdefault("work_order", work_order)
        entry = LogEntry(
            action=self.action,
            level=level or message.level,
            summary=message.render(**values),
            details={"hint": message.hint, **(details or {})},
            work_order=work_order,
            record=record,
            run_id=self.run_id,
            code=message.code,
            params=dict(values),
        )
        return self._write(entry)

    def error(
        self,
        err: AppError,
        *,
        work_order: str | None = None,
        record: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> LogEntry:
        entry = LogEntry(
            action=self.action,
            level=messages.get(err.code).level,
            summary=err.message,
            details={"hint": err.hint, **err.details, **(details or {})},
            work_order=work_order,
            record=record,
            run_id=self.run_id,
            code=err.code,
            params=dict(err.values),
        )
        return self._write(entry)

    def cancelled(self, *, done: int, total: int) -> LogEntry:
        """The run stopped on the cancel event after `done` of `total`."""
        name = messages.ACTION_NAMES[self.action]
        return self.emit(messages.RUN_CANCELLED, action=name, done=done, total=total)

    def _write(self, entry: LogEntry) -> LogEntry:
        with self._lock:
            if entry.level is Level.ERROR:
                self.errors += 1
        if self._writer is not None:
            # Stored (and given its id) a moment later, then reported.
            self._writer.put(entry)
            return entry
        self._report(self.store.add_log(entry))
        return entry

    def _report(self, stored: LogEntry) -> None:
        _log.log(
            _LOG_LEVELS[stored.level],
            "%s run %s%s: %s",
            stored.action.value,
            stored.run_id,
            f" work order {stored.work_order}" if stored.work_order else "",
            stored.summary,
        )
        if self._on_log is not None:
            self._on_log(stored)


class ProgressReporter:
    """Counts done / failed across worker threads and reports each change."""

    def __init__(self, action: Action, total: int, on_progress: ProgressCallback | None) -> None:
        self.action = action
        self.total = total
        self.done = 0
        self.failed = 0
        self._cb = on_progress
        self._lock = threading.RLock()

    def start(self) -> None:
        self._report(None)

    def step(self, current: str | None, *, failed: bool = False) -> None:
        # Counted and reported under one lock: steps come from several worker threads,
        # and a report overtaken by an older one would leave the count behind.
        with self._lock:
            self.done += 1
            if failed:
                self.failed += 1
            self._report(current)

    def _report(self, current: str | None) -> None:
        if self._cb is not None:
            with self._lock:
                p = Progress(self.action, self.done, self.total, self.failed, current)
                self._cb(p)


def exclusive(
    store: StoreAPI,
    log: RunLog,
    wait_s: float,
    body: Callable[[], RunResult],
) -> RunResult:
    """Run `body` holding the profile's run lock; when another run holds it (past
    `wait_s` seconds), say which and since when, and end with ExitCode.CONFIG."""
    try:
        with store.hold_run(log.action, wait_s=wait_s):
            return body()
    except RunBusy as e:
        refuse_busy(log, e)
        return RunResult(log.run_id, log.action, exit_code=ExitCode.CONFIG)


def refuse_busy(log: RunLog, err: RunBusy) -> LogEntry:
    holder = err.holder
    if holder is None:
        return log.emit(messages.RUN_BUSY_UNKNOWN)
    return log.emit(
        messages.RUN_BUSY,
        details={
            "action": holder.action.value,
            "since": holder.since.isoformat(),
            "pid": holder.pid,
            "host": holder.host,
            "profile": holder.profile,
        },
        **holder_values(holder),
    )


class HolderValues(TypedDict):
    action: str
    since: str
    pid: str
    host: str


def holder_values(holder: RunHolder) -> HolderValues:
    """The run lock's holder in a message's words: what, since when, which process."""
    return {
        "action": messages.ACTION_NAMES[holder.action],
        "since": holder.since.isoformat(),  # shown as the language writes it
        "pid": str(holder.pid),
        "host": holder.host,
    }
