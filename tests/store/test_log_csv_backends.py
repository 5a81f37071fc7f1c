"""The CSV export reads the log through the store's API, so a team store exports the
same file as the profile's own: every page, the filter and the search."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.store_backends import Backend
from vismadesk import logcsv
from vismadesk.domain import Action, Level, LogEntry
from vismadesk.store import StoreAPI


@pytest.fixture
def store(backend: Backend) -> Iterator[StoreAPI]:
    s = backend.open()
    try:
        yield s
    finally:
        s.close()


def test_every_page_with_filter_and_search_on_either_store(store: StoreAPI, tmp_path: Path) -> None:
    store.add_logs(
        LogEntry(
            Action.EXPORT,
            Level.ERROR if n % 3 == 0 else Level.SUCCESS,
            f"Work order WO{n:03d} for a customer in {'Zwolle' if n % 2 else 'Ede'}",
            work_order=f"WO{n:03d}",
        )
        for n in range(40)
    )
    out = tmp_path / "log.csv"
    result = logcsv.export(store, out, levels=[Level.ERROR], search="Zwolle", lang="nl", batch=2)
    rows = list(
        csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";")
    )
    wanted = [f"WO{n:03d}" for n in range(39, -1, -1) if n % 3 == 0 and n % 2]
    assert [r[3] for r in rows[1:]] == wanted
    assert result.rows == len(wanted) and all(r[1] == "Fout" for r in rows[1:])
