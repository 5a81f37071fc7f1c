"""Which proxy each request goes through: the `proxy` setting, else the system's.

httpx reads the proxy variables only when it builds its own transport, and ours is
built by hand (TCP_NODELAY, see `transport`), so the mounts are made here: from the
`proxy` setting when there is one, else from `urllib.request.getproxies()`, which
reads HTTP(S)_PROXY / NO_PROXY and, on Windows and macOS, the system's own proxy
settings. The loopback addresses never go through a proxy: the sign-in listener and a
local sandbox live there.
"""

from __future__ import annotations

import ipaddress
import logging
import urllib.request
from collections.abc import Mapping

log = logging.getLogger(__name__)

LOOPBACK: dict[str, str | None] = {
    "all://127.0.0.1": None,
    "all://localhost": None,
    "all://[::1]": None,
}


def proxy_mounts(proxy: str = "", system: Mapping[str, str] | None = None) -> dict[str, str | None]:
    """URL pattern -> proxy address (None: straight to the server), as httpx mounts
    them. `system` stands in for `urllib.request.getproxies()` (tests)."""
    if proxy:
        return {"all://": proxy, **LOOPBACK}
    found = dict(urllib.request.getproxies() if system is None else system)
    mounts: dict[str, str | None] = {}
    for scheme in ("http", "https"):
        url = _usable(found.get(scheme) or found.get("all") or "")
        if url:
            mounts[f"{scheme}://"] = url
    if not mounts:
        return {}
    for host in (found.get("no") or "").split(","):
        host = host.strip()
        if host == "*":
            return {}
        if host:
            mounts[_bypass_pattern(host)] = None
    return {**mounts, **LOOPBACK}


def _usable(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    if "://" not in url:
        # Windows' settings give "proxy:8080"; httpx needs the scheme.
        url = "http://" + url
    if not url.startswith(("http://", "https://")):
        log.warning("proxy %s ignored: only http and https proxies are supported", url)
        return ""
    return url


def _bypass_pattern(host: str) -> str:
    """A NO_PROXY entry as httpx would read it from the environment."""
    if "://" in host:
        return host
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        # A domain: itself and every name under it (".example.com" or "example.com").
        return f"all://*{host.lstrip('*')}" if host.startswith((".", "*")) else f"all://*{host}"
    return f"all://[{host.strip('[]')}]" if ":" in host else f"all://{host}"
