"""The OutSmart OpenAPI v8 client the engine and the window share.

OutSmart answers every call with HTTP 200 and a `{code, messages, response}`
envelope; the code says what happened. The two tokens travel as query parameters
on every call and are asked of `Secrets` per call (which keeps them rather than ask
the OS keyring each time), so a token entered in the window is used at once. Every
call vismadesk makes is idempotent (reads; setting a work status; marking handled;
upserting master data by code), so timeouts, dropped connections and 5xx answers are
retried; an envelope code never is, it is an answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import httpx

from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.domain import HourType, Material, Relation, WorkOrder, WorkStatus
from vismadesk.errors import AppError, OutSmartError
from vismadesk.keyring_store import KeyringUnavailable, SecretName, Secrets, SecretStoreError
from vismadesk.net import gc_pause
from vismadesk.net.pacing import Pacer
from vismadesk.net.transport import (
    Backoff,
    exchange_excerpt,
    looks_like_html,
    mask_request_logs,
    new_http_client,
    read_json,
    retry_after_seconds,
    transport_error,
    unexpected_response,
)
from vismadesk.outsmart import codes, records
from vismadesk.redact import register_secret

SERVICE = records.SERVICE
# One try and three retries: with the default backoff about two seconds of waiting,
# enough to ride out a restart of a load balancer, short enough for a planner.
MAX_ATTEMPTS = 4
_RETRY_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

log = logging.getLogger(__name__)
T = TypeVar("T")
Shape = Callable[[Any], T]


class OutSmartClient:
    """Thread-safe: one pooled `httpx.Client`, no other shared mutable state."""

    def __init__(
        self,
        settings: Settings,
        secrets: Secrets,
        *,
        http: httpx.Client | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self._settings = settings
        self._secrets = secrets
        self._own_http = http is None
        self._http = http if http is not None else new_http_client(proxy=settings.proxy)
        self._backoff = backoff or Backoff()
        self._auth_query: dict[tuple[tuple[str, str], ...], str] = {}
        # OutSmart documents no rate limit; should it send X-RateLimit-*, it is kept to.
        self._pacer = Pacer()
        mask_request_logs()

    # --- tokens ------------------------------------------------------------------------

    def has_tokens(self) -> bool:
        """Both tokens are there (keyring or VISMADESK_* variables); nothing is sent."""
        token, software = self._stored_tokens()
        return bool(token and software)

    def _stored_tokens(self) -> tuple[str, str]:
        try:
            token = self._secrets.get(SecretName.OUTSMART_TOKEN)
            software = self._secrets.get(SecretName.OUTSMART_SOFTWARE_TOKEN)
        except SecretStoreError as e:
            reason = e.reason if isinstance(e, KeyringUnavailable) else str(e)
            raise AppError(messages.KEYRING_UNAVAILABLE.code, {"reason": reason}) from None
        return (token or "").strip(), (software or "").strip()

    def _auth(self, token: str | None = None, software_token: str | None = None) -> dict[str, str]:
        if token is None or software_token is None:
            stored_token, stored_software = self._stored_tokens()
            token = stored_token if token is None else token
            software_token = stored_software if software_token is None else software_token
        # Pasted tokens often carry a trailing space or newline; OutSmart would reject them.
        token, software_token = token.strip(), software_token.strip()
        register_secret(token)
        register_secret(software_token)
        if not token or not software_token:
            raise AppError(messages.OUTSMART_TOKENS_MISSING.code)
        return {"token": token, "software_token": software_token}

    # --- calls the engine and the window make ------------------------------------------

    def check(self, token: str | None = None, software_token: str | None = None) -> None:
        """Test connection: one cheap call with these tokens (None: the stored one)."""
        auth = self._auth(token, software_token)
        rows = self._call("GET", "workstatusses/", shape=_list, auth=auth)
        _parse_all(rows, records.work_status)

    def work_orders(
        self,
        status: str,
        workstatus: str | None = None,
        *,
        unreadable: list[AppError] | None = None,
    ) -> list[WorkOrder]:
        """The work orders OutSmart lists; with `unreadable`, one bad work order does not
        hide the others: its error (naming the field) is added there instead of raised."""
        # update_status defaults to true at OutSmart: a listing without it would mark
        # every listed work order handled before anything was exported.
        params = {"status": status, "update_status": "false"}
        if workstatus:
            params["workstatus"] = workstatus
        # Thousands of work orders become objects here at once: see gc_pause. The raw
        # rows go before the collector runs again, so it never has to walk them.
        with gc_pause.paused():
            rows = self._call("GET", "GetWorkorders/", params, shape=_list)
            if unreadable is None:
                orders = _parse_all(rows, records.work_order)
            else:
                orders = []
                for row in rows:
                    try:
                        orders.append(records.work_order(row))
                    except AppError as e:
                        unreadable.append(e)
            del rows
        return orders

    def work_order(self, number: str) -> WorkOrder:
        params = {"workorder_no": _number(number), "update_status": "false"}
        return records.work_order(self._call("GET", "GetWorkorder/", params, shape=_object))

    def mark_handled(self, number: str) -> None:
        """Afgehandeld: OutSmart's documented way to say "processed", and it is not
        listed as Compleet again."""
        params = {"workorder_no": _number(number), "update_status": "true"}
        # The answer is the work order as it was; it is not parsed, so an odd value in
        # it cannot stop a work order that reached Visma.net from being marked.
        self._call("GET", "GetWorkorder/", params, shape=_anything)

    def set_work_status(self, number: str, status: str) -> bool:
        """Give the work order this work status; False when it had it already."""
        params = {"workorder_no": _number(number), "workstatus": status}
        try:
            self._call("GET", "UpdateWorkorder/", params, shape=_anything)
        except OutSmartError as e:
            # OutSmart calls a status the work order already has "no data changed":
            # the status is what was asked for, so that is no failure.
            if e.outsmart_code != codes.NO_CHANGE:
                raise
            return False
        return True

    def claim_work_order(self, number: str, status: str) -> bool:
        """Give the work order the in-export work status, as a claim: True when this
        call set it, False when it had that status already (another console claimed it
        first: OutSmart answers "no data changed"). A status OutSmart does not know
        raises its 1504 error.

        When an attempt's answer was lost and the retry then hears "no data changed",
        the lost attempt is what set it: that is this call's claim, and True."""
        params = {"workorder_no": _number(number), "workstatus": status}
        retried: list[str] = []
        try:
            self._call("GET", "UpdateWorkorder/", params, shape=_anything, retried=retried)
        except OutSmartError as e:
            if e.outsmart_code != codes.NO_CHANGE:
                raise
            return bool(retried)
        return True

    def relations(self) -> list[Relation]:
        return _parse_all(self._call("GET", "relations/", shape=_list), records.relation)

    def save_relations(self, items: list[Relation]) -> int:
        return self._save("relations/", [records.relation_body(r) for r in items])

    def materials(self) -> list[Material]:
        return _parse_all(self._call("GET", "materials/", shape=_list), records.material)

    def save_materials(self, items: list[Material]) -> int:
        return self._save("materials/", [records.material_body(m) for m in items])

    def hour_types(self) -> list[HourType]:
        return _parse_all(self._call("GET", "hourtypes/", shape=_list), records.hour_type)

    def save_hour_types(self, items: list[HourType]) -> int:
        return self._save("hourtypes/", [records.hour_type_body(h) for h in items])

    def work_statuses(self) -> list[WorkStatus]:
        return _parse_all(self._call("GET", "workstatusses/", shape=_list), records.work_status)

    def download(self, url: str) -> Download:
        """A worksheet file OutSmart links to (`PdfUrl`, `SignatureUrl`, a form's PDF):
        no tokens travel with it, the address itself is the key. Retried as a read."""
        if urlsplit(url).scheme not in ("http", "https"):
            raise AppError(
                messages.UNEXPECTED_RESPONSE.code,
                {"why": f"not a web address: {url[:200]!r}"},
                service=SERVICE,
            )
        attempt = 0
        while True:
            last = attempt + 1 >= MAX_ATTEMPTS
            try:
                response = self._http.get(url, follow_redirects=True, headers={"Accept": "*/*"})
            except _RETRY_ERRORS as e:
                if last:
                    raise transport_error(SERVICE, e) from None
                self._pause("GET", "file", attempt, type(e).__name__)
                attempt += 1
                continue
            except httpx.HTTPError as e:
                raise transport_error(SERVICE, e) from None
            if response.status_code in _RETRY_STATUSES and not last:
                self._pause("GET", "file", attempt, f"HTTP {response.status_code}")
                attempt += 1
                continue
            return _file(response)

    def close(self) -> None:
        if self._own_http:
            self._http.close()

    # --- the wire ----------------------------------------------------------------------

    def _save(self, endpoint: str, body: list[dict[str, str]]) -> int:
        if not body:
            return 0
        return self._call("POST", endpoint, body=body, shape=_count)

    def _url(self, endpoint: str) -> str:
        # Read per call: the window updates the settings object in place.
        return self._settings.outsmart_url.rstrip("/") + "/" + endpoint

    def _call(
        self,
        method: str,
        endpoint: str,
        params: dict[str, str] | None = None,
        *,
        shape: Shape[T],
        body: Any = None,
        auth: dict[str, str] | None = None,
        retried: list[str] | None = None,
    ) -> T:
        """`retried`, when given, gets why each attempt whose request may have been
        carried out (its answer lost, or a server error) was tried again."""
        content = None
        headers = None
        if body is not None:
            content = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers = {"Content-Type": "application/json"}
        # The query as httpx would encode it, the tokens' part kept between calls: a
        # dict of params is encoded and the URL parsed twice per request (a fifth of
        # httpx's own cost for OutSmart's long tokens).
        url = self._url(endpoint) + "?" + self._query(auth or self._auth(), params)
        attempt = 0
        while True:
            last = attempt + 1 >= MAX_ATTEMPTS
            pause = self._pacer.delay()
            if pause:
                self._backoff.sleep(pause)
            try:
                response = self._http.request(method, url, content=content, headers=headers)
            except _RETRY_ERRORS as e:
                self._pacer.abandon()
                if last:
                    raise transport_error(SERVICE, e) from None
                self._pause(method, endpoint, attempt, type(e).__name__)
                if retried is not None and not isinstance(e, httpx.ConnectError):
                    retried.append(type(e).__name__)
                attempt += 1
                continue
            except httpx.HTTPError as e:
                self._pacer.abandon()
                raise transport_error(SERVICE, e) from None
            self._pacer.observe(response)
            if response.status_code == 429:
                self._pacer.exhausted(_asked_wait(response))
            if response.status_code in _RETRY_STATUSES and not last:
                self._pause(
                    method,
                    endpoint,
                    attempt,
                    f"HTTP {response.status_code}",
                    _asked_wait(response),
                )
                if retried is not None and response.status_code != 429:
                    retried.append(f"HTTP {response.status_code}")
                attempt += 1
                continue
            return _unwrap(response, shape)

    def _query(self, auth: dict[str, str], params: dict[str, str] | None) -> str:
        key = tuple(auth.items())
        encoded = self._auth_query.get(key)
        if encoded is None:
            encoded = urlencode(auth)
            self._auth_query = {key: encoded}  # one pair of tokens at a time
        return encoded + "&" + urlencode(params) if params else encoded

    def _pause(
        self, method: str, endpoint: str, attempt: int, why: str, at_least: float = 0.0
    ) -> None:
        waited = self._backoff.wait(attempt, at_least)
        log.info(
            "OutSmart %s %s: %s; retry %d of %d after %.2f s",
            method,
            endpoint,
            why,
            attempt + 1,
            MAX_ATTEMPTS - 1,
            waited,
        )


@dataclass(frozen=True, slots=True)
class Download:
    content: bytes
    content_type: str


# A worksheet PDF is a few hundred kilobytes; anything this big is not one.
MAX_FILE_BYTES = 50 * 1024 * 1024


def _file(response: httpx.Response) -> Download:
    status = response.status_code
    if status != 200:
        raise unexpected_response(SERVICE, response, f"HTTP {status} instead of the file")
    # OutSmart answers an unknown or expired address with a web page, not an error.
    if looks_like_html(response):
        raise unexpected_response(SERVICE, response, "an HTML page instead of the file")
    content = response.content
    if not content:
        raise unexpected_response(SERVICE, response, "an empty file")
    if len(content) > MAX_FILE_BYTES:
        raise unexpected_response(SERVICE, response, f"a file of {len(content)} bytes")
    ctype = response.headers.get("content-type", "").split(";")[0].strip()
    return Download(content, ctype or "application/octet-stream")


# --- the envelope ----------------------------------------------------------------------


def _asked_wait(response: httpx.Response) -> float:
    """How long the answer asks to wait before the retry. A rate window's reset only
    speaks for a 429: a server error in the middle of a window would otherwise wait
    out the window (half a minute) instead of the backoff."""
    if response.status_code == 429:
        return retry_after_seconds(response)
    if "retry-after" in response.headers:
        return retry_after_seconds(
            httpx.Response(503, headers={"retry-after": response.headers["retry-after"]})
        )
    return 0.0


def _unwrap(response: httpx.Response, shape: Shape[T]) -> T:
    status = response.status_code
    if status == 429:
        # Still limited after every retry: the rate limit, not "an unexpected answer".
        raise AppError(
            messages.OUTSMART_RATE_LIMITED.code,
            {"status": status, "exchange": exchange_excerpt(response.request, response)},
        )
    if status != 200:
        page = " with an HTML error page" if looks_like_html(response) else ""
        raise unexpected_response(SERVICE, response, f"HTTP {status}{page} instead of 200")
    body = read_json(SERVICE, response)
    code = _envelope_code(body)
    if code is None:
        raise unexpected_response(
            SERVICE, response, "JSON without OutSmart's {code, messages, response} envelope"
        )
    if code != 200:
        raw = body.get("messages")
        said = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
        texts = [m if isinstance(m, str) else json.dumps(m, ensure_ascii=False) for m in said]
        texts = [t for t in texts if t.strip()]
        documented = codes.meaning(code)
        if not texts and documented:
            texts = [documented]
        raise OutSmartError(
            code,
            texts,
            code=codes.catalogue_code(code),
            exchange=exchange_excerpt(response.request, response),
        )
    try:
        return shape(body.get("response"))
    except ValueError as e:
        raise unexpected_response(SERVICE, response, str(e)) from None


def _envelope_code(body: Any) -> int | None:
    if not isinstance(body, dict) or "code" not in body:
        return None
    code = body["code"]
    if isinstance(code, bool):
        return None
    if isinstance(code, int):
        return code
    if isinstance(code, str) and code.strip().isdigit():
        return int(code)
    return None


# --- shapes of `response` ----------------------------------------------------------------


def _anything(value: Any) -> Any:
    return value


def _list(value: Any) -> list[Any]:
    # No results may come back as null rather than [].
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"expected a list in 'response', got {type(value).__name__}")
    return value


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"expected an object in 'response', got {type(value).__name__}")
    return value


def _count(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    raise ValueError(f"expected the number of records saved in 'response', got {value!r}")


def _parse_all(rows: list[Any], parse: Callable[[Any], T]) -> list[T]:
    return [parse(row) for row in rows]


def _number(number: str) -> str:
    number = number.strip()
    if not number:
        # An empty workorder_no must never reach OutSmart: it is a bug here, not a
        # request for "any work order".
        raise ValueError("a work order number is required")
    return number
