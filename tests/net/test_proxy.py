"""Proxies: the system's (HTTP(S)_PROXY, NO_PROXY, or the OS settings) unless the
`proxy` setting names one; loopback never goes through one; a password never goes
into the settings file."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from vismadesk.config import Settings, SettingsError
from vismadesk.net.proxy import LOOPBACK, proxy_mounts
from vismadesk.net.transport import new_http_client


class Proxy:
    """A forward proxy that answers every request itself and remembers what it got."""

    def __init__(self) -> None:
        seen: list[str] = []
        self.seen = seen

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)  # a proxy gets the absolute address
                body = b"via proxy"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    p = Proxy()
    p.thread.start()
    try:
        yield p
    finally:
        p.server.shutdown()
        p.server.server_close()
        p.thread.join()


def test_the_proxy_setting_is_used(proxy: Proxy) -> None:
    with new_http_client(proxy=proxy.url) as client:
        r = client.get("http://outsmart.example/openapi/8/workstatusses/")
    assert r.text == "via proxy"
    assert proxy.seen == ["http://outsmart.example/openapi/8/workstatusses/"]


def test_the_system_proxy_is_used_when_the_setting_is_empty(
    proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "direct.example")
    with new_http_client() as client:
        assert client.get("http://erp.example/v1/customer").text == "via proxy"
        with pytest.raises(httpx.ConnectError):
            # Not through the proxy: straight to a name that does not resolve.
            client.get("http://www.direct.example/")
    assert proxy.seen == ["http://erp.example/v1/customer"]


def test_what_the_system_settings_give() -> None:
    system = {
        "http": "proxy.corp:3128",
        "https": "http://proxy.corp:3128",
        "no": ".corp.nl, 10.1.2.3",
    }
    mounts = proxy_mounts(system=system)
    assert mounts["http://"] == "http://proxy.corp:3128"  # Windows writes no scheme
    assert mounts["https://"] == "http://proxy.corp:3128"
    assert mounts["all://*.corp.nl"] is None and mounts["all://10.1.2.3"] is None
    assert all(mounts[k] is None for k in LOOPBACK)
    assert proxy_mounts(system={}) == {}
    assert proxy_mounts(system={"https": "http://p:1", "no": "*"}) == {}
    # A SOCKS proxy needs a package vismadesk does not bring: left out, said in the log.
    assert proxy_mounts(system={"https": "socks5://p:1080"}) == {}
    # The setting wins over whatever the system says, loopback still direct.
    chosen = proxy_mounts("http://mine:8080", system=system)
    assert chosen == {"all://": "http://mine:8080", **LOOPBACK}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("http://user:geheim@proxy.corp:8080", "a password may not be in the address"),
        ("proxy.corp:8080", "expected an address such as"),
        ("ftp://proxy.corp:21", "expected an address such as"),
        ("http://proxy.corp", "needs the proxy's port"),
        ("http://proxy.corp:8080/path", "only scheme, host and port"),
        ("http://proxy.corp:99999", "expected an address such as"),
    ],
)
def test_the_proxy_setting_is_checked(value: str, problem: str) -> None:
    with pytest.raises(SettingsError) as e:
        Settings().set("proxy", value)
    assert problem in e.value.problem
    assert "geheim" not in str(e.value)


def test_a_good_proxy_setting() -> None:
    s = Settings()
    s.set("proxy", " http://user@proxy.corp:8080 ")
    assert s.proxy == "http://user@proxy.corp:8080"
    s.set("proxy", "")
    assert s.proxy == ""
