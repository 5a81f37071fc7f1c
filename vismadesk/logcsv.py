"""The sync log as a CSV file that Excel opens right, for the window and `log --csv`.

Excel guesses a CSV's encoding and layout from the file and the PC's regional settings,
so the file is written for the language it is exported in:

- UTF-8 with a byte order mark: without it Excel reads UTF-8 as the ANSI code page and
  "€" or "ë" come out garbled. (No `sep=` line: with one, Excel ignores the mark.)
- Dutch: `;` between fields (a Dutch Windows lists with `;`, as the comma is the
  decimal sign), dates as dd-mm-jjjj hh:mm:ss and numbers with a decimal comma.
  English: `,`, dates as yyyy-mm-dd hh:mm:ss, which Excel reads as a date in every
  English locale.
- A text cell starting with = + - @ (or a tab or carriage return) gets a leading
  apostrophe, so a summary or a detail from a remote answer is never run as a formula
  (CSV injection).

Rows come from the store's own query API (`log_page`, by id, newest first, in pages),
with the level filter and the search the caller passes, so a million entries stream
through in constant memory; the window's list model is never read.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import json
import os
import string
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, Protocol

from vismadesk import messages
from vismadesk.domain import Action, Level, LogEntry
from vismadesk.i18n import N_, Language, current_language, gettext

# Entries read per query: big enough that a million entries take few round trips to a
# team server, small enough that a cancel is noticed at once.
BATCH = 5000

HEADERS = (
    N_("Time"),
    N_("Level"),
    N_("Action"),
    N_("Work order"),
    N_("Record"),
    N_("Summary"),
    N_("How to fix it"),
    N_("Details"),
    N_("Code"),
    N_("Run"),
    N_("Entry"),
)
LEVEL_NAMES: dict[Level, str] = {
    Level.ERROR: N_("Error"),
    Level.WARNING: N_("Warning"),
    Level.SUCCESS: N_("Success"),
    Level.INFO: N_("Info"),
}
# Shown apart (the hint has its own column) or of no use in a spreadsheet.
_DETAILS_LEFT_OUT = frozenset({"hint", "exchange"})
# Detail values that are catalogue sentences, and words the engine passes in English.
_SENTENCES = frozenset({"cause", "reason"})
_WORDS = messages.WORD_FIELDS | {"document_type"}
_HINT_CACHE_SIZE = 50_000
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Called with (entries written, entries to write or None when a search makes it unknown).
Progress = Callable[[int, int | None], None]


class LogSource(Protocol):
    """What the export needs of a store (`StoreAPI` has it)."""

    def log_page(
        self,
        *,
        before_id: int | None = None,
        limit: int = 200,
        levels: Iterable[Level | str] | None = None,
        search: str | None = None,
        work_order: str | None = None,
    ) -> list[LogEntry]: ...

    def log_count(self, levels: Iterable[Level | str] | None = None) -> int: ...


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """How one language's Excel reads a CSV."""

    separator: str
    time_format: str
    decimal_sign: str
    # The level and action words, looked up once instead of once a row.
    levels: Mapping[Level, str]
    actions: Mapping[Action, str]

    @classmethod
    def for_language(cls, lang: Language) -> CsvLayout:
        levels = {k: gettext(v, lang=lang) for k, v in LEVEL_NAMES.items()}
        actions = {k: gettext(v, lang=lang) for k, v in messages.ACTION_NAMES.items()}
        if lang == "nl":
            return cls(";", "%d-%m-%Y %H:%M:%S", ",", levels, actions)
        return cls(",", "%Y-%m-%d %H:%M:%S", ".", levels, actions)


@dataclass(frozen=True, slots=True)
class CsvResult:
    rows: int
    cancelled: bool
    path: Path | None = None


def guard(text: str) -> str:
    """A cell Excel shows as text, never evaluates."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _number(value: float | Decimal, layout: CsvLayout) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else repr(value)
    return text.replace(".", layout.decimal_sign)


def _value(value: Any, layout: CsvLayout, lang: Language) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return _number(value, layout)
    if isinstance(value, list | tuple):
        return ", ".join(_value(v, layout, lang) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _details(details: Mapping[str, Any], layout: CsvLayout, lang: Language) -> str:
    lines = []
    for key, value in details.items():
        if key in _DETAILS_LEFT_OUT or value in (None, "", [], {}):
            continue
        if key in _SENTENCES and isinstance(value, str):
            shown = messages.translated(value, lang=lang)
        elif key in _WORDS and isinstance(value, str):
            shown = gettext(value, lang=lang)
        else:
            shown = _value(value, layout, lang)
        lines.append(f"{key}: {shown}")
    return "\n".join(lines)


def _hint_values(e: LogEntry) -> dict[str, Any]:
    values = {k: v for k, v in e.details.items() if k not in _DETAILS_LEFT_OUT}
    values.update(e.params or {})
    if e.work_order:
        values.setdefault("work_order", e.work_order)
    return values


@functools.cache
def _hint_fields(code: str | None) -> tuple[str, ...] | None:
    """The values an entry's hint can name (None: a code the catalogue does not know)."""
    msg = messages.CATALOGUE.get(code or "")
    if msg is None:
        return None
    names = {
        name
        for template in (msg.hint, msg.cli_hint or "")
        for _literal, name, _spec, _conv in string.Formatter().parse(template)
        if name
    }
    return tuple(sorted(names))


def _hint(e: LogEntry, lang: Language, cli: bool, cache: dict[Any, str] | None = None) -> str:
    stored = e.details.get("hint")
    stored = stored if isinstance(stored, str) else ""
    fields = _hint_fields(e.code)
    # Most hints name no value, or one that repeats (a section, a setting): the same
    # words again are looked up, not formatted again (a fifth of the time per row).
    key: Any = None
    if cache is not None and fields is not None:
        picked = tuple(_hint_values(e).get(f) for f in fields) if fields else ()
        key = (e.code, stored, picked)
        try:
            hash(key)
        except TypeError:  # a list or a dict among the values
            key = None
        if key is not None and key in cache:
            return cache[key]
    hint = messages.shown_hint(e.code, _hint_values(e), stored, lang=lang, cli=cli)
    if key is not None and cache is not None and len(cache) < _HINT_CACHE_SIZE:
        cache[key] = hint
    return hint


def row(
    e: LogEntry,
    layout: CsvLayout,
    lang: Language,
    cli: bool = False,
    hints: dict[Any, str] | None = None,
) -> list[str]:
    """One entry's cells, in the order of HEADERS; `cli`: hints name commands, not the
    window's buttons."""
    # Stored in UTC; Excel shows what it is given, so the local clock goes in.
    local = e.time.astimezone() if e.time.tzinfo is not None else e.time
    return [
        local.strftime(layout.time_format),
        layout.levels[e.level],
        layout.actions[e.action],
        guard(e.work_order or ""),
        guard(e.record or ""),
        guard(messages.shown_summary(e.code, e.params, e.summary, lang=lang)),
        guard(_hint(e, lang, cli, hints)),
        guard(_details(e.details, layout, lang)),
        e.code or "",
        e.run_id or "",
        str(e.id) if e.id is not None else "",
    ]


def entries(
    store: LogSource,
    *,
    levels: Iterable[Level | str] | None = None,
    search: str | None = None,
    batch: int = BATCH,
) -> Iterator[list[LogEntry]]:
    """Every matching entry, newest first, a page at a time."""
    level_list = list(levels) if levels else None
    before: int | None = None
    while True:
        page = store.log_page(before_id=before, limit=batch, levels=level_list, search=search)
        if not page:
            return
        yield page
        if len(page) < batch or page[-1].id is None:
            return
        before = page[-1].id


def write(
    store: LogSource,
    out: IO[str],
    *,
    levels: Iterable[Level | str] | None = None,
    search: str | None = None,
    lang: Language | None = None,
    on_progress: Progress | None = None,
    cancel: threading.Event | None = None,
    batch: int = BATCH,
    cli: bool = False,
) -> CsvResult:
    """Write the matching entries to `out` (a text stream opened with newline="");
    the caller writes the byte order mark (the "utf-8-sig" encoding does)."""
    lang = lang or current_language()
    layout = CsvLayout.for_language(lang)
    levels = list(levels) if levels else None
    search = (search or "").strip() or None
    # A count with a search would cost as much as the export itself: progress then
    # says how many so far, without a total.
    total = store.log_count(levels) if search is None else None
    writer = csv.writer(out, delimiter=layout.separator, lineterminator="\r\n")
    writer.writerow([gettext(h, lang=lang) for h in HEADERS])
    written = 0
    hints: dict[Any, str] = {}
    if on_progress is not None:
        on_progress(0, total)
    for page in entries(store, levels=levels, search=search, batch=batch):
        if cancel is not None and cancel.is_set():
            return CsvResult(written, True)
        writer.writerows(row(e, layout, lang, cli, hints) for e in page)
        written += len(page)
        if on_progress is not None:
            on_progress(written, total)
    return CsvResult(written, bool(cancel is not None and cancel.is_set()))


def export(
    store: LogSource,
    path: Path,
    *,
    levels: Iterable[Level | str] | None = None,
    search: str | None = None,
    lang: Language | None = None,
    on_progress: Progress | None = None,
    cancel: threading.Event | None = None,
    batch: int = BATCH,
    cli: bool = False,
) -> CsvResult:
    """Write the CSV to `path`, whole or not at all: it is written next to it and moved
    into place at the end, so a cancel (or a crash) never leaves half a file, nor spoils
    the file it would have replaced."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
            result = write(
                store,
                f,
                levels=levels,
                search=search,
                lang=lang,
                on_progress=on_progress,
                cancel=cancel,
                batch=batch,
                cli=cli,
            )
        if result.cancelled:
            tmp.unlink(missing_ok=True)
            return result
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    return CsvResult(result.rows, False, path)


def to_stdout(store: LogSource, **kwargs: Any) -> CsvResult:
    """The CSV on standard output as UTF-8 with its mark, whatever the console's code page."""
    stream = open(  # noqa: SIM115 - the wrapper must not close stdout
        sys.stdout.fileno(), "w", encoding="utf-8-sig", newline="", closefd=False
    )
    try:
        return write(store, stream, **kwargs)
    finally:
        stream.flush()


def default_name(moment: dt.datetime | None = None) -> str:
    """A file name that sorts by date: vismadesk-log-2026-12-01-1405.csv."""
    moment = moment or dt.datetime.now()
    return f"vismadesk-log-{moment:%Y-%m-%d-%H%M}.csv"
