"""The sync log: entries written redacted, read in pages by id, searched by word.

Pages go by id, newest first, so a window can show a million entries by loading only
what is on screen. Search uses the FTS5 index where SQLite has one (the only SQLite
specific query here: `_fts_search`) and LIKE otherwise, with the same results.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from vismadesk import messages
from vismadesk.domain import Action, Level, LogEntry
from vismadesk.redact import redact, redact_obj
from vismadesk.store.db import Database, time_text

_COLUMNS = "id, time, action, level, code, summary, details, work_order, record, run_id, params"
_QUALIFIED = ", ".join(f"log.{c.strip()}" for c in _COLUMNS.split(","))


def _row_to_entry(r: sqlite3.Row | tuple[Any, ...]) -> LogEntry:
    id_, time, action, level, code, summary, details, wo, record, run_id, params = r
    return LogEntry(
        id=id_,
        time=dt.datetime.fromisoformat(time),
        action=Action(action),
        level=Level(level),
        code=code,
        summary=summary,
        details=json.loads(details) if details else {},
        work_order=wo,
        record=record,
        run_id=run_id,
        params=json.loads(params) if params is not None else None,
    )


def add(db: Database, entries: Iterable[LogEntry]) -> list[LogEntry]:
    """Store the entries in one transaction; each gets its id."""
    entries = list(entries)

    def _insert(c: sqlite3.Connection) -> None:
        for e in entries:
            # Redact at the door: whatever a caller passes, no secret is stored.
            details = json.dumps(redact_obj(e.details), default=str, ensure_ascii=False)
            params = redact_obj(e.params) if e.params is not None else None
            cur = c.execute(
                "INSERT INTO log (time, action, level, code, summary, details, "
                "work_order, record, run_id, params, search_text) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    time_text(e.time),
                    Action(e.action).value,
                    Level(e.level).value,
                    e.code,
                    redact(e.summary),
                    details,
                    e.work_order,
                    e.record,
                    e.run_id,
                    json.dumps(params, default=str, ensure_ascii=False)
                    if params is not None
                    else None,
                    # The summary in the other languages, so search finds what is shown.
                    redact(messages.search_words(e.code, params)),
                ),
            )
            e.id = cur.lastrowid

    db.write(_insert)
    return entries


def _filter(
    levels: Iterable[Level | str] | None, work_order: str | None
) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    args: list[Any] = []
    if levels:
        lv = sorted({Level(x).value for x in levels})
        where.append(f"log.level IN ({', '.join('?' * len(lv))})")
        args.extend(lv)
    if work_order:
        where.append("log.work_order = ?")
        args.append(work_order)
    return where, args


def page(
    db: Database,
    *,
    fts: bool,
    before_id: int | None,
    limit: int,
    levels: Iterable[Level | str] | None,
    search: str | None,
    work_order: str | None,
) -> list[LogEntry]:
    """Entries older than `before_id` (all when None), newest first."""
    where, args = _filter(levels, work_order)
    bound = ("<", before_id) if before_id is not None else None
    return _query(db, fts, where, args, search, "DESC", limit, bound)


def since(
    db: Database,
    after_id: int,
    *,
    fts: bool,
    limit: int,
    levels: Iterable[Level | str] | None,
    search: str | None,
    work_order: str | None,
) -> list[LogEntry]:
    """Entries newer than `after_id`, oldest first (for growing a live view)."""
    where, args = _filter(levels, work_order)
    return _query(db, fts, where, args, search, "ASC", limit, (">", after_id))


def _fts_query(text: str) -> str:
    # Quote each word so punctuation in codes ("M-1001", "SO 000223") is not parsed
    # as FTS syntax; the last word matches as a prefix, like a search box should.
    words = [w.replace('"', '""') for w in text.split()]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _fts_search(
    where: list[str],
    args: list[Any],
    search: str,
    order: str,
    limit: int,
    id_bound: tuple[str, int] | None,
) -> tuple[str, list[Any]]:
    if id_bound is not None:
        # On the index's own rowid, so FTS starts at the bound: "newer than the
        # newest row shown" must not walk every older match of a common word.
        where = [*where, f"log_fts.rowid {id_bound[0]} ?"]
        args = [*args, id_bound[1]]
    # Walk the full-text index in id order and stop at `limit`: a common word in a
    # million entries costs no more than a rare one.
    sql = (
        f"SELECT {_QUALIFIED} FROM log_fts JOIN log ON log.id = log_fts.rowid "
        f"WHERE log_fts MATCH ?"
        + "".join(f" AND {w}" for w in where)
        + f" ORDER BY log_fts.rowid {order} LIMIT ?"
    )
    return sql, [_fts_query(search), *args, limit]


_LIKE = (
    "(log.summary LIKE ? ESCAPE '\\' OR log.search_text LIKE ? ESCAPE '\\' "
    "OR log.details LIKE ? ESCAPE '\\' OR log.work_order LIKE ? ESCAPE '\\')"
)


def _like_pattern(search: str) -> str:
    return "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _like_search(
    where: list[str],
    args: list[Any],
    search: str,
    order: str,
    limit: int,
    id_bound: tuple[str, int] | None,
) -> tuple[str, list[Any]]:
    if id_bound is not None:
        where = [*where, f"log.id {id_bound[0]} ?"]
        args = [*args, id_bound[1]]
    if search:
        where = [*where, _LIKE]
        args = [*args, *[_like_pattern(search)] * 4]
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    sql = f"SELECT {_QUALIFIED} FROM log{clause} ORDER BY log.id {order} LIMIT ?"
    return sql, [*args, limit]


def _query(
    db: Database,
    fts: bool,
    where: list[str],
    args: list[Any],
    search: str | None,
    order: str,
    limit: int,
    id_bound: tuple[str, int] | None = None,
) -> list[LogEntry]:
    search = (search or "").strip()
    build = _fts_search if search and fts else _like_search
    sql, params = build(where, args, search, order, limit, id_bound)
    return [_row_to_entry(r) for r in db.connection().execute(sql, params)]


def entry(db: Database, entry_id: int) -> LogEntry | None:
    r = db.connection().execute(f"SELECT {_COLUMNS} FROM log WHERE id = ?", (entry_id,)).fetchone()
    return _row_to_entry(r) if r else None


def latest_id(db: Database) -> int:
    r = db.connection().execute("SELECT max(id) FROM log").fetchone()
    return int(r[0] or 0)


def count(db: Database, levels: Iterable[Level | str] | None = None) -> int:
    where, args = _filter(levels, None)
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    return int(db.connection().execute(f"SELECT count(*) FROM log{clause}", args).fetchone()[0])


# --- positions: how many entries a filter holds, and which one is n-th -------------------
#
# A log view shows a million entries by position without reading them: it counts the
# filter's entries once, then asks for the id n places past an id it knows. Both are
# asked of the smallest structure that answers them: SQLite's count of the whole table,
# the (level, id) index, or the full-text index's own rowids, never the rows themselves.


def _matching_ids(
    fts: bool, levels: Iterable[Level | str] | None, search: str | None
) -> tuple[str, str, list[str], list[Any]]:
    """(table, id column, conditions, arguments) naming the ids of matching entries."""
    where, args = _filter(levels, None)
    search = (search or "").strip()
    if search and fts and not where:
        return "log_fts", "log_fts.rowid", ["log_fts MATCH ?"], [_fts_query(search)]
    if search and fts:
        # The level index in id order, each id looked up in the full-text answer: a
        # join driven by the level index would run the MATCH once per entry.
        where.append("log.id IN (SELECT rowid FROM log_fts WHERE log_fts MATCH ?)")
        args.append(_fts_query(search))
    elif search:
        where.append(_LIKE)
        args.extend([_like_pattern(search)] * 4)
    return "log", "log.id", where, args


def count_upto(
    db: Database,
    top_id: int,
    *,
    fts: bool,
    levels: Iterable[Level | str] | None,
    search: str | None,
) -> int:
    """How many entries with an id up to `top_id` the filter shows."""
    table, col, where, args = _matching_ids(fts, levels, search)
    c = db.connection()
    if not where:
        # count(*) of a whole table reads SQLite's smallest index; with a bound on the
        # id it would walk the table itself (ten times slower at a million entries).
        # One statement, one snapshot: the two counts agree.
        sql = "SELECT (SELECT count(*) FROM log) - (SELECT count(*) FROM log WHERE id > ?)"
        return int(c.execute(sql, (top_id,)).fetchone()[0])
    clause = " AND ".join([*where, f"{col} <= ?"])
    return int(
        c.execute(f"SELECT count(*) FROM {table} WHERE {clause}", [*args, top_id]).fetchone()[0]
    )


def id_at(
    db: Database,
    offset: int,
    *,
    fts: bool,
    bound: tuple[str, int],
    levels: Iterable[Level | str] | None,
    search: str | None,
) -> int | None:
    """The id of the matching entry `offset` places past `bound` ("<" id: counting down
    from it, newest first; ">" id: up from it), or None when there are not that many."""
    table, col, where, args = _matching_ids(fts, levels, search)
    op, bound_id = bound
    order = "DESC" if op == "<" else "ASC"
    clause = " AND ".join([*where, f"{col} {op} ?"])
    sql = f"SELECT {col} FROM {table} WHERE {clause} ORDER BY {col} {order} LIMIT 1 OFFSET ?"
    r = db.connection().execute(sql, [*args, bound_id, offset]).fetchone()
    return int(r[0]) if r else None
