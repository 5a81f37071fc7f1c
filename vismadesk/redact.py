"""Keep secrets out of log lines, log details and exception texts.

Two nets: every secret value vismadesk handles is registered here when it is read
or received (so it is masked wherever it turns up), and well-known secret-bearing
shapes (Bearer headers, token query parameters, token fields in JSON or forms) are
masked by pattern even when the value was never registered.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Mapping
from typing import Any

MASK = "***"

# Field names whose values are secrets wherever they appear.
SECRET_FIELDS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "code_verifier",
        "code",
        "token",
        "software_token",
        "password",
        "authorization",
        "outsmart_token",
        "outsmart_software_token",
        "visma_refresh_token",
        "visma_client_secret",
    }
)
# "code" is only a secret in OAuth exchanges; as a JSON key it names ordinary things
# (an error code, a material code), so the JSON pattern leaves it alone.
_JSON_SECRET_FIELDS = SECRET_FIELDS - {"code"}

_names = "|".join(sorted(SECRET_FIELDS, key=len, reverse=True))
_json_names = "|".join(sorted(_JSON_SECRET_FIELDS, key=len, reverse=True))
_PATTERNS = [
    re.compile(r"(?i)(\bBearer\s+)[A-Za-z0-9\-._~+/=]+"),
    re.compile(r"(?i)(\bBasic\s+)[A-Za-z0-9+/=]+"),
    # query strings and form bodies: token=...&
    re.compile(rf"(?i)((?<![A-Za-z0-9_])(?:{_names})=)[^&\s\"'<>]+"),
    # JSON: "access_token": "..."
    re.compile(rf"(?i)(\"(?:{_json_names})\"\s*:\s*\")[^\"]*"),
]

_lock = threading.Lock()
_known: set[str] = set()
# The known secrets longest first, sorted once per new secret rather than per text.
_known_sorted: tuple[str, ...] = ()
# Every pattern starts with one of these words (case aside): a text holding none of
# them needs no regular expression at all, which is most log texts.
# Looked for as plain substrings of the case-folded text: a case-insensitive regular
# expression of sixteen alternatives cost 7 us a text (an export log entry has nine).
_TRIGGER_WORDS = tuple(w.casefold() for w in ("bearer", "basic", *sorted(SECRET_FIELDS)))
# Shorter values would mask ordinary words; real tokens are far longer.
_MIN_LEN = 6


def register_secret(value: str | None) -> None:
    global _known_sorted
    # Known already (every OutSmart request registers its tokens): no lock needed to
    # see that, a set only grows.
    if value and len(value) >= _MIN_LEN and value not in _known:
        with _lock:
            if value not in _known:
                _known.add(value)
                _known_sorted = tuple(sorted(_known, key=len, reverse=True))


def redact(text: object) -> str:
    s = text if isinstance(text, str) else str(text)
    for secret in _known_sorted:
        if secret in s:
            s = s.replace(secret, MASK)
    folded = s.casefold()
    if not any(w in folded for w in _TRIGGER_WORDS):
        return s
    for pat in _PATTERNS:
        s = pat.sub(lambda m: m.group(1) + MASK, s)
    return s


def redact_obj(obj: Any) -> Any:
    """Deep copy of a JSON-like value with secrets masked (keys and values)."""
    if isinstance(obj, Mapping):
        out = {}
        for k, v in obj.items():
            key = str(k)
            if key.lower() in _JSON_SECRET_FIELDS and v not in (None, ""):
                out[key] = MASK
            else:
                out[key] = redact_obj(v)
        return out
    if isinstance(obj, list | tuple):
        return [redact_obj(v) for v in obj]
    if isinstance(obj, str):
        return redact(obj)
    return obj


class RedactingFilter(logging.Filter):
    """Logging filter for the diagnostic log files: masks secrets in every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info:
            # Render the traceback now so the formatter prints the masked text.
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        return True
