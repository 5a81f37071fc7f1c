"""What the store raises, whatever database is behind it."""

from __future__ import annotations

from pathlib import Path

from vismadesk.i18n import _


class StoreError(RuntimeError):
    pass


class SchemaTooNew(StoreError):
    def __init__(self, path: Path | str, found: int, known: int) -> None:
        super().__init__(
            _(
                "The database {path} was written by a newer vismadesk (schema {found}; this "
                "version knows up to {known}). Update vismadesk; the database was not changed."
            ).format(path=path, found=found, known=known)
        )
        self.found = found
        self.known = known


class StoreUnavailable(StoreError):
    """The team store cannot be reached or refuses us; nothing was changed."""
