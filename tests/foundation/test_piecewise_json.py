"""Big answers are decoded record by record: same result as json.loads, other threads run."""

from __future__ import annotations

import json
import threading
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vismadesk.net import piecewise_json

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=40,
)


@given(values, st.sampled_from([None, 2]), st.booleans())
def test_same_value_as_json_loads(value: object, indent: int | None, as_bytes: bool) -> None:
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    document = text.encode("utf-8") if as_bytes else text
    assert piecewise_json.loads(document) == json.loads(document)


@pytest.mark.parametrize(
    "document",
    [
        "",
        "   ",
        "{",
        '{"code": 200,',
        '{"code" 200}',
        "{code: 200}",
        '{"response": [1, 2,]}',
        '{"response": [1 2]}',
        "[1, 2",
        '{"a": 1} x',
        "[1] [2]",
        '{"a": [}',
        "\ufeff[]",
    ],
)
def test_broken_documents_fail_as_json_loads_does(document: str) -> None:
    with pytest.raises(ValueError):
        json.loads(document)
    with pytest.raises(ValueError):
        piecewise_json.loads(document)


def test_other_threads_run_while_a_big_listing_is_decoded() -> None:
    listing = {
        "code": 200,
        "messages": [],
        "response": [
            {"WorkorderNo": f"WB{i:05d}", "Materials": [{"MaterialCode": "K-1"}] * 20}
            for i in range(5000)
        ],
    }
    document = json.dumps(listing)
    ticks: list[float] = []
    span: list[float] = []
    stop = threading.Event()

    def ticker() -> None:
        # Stands in for the window's thread: it needs the interpreter now and then.
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    thread = threading.Thread(target=ticker)
    thread.start()
    try:
        span.append(time.perf_counter())
        decoded = piecewise_json.loads(document)
        span.append(time.perf_counter())
    finally:
        stop.set()
        thread.join()
    assert decoded == listing
    during = [t for t in ticks if span[0] < t < span[1]]
    # json.loads holds the interpreter for the whole document: no tick gets in.
    assert len(during) >= 3, f"{len(during)} ticks in {1000 * (span[1] - span[0]):.0f} ms"
