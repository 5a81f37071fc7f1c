"""The run lock's types: who holds a profile's run, and what a second run is told.

Both backends implement `hold_run` / `run_holder` (see `StoreAPI`); this module only
names what they hand back, so the engine and the window need not know which one.
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
    """Another run holds the profile; `holder` is None when it could not be read."""

    def __init__(self, holder: RunHolder | None) -> None:
        if holder is None:
            text = "Another run holds this profile."
        else:
            text = (
                f"A {holder.action.value} run holds this profile since "
                f"{holder.since:%Y-%m-%d %H:%M:%S} UTC (process {holder.pid} on {holder.host})."
            )
        super().__init__(text)
        self.holder = holder
