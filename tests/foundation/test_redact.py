"""No secret reaches a log line, a log detail or a traceback."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from vismadesk.redact import MASK, RedactingFilter, redact, redact_obj, register_secret


def test_a_registered_secret_is_masked_wherever_it_turns_up() -> None:
    register_secret("rt-5f1c9e2a77b04d")
    assert redact("refresh with rt-5f1c9e2a77b04d failed") == f"refresh with {MASK} failed"
    assert redact(ValueError("bad token rt-5f1c9e2a77b04d")) == f"bad token {MASK}"


def test_short_values_are_not_registered_so_words_survive() -> None:
    register_secret("SO")
    register_secret("")
    register_secret(None)
    assert redact("Order type SO") == "Order type SO"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIi.sig-_x", "eyJhbGciOiJSUzI1NiJ9"),
        ("authorization: bearer abc.def.ghi", "abc.def.ghi"),
        ("Authorization: Basic aXN2X3Zpc21hOnNlY3JldA==", "aXN2X3Zpc21hOnNlY3JldA=="),
    ],
)
def test_authorization_headers_are_masked(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out
    assert MASK in out


def test_token_query_and_form_parameters_are_masked() -> None:
    url = "http://127.0.0.1:8080/callback?code=auth-code-77&state=xyz"
    assert redact(url) == f"http://127.0.0.1:8080/callback?code={MASK}&state=xyz"
    form = "grant_type=refresh_token&refresh_token=rt-abc&client_secret=cs-def&client_id=isv"
    assert redact(form) == (
        f"grant_type=refresh_token&refresh_token={MASK}&client_secret={MASK}&client_id=isv"
    )
    assert redact("GET /x?token=t0k&software_token=s0f") == (
        f"GET /x?token={MASK}&software_token={MASK}"
    )


def test_token_fields_in_json_text_are_masked_but_codes_are_not() -> None:
    body = json.dumps(
        {
            "access_token": "at-1",
            "refresh_token": "rt-2",
            "id_token": "it-3",
            "code": "M-1001",
            "message": "Inventory item M-1001 not found",
        }
    )
    out = json.loads(redact(body))
    assert out["access_token"] == out["refresh_token"] == out["id_token"] == MASK
    assert out["code"] == "M-1001"
    assert out["message"] == "Inventory item M-1001 not found"


def test_redact_obj_masks_nested_values_and_leaves_the_original_alone() -> None:
    register_secret("registered-secret-4242")
    original = {
        "Access_Token": "at-123",
        "password": "",
        "code": "WO-1",
        "lines": [
            {"token": "t-1", "quantity": 2},
            ("note registered-secret-4242", None, 3.5),
        ],
        "headers": {"authorization": "Bearer abc", "accept": "application/json"},
    }
    out = redact_obj(original)
    assert out == {
        "Access_Token": MASK,
        "password": "",  # nothing to hide
        "code": "WO-1",
        "lines": [{"token": MASK, "quantity": 2}, [f"note {MASK}", None, 3.5]],
        "headers": {"authorization": MASK, "accept": "application/json"},
    }
    assert original["Access_Token"] == "at-123"


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("vismadesk.test.redact")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield logger, stream
    logger.removeHandler(handler)


def test_logging_filter_masks_arguments_and_tracebacks(
    logged: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = logged
    register_secret("client-secret-from-keyring-1")
    logger.info("token request %s", "client_secret=cs-plain&grant_type=client_credentials")
    try:
        raise RuntimeError("Visma rejected client-secret-from-keyring-1 (Bearer eyJ.abc.def)")
    except RuntimeError:
        logger.exception("refresh failed for %s", "refresh_token=rt-plain")

    out = stream.getvalue()
    for secret in ("cs-plain", "client-secret-from-keyring-1", "eyJ.abc.def", "rt-plain"):
        assert secret not in out
    assert "Traceback (most recent call last)" in out
    assert "RuntimeError: Visma rejected *** (Bearer ***)" in out
    assert "grant_type=client_credentials" in out


def test_a_secret_across_the_excerpts_cut_is_masked_before_the_cut() -> None:
    import httpx

    from vismadesk.net.transport import EXCERPT_CHARS, exchange_excerpt

    secret = "tok-" + "s3cr3t" * 20  # 124 characters
    register_secret(secret)
    # The body is cut at EXCERPT_CHARS: place the secret so the cut falls inside it.
    filler = "x" * (EXCERPT_CHARS - 12)
    body = f"{filler}{secret} and more"
    request = httpx.Request("GET", "https://erp.example/v1/customer")
    response = httpx.Response(500, text=body, request=request)

    excerpt = exchange_excerpt(request, response)

    assert secret[:12] not in excerpt
    assert "s3cr3t" not in excerpt
    assert MASK in excerpt
