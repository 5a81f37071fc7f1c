"""One run at a time per profile: who holds it, and what a second run meets.

The types every backend shares. The SQLite profile store holds the lock with an OS
file lock next to its database (`lockfile.py`); a team store with a server-side lock.
Either way the lock goes with the process that held it (kill -9, power loss), so a
stale lock never makes the next run wait.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vismadesk.domain import Action
from vismadesk.store.errors import StoreError


@dataclass(frozen=True)
class RunHolder:
    action: Action  # what runs (export, sync, reset)
    since: dt.datetime  # UTC
    pid: int
    host: str
    profile: str  # the profile folder (or the console's name)


class RunBusy(StoreError):
    """Another run holds the profile."""

    def __init__(self, holder: RunHolder | None) -> None:
        if holder is None:
            text = "another run holds this profile"
        else:
            text = (
                f"{holder.action.value} runs on {holder.profile} since "
                f"{holder.since.isoformat(timespec='seconds')} (process {holder.pid} on "
                f"{holder.host})"
            )
        super().__init__(text)
        self.holder = holder
