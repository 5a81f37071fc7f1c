"""`StoreAPI`: what the engine, the window and the command line may ask of a store.

Two backends satisfy it: `Store` (the profile's own SQLite file, local.py) and
`PgStore` (a team's PostgreSQL, postgres/). Callers that take "a store" type it with
this Protocol; `open_store` (opening.py) picks the backend from the settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from vismadesk.domain import Action, ExportFormat, JournalEntry, JournalState, Level, LogEntry
from vismadesk.store.runlock import RunHolder

# Called with no arguments, on a thread of the store's, when entries may have been
# added to the log (by this process or any other); the callee reads them itself.
LogListener = Callable[[], None]
Unsubscribe = Callable[[], None]


def log_bound(before_id: int | None, after_id: int | None) -> tuple[str, int]:
    """`log_id_at`'s bound: exactly one of the two ids."""
    if (before_id is None) == (after_id is None):
        raise ValueError("log_id_at takes before_id or after_id, not both or neither")
    return ("<", before_id) if before_id is not None else (">", after_id)  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class JournalStep:
    """One step for `journal_record`'s fields, for the calls that write it together
    with a claim change in one transaction. Fields left None keep their stored value."""

    state: JournalState
    doc_format: ExportFormat | None = None
    doc_number: str | None = None
    order_type: str | None = None
    last_error: str | None = None
    run_id: str | None = None
    new_attempt: bool = False
    previous_status: str | None = None


class StoreAPI(Protocol):
    has_fts: bool

    @property
    def schema_version(self) -> int: ...

    @property
    def location(self) -> str:
        """Where the data lives, for people: a file path or a server address."""
        ...

    @property
    def shared(self) -> bool: ...

    def close(self) -> None: ...

    # --- sync log ---------------------------------------------------------------------
    def add_log(self, entry: LogEntry) -> LogEntry: ...
    def add_logs(self, entries: Iterable[LogEntry]) -> list[LogEntry]: ...
    def log_page(
        self,
        *,
        before_id: int | None = None,
        limit: int = 200,
        levels: Iterable[Level | str] | None = None,
        search: str | None = None,
        work_order: str | None = None,
    ) -> list[LogEntry]: ...
    def log_since(
        self,
        after_id: int,
        *,
        limit: int = 1000,
        levels: Iterable[Level | str] | None = None,
        search: str | None = None,
        work_order: str | None = None,
    ) -> list[LogEntry]: ...
    def log_entry(self, entry_id: int) -> LogEntry | None: ...
    def latest_log_id(self) -> int: ...
    def log_count(self, levels: Iterable[Level | str] | None = None) -> int: ...
    def log_count_upto(
        self,
        top_id: int,
        *,
        levels: Iterable[Level | str] | None = None,
        search: str | None = None,
    ) -> int: ...
    def log_id_at(
        self,
        offset: int,
        *,
        before_id: int | None = None,
        after_id: int | None = None,
        levels: Iterable[Level | str] | None = None,
        search: str | None = None,
    ) -> int | None: ...
    def subscribe(self, callback: LogListener, *, poll_s: float = 1.0) -> Unsubscribe: ...

    # --- export journal ---------------------------------------------------------------
    def journal_get(self, work_order: str) -> JournalEntry | None: ...
    def journal_entries(
        self, states: Iterable[JournalState] | None = None
    ) -> list[JournalEntry]: ...
    def journal_record(
        self,
        work_order: str,
        state: JournalState,
        *,
        doc_format: ExportFormat | None = None,
        doc_number: str | None = None,
        order_type: str | None = None,
        last_error: str | None = None,
        run_id: str | None = None,
        new_attempt: bool = False,
        previous_status: str | None = None,
    ) -> JournalEntry: ...
    def journal_forget(self, work_order: str) -> None: ...

    # --- sync cursors -----------------------------------------------------------------
    def cursor_get(self, name: str) -> str | None: ...
    def cursor_time(self, name: str) -> dt.datetime | None: ...
    def cursor_set(self, name: str, value: str) -> None: ...

    # --- one run per profile, claims per work order (STORE_CONTRACT.md) ---------------
    def hold_run(self, action: Action, *, wait_s: float = 0.0) -> AbstractContextManager[None]: ...
    def run_holder(self) -> RunHolder | None: ...
    def claim(self, work_order: str, owner: str, lease_s: float) -> bool: ...
    def release_claim(self, work_order: str, owner: str) -> None: ...
    def claims_expired_before(self, when: dt.datetime) -> list[str]: ...
    def claim_and_record(
        self, work_order: str, owner: str, lease_s: float, step: JournalStep
    ) -> bool:
        """`claim`, and when it is held, `step` in the journal: one transaction."""
        ...

    def record_and_release(self, work_order: str, owner: str, step: JournalStep) -> None:
        """`step` in the journal and `release_claim`: one transaction."""
        ...
