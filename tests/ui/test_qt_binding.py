"""The Qt binding itself must be safe to use: PySide6 6.12.0 was not (see pyproject)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    ping = Signal(int)


def test_emitting_signals_keeps_the_interpreter_alive(qtbot) -> None:
    emitter = _Emitter()
    got: list[int] = []
    emitter.ping.connect(got.append)
    before = sys.getrefcount(True)
    for n in range(200):
        emitter.ping.emit(n)
    # A binding that drops a reference per emit would crash a long-running window.
    assert sys.getrefcount(True) >= before - 5
    assert len(got) == 200
