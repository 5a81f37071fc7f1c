"""TLS against a local HTTPS server whose certificate comes from a private root, as
behind a company proxy that inspects HTTPS traffic: without the root in the system's
store the planner is told that is what happened; with it there, the connection works."""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import trustme

from tests.helpers.outsmart_wire import SOFTWARE_TOKEN, TOKEN
from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.errors import AppError
from vismadesk.keyring_store import SecretName, Secrets
from vismadesk.net import transport
from vismadesk.net.tls import certificate_failure, tls_error
from vismadesk.outsmart.client import OutSmartClient


class _Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"code": 200, "messages": [], "response": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def company_root(tmp_path: Path) -> trustme.CA:
    return trustme.CA(organization_name="Example BV HTTPS inspection")


@pytest.fixture
def https_server(company_root: trustme.CA, tmp_path: Path) -> Iterator[str]:
    """An HTTPS server sending its certificate with the company root in the chain, as
    an intercepting proxy does."""
    leaf = company_root.issue_cert("localhost", "127.0.0.1")
    chain = tmp_path / "chain.pem"
    chain.write_bytes(
        b"".join(p.bytes() for p in leaf.cert_chain_pems) + company_root.cert_pem.bytes()
    )
    key = tmp_path / "key.pem"
    key.write_bytes(leaf.private_key_pem.bytes())
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def fresh_trust(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The store is read once per process: read it again for this test, and after."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    transport._tls_context.cache_clear()
    yield
    transport._tls_context.cache_clear()


def _client(url: str) -> OutSmartClient:
    settings = Settings()
    settings.set("outsmart_url", url)
    secrets = Secrets(env={})
    secrets.set(SecretName.OUTSMART_TOKEN, TOKEN)
    secrets.set(SecretName.OUTSMART_SOFTWARE_TOKEN, SOFTWARE_TOKEN)
    return OutSmartClient(settings, secrets, backoff=transport.Backoff(sleep=lambda _s: None))


def test_an_intercepting_proxys_certificate_is_named_as_such(
    https_server: str, fresh_trust: None
) -> None:
    client = _client(https_server)
    try:
        with pytest.raises(AppError) as e:
            client.check()
    finally:
        client.close()
    err = e.value
    assert err.code == messages.TLS_INTERCEPTED.code
    assert err.message == (
        "The secure connection to OutSmart is not trusted: a certificate in the chain is "
        "self-signed, as when a company network inspects HTTPS traffic"
    )
    assert "root certificate" in err.hint and "certificate store" in err.hint
    assert "self-signed certificate in certificate chain" in err.details["reason"]
    assert TOKEN not in str(err.details) and TOKEN not in err.message


def test_the_system_store_is_honoured(
    https_server: str,
    company_root: trustme.CA,
    tmp_path: Path,
    fresh_trust: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """IT installed the company root in the system's store (on Linux the store OpenSSL
    reads, which SSL_CERT_FILE points to here): the same server is trusted."""
    bundle = tmp_path / "system-store.pem"
    company_root.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    transport._tls_context.cache_clear()
    client = _client(https_server)
    try:
        client.check()  # no error: OutSmart's answer came through
    finally:
        client.close()


def test_a_certificate_for_another_name_is_untrusted_not_intercepted(
    company_root: trustme.CA, tmp_path: Path, fresh_trust: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "system-store.pem"
    company_root.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    transport._tls_context.cache_clear()
    failure = ssl.SSLCertVerificationError(1, "certificate verify failed")
    failure.verify_code = 62
    failure.verify_message = "hostname mismatch, certificate is not valid for 'x'"
    wrapped = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]")
    wrapped.__cause__ = failure
    assert certificate_failure(wrapped) is failure
    err = tls_error("VISMA.net", wrapped)
    assert err is not None and err.code == messages.TLS_UNTRUSTED.code
    assert "hostname mismatch" in err.message
    assert tls_error("VISMA.net", httpx.ConnectError("Connection refused")) is None
