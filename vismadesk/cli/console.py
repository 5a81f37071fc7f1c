"""How a headless run shows its log and progress: a progress bar on a terminal,
plain lines otherwise (cron mail, a log file)."""

from __future__ import annotations

import threading
from typing import TextIO

from vismadesk.domain import Level, LogEntry
from vismadesk.engine.runs import Progress
from vismadesk.redact import redact


class Console:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self._lock = threading.Lock()
        self._bar = ""

    def log(self, e: LogEntry) -> None:
        local = e.time.astimezone().strftime("%H:%M:%S")
        line = f"{local}  {e.level.value:<7}  {e.summary}"
        if e.level is Level.ERROR and e.details.get("hint"):
            line += f"\n          fix: {e.details['hint']}"
        with self._lock:
            if self.tty and self._bar:
                self.out.write("\r\x1b[2K")
            self.out.write(redact(line) + "\n")
            if self.tty and self._bar:
                self.out.write(self._bar)
            self.out.flush()

    def progress(self, p: Progress) -> None:
        if not self.tty or not p.total:
            return
        width = 30
        filled = int(width * p.done / p.total)
        bar = f"[{'#' * filled}{'.' * (width - filled)}] {p.done}/{p.total}"
        if p.failed:
            bar += f"  {p.failed} failed"
        if p.current:
            bar += f"  {p.current}"
        with self._lock:
            self._bar = bar
            self.out.write("\r\x1b[2K" + bar)
            self.out.flush()

    def close(self) -> None:
        with self._lock:
            if self.tty and self._bar:
                self.out.write("\r\x1b[2K")
                self.out.flush()
            self._bar = ""
