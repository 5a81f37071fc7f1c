"""JSON decoding that lets other threads run while a big document is read.

`json.loads` is one C call: it holds the interpreter lock until the whole document
is decoded. For OutSmart's listing of 5,000 work orders (15 MB) that is 120-170 ms
in which no other Python thread runs, the window's included: the window froze for
that long as each export started. Here the outer containers (an envelope, its list
of records) are walked in Python and each record is decoded on its own, so the
interpreter can switch threads between records. The result is the same as
`json.loads`, and so are the errors (`json.JSONDecodeError`, a `ValueError`).
"""

from __future__ import annotations

import json
from typing import Any

# How many object levels are walked in Python; below that, `raw_decode` does it all
# at once. A list's items are its records: each is decoded whole (walking a record's
# fields in Python cost Visma.net's bare lists of invoices and items several times
# what `json.loads` does). Two covers {envelope: [records]} and [records].
DEPTH = 2
_WHITESPACE = frozenset(" \t\n\r")
_decoder = json.JSONDecoder()


def loads(document: str | bytes) -> Any:
    if isinstance(document, bytes | bytearray):
        document = bytes(document).decode(json.detect_encoding(document), "surrogatepass")
    if document.startswith("\ufeff"):
        # json.loads refuses a BOM with this same error.
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", document, 0)
    value, end = _value(document, _skip(document, 0), DEPTH)
    end = _skip(document, end)
    if end != len(document):
        raise json.JSONDecodeError("Extra data", document, end)
    return value


def _skip(s: str, i: int) -> int:
    n = len(s)
    while i < n and s[i] in _WHITESPACE:
        i += 1
    return i


def _value(s: str, i: int, depth: int) -> tuple[Any, int]:
    if depth > 0 and i < len(s):
        if s[i] == "[":
            return _array(s, i + 1)
        if s[i] == "{":
            return _object(s, i + 1, depth - 1)
    return _decoder.raw_decode(s, i)


def _array(s: str, i: int) -> tuple[list[Any], int]:
    items: list[Any] = []
    i = _skip(s, i)
    if i < len(s) and s[i] == "]":
        return items, i + 1
    while True:
        value, i = _decoder.raw_decode(s, i)
        items.append(value)
        i = _skip(s, i)
        if i < len(s) and s[i] == ",":
            i = _skip(s, i + 1)
            continue
        if i < len(s) and s[i] == "]":
            return items, i + 1
        raise json.JSONDecodeError("Expecting ',' delimiter", s, i)


def _object(s: str, i: int, depth: int) -> tuple[dict[str, Any], int]:
    members: dict[str, Any] = {}
    i = _skip(s, i)
    if i < len(s) and s[i] == "}":
        return members, i + 1
    while True:
        if i >= len(s) or s[i] != '"':
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", s, i)
        key, i = _decoder.raw_decode(s, i)
        i = _skip(s, i)
        if i >= len(s) or s[i] != ":":
            raise json.JSONDecodeError("Expecting ':' delimiter", s, i)
        value, i = _value(s, _skip(s, i + 1), depth)
        members[key] = value
        i = _skip(s, i)
        if i < len(s) and s[i] == ",":
            i = _skip(s, i + 1)
            continue
        if i < len(s) and s[i] == "}":
            return members, i + 1
        raise json.JSONDecodeError("Expecting ',' delimiter", s, i)
