"""Settings: one dataclass, saved as JSON with an atomic write.

The file never holds a secret (tokens and the client secret live in the keyring).
A corrupt file is moved aside and defaults are used, with a warning for the caller
to show; it never stops the program. Unknown keys (from a newer version) are kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vismadesk.atomic import write_text_atomically
from vismadesk.domain import ExportFormat
from vismadesk.i18n import LANGUAGE_SETTINGS

HOUR_ROUNDING_CHOICES = (0, 5, 15, 30)
LANGUAGE_CHOICES = LANGUAGE_SETTINGS
MAX_CONCURRENCY = 32

DEFAULT_URLS = {
    "outsmart_url": "https://www.out-smart.com/openapi/8/",
    "visma_connect_url": "https://connect.visma.com",
    "erp_url": "https://api.finance.visma.net",
    "salesorders_url": "https://salesorder.visma.net",
}


class CodeMap(tuple[tuple[str, str], ...]):
    """A small table in the settings: OutSmart unit -> VISMA.net unit, OutSmart project ->
    VISMA.net project (and task). Immutable pairs, written `A=B; C=D` on the command line
    and as a JSON object in the file; looked up without regard to case or spaces around
    the key, as planners type OutSmart's free text in any case."""

    def __new__(cls, pairs: Any = ()) -> CodeMap:
        # Sorted, as the settings file keeps its keys: a table reads back equal to itself.
        items = sorted(((str(k), str(v)) for k, v in pairs), key=lambda p: p[0].casefold())
        return super().__new__(cls, tuple(items))

    def __str__(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self)

    def lookup(self, key: str) -> str | None:
        wanted = key.strip().casefold()
        for k, v in self:
            if k.strip().casefold() == wanted:
                return v
        return None


class SettingsError(ValueError):
    """A value that does not fit its setting; the message names the key."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


@dataclass(slots=True)
class Settings:
    export_format: ExportFormat | None = None
    new_material: bool = False
    new_relation: bool = False
    # OutSmart work status that marks a work order ready for export; empty means
    # every work order with status Compleet.
    ready_status: str = ""
    error_status: str = "99"
    # OutSmart work status a work order gets just before its document is created, so
    # other consoles leave it alone ("in export"); empty: no claim in OutSmart.
    export_claim_status: str = "98"
    order_type: str = "SO"
    # Sales orders get the work order number as their order number (the order type
    # must number manually in VISMA.net), so VISMA.net itself refuses a second copy.
    manual_order_numbers: bool = False
    item_class: str = ""
    posting_class: str = ""
    hour_rounding: int = 0
    concurrency: int = 4
    auto_sync_minutes: int = 0
    # Closing the window leaves vismadesk in the system tray (its auto-sync goes on).
    keep_in_tray: bool = False
    # How far back an export reads VISMA.net's documents for work orders already there.
    duplicate_check_days: int = 60
    # After this long, another console's claim with no document is taken to be left by
    # a console that died, and is taken over.
    claim_lease_minutes: int = 15
    outsmart_url: str = DEFAULT_URLS["outsmart_url"]
    visma_connect_url: str = DEFAULT_URLS["visma_connect_url"]
    erp_url: str = DEFAULT_URLS["erp_url"]
    salesorders_url: str = DEFAULT_URLS["salesorders_url"]
    client_id: str = ""
    tenant_id: str = ""
    offline_access: bool = True
    # auto follows the OS language; nl or en choose one.
    language: str = "auto"
    # --- VISMA.net defaults (issue #15); empty means "leave it to VISMA.net" -----------
    # Item class for new labour items (hour types); empty: the one for new materials.
    labour_item_class: str = ""
    # The labour item a work period without an hour type is billed as; empty: such a
    # work order fails with its own message.
    default_labour_item: str = ""
    # OutSmart's free-text unit -> a VISMA.net unit (at most 6 characters).
    unit_map: CodeMap = field(default_factory=CodeMap)
    # New customers: class (its values with overrideWithClassValues) and credit terms.
    customer_class: str = ""
    override_class_values: bool = True
    customer_terms: str = ""
    # On every document: branch, warehouse (sales order lines), VAT category, terms.
    branch: str = ""
    warehouse: str = ""
    vat_category: str = ""
    credit_terms: str = ""
    # OutSmart project number -> VISMA.net project, optionally "/task".
    project_map: CodeMap = field(default_factory=CodeMap)
    # The item the work description is written on as a text line; empty: no text line.
    description_item: str = ""
    # --- what the field expects (issue #17) ---------------------------------------------
    # After a customer invoice is created, the work order's PDF goes on it as an
    # attachment; optionally the forms' PDFs and the signature too. SalesOrders v3 has
    # no attachment endpoint, so sales orders never carry them.
    attach_pdf: bool = False
    attach_forms: bool = False
    attach_signature: bool = False
    # OutSmart work status a work order gets after a successful export (besides
    # Afgehandeld); empty: its work status stays as it was.
    exported_status: str = ""
    # A proxy for the odd network the system settings do not describe; empty: the
    # system's proxy (HTTPS_PROXY and the like, or the OS settings) is used.
    proxy: str = ""
    # Empty: the log and journal live in the profile's own file. A PostgreSQL address
    # (postgresql://user@server:5432/database, no password in it) makes this console
    # one of a team sharing that server's journal, log and claims.
    store_url: str = ""
    # Keys this version does not know, kept so a newer version's settings survive.
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        _spec(key)
        return getattr(self, key)

    def set(self, key: str, value: Any) -> None:
        """Set one setting from a typed value or its text form (as `config set` gives)."""
        spec = _spec(key)
        setattr(self, key, spec.coerce(key, value))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.extra)
        for key in SETTING_KEYS:
            out[key] = SPECS[key].dump(getattr(self, key))
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> tuple[Settings, list[str]]:
        """Build settings from a parsed file; each rejected value becomes a warning."""
        s = cls()
        warnings: list[str] = []
        for key, value in data.items():
            if key not in SPECS:
                s.extra[key] = value
                continue
            try:
                s.set(key, value)
            except SettingsError as e:
                warnings.append(f"Setting {e}; the default is used instead.")
        return s, warnings

    def copy(self) -> Settings:
        return replace(self, extra=dict(self.extra))

    def validation_errors(self) -> dict[str, str]:
        """Problems per key for the current values (the window marks them per field)."""
        errors: dict[str, str] = {}
        for key in SETTING_KEYS:
            try:
                SPECS[key].coerce(key, getattr(self, key))
            except SettingsError as e:
                errors[key] = e.problem
        return errors


# --- Per-key parsing and checks -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Spec:
    kind: str
    check: Callable[[Any], str | None] = lambda _v: None

    def coerce(self, key: str, value: Any) -> Any:
        parsed = _PARSERS[self.kind](key, value)
        problem = self.check(parsed)
        if problem:
            raise SettingsError(key, problem)
        return parsed

    def dump(self, value: Any) -> Any:
        if isinstance(value, ExportFormat):
            return value.value
        if isinstance(value, CodeMap):
            return dict(value)
        return value


def _parse_bool(key: str, v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in {"true", "on", "yes", "1"}:
        return True
    if isinstance(v, str) and v.strip().lower() in {"false", "off", "no", "0"}:
        return False
    raise SettingsError(key, f"expected true or false, got {v!r}")


def _parse_int(key: str, v: Any) -> int:
    if isinstance(v, bool):
        raise SettingsError(key, f"expected a whole number, got {v!r}")
    if isinstance(v, int):
        return v
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            pass
    raise SettingsError(key, f"expected a whole number, got {v!r}")


def _parse_str(key: str, v: Any) -> str:
    if isinstance(v, str):
        return v.strip()
    raise SettingsError(key, f"expected text, got {v!r}")


def _parse_format(key: str, v: Any) -> ExportFormat | None:
    if v is None or isinstance(v, ExportFormat):
        return v
    if isinstance(v, str):
        text = v.strip().lower().replace("-", "_").replace(" ", "_")
        if text in {"", "none", "null"}:
            return None
        try:
            return ExportFormat(text)
        except ValueError:
            pass
    raise SettingsError(key, f"expected sales_order or sales_invoice, got {v!r}")


def _parse_map(key: str, v: Any) -> CodeMap:
    """`A=B; C=D` (also one pair a line, or commas), a JSON object or a list of pairs."""
    if isinstance(v, CodeMap):
        return v
    if isinstance(v, dict):
        pairs = list(v.items())
    elif isinstance(v, list | tuple):
        pairs = [tuple(p) for p in v if isinstance(p, list | tuple) and len(p) == 2]
        if len(pairs) != len(v):
            raise SettingsError(key, "expected pairs such as STUKKEN=ST")
    elif isinstance(v, str):
        pairs = []
        for part in v.replace("\n", ";").replace(",", ";").split(";"):
            if not part.strip():
                continue
            if "=" not in part:
                raise SettingsError(key, f"expected FROM=TO pairs, got {part.strip()!r}")
            left, right = part.split("=", 1)
            pairs.append((left, right))
    else:
        raise SettingsError(key, f"expected FROM=TO pairs, got {v!r}")
    out: list[tuple[str, str]] = []
    for left, right in pairs:
        if not isinstance(left, str) or not isinstance(right, str):
            raise SettingsError(key, "expected text on both sides of =")
        if not left.strip() or not right.strip():
            raise SettingsError(key, "both sides of = need a value")
        out.append((left.strip(), right.strip()))
    return CodeMap(out)


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "bool": _parse_bool,
    "int": _parse_int,
    "str": _parse_str,
    "format": _parse_format,
    "map": _parse_map,
}


def _url_problem(v: str) -> str | None:
    parts = urlsplit(v)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return "expected an address starting with https://"
    if parts.scheme == "http" and parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        return "only https:// is allowed, except for a local sandbox"
    return None


def _store_url_problem(v: str) -> str | None:
    # Standard library only: checking the setting does not load the database driver.
    from vismadesk.store.postgres.url import url_problem

    return url_problem(v)


def _proxy_problem(v: str) -> str | None:
    """A proxy address: http(s)://host:port. A password in it would be written to the
    settings file in plain text, so it is refused (a secret lives in the keyring only)."""
    if not v:
        return None
    try:
        parts = urlsplit(v)
        port = parts.port
    except ValueError:
        return "expected an address such as http://proxy.example.com:8080"
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "expected an address such as http://proxy.example.com:8080"
    if parts.password is not None:
        return (
            "a password may not be in the address: it would be kept in the settings file; "
            "use the system proxy settings for a proxy that needs one"
        )
    if port is None:
        return "the address needs the proxy's port, such as :8080"
    if parts.path not in {"", "/"} or parts.query or parts.fragment:
        return "expected only scheme, host and port, such as http://proxy.example.com:8080"
    return None


def _range(lo: int, hi: int) -> Callable[[int], str | None]:
    return lambda v: None if lo <= v <= hi else f"must be between {lo} and {hi}"


def _short_code(v: str) -> str | None:
    if len(v) > 30:
        return "at most 30 characters"
    return None


# SalesOrders v3 allows a unit of at most 6 characters; projects and tasks 30.
UNIT_MAX = 6
PROJECT_MAX = 30


def _units_problem(v: CodeMap) -> str | None:
    for outsmart, visma in v:
        if len(outsmart) > 255:
            return f"{outsmart[:20]}…: an OutSmart unit has at most 255 characters"
        if len(visma) > UNIT_MAX:
            return f"{outsmart}={visma}: a VISMA.net unit has at most {UNIT_MAX} characters"
    return None


def _projects_problem(v: CodeMap) -> str | None:
    for outsmart, visma in v:
        project, _, task = visma.partition("/")
        if not project.strip() or (visma.count("/") and not task.strip()):
            return f"{outsmart}={visma}: expected PROJECT or PROJECT/TASK"
        if len(project.strip()) > PROJECT_MAX or len(task.strip()) > PROJECT_MAX:
            return f"{outsmart}={visma}: project and task have at most {PROJECT_MAX} characters"
    return None


def project_and_task(visma: str) -> tuple[str, str]:
    """A project map's value: "PROJECT/TASK" -> ("PROJECT", "TASK"); the task may be ""."""
    project, _, task = visma.partition("/")
    return project.strip(), task.strip()


# Key, kind and check only: the words for each setting are the window's
# (`vismadesk.ui.texts.SETTING_LABELS`); the command line names settings by key.
SPECS: dict[str, _Spec] = {
    "export_format": _Spec("format"),
    "new_material": _Spec("bool"),
    "new_relation": _Spec("bool"),
    "ready_status": _Spec("str", _short_code),
    "error_status": _Spec("str", lambda v: "may not be empty" if not v else _short_code(v)),
    "export_claim_status": _Spec("str", _short_code),
    "manual_order_numbers": _Spec("bool"),
    "order_type": _Spec(
        "str",
        lambda v: (
            "expected 1 to 2 letters or digits, such as SO"
            if not (1 <= len(v) <= 2 and v.isalnum())
            else None
        ),
    ),
    "item_class": _Spec("str", _short_code),
    "posting_class": _Spec("str", _short_code),
    "hour_rounding": _Spec(
        "int", lambda v: None if v in HOUR_ROUNDING_CHOICES else "must be 0 (none), 5, 15 or 30"
    ),
    "concurrency": _Spec("int", _range(1, MAX_CONCURRENCY)),
    "auto_sync_minutes": _Spec("int", _range(0, 24 * 60)),
    "keep_in_tray": _Spec("bool"),
    "duplicate_check_days": _Spec("int", _range(1, 3660)),
    "claim_lease_minutes": _Spec("int", _range(1, 24 * 60)),
    "outsmart_url": _Spec("str", _url_problem),
    "visma_connect_url": _Spec("str", _url_problem),
    "erp_url": _Spec("str", _url_problem),
    "salesorders_url": _Spec("str", _url_problem),
    "client_id": _Spec("str"),
    "tenant_id": _Spec("str"),
    "offline_access": _Spec("bool"),
    "language": _Spec(
        "str",
        lambda v: (
            None
            if v in LANGUAGE_CHOICES
            else f"must be auto (the system's language), nl (Dutch) or en (English), not {v!r}"
        ),
    ),
    "labour_item_class": _Spec("str", _short_code),
    "default_labour_item": _Spec("str", _short_code),
    "unit_map": _Spec("map", _units_problem),
    "customer_class": _Spec("str", _short_code),
    "override_class_values": _Spec("bool"),
    "customer_terms": _Spec("str", _short_code),
    "branch": _Spec("str", _short_code),
    "warehouse": _Spec("str", _short_code),
    "vat_category": _Spec("str", _short_code),
    "credit_terms": _Spec("str", _short_code),
    "project_map": _Spec("map", _projects_problem),
    "description_item": _Spec("str", _short_code),
    "store_url": _Spec("str", _store_url_problem),
    "attach_pdf": _Spec("bool"),
    "attach_forms": _Spec("bool"),
    "attach_signature": _Spec("bool"),
    "exported_status": _Spec("str", _short_code),
    "proxy": _Spec("str", _proxy_problem),
}
SETTING_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Settings) if f.name != "extra")
assert set(SETTING_KEYS) == set(SPECS), "every setting needs a spec"


def _spec(key: str) -> _Spec:
    try:
        return SPECS[key]
    except KeyError:
        raise SettingsError(key, "unknown setting") from None


# --- The file ------------------------------------------------------------------------


@dataclass(slots=True)
class LoadResult:
    settings: Settings
    warnings: list[str]
    # Where a corrupt file was moved to, if it was.
    moved_to: Path | None = None
    existed: bool = False


def load_settings(path: Path) -> LoadResult:
    if not path.exists():
        return LoadResult(Settings(), [])
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("the file does not hold a JSON object")
    except (OSError, ValueError, RecursionError) as e:
        # RecursionError: a file nested thousands of levels deep is damaged too.
        moved = _move_aside(path)
        where = str(moved) if moved else "(could not be moved)"
        warning = (
            f"The settings file {path} could not be read ({e.__class__.__name__}); it was "
            f"moved aside to {where} and defaults are used."
        )
        return LoadResult(Settings(), [warning], moved_to=moved, existed=True)
    settings, warnings = Settings.from_json(data)
    return LoadResult(settings, warnings, existed=True)


def _move_aside(path: Path) -> Path | None:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.broken-{stamp}")
    try:
        os.replace(path, target)
    except OSError:
        return None
    return target


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically: a crash or a full disk mid-write leaves the old file intact."""
    text = json.dumps(settings.to_json(), indent=2, sort_keys=True) + "\n"
    write_text_atomically(path, text)
