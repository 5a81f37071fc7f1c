"""`vismadesk export --summary-json PATH`: what a run did, for a monitoring tool.

Written when the command ends, whatever the ending (a sign-in that failed, another
run holding the profile, Ctrl-C), atomically: a tool reading the file while a run
writes it sees the previous summary or the new one, never half of one.

    {"command": "export", "exit_code": 1, "result": "some_failed",
     "started": "2026-12-03T02:30:00+00:00", "ended": "...", "run_id": "…",
     "total": 12, "exported": 9, "failed": 2, "skipped": 1, "not_started": 0,
     "cancelled": false, "errors": [{"time", "code", "work_order", "message"}, ...],
     "warnings": [...]}
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

from vismadesk import __version__
from vismadesk.atomic import write_text_atomically
from vismadesk.domain import ExitCode, Level, LogEntry
from vismadesk.engine.runs import RunResult

# The run's closing entry carries its counts (`ExportRun._summarise`).
_CLOSING = ("export_done", "export_had_errors", "export_incomplete", "export_cancelled")
RESULT_NAMES = {ExitCode.OK: "ok", ExitCode.SOME_FAILED: "some_failed", ExitCode.CONFIG: "config"}
INTERRUPTED = 130  # the shell's exit status for a run stopped with Ctrl-C


class RunSummary:
    def __init__(self, path: Path, command: str) -> None:
        self.path = path
        self.command = command
        self.started = dt.datetime.now(dt.UTC)
        self.result: RunResult | None = None
        self._entries: list[LogEntry] = []
        self._lock = threading.Lock()

    def observe(self, entry: LogEntry) -> None:
        """Called for every log entry the command shows (from the run's threads)."""
        if entry.level in (Level.ERROR, Level.WARNING) or entry.code in _CLOSING:
            with self._lock:
                self._entries.append(entry)

    def as_json(self, exit_code: int) -> dict[str, Any]:
        r = self.result
        with self._lock:
            entries = list(self._entries)
        closing = next((e for e in reversed(entries) if e.code in _CLOSING), None)
        counts = dict(closing.params or {}) if closing is not None else {}
        exported = r.succeeded if r is not None else 0
        skipped = int(counts.get("skipped", 0))
        return {
            "command": self.command,
            "version": __version__,
            "exit_code": exit_code,
            "result": _result_name(exit_code),
            "started": self.started.isoformat(timespec="seconds"),
            "ended": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "run_id": r.run_id if r is not None else None,
            "total": r.total if r is not None else 0,
            "exported": exported,
            "failed": max(0, (r.failed if r is not None else 0) - skipped),
            "skipped": skipped,
            "not_started": int(counts.get("not_started", 0)),
            "cancelled": bool(r.cancelled) if r is not None else exit_code == INTERRUPTED,
            "errors": [_entry(e) for e in entries if e.level is Level.ERROR],
            "warnings": [_entry(e) for e in entries if e.level is Level.WARNING],
        }

    def write(self, exit_code: int) -> None:
        write_text_atomically(self.path, json.dumps(self.as_json(exit_code), indent=2) + "\n")


def _result_name(exit_code: int) -> str:
    if exit_code == INTERRUPTED:
        return "interrupted"
    try:
        return RESULT_NAMES[ExitCode(exit_code)]
    except ValueError:
        return "unknown"


def _entry(e: LogEntry) -> dict[str, Any]:
    return {
        "time": e.time.isoformat(timespec="seconds"),
        "code": e.code,
        "work_order": e.work_order,
        "message": e.summary,
    }
