"""An export on eight threads, as a planner watches it: the progress bar and the log."""

from __future__ import annotations

import threading

from vismadesk.demo import DemoSession
from vismadesk.domain import Action, Level
from vismadesk.engine.export import run_export
from vismadesk.engine.runs import Progress, RunHooks


def test_progress_never_goes_back_and_ends_at_the_total(demo: DemoSession) -> None:
    demo.context.settings.concurrency = 8
    seen: list[Progress] = []
    lock = threading.Lock()

    def on_progress(p: Progress) -> None:
        with lock:
            seen.append(p)

    result = run_export(demo.context, RunHooks(on_progress=on_progress))

    done = [p.done for p in seen]
    assert done == sorted(done), "the bar moved backwards"
    assert seen[-1].done == seen[-1].total == result.total
    assert seen[-1].failed == result.failed
    assert result.succeeded + result.failed == result.total


def test_each_work_order_is_logged_once_with_eight_threads(demo: DemoSession) -> None:
    demo.context.settings.concurrency = 8
    result = run_export(demo.context)

    entries = demo.context.store.log_page(limit=10_000)
    mine = [e for e in entries if e.run_id == result.run_id and e.action is Action.EXPORT]
    exported = [e.work_order for e in mine if e.level is Level.SUCCESS and e.work_order]
    assert len(exported) == len(set(exported)) == result.succeeded
