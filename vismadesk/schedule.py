"""Schedule nightly export: the cron line (Linux, macOS) or the Task Scheduler command
(Windows) that runs `vismadesk export` every night, for a planner to paste or (on
Windows) to create.

The command it schedules writes a summary file (`--summary-json`) a monitoring tool
reads, and exits 0, 1 or 2 (see `ExitCode`). Standard library only: the window and the
command line both build it, and neither should wait for more to load.
"""

from __future__ import annotations

import datetime as dt
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

TASK_NAME = "vismadesk nightly export"
DEFAULT_AT = dt.time(2, 30)


@dataclass(frozen=True, slots=True)
class Schedule:
    windows: bool
    command: list[str]  # the `vismadesk export ...` it runs
    line: str  # the crontab line, or the schtasks command that creates the task
    summary_path: Path
    at: dt.time = DEFAULT_AT

    @property
    def create_args(self) -> list[str]:
        """schtasks' arguments (Windows only)."""
        return _schtasks(self.command, self.at) if self.windows else []


def vismadesk_command() -> list[str]:
    """How this vismadesk is started from a scheduler, which has no PATH of the user's."""
    if getattr(sys, "frozen", False):  # a built app: the executable is vismadesk
        return [sys.executable]
    found = shutil.which("vismadesk")
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", "vismadesk"]


def parse_time(text: str) -> dt.time:
    """HH:MM, 24-hour; ValueError names what was wrong."""
    try:
        hour, minute = (int(part) for part in text.strip().split(":"))
        return dt.time(hour, minute)
    except ValueError:
        raise ValueError(f"expected a time such as 02:30, got {text!r}") from None


def nightly(
    at: dt.time,
    *,
    profile_dir: Path | None,
    summary_path: Path,
    log_path: Path,
    windows: bool | None = None,
    exe: list[str] | None = None,
) -> Schedule:
    windows = sys.platform == "win32" if windows is None else windows
    command = [*(exe or vismadesk_command()), "export"]
    if profile_dir is not None:
        command += ["--profile", str(profile_dir)]
    command += ["--summary-json", str(summary_path)]
    if windows:
        line = subprocess.list2cmdline(["schtasks", *_schtasks(command, at)])
    else:
        # cron mails what a job prints unless it goes somewhere: into the log folder.
        line = (
            f"{at.minute} {at.hour} * * * {shlex.join(command)} "
            f">> {shlex.quote(str(log_path))} 2>&1"
        )
    return Schedule(windows, command, line, summary_path, at)


def _schtasks(command: list[str], at: dt.time) -> list[str]:
    return [
        "/Create",
        "/SC",
        "DAILY",
        "/ST",
        at.strftime("%H:%M"),
        "/TN",
        TASK_NAME,
        "/TR",
        subprocess.list2cmdline(command),
        "/F",
    ]


def create_windows_task(schedule: Schedule) -> str:
    """Create (or replace) the task with schtasks; its answer. Windows only."""
    if not schedule.windows or sys.platform != "win32":
        raise OSError("Task Scheduler tasks can only be created on Windows")
    done = subprocess.run(
        ["schtasks", *schedule.create_args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise OSError((done.stderr or done.stdout).strip() or f"schtasks exit {done.returncode}")
    return done.stdout.strip()
