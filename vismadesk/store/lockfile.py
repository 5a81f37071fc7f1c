"""The profile's run lock on SQLite: an OS file lock next to the database.

`<database>.run.lock` is locked with `filelock` (flock on POSIX, LockFileEx on
Windows): the system drops the lock with the process that held it, so a run killed
with -9 or a PC that lost power leaves nothing to wait out. Once the lock is held,
`<database>.run.json` says who holds it (action, since, process, host, profile); it
is removed on release, and one left behind by a killed run is overwritten by the
next holder and ignored meanwhile, since only the lock itself says whether it is held.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from vismadesk.domain import Action
from vismadesk.store.faults import os_fault
from vismadesk.store.runlock import RunBusy, RunHolder

# Even a run that must not wait tries this long: the window probes the lock now and
# then (`holder`), and a probe that holds it for a moment must not turn a free
# profile into a refusal.
GRACE_S = 0.5


class ProfileRunLock:
    """The run lock of one database file, for any number of processes."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.lock_path = db_path.with_name(db_path.name + ".run.lock")
        self.holder_path = db_path.with_name(db_path.name + ".run.json")
        # The database's folder: the profile's data folder, which names the profile.
        self.profile = str(db_path.parent)

    @contextlib.contextmanager
    def hold(self, action: Action, wait_s: float = 0.0) -> Iterator[None]:
        lock = FileLock(self.lock_path, thread_local=False)
        try:
            lock.acquire(timeout=max(wait_s, GRACE_S))
        except Timeout:
            raise RunBusy(self._read_holder()) from None
        except OSError as e:  # a read-only profile folder, a full disk
            raise os_fault(self.db_path, e) from None
        try:
            try:
                self._write_holder(action)
            except OSError as e:
                raise os_fault(self.db_path, e) from None
            yield
        finally:
            with contextlib.suppress(OSError):
                self.holder_path.unlink()
            lock.release()

    def holder(self) -> RunHolder | None:
        """Who holds the lock now; None when it is free."""
        probe = FileLock(self.lock_path, thread_local=False)
        try:
            probe.acquire(timeout=0)
        except Timeout:
            return self._read_holder()
        except OSError:
            return None  # cannot even be probed: the run itself will say why
        probe.release()
        return None

    def _write_holder(self, action: Action) -> None:
        info = {
            "action": action.value,
            "since": dt.datetime.now(dt.UTC).isoformat(),
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "profile": self.profile,
        }
        fd, tmp = tempfile.mkstemp(prefix=".run-", suffix=".tmp", dir=self.holder_path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(info, f)
            os.replace(tmp, self.holder_path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _read_holder(self) -> RunHolder | None:
        try:
            info = json.loads(self.holder_path.read_text(encoding="utf-8"))
            return RunHolder(
                action=Action(info["action"]),
                since=dt.datetime.fromisoformat(info["since"]),
                pid=int(info["pid"]),
                host=str(info["host"]),
                profile=str(info["profile"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            # Not written yet (the holder just got the lock), or from an older version.
            return None


class MemoryRunLock:
    """The same for an in-memory database, which only its own process can open."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holder: RunHolder | None = None

    @contextlib.contextmanager
    def hold(self, action: Action, wait_s: float = 0.0) -> Iterator[None]:
        got = self._lock.acquire(timeout=wait_s) if wait_s > 0 else self._lock.acquire(False)
        if not got:
            raise RunBusy(self._holder)
        try:
            self._holder = RunHolder(
                action, dt.datetime.now(dt.UTC), os.getpid(), socket.gethostname(), ":memory:"
            )
            yield
        finally:
            self._holder = None
            self._lock.release()

    def holder(self) -> RunHolder | None:
        return self._holder
