"""Text for a terminal: data shown as the characters it holds, never as commands.

A material code may hold anything OutSmart let someone type or paste: an ANSI escape
that recolours or clears the terminal, a carriage return that overwrites the line, a
newline that fakes a log line of its own, a right-to-left override that shows the
text backwards. Each such character is written as its escape (`\\x1b`, `\\n`), as
`--json` does.
"""

from __future__ import annotations

import re

# C0 controls (tab included: it lines up nothing here), DEL, C1 controls, and the
# Unicode bidirectional overrides, isolates and marks.
_UNSAFE = re.compile("[\\x00-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]")


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    if ch in named:
        return named[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every control character written as its escape."""
    return _UNSAFE.sub(_escape, text)
