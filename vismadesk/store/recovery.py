"""A database file that cannot be read: moved aside, or kept, by what it still holds.

The export journal is a cache of what VISMA.net holds: every export reads the
documents of the last `duplicate_check_days` before it creates anything. So a file
nothing can be read from is moved aside (kept byte for byte, as settings are) and a
fresh one started. A file whose journal can still be read, and names work orders
whose document may exist while OutSmart was not told yet (`creating`, `created`), is
left exactly where it is: starting afresh would rest on VISMA.net alone, and the
planner is told how to repair it instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from vismadesk.domain import JournalState
from vismadesk.i18n import _
from vismadesk.store.faults import FaultKind, StoreFault

_UNFINISHED = (JournalState.CREATING.value, JournalState.CREATED.value)


_HEADER = b"SQLite format 3\x00"


def unfinished_in(path: Path) -> list[str]:
    """Work orders the damaged file's journal still names as unfinished, as far as it
    can be read: as it is, or (a file cut short) with the pages that are there."""
    found = _unfinished(path)
    if found is not None:
        return found
    with tempfile.TemporaryDirectory(prefix="vismadesk-salvage-") as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        if _pages_present_copy(path, copy):
            return _unfinished(copy) or []
    return []


def _unfinished(path: Path) -> list[str] | None:
    """None when the journal cannot be read at all."""
    try:
        c = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None
    try:
        rows = c.execute(
            "SELECT work_order FROM journal WHERE state IN (?, ?) ORDER BY work_order",
            _UNFINISHED,
        ).fetchall()
        return [str(r[0]) for r in rows]
    except sqlite3.Error:
        return None
    finally:
        c.close()


def _pages_present_copy(path: Path, copy: Path) -> bool:
    """A copy of a file cut short whose header counts only the whole pages present.

    SQLite refuses every read of a file shorter than its header says, even of the
    pages that are all there (the journal's come early in the file)."""
    try:
        with path.open("rb") as f:
            header = f.read(100)
        size = path.stat().st_size
        if len(header) < 100 or not header.startswith(_HEADER):
            return False
        raw = int.from_bytes(header[16:18], "big")
        page_size = 65536 if raw == 1 else raw
        pages = size // page_size if page_size >= 512 else 0
        if pages < 1:
            return False
        shutil.copyfile(path, copy)
        with copy.open("r+b") as f:
            f.truncate(pages * page_size)
            f.seek(28)
            f.write(pages.to_bytes(4, "big"))
    except OSError:
        return False
    return True


def move_aside(path: Path, fault: StoreFault) -> Path:
    """Move the damaged file (and its -wal, -shm) aside, or refuse with a fault saying
    why it stays; the new name of the file."""
    unfinished = unfinished_in(path)
    if unfinished:
        shown = ", ".join(unfinished[:10]) + (" …" if len(unfinished) > 10 else "")
        raise StoreFault(
            FaultKind.DAMAGED,
            path,
            _(
                "{detail}; its export journal still names work orders that may be in "
                "VISMA.net while OutSmart was not told yet: {work_orders}"
            ).format(detail=fault.detail, work_orders=shown),
        )
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    try:
        os.replace(path, target)
    except OSError:
        raise fault from None
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            with contextlib.suppress(OSError):
                os.replace(side, target.with_name(target.name + suffix))
    return target
