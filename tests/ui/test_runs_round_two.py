"""Runs, round two: what the window says while and after a run. Unsaved Sales order at
Export, the header while VISMA.net answers errors, retries in words, progress counting
errors, summaries with every count, syncs that say which part found nothing, plurals."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer

from tests.helpers.window import Planner, finish
from vismadesk import i18n, messages
from vismadesk.demo import DemoSession
from vismadesk.domain import Action, ExitCode, ExportFormat, Level, LogEntry
from vismadesk.engine.export import run_export
from vismadesk.engine.runs import Progress, RunHooks
from vismadesk.engine.sync import sync_all
from vismadesk.ui import style
from vismadesk.ui.log_rows import summary_of
from vismadesk.ui.main_window import MainWindow
from vismadesk.ui.quick_checks import Light
from vismadesk.visma.auth import AuthState, AuthStatus


@pytest.fixture
def ready_demo(demo: DemoSession) -> DemoSession:
    demo.sign_in_as_service()
    demo.context.settings.export_format = ExportFormat.SALES_INVOICE
    return demo


def rows(window: MainWindow) -> list[str]:
    proxy = window.log_panel.proxy
    return [summary_of(proxy.index(r, 0)) for r in range(proxy.rowCount())]


class Watch:
    """What a label said while a run went on (polled: the texts change fast)."""

    def __init__(self, read) -> None:
        self.seen: list[str] = []
        self._read = read
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._look)
        self.timer.start()

    def _look(self) -> None:
        text = self._read()
        if not self.seen or self.seen[-1] != text:
            self.seen.append(text)


# --- Sales order clicked but not saved ---------------------------------------------------


def test_export_offers_to_save_an_unsaved_send_as(
    qtbot, demo: DemoSession, planner: Planner, make_window
) -> None:
    demo.sign_in_as_service()
    window: MainWindow = make_window(demo)
    window.form.sales_order.setChecked(True)
    assert demo.context.settings.export_format is None
    planner.answers = ["Save and export"]
    result = finish(qtbot, window, window.export_work_orders)
    title, question = planner.asked[-1]
    assert title == "Unsaved settings"
    assert question.startswith("Send work order as: Sales order is chosen but not saved.")
    assert demo.context.settings.export_format is ExportFormat.SALES_ORDER
    assert not window.form.dirty
    codes = [e.code for e in demo.context.store.log_page(limit=500) if e.run_id == result.run_id]
    assert messages.EXPORT_FORMAT_MISSING.code not in codes


def test_dismissing_the_question_starts_nothing(
    qtbot, demo: DemoSession, planner: Planner, make_window, dutch
) -> None:
    window: MainWindow = make_window(demo)
    window.form.sales_invoice.setChecked(True)
    assert window.export_work_orders() is False
    assert not window.runs.busy
    assert planner.asked[-1][1].startswith("Werkbon versturen als: Verkoopfactuur is gekozen")
    assert window.form.dirty  # the choice is still there, unsaved


# --- the header while VISMA.net answers errors; retries in words ---------------------------


def test_retries_are_said_and_the_header_is_not_green_while_visma_errs(
    qtbot, ready_demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(ready_demo)
    header = window.header
    window._on_auth(ready_demo.context.tokens.state)
    ready_demo.sandbox.faults(service="erp", error_rate=1.0)
    label = Watch(window.progress_label.text)
    headline = Watch(header.headline.text)
    try:
        result = finish(qtbot, window, window.sync_all, timeout=90_000)
    finally:
        label.timer.stop()
        headline.timer.stop()
    assert result.exit_code != ExitCode.OK
    retries = [t for t in label.seen if "retrying" in t]
    assert "VISMA.net answers errors, retrying (2 of 5)…" in retries
    assert "VISMA.net answers errors, retrying (5 of 5)…" in retries
    assert "VISMA.net answers errors" in headline.seen
    # After the run: still not green, and the connection light warns with the answer.
    assert header.headline.text() == "VISMA.net answers errors"
    assert style.GOOD not in header.headline.styleSheet()
    assert header.detail.text().startswith("Last answer: VISMA.net answered with an error")
    light = header.lights["connection"]
    assert light.light is Light.WARN and light.label.text() == "VISMA.net errors"

    # VISMA.net answers again: the next run that reaches it clears the warning.
    ready_demo.sandbox.faults(service="erp", error_rate=0.0)
    finish(qtbot, window, window.sync_all, timeout=60_000)
    assert header.headline.text().startswith("Connected")
    assert style.GOOD in header.headline.styleSheet()
    assert header.lights["connection"].light is Light.OK


def test_a_token_problem_is_never_shown_next_to_a_green_connected(qtbot) -> None:
    from vismadesk.ui.log_header import LogHeader

    header = LogHeader()
    qtbot.addWidget(header)
    state = AuthState(AuthStatus.CONNECTED, user="u", company="c")
    broken = AuthState(
        AuthStatus.CONNECTED, user="u", company="c", error=messages.TOKEN_REFRESH_FAILED.text
    )
    header.set_state(state)
    assert style.GOOD in header.headline.styleSheet()
    header.set_state(broken)
    assert header.headline.text() == "Signed in, but VISMA.net cannot be used"
    assert header.detail.text() == messages.TOKEN_REFRESH_FAILED.text
    assert style.BAD in header.headline.styleSheet()
    i18n.set_language("nl")
    header.retranslate()
    assert header.headline.text() == "Ingelogd, maar VISMA.net is niet te gebruiken"
    assert (
        header.detail.text() == "Fout bij het vernieuwen van het API-token. Geen toegang tot de API"
    )


# --- progress and summaries ----------------------------------------------------------------


def test_progress_counts_the_errors_already_shown(
    qtbot, ready_demo: DemoSession, make_window
) -> None:
    ready_demo.sandbox.faults(latency_ms=20)
    ready_demo.context.settings.concurrency = 1
    window: MainWindow = make_window(ready_demo)
    label = Watch(window.progress_label.text)
    try:
        result = finish(qtbot, window, window.export_work_orders, timeout=90_000)
    finally:
        label.timer.stop()
    assert result.failed > 0
    counted = [t for t in label.seen if "errors so far" in t or "error so far" in t]
    assert counted, label.seen
    assert any(t.startswith("Export work orders: ") and " of " in t for t in counted)
    # Never "0 of N" with nothing said while the log already shows errors.
    assert all("error" in t for t in label.seen[label.seen.index(counted[0]) :] if " of " in t)


def test_the_summary_counts_every_work_order_and_points_down(ready_demo: DemoSession) -> None:
    result = run_export(ready_demo.context)
    entries = [e for e in ready_demo.context.store.log_page(limit=500) if e.run_id == result.run_id]
    summary = entries[0]
    assert summary.code == messages.EXPORT_HAD_ERRORS.code
    assert summary.summary == (
        f"{result.failed} of {result.total} work orders have errors; "
        f"{result.succeeded} exported, 0 skipped"
    )
    hint = messages.EXPORT_HAD_ERRORS.hint
    assert "error entries below" in hint and "above" not in hint
    # Newest first: the summary is on top, its error entries under it.
    assert sum(e.level is Level.ERROR for e in entries[1:]) >= result.failed


def test_a_cancelled_export_says_what_became_of_all_of_them(ready_demo: DemoSession) -> None:
    ready_demo.context.settings.concurrency = 1
    seen: list[LogEntry] = []
    hooks = RunHooks(on_log=seen.append)

    def stop_after_five(p: Progress) -> None:
        if p.done >= 5:
            hooks.cancel.set()

    hooks = RunHooks(on_log=seen.append, on_progress=stop_after_five, cancel=hooks.cancel)
    result = run_export(ready_demo.context, hooks)
    assert result.cancelled
    summaries = [
        e
        for e in seen
        if e.code
        in (
            messages.EXPORT_CANCELLED.code,
            messages.EXPORT_HAD_ERRORS.code,
            messages.EXPORT_DONE.code,
            messages.RUN_CANCELLED.code,
        )
    ]
    assert [e.code for e in summaries] == [messages.EXPORT_CANCELLED.code]
    values = summaries[0].params or {}
    assert (
        values["exported"] + values["failed"] + values["skipped"] + values["not_started"]
        == values["total"]
    )
    assert summaries[0].summary.startswith(f"Export cancelled after {values['done']} of ")
    assert f"{values['not_started']} not started" in summaries[0].summary


def test_a_sync_says_which_part_found_nothing(ready_demo: DemoSession) -> None:
    sync_all(ready_demo.context)
    again = sync_all(ready_demo.context)
    entries = [e for e in ready_demo.context.store.log_page(limit=50) if e.run_id == again.run_id]
    assert [e.summary for e in entries] == [
        "Materials: Niks te importeren/exporteren",
        "Relations: Niks te importeren/exporteren",
    ]
    shown = [messages.shown_summary(e.code, e.params, e.summary, lang="nl") for e in entries]
    assert shown == [
        "Materialen: Niks te importeren/exporteren",
        "Relaties: Niks te importeren/exporteren",
    ]
    assert all(e.level is Level.SUCCESS for e in entries)


def test_one_work_order_exported_reads_in_the_singular(
    qtbot, ready_demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(ready_demo)
    qtbot.waitUntil(lambda: window.work_orders.loaded, timeout=20_000)
    oracle_ok = [
        wo for wo in _numbers(window.work_orders.ready_list) if wo not in _faulty(ready_demo)
    ]
    finish(qtbot, window, lambda: window.start_run(_export_selected(), oracle_ok[:1]))
    qtbot.waitUntil(lambda: rows(window)[:1] == ["1 work order exported"], timeout=10_000)
    window.set_language("nl")
    qtbot.waitUntil(lambda: rows(window)[:1] == ["1 werkbon geëxporteerd"], timeout=10_000)


def _export_selected():
    from vismadesk.ui.actions import RunKind

    return RunKind.EXPORT_SELECTED


def _numbers(tree) -> list[str]:
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def _faulty(demo: DemoSession) -> set[str]:
    return {wo for orders in demo.sandbox.faulty_orders.values() for wo in orders}


def test_action_names_in_the_log_follow_the_language(ready_demo: DemoSession) -> None:
    log_entry = LogEntry(Action.IMPORT, Level.WARNING, "Sync cancelled after 2 of 9")
    assert (
        messages.shown_summary(
            messages.RUN_CANCELLED.code,
            {"action": "Sync", "done": 2, "total": 9},
            log_entry.summary,
            lang="nl",
        )
        == "Synchronisatie geannuleerd na 2 van 9"
    )


def test_retries_are_said_in_dutch_too(qtbot, ready_demo: DemoSession, make_window, dutch) -> None:
    from vismadesk.ui.actions import RunKind

    window: MainWindow = make_window(ready_demo)
    window._on_auth(ready_demo.context.tokens.state)
    ready_demo.sandbox.faults(service="erp", error_rate=1.0)
    label = Watch(window.progress_label.text)
    try:
        finish(qtbot, window, lambda: window.start_run(RunKind.SYNC_RELATIONS), timeout=60_000)
    finally:
        label.timer.stop()
    retries = [t for t in label.seen if "nieuwe poging" in t]
    assert "VISMA.net antwoordt met fouten, nieuwe poging (3 van 5)…" in retries, label.seen
    assert window.header.headline.text() == "VISMA.net antwoordt met fouten"
    assert style.GOOD not in window.header.headline.styleSheet()
