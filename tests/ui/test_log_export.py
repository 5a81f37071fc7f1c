"""File → Export log…: the log as filtered and searched now, every page, off the GUI
thread, with progress and cancel; and Help → About with the app's name and version."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from tests.helpers.log_entries import fill
from vismadesk import __version__
from vismadesk.demo import DemoSession
from vismadesk.domain import Level
from vismadesk.ui.log_model import LogFilter
from vismadesk.ui.main_window import MainWindow


def _rows(path: Path, separator: str) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))


def _window(make_window, demo: DemoSession, target: Path, count: int = 0) -> MainWindow:
    if count:
        fill(demo.context.store, count, every_error=7)  # type: ignore[arg-type]
    window: MainWindow = make_window(demo)
    asked: list[Path] = []

    def choose(_parent, suggested: Path) -> Path:
        asked.append(suggested)
        return target

    window.log_export.choose_path = choose
    window.asked_paths = asked  # type: ignore[attr-defined]
    return window


def test_the_export_holds_every_page_of_the_filter_and_search_shown(
    qtbot, demo: DemoSession, make_window, tmp_path: Path
) -> None:
    out = tmp_path / "errors.csv"
    window = _window(make_window, demo, out, count=3000)
    panel = window.log_panel
    panel.set_filter_choice(LogFilter.ERRORS)
    panel.set_search("material")
    with qtbot.waitSignal(window.log_export.ended, timeout=60_000) as ended:
        window.export_log_action.trigger()
        assert window.log_export.progress is not None  # the dialog shows while it runs
        assert window.log_export.progress.labelText().startswith("Exporting the log")
    header, *rows = _rows(out, ",")
    expected = window.ctx.store.log_page(limit=10_000, levels=[Level.ERROR], search="material")
    assert len(rows) == len(expected) > 200  # more than the panel's first page
    assert all(r[1] == "Error" and "Material M-" in r[5] for r in rows)
    assert [r[header.index("Entry")] for r in rows] == [str(e.id) for e in expected]
    assert ended.args[0] == f"{len(rows)} log entries exported to {out}"
    assert window.statusBar().currentMessage() == ended.args[0]
    assert window.log_export.progress is None
    assert window.asked_paths[0].name.startswith("vismadesk-log-")


def test_in_dutch_the_file_and_the_words_are_dutch(
    qtbot, dutch, demo: DemoSession, make_window, tmp_path: Path
) -> None:
    out = tmp_path / "logboek.csv"
    window = _window(make_window, demo, out, count=20)
    assert window.export_log_action.text() == "Logboek exporteren…"
    with qtbot.waitSignal(window.log_export.ended, timeout=60_000) as ended:
        window.export_log_action.trigger()
    header, *rows = _rows(out, ";")
    assert header[:3] == ["Tijd", "Niveau", "Actie"]
    assert rows and rows[0][0][2] == "-" and rows[0][0][5] == "-"  # dd-mm-jjjj
    assert ended.args[0].startswith(f"{len(rows)} logregels geëxporteerd naar ")


def test_cancel_stops_the_export_and_writes_no_file(
    qtbot, demo: DemoSession, make_window, tmp_path: Path
) -> None:
    out = tmp_path / "big.csv"
    window = _window(make_window, demo, out, count=15_000)
    with qtbot.waitSignal(window.log_export.ended, timeout=60_000) as ended:
        window.export_log_action.trigger()
        progress = window.log_export.progress
        assert progress is not None
        (button,) = progress.findChildren(QPushButton)
        assert button.text() == "Cancel"
        button.click()
    assert ended.args[0] == "Log export cancelled; no file was written."
    assert not out.exists()
    assert not list(tmp_path.glob("*.part"))


def test_no_file_chosen_nothing_happens(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    window.log_export.choose_path = lambda _parent, _suggested: None
    assert window.log_export.start() is False
    assert not window.log_export.exporter.busy


def test_closing_the_window_during_an_export_waits_for_its_thread(
    qtbot, demo: DemoSession, make_window, tmp_path: Path
) -> None:
    window = _window(make_window, demo, tmp_path / "x.csv", count=15_000)
    window.export_log_action.trigger()
    assert window.log_export.exporter.busy
    window.close()
    assert window.closed_for_good and not window.log_export.exporter.busy
    assert not (tmp_path / "x.csv").exists()


def test_a_folder_that_cannot_be_written_says_so(
    qtbot, demo: DemoSession, make_window, tmp_path: Path
) -> None:
    window = _window(make_window, demo, tmp_path / "gone" / "x.csv")
    with qtbot.waitSignal(window.log_export.ended, timeout=60_000) as ended:
        window.export_log_action.trigger()
    assert ended.args[0].startswith(
        f"The log could not be exported to {tmp_path / 'gone' / 'x.csv'}"
    )


# --- the app's name, version and icon ---------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "version", "licence"),
    [
        ("en", "About vismadesk", f"Version {__version__}", "Licence: proprietary."),
        ("nl", "Over vismadesk", f"Versie {__version__}", "Licentie: eigendomsrechtelijk"),
    ],
)
def test_help_about_shows_name_version_icon_and_licence(
    qtbot, request, demo: DemoSession, make_window, language, title, version, licence
) -> None:
    if language == "nl":
        request.getfixturevalue("dutch")
    window: MainWindow = make_window(demo)
    assert window.about_action.text().replace("&", "") == title
    window.about_action.trigger()
    about = window.about
    assert about is not None and about.isVisible()
    assert about.windowTitle() == title
    assert about.name_label.text().endswith(">vismadesk</b>")
    assert about.version_label.text() == version
    assert about.licence_label.text().startswith(licence)
    assert not about.windowIcon().isNull()


def test_the_window_and_the_application_carry_name_version_and_icon(
    qtbot, demo: DemoSession, make_window
) -> None:
    from vismadesk.ui.app import identify

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    identify(app)
    window: MainWindow = make_window(demo)
    assert "vismadesk" in window.windowTitle()
    assert not window.windowIcon().isNull()
    assert (app.applicationName(), app.applicationVersion(), app.desktopFileName()) == (
        "vismadesk",
        __version__,
        "vismadesk",
    )
    assert not app.windowIcon().isNull()
