"""Hold off the cyclic garbage collector while a big answer becomes objects.

Reading OutSmart's listing of 5,000 work orders makes some 100,000 dicts, lists and
records in a few hundred milliseconds. Halfway through, Python runs a full
collection over all of them; it holds the interpreter lock for 45-65 ms, and the
window's thread waits that long (bench/gui_stall.py measured it as each export
began). Paused while the listing is read, the collector afterwards finds the raw
JSON already freed (by reference counting, which never pauses) and only walks the
records that stay: a third of the work, in smaller steps.

Several threads may pause at once; the collector runs again when the last one is
done, and only if it was running when the first one began.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_pauses = 0
_resume = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    global _pauses, _resume
    with _lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
