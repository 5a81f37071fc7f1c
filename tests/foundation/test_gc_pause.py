"""The collector pauses while big answers are read, and always comes back."""

from __future__ import annotations

import gc
import threading

from vismadesk.net import gc_pause


def test_paused_then_running_again() -> None:
    assert gc.isenabled()
    with gc_pause.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_on_threads_end_with_the_collector_running() -> None:
    inside = threading.Barrier(4)
    release = threading.Event()

    def reader() -> None:
        with gc_pause.paused():
            inside.wait()
            release.wait()

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    inside.wait()
    assert not gc.isenabled()
    release.set()
    for t in threads:
        t.join()
    assert gc.isenabled()


def test_an_error_while_paused_still_resumes_the_collector() -> None:
    try:
        with gc_pause.paused():
            raise ValueError("a broken answer")
    except ValueError:
        pass
    assert gc.isenabled()


def test_a_collector_someone_turned_off_stays_off() -> None:
    gc.disable()
    try:
        with gc_pause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
