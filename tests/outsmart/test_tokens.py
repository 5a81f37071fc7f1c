"""The two OutSmart tokens: on every call, read fresh, never shown anywhere."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import keyring.errors
import pytest
import respx

from tests.helpers.outsmart_wire import BASE, SOFTWARE_TOKEN, TOKEN, Waits, fail, ok
from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.domain import HourType, Material, Relation
from vismadesk.errors import AppError
from vismadesk.keyring_store import MemoryKeyring, SecretName, Secrets
from vismadesk.net.transport import Backoff
from vismadesk.outsmart.client import OutSmartClient

CALLS: dict[str, Callable[[OutSmartClient], Any]] = {
    "check": lambda c: c.check(),
    "work_orders": lambda c: c.work_orders("Compleet"),
    "work_order": lambda c: c.work_order("WB00001"),
    "mark_handled": lambda c: c.mark_handled("WB00001"),
    "set_work_status": lambda c: c.set_work_status("WB00001", "99"),
    "relations": lambda c: c.relations(),
    "save_relations": lambda c: c.save_relations(
        [Relation("10001", "Bakkerij Jansen", "Dorpsstraat", "1", "1234AB", "Utrecht")]
    ),
    "materials": lambda c: c.materials(),
    "save_materials": lambda c: c.save_materials([Material("M1", "Buis", Decimal(2), "M")]),
    "hour_types": lambda c: c.hour_types(),
    "save_hour_types": lambda c: c.save_hour_types([HourType("ARBEID", "Arbeid")]),
    "work_statuses": lambda c: c.work_statuses(),
}


def _answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if request.method == "POST":
        return ok(len(json.loads(request.content)))
    if path.endswith("/GetWorkorder/"):
        return ok({"WorkorderNo": "WB00001", "id": "1"})
    if path.endswith("/UpdateWorkorder/"):
        return ok(None)
    return ok([])


@pytest.fixture
def answering(api: respx.MockRouter) -> respx.MockRouter:
    api.route().mock(side_effect=_answer)
    return api


@pytest.mark.parametrize("name", CALLS)
def test_both_tokens_go_with_every_call(
    client: OutSmartClient, answering: respx.MockRouter, name: str
) -> None:
    CALLS[name](client)
    assert answering.calls.call_count == 1
    params = answering.calls.last.request.url.params
    assert params["token"] == TOKEN
    assert params["software_token"] == SOFTWARE_TOKEN


def test_listing_never_lets_outsmart_mark_work_orders_handled(
    client: OutSmartClient, answering: respx.MockRouter
) -> None:
    client.work_orders("Compleet")
    client.work_orders("Compleet", "001")
    client.work_orders("Compleet", "")
    sent = [c.request.url.params for c in answering.calls]
    assert [p["update_status"] for p in sent] == ["false"] * 3
    assert [p["status"] for p in sent] == ["Compleet"] * 3
    assert [p.get("workstatus") for p in sent] == [None, "001", None]


def test_reading_one_work_order_does_not_mark_it(
    client: OutSmartClient, answering: respx.MockRouter
) -> None:
    client.work_order("WB00001")
    client.mark_handled("WB00001")
    first, second = (c.request.url.params for c in answering.calls)
    assert (first["workorder_no"], first["update_status"]) == ("WB00001", "false")
    assert (second["workorder_no"], second["update_status"]) == ("WB00001", "true")


def test_set_work_status_sends_the_status(
    client: OutSmartClient, answering: respx.MockRouter
) -> None:
    client.set_work_status("WB00007", "99")
    params = answering.calls.last.request.url.params
    assert (params["workorder_no"], params["workstatus"]) == ("WB00007", "99")


def test_a_token_entered_later_is_used_at_once(
    client: OutSmartClient, answering: respx.MockRouter, secrets: Secrets
) -> None:
    client.relations()
    secrets.set(SecretName.OUTSMART_TOKEN, "tok-new-after-copy-paste")
    client.relations()
    tokens = [c.request.url.params["token"] for c in answering.calls]
    assert tokens == [TOKEN, "tok-new-after-copy-paste"]


def test_environment_variables_win_over_the_keyring(
    settings: Settings, answering: respx.MockRouter
) -> None:
    env = {
        "VISMADESK_OUTSMART_TOKEN": "tok-from-the-server-env",
        "VISMADESK_OUTSMART_SOFTWARE_TOKEN": "sw-from-the-server-env",
    }
    secrets = Secrets(env=env)
    secrets.set(SecretName.OUTSMART_TOKEN, "tok-in-keyring")
    client = OutSmartClient(settings, secrets)
    try:
        assert client.has_tokens()
        client.relations()
    finally:
        client.close()
    params = answering.calls.last.request.url.params
    assert (params["token"], params["software_token"]) == (
        "tok-from-the-server-env",
        "sw-from-the-server-env",
    )


@pytest.mark.parametrize("missing", [SecretName.OUTSMART_TOKEN, SecretName.OUTSMART_SOFTWARE_TOKEN])
def test_missing_token_is_said_and_nothing_is_sent(
    settings: Settings, secrets: Secrets, answering: respx.MockRouter, missing: SecretName
) -> None:
    secrets.delete(missing)
    client = OutSmartClient(settings, secrets)
    try:
        assert not client.has_tokens()
        with pytest.raises(AppError) as info:
            client.work_orders("Compleet")
    finally:
        client.close()
    assert info.value.code == messages.OUTSMART_TOKENS_MISSING.code
    assert str(info.value) == messages.OUTSMART_TOKENS_MISSING.text
    assert answering.calls.call_count == 0


def test_blank_token_counts_as_missing(
    settings: Settings, secrets: Secrets, answering: respx.MockRouter
) -> None:
    secrets.set(SecretName.OUTSMART_SOFTWARE_TOKEN, "   ")
    client = OutSmartClient(settings, secrets)
    try:
        assert not client.has_tokens()
        with pytest.raises(AppError) as info:
            client.relations()
    finally:
        client.close()
    assert info.value.code == messages.OUTSMART_TOKENS_MISSING.code


class _LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")


class _BrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringError(f"backend failed reading {username}")


@pytest.mark.parametrize("backend", [_LockedKeyring, _BrokenKeyring])
def test_unusable_keyring_is_a_clear_app_error(
    settings: Settings, answering: respx.MockRouter, backend: type[MemoryKeyring]
) -> None:
    client = OutSmartClient(settings, Secrets(backend=backend(), env={}))
    try:
        for call in (client.has_tokens, client.relations, client.check):
            with pytest.raises(AppError) as info:
                call()
            assert info.value.code == messages.KEYRING_UNAVAILABLE.code
            assert info.value.details["reason"]
    finally:
        client.close()
    assert answering.calls.call_count == 0


def test_check_uses_the_tokens_typed_in_the_window(
    client: OutSmartClient, answering: respx.MockRouter
) -> None:
    client.check("  tok-typed-in-window\n", "sw-typed-in-window ")
    params = answering.calls.last.request.url.params
    # Pasted with a space or a newline: still the token OutSmart knows.
    assert (params["token"], params["software_token"]) == (
        "tok-typed-in-window",
        "sw-typed-in-window",
    )
    client.check(software_token="sw-only-this-one-typed")
    params = answering.calls.last.request.url.params
    assert (params["token"], params["software_token"]) == (TOKEN, "sw-only-this-one-typed")


def test_check_with_a_rejected_token(client: OutSmartClient, api: respx.MockRouter) -> None:
    api.get("workstatusses/").mock(
        return_value=fail(1004, "Client token provided is unauthorized to execute this request")
    )
    with pytest.raises(AppError) as info:
        client.check("tok-wrong-one-typed", "sw-wrong-one-typed")
    assert info.value.code == messages.OUTSMART_TOKEN_REJECTED.code


# --- redaction -------------------------------------------------------------------------


def _failures() -> dict[str, Callable[[respx.MockRouter], None]]:
    def route(api: respx.MockRouter, **kwargs: Any) -> None:
        api.get("GetWorkorders/").mock(**kwargs)

    return {
        "token-rejected": lambda api: route(api, return_value=fail(1004, "unauthorized")),
        "outsmart-error": lambda api: route(api, return_value=fail(1500, "not found")),
        "html-500": lambda api: route(
            api, return_value=httpx.Response(500, text="<html><body>oops</body></html>")
        ),
        "invalid-json": lambda api: route(api, return_value=httpx.Response(200, text="{oops")),
        "no-envelope": lambda api: route(api, return_value=httpx.Response(200, json=[1])),
        "timeout": lambda api: route(api, side_effect=httpx.ReadTimeout("timed out")),
        "connect-error": lambda api: route(api, side_effect=httpx.ConnectError("refused")),
        "bad-value": lambda api: route(
            api, return_value=ok([{"WorkorderNo": "WB1", "WorkDate": "32-13-2025"}])
        ),
    }


FAILURES = _failures()


def _assert_hidden(err: AppError, *tokens: str) -> None:
    shown = [str(err), err.message, json.dumps(err.details, ensure_ascii=False), repr(err.args)]
    for text in shown:
        for token in tokens:
            assert token not in text


@pytest.mark.parametrize("failure", FAILURES)
def test_tokens_never_appear_in_errors(
    client: OutSmartClient,
    api: respx.MockRouter,
    failure: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    FAILURES[failure](api)
    with caplog.at_level(logging.DEBUG), pytest.raises(AppError) as info:
        client.work_orders("Compleet")
    _assert_hidden(info.value, TOKEN, SOFTWARE_TOKEN)
    if "exchange" in info.value.details:
        assert "token=***" in info.value.details["exchange"]
        assert "software_token=***" in info.value.details["exchange"]
    assert TOKEN not in caplog.text and SOFTWARE_TOKEN not in caplog.text


def test_short_tokens_are_masked_in_the_exchange_too(
    settings: Settings, api: respx.MockRouter, waits: Waits
) -> None:
    # Too short to be registered as secrets: the query-string pattern must catch them.
    secrets = Secrets(env={})
    secrets.set(SecretName.OUTSMART_TOKEN, "q7Zx")
    secrets.set(SecretName.OUTSMART_SOFTWARE_TOKEN, "w9Yv")
    client = OutSmartClient(settings, secrets, backoff=Backoff(sleep=waits.append))
    FAILURES["outsmart-error"](api)
    try:
        with pytest.raises(AppError) as info:
            client.work_orders("Compleet")
    finally:
        client.close()
    _assert_hidden(info.value, "q7Zx", "w9Yv")


def test_tokens_typed_for_a_check_are_hidden_too(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    api.get("workstatusses/").mock(return_value=httpx.Response(502, text="bad gateway"))
    with pytest.raises(AppError) as info:
        client.check("tok-never-stored-anywhere", "sw-never-stored-anywhere")
    _assert_hidden(info.value, "tok-never-stored-anywhere", "sw-never-stored-anywhere")
    assert BASE.split("//")[1] in info.value.details["exchange"]
