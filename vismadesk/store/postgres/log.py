"""The sync log on PostgreSQL: the same pages, filters and search as the SQLite log.

Pages go by id, newest first. Search uses the `words` tsvector and its GIN index:
each word of the search box must occur, a word with punctuation ("M-1001", "WO-3")
as the phrase of its parts, the last one as a prefix, exactly as the SQLite store's
FTS5 query does. With `fts=False` it falls back to ILIKE, with the same answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg

from vismadesk.domain import Action, Level, LogEntry
from vismadesk.redact import redact, redact_obj

COLUMNS = "id, time, action, level, code, summary, details, work_order, record, run_id"
ADD = (
    "SELECT * FROM vismadesk_add_log(%s::timestamptz[], %s::text[], %s::text[], "
    "%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])"
)
# What SQLite's unicode61 tokenizer calls a word: letters and digits (no underscore).
_TOKEN = re.compile(r"[^\W_]+")


def row_to_entry(r: Sequence[Any]) -> LogEntry:
    id_, time, action, level, code, summary, details, wo, record, run_id = r
    return LogEntry(
        id=id_,
        time=time,
        action=Action(action),
        level=Level(level),
        code=code,
        summary=summary,
        details=json.loads(details) if details else {},
        work_order=wo,
        record=record,
        run_id=run_id,
    )


def add_params(entries: Sequence[LogEntry], copied_from: Sequence[str | None]) -> list[Any]:
    """The arrays `vismadesk_add_log` takes, redacted at the door."""
    return [
        [e.time for e in entries],
        [Action(e.action).value for e in entries],
        [Level(e.level).value for e in entries],
        [e.code for e in entries],
        [redact(e.summary) for e in entries],
        [json.dumps(redact_obj(e.details), default=str, ensure_ascii=False) for e in entries],
        [e.work_order for e in entries],
        [e.record for e in entries],
        [e.run_id for e in entries],
        list(copied_from),
    ]


def add(c: psycopg.Connection, entries: Iterable[LogEntry]) -> list[LogEntry]:
    """Store the entries in one transaction (one round trip); each gets its id."""
    entries = list(entries)
    if not entries:
        return entries
    ids = sorted(r[0] for r in c.execute(ADD, add_params(entries, [None] * len(entries))))
    # The server takes the rows in order under one lock, so the ids ascend with them.
    for e, id_ in zip(entries, ids, strict=True):
        e.id = id_
    return entries


def _filter(
    levels: Iterable[Level | str] | None, work_order: str | None
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if levels:
        where.append("level = ANY(%s)")
        args.append(sorted({Level(x).value for x in levels}))
    if work_order:
        where.append("work_order = %s")
        args.append(work_order)
    return where, args


def tsquery(text: str) -> str:
    """The search box's words as a tsquery: all of them, the last one as a prefix."""
    words = [_TOKEN.findall(w.lower()) for w in text.split()]
    words = [w for w in words if w]
    if not words:
        return ""
    phrases = []
    for i, parts in enumerate(words):
        quoted = [f"'{p}'" for p in parts]
        if i == len(words) - 1:
            quoted[-1] += ":*"
        phrases.append("(" + " <-> ".join(quoted) + ")")
    return " & ".join(phrases)


def _search(
    search: str, fts: bool, where: list[str], args: list[Any]
) -> tuple[list[str], list[Any]]:
    query = tsquery(search) if fts else ""
    if query:
        return [*where, "words @@ to_tsquery('simple', %s)"], [*args, query]
    like = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return (
        [*where, "(summary ILIKE %s OR details ILIKE %s OR work_order ILIKE %s)"],
        [*args, like, like, like],
    )


def query(
    c: psycopg.Connection,
    *,
    fts: bool,
    levels: Iterable[Level | str] | None,
    work_order: str | None,
    search: str | None,
    order: str,
    limit: int,
    id_bound: tuple[str, int] | None,
) -> list[LogEntry]:
    where, args = _filter(levels, work_order)
    if id_bound is not None:
        where.append(f"id {id_bound[0]} %s")
        args.append(id_bound[1])
    search = (search or "").strip()
    if search:
        where, args = _search(search, fts, where, args)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    sql = f"SELECT {COLUMNS} FROM log{clause} ORDER BY id {order} LIMIT %s"
    return [row_to_entry(r) for r in c.execute(sql, [*args, limit])]


def entry(c: psycopg.Connection, entry_id: int) -> LogEntry | None:
    r = c.execute(f"SELECT {COLUMNS} FROM log WHERE id = %s", (entry_id,)).fetchone()
    return row_to_entry(r) if r else None


def latest_id(c: psycopg.Connection) -> int:
    r = c.execute("SELECT max(id) FROM log").fetchone()
    return int(r[0] or 0) if r else 0


def count(c: psycopg.Connection, levels: Iterable[Level | str] | None = None) -> int:
    where, args = _filter(levels, None)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    r = c.execute(f"SELECT count(*) FROM log{clause}", args).fetchone()
    return int(r[0]) if r else 0


def _matching(
    fts: bool, levels: Iterable[Level | str] | None, search: str | None
) -> tuple[list[str], list[Any]]:
    where, args = _filter(levels, None)
    search = (search or "").strip()
    if search:
        where, args = _search(search, fts, where, args)
    return where, args


def count_upto(
    c: psycopg.Connection,
    top_id: int,
    *,
    fts: bool,
    levels: Iterable[Level | str] | None,
    search: str | None,
) -> int:
    """How many entries with an id up to `top_id` the filter shows."""
    where, args = _matching(fts, levels, search)
    clause = " AND ".join([*where, "id <= %s"])
    r = c.execute(f"SELECT count(*) FROM log WHERE {clause}", [*args, top_id]).fetchone()
    return int(r[0]) if r else 0


def id_at(
    c: psycopg.Connection,
    offset: int,
    *,
    fts: bool,
    bound: tuple[str, int],
    levels: Iterable[Level | str] | None,
    search: str | None,
) -> int | None:
    """The id of the matching entry `offset` places past `bound` ("<" id: counting down
    from it, newest first; ">" id: up from it), or None when there are not that many."""
    where, args = _matching(fts, levels, search)
    op, bound_id = bound
    order = "DESC" if op == "<" else "ASC"
    clause = " AND ".join([*where, f"id {op} %s"])
    sql = f"SELECT id FROM log WHERE {clause} ORDER BY id {order} OFFSET %s LIMIT 1"
    r = c.execute(sql, [*args, bound_id, offset]).fetchone()
    return int(r[0]) if r else None
