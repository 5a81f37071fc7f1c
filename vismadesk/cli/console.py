"""How a headless run shows its log and progress: a progress bar on a terminal,
plain lines otherwise (cron mail, a log file)."""

from __future__ import annotations

import threading
from typing import TextIO

from vismadesk.domain import Level, LogEntry
from vismadesk.engine.runs import Progress
from vismadesk.i18n import _, format_time
from vismadesk.messages import shown_hint, shown_summary
from vismadesk.printable import printable
from vismadesk.redact import redact


class Console:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self._lock = threading.Lock()
        self._bar = ""

    def log(self, e: LogEntry) -> None:
        local = format_time(e.time, seconds=True)
        # Masked, then escaped: a code's own newline or escape must not reach the
        # terminal (the line break before "fix:" is ours).
        summary = printable(redact(shown_summary(e.code, e.params, e.summary)))
        line = f"{local}  {e.level.value:<7}  {summary}"
        if e.level is Level.ERROR:
            fix = cli_fix(e)
            if fix:
                # TRANSLATORS: the start of the line under an error that says how to fix it.
                label = _("fix:")
                line += f"\n          {label} {printable(redact(fix))}"
        with self._lock:
            if self.tty and self._bar:
                self.out.write("\r\x1b[2K")
            self.out.write(line + "\n")
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
            bar += "  " + _("{failed} failed").format(failed=p.failed)
        if p.current:
            bar += f"  {printable(p.current)}"
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


def cli_fix(e: LogEntry) -> str:
    """How to fix an error from the command line: the commands, not the window's buttons."""
    values = {k: v for k, v in e.details.items() if k not in ("hint", "exchange")}
    values.update(e.params or {})
    if e.work_order:
        values.setdefault("work_order", e.work_order)
    stored = e.details.get("hint")
    return shown_hint(e.code, values, stored if isinstance(stored, str) else "", cli=True)
