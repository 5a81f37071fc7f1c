"""The diagnostic log file: what a support desk asks for when something went wrong.

Warnings, errors with their tracebacks, and one line per sync-log entry go to a
rotating file in the profile's log directory. Every record passes the redaction
filter first, so no token or secret reaches the file.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
from logging.handlers import RotatingFileHandler

from vismadesk.i18n import _
from vismadesk.profile import Profile
from vismadesk.redact import RedactingFilter

MAX_BYTES = 2_000_000
BACKUPS = 3
_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"


class _DiagnosticHandler(RotatingFileHandler):
    """Ours, so a second start (a new profile in the same process) replaces it."""

    def _open(self) -> io.TextIOWrapper:
        # The file holds customer names and work orders: readable by the user only,
        # each new one after a rollover too, whatever the umask says.
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with contextlib.suppress(OSError):
            os.chmod(self.baseFilename, 0o600)
        return io.TextIOWrapper(
            io.FileIO(fd, "a"), encoding=self.encoding, errors=self.errors, write_through=False
        )


def start_file_log(profile: Profile) -> logging.Handler | None:
    """Start writing the diagnostic log; None (and a line on stderr) when its folder
    cannot be written: vismadesk works without it."""
    try:
        profile.log_dir.mkdir(parents=True, exist_ok=True)
        os.close(os.open(profile.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    except OSError as e:
        print(
            _("warning: the diagnostic log {path} cannot be written ({problem}).").format(
                path=profile.log_path, problem=e.strerror or type(e).__name__
            ),
            file=sys.stderr,
        )
        return None
    handler = _DiagnosticHandler(
        profile.log_path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _DiagnosticHandler)]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    logging.getLogger("vismadesk").setLevel(logging.INFO)
    # httpx logs every request at INFO, with query strings; only its problems matter here.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return handler


def stop_file_log() -> None:
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _DiagnosticHandler)]:
        root.removeHandler(old)
        old.close()
