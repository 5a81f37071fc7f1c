"""The window and another process on the same profile (a scheduled `vismadesk export`,
a second window): Export and Sync wait for it, and the window says so."""

from __future__ import annotations

import subprocess
import sys

from vismadesk import messages
from vismadesk.demo import DemoSession
from vismadesk.domain import ExportFormat, JournalState
from vismadesk.ui.actions import RunKind

_HOLDER = """
import sys
from vismadesk.domain import Action
from vismadesk.store import Store
with Store(sys.argv[1]) as s, s.hold_run(Action.EXPORT):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_export_and_sync_wait_while_another_process_exports(
    qtbot, demo: DemoSession, make_window
) -> None:
    window = make_window(demo)
    export = window.actions_by_kind[RunKind.EXPORT]
    sync = window.actions_by_kind[RunKind.SYNC_ALL]
    assert export.isEnabled() and not window.header.held_note.isVisible()

    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(demo.context.profile.db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        qtbot.waitUntil(lambda: not export.isEnabled(), timeout=10_000)
        assert not sync.isEnabled()
        note = window.header.held_note
        assert note.isVisible()
        assert f"Export is running in another vismadesk (process {proc.pid} on " in note.text()
        held = [
            e for e in demo.context.store.log_page(limit=50) if e.code == messages.PROFILE_HELD.code
        ]
        assert len(held) == 1 and held[0].details["pid"] == proc.pid

        assert proc.stdin is not None
        proc.stdin.write("done\n")
        proc.stdin.flush()
        assert proc.wait(timeout=10) == 0
        qtbot.waitUntil(export.isEnabled, timeout=10_000)
        assert sync.isEnabled() and not note.isVisible()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_a_work_order_in_visma_twice_is_shown_with_what_to_delete(
    qtbot, demo: DemoSession, make_window
) -> None:
    demo.context.settings.export_format = ExportFormat.SALES_INVOICE
    note = "Work order WB00003 is in VISMA.net 2 times: sales invoices 1001 and 1007. Delete 1007"
    demo.context.store.journal_record(
        "WB00003",
        JournalState.DONE,
        doc_format=ExportFormat.SALES_INVOICE,
        doc_number="1001",
        last_error=note,
    )
    window = make_window(demo)
    tab = window.work_orders
    with qtbot.waitSignal(window.work_orders_loaded, timeout=30_000):
        window.load_work_orders()
    assert tab.twice_box.isVisibleTo(tab)
    assert tab.twice_list.topLevelItemCount() == 1
    item = tab.twice_list.topLevelItem(0)
    assert [item.text(i) for i in range(3)] == ["WB00003", "1001", note]


def test_the_held_note_and_entry_speak_dutch_with_the_date_as_written_there(
    qtbot, demo: DemoSession, make_window
) -> None:
    from vismadesk import i18n
    from vismadesk.ui.log_rows import summary_of

    window = make_window(demo)
    window.set_language("nl")
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(demo.context.profile.db_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        note = window.header.held_note
        qtbot.waitUntil(note.isVisible, timeout=10_000)
        holder = demo.context.store.run_holder()
        assert holder is not None
        since = i18n.format_datetime(holder.since, seconds=True)
        assert note.text().startswith(f"Export loopt in een andere vismadesk (proces {proc.pid} ")
        assert f"sinds {since}." in note.text()
        panel = window.log_panel
        qtbot.waitUntil(lambda: panel.proxy.rowCount() > 0, timeout=10_000)
        row = summary_of(panel.proxy.index(0, 0))
        assert row.startswith("Export loopt in een andere vismadesk") and row.endswith(since)
    finally:
        assert proc.stdin is not None
        proc.stdin.write("done\n")
        proc.stdin.flush()
        proc.wait(timeout=10)
