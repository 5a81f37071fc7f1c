"""A realistic sync log, made fast: years of export runs, in the catalogue's own words.

Each run exports a few dozen work orders: mostly "exported as invoice ..." entries,
about 5 % errors (the seed's messages: a material or relation missing in VISMA.net,
a zero quantity, a document VISMA.net refused, a timeout), a few warnings, and the
run's summary. Work order numbers, relations and materials repeat the way they do
in a real company, so a word search finds a realistic number of entries.

Rows go in through the Store's schema (its migrations create the tables, indexes and
the full-text triggers), with plain SQL in large transactions: a million entries in
well under a minute instead of the many minutes one `add_log` per entry would take.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from vismadesk import messages
from vismadesk.domain import Action, Level, LogEntry
from vismadesk.store import Store

# Share of entries per kind, per work order line written in a run.
ERROR_SHARE = 0.03
WARNING_SHARE = 0.015
BATCH = 50_000
YEARS = 3

CITIES = ("Utrecht", "Amersfoort", "Zwolle", "Deventer", "Apeldoorn", "Ede", "Arnhem")
PEOPLE = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder")
MATERIALS = ("PVC-40", "KOP-15", "CV-KETEL", "THERMO-7", "KRAAN-3", "SIFON-32", "FILTER-9")


def _errors(rnd: random.Random, wo: str) -> tuple[messages.Message, dict[str, object], str]:
    kind = rnd.random()
    if kind < 0.35:
        mat = f"{rnd.choice(MATERIALS)}-{rnd.randint(1, 400)}"
        return messages.MATERIAL_NOT_IN_VISMA, {"material": mat, "work_order": wo}, mat
    if kind < 0.6:
        rel = str(rnd.randint(10001, 10800))
        return messages.RELATION_NOT_IN_VISMA, {"relation": rel, "work_order": wo}, rel
    if kind < 0.72:
        mat = f"{rnd.choice(MATERIALS)}-{rnd.randint(1, 400)}"
        return messages.QUANTITY_NOT_POSITIVE, {"material": mat}, mat
    if kind < 0.85:
        return (
            messages.DOCUMENT_CREATE_FAILED,
            {"document": "sales invoice", "work_order": wo},
            wo,
        )
    if kind < 0.93:
        rel = str(rnd.randint(10001, 10800))
        return messages.RELATION_NOT_IN_OUTSMART, {"relation": rel, "work_order": wo}, rel
    return messages.TIMEOUT, {"service": "VISMA.net"}, wo


def entries(count: int, seed: int = 7, end: dt.datetime | None = None) -> Iterator[LogEntry]:
    """`count` entries, oldest first, spread over the last few years."""
    rnd = random.Random(seed)
    end = end or dt.datetime.now(dt.UTC)
    start = end - dt.timedelta(days=365 * YEARS)
    step = (end - start) / max(1, count)
    moment = start
    made = 0
    wo_number = 10_000
    invoice = 100_000
    while made < count:
        run_id = uuid.UUID(int=rnd.getrandbits(128)).hex[:12]
        size = rnd.randint(5, 60)
        failed = 0
        for _ in range(size):
            if made >= count - 1:
                break
            wo_number += 1
            wo = f"WB{wo_number:06d}"
            roll = rnd.random()
            if roll < ERROR_SHARE:
                message, values, record = _errors(rnd, wo)
                failed += 1
                details: dict[str, object] = {
                    "hint": message.hint,
                    "cause": f"VismaId: {uuid.UUID(int=rnd.getrandbits(128))}. "
                    f"{message.render(**values)}",
                    "customer": f"{rnd.choice(PEOPLE)} installatietechniek, {rnd.choice(CITIES)}",
                }
            elif roll < ERROR_SHARE + WARNING_SHARE:
                message, values, record = messages.WORK_ORDER_NOT_MARKED, {"work_order": wo}, wo
                details = {"hint": message.hint, "cause": "OutSmart did not answer in time"}
            else:
                invoice += 1
                message = messages.WORK_ORDER_EXPORTED
                values = {"work_order": wo, "document": "sales invoice", "number": str(invoice)}
                record = f"INV {invoice}"
                details = {
                    "hint": message.hint.format(section="Sales > Customer invoices"),
                    "document_type": "Sales invoice",
                    "document_number": str(invoice),
                    "customer": f"{rnd.choice(PEOPLE)} installatietechniek, {rnd.choice(CITIES)}",
                }
            moment += step
            made += 1
            yield LogEntry(
                action=Action.EXPORT,
                level=message.level,
                summary=message.render(**values),
                details=details,
                work_order=wo,
                record=record,
                run_id=run_id,
                code=message.code,
                time=moment,
            )
        summary = (
            messages.EXPORT_HAD_ERRORS.render(
                failed=failed, total=size, exported=size - failed, skipped=0
            )
            if failed
            else messages.EXPORT_DONE.render(count=size)
        )
        moment += step
        made += 1
        yield LogEntry(
            action=Action.EXPORT,
            level=Level.ERROR if failed else Level.SUCCESS,
            summary=summary,
            details={"hint": "", "exported": size - failed},
            run_id=run_id,
            code=(messages.EXPORT_HAD_ERRORS if failed else messages.EXPORT_DONE).code,
            time=moment,
        )


def _row(e: LogEntry) -> tuple[object, ...]:
    return (
        e.time.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        Action(e.action).value,
        Level(e.level).value,
        e.code,
        e.summary,
        json.dumps(e.details, ensure_ascii=False),
        e.work_order,
        e.record,
        e.run_id,
    )


def build(db_path: Path, count: int, seed: int = 7) -> None:
    """A database at `db_path` (the Store's schema) holding `count` log entries."""
    Store(db_path).close()  # creates and migrates the schema
    conn = sqlite3.connect(str(db_path), isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")
        # The full-text index is built once at the end ('rebuild'), not row by row
        # through its trigger: the same index, several times faster. The trigger is
        # put back exactly as the Store's migration wrote it.
        trigger = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'log_fts_insert'"
        ).fetchone()
        if trigger:
            conn.execute("DROP TRIGGER log_fts_insert")
        batch: list[tuple[object, ...]] = []

        def flush() -> None:
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT INTO log (time, action, level, code, summary, details, work_order,"
                " record, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            conn.execute("COMMIT")
            batch.clear()

        for e in entries(count, seed):
            batch.append(_row(e))
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
        if trigger:
            conn.execute("BEGIN")
            conn.execute("INSERT INTO log_fts(log_fts) VALUES ('rebuild')")
            conn.execute(trigger[0])
            conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


class LogWriter(threading.Thread):
    """Writes realistic entries at a steady rate through its own Store connection,
    as a scheduled run in another process or a second window would."""

    def __init__(self, db_path: Path, rate: int, seed: int = 11) -> None:
        super().__init__(name="bench-log-writer", daemon=True)
        self.db_path = db_path
        self.rate = rate
        self.seed = seed
        self.stop_event = threading.Event()
        self.written = 0

    def run(self) -> None:
        store = Store(self.db_path)
        source = entries(10_000_000, seed=self.seed)
        started = time.perf_counter()
        try:
            while not self.stop_event.is_set():
                entry = next(source)
                entry.time = dt.datetime.now(dt.UTC)
                store.add_log(entry)
                self.written += 1
                # Hold the rate: wait for this entry's moment (an Event wait, so a stop
                # is noticed at once).
                delay = started + self.written / self.rate - time.perf_counter()
                if delay > 0:
                    self.stop_event.wait(delay)
        finally:
            store.close()
