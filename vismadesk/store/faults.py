"""What a broken, locked, read-only or full database file means for the planner.

SQLite and the OS report these as error codes (`SQLITE_CORRUPT`, `SQLITE_BUSY`,
`EACCES`, `ENOSPC`, ...); `StoreFault` says it in words: which file, what is wrong,
and what to do about it. Every kind stops what is running (exit status 2 on the
command line, a dialog in the window): nothing is sent to VISMA.net while the export
journal cannot be written.
"""

from __future__ import annotations

import errno
import sqlite3
from enum import StrEnum
from pathlib import Path

from vismadesk.i18n import _
from vismadesk.store.errors import StoreError


class FaultKind(StrEnum):
    DAMAGED = "damaged"
    LOCKED = "locked"
    READ_ONLY = "read_only"
    FULL = "full"
    UNREADABLE = "unreadable"  # the OS refuses to read or write it (I/O error)


class StoreFault(StoreError):
    """The database file cannot be used; the text names it and says what to do."""

    def __init__(self, kind: FaultKind, path: Path | str, detail: str, wait_s: float = 0) -> None:
        self.kind = kind
        self.path = Path(path)
        self.detail = detail
        super().__init__(f"{_problem(kind, self.path, detail, wait_s)} {_fix(kind, self.path)}")


def _problem(kind: FaultKind, path: Path, detail: str, wait_s: float) -> str:
    if kind is FaultKind.DAMAGED:
        return _("The database {path} is damaged ({detail}).").format(path=path, detail=detail)
    if kind is FaultKind.LOCKED:
        return _("The database {path} was locked by another program for more than {s} s.").format(
            path=path, s=f"{wait_s:g}"
        )
    if kind is FaultKind.READ_ONLY:
        return _("vismadesk cannot write to the database {path} ({detail}).").format(
            path=path, detail=detail
        )
    if kind is FaultKind.FULL:
        return _("The disk that holds the database {path} is full.").format(path=path)
    return _("The database {path} cannot be read or written ({detail}).").format(
        path=path, detail=detail
    )


def _fix(kind: FaultKind, path: Path) -> str:
    if kind is FaultKind.DAMAGED:
        return _(
            "Nothing was changed. Restore the file from a backup, or repair it with "
            '`sqlite3 "{path}" ".recover"`; then start vismadesk again.'
        ).format(path=path)
    if kind is FaultKind.LOCKED:
        return _(
            "Close the other program that has it open (another vismadesk, a backup or a "
            "database browser), then try again."
        )
    if kind is FaultKind.READ_ONLY:
        return _(
            "Give your user permission to write to the file and to its folder {folder}, "
            "or choose another folder with --profile."
        ).format(folder=path.parent)
    if kind is FaultKind.FULL:
        return _(
            "Nothing more was sent to VISMA.net: the export journal could not be written. "
            "Free some disk space, then run the action again; nothing is lost."
        )
    return _("Check the disk and the file's permissions, then try again.")


# SQLite's primary result codes (the extended ones carry them in the low byte).
_KINDS = {
    sqlite3.SQLITE_CORRUPT: FaultKind.DAMAGED,
    sqlite3.SQLITE_NOTADB: FaultKind.DAMAGED,
    sqlite3.SQLITE_BUSY: FaultKind.LOCKED,
    sqlite3.SQLITE_LOCKED: FaultKind.LOCKED,
    sqlite3.SQLITE_READONLY: FaultKind.READ_ONLY,
    sqlite3.SQLITE_CANTOPEN: FaultKind.READ_ONLY,
    sqlite3.SQLITE_PERM: FaultKind.READ_ONLY,
    sqlite3.SQLITE_FULL: FaultKind.FULL,
    sqlite3.SQLITE_IOERR: FaultKind.UNREADABLE,
}
_DETAILS = {
    FaultKind.READ_ONLY: "read-only, or its folder is",
}


def sqlite_fault(path: Path | str, e: sqlite3.Error, wait_s: float = 0) -> StoreFault | None:
    """The fault `e` stands for, or None for an error that is not about the file."""
    code = getattr(e, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    kind = _KINDS.get(code & 0xFF)
    if kind is None:
        return None
    return StoreFault(kind, path, _DETAILS.get(kind, str(e)), wait_s)


def os_fault(path: Path | str, e: OSError) -> StoreFault:
    """An OS error creating or opening the file, as a fault."""
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreFault(FaultKind.FULL, path, e.strerror or "")
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreFault(FaultKind.READ_ONLY, path, e.strerror or "permission denied")
    return StoreFault(FaultKind.UNREADABLE, path, e.strerror or type(e).__name__)
