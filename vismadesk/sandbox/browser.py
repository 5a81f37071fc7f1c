"""Play the user's browser against the sandbox's sign-in page, with httpx.

Tests of the token manager, the engine and the GUI open an authorize URL "in the
browser"; this does what the person would: load the page, fill in the form, press
Approve or Deny, and follow the redirect to the loopback redirect URI, where the
program's one-shot listener receives `code` + `state` (or `error=access_denied`).
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx

TIMEOUT_S = 10.0


class _FormParser(HTMLParser):
    """Collects the first form: action, fields with their defaults (the checked radio,
    the selected option), submit buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.buttons: list[tuple[str, str]] = []
        self.hints: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "data-demo-user" in a:
            self.hints = {"user": a["data-demo-user"], "password": a.get("data-demo-password", "")}
        if tag == "form" and self.action is None:
            self._in_form = True
            self.action = a.get("action", "")
        if not self._in_form:
            return
        if tag == "input" and a.get("type") == "radio" and a.get("name"):
            # The checked radio wins; the first one stands in until it is seen.
            if "checked" in a or a["name"] not in self.fields:
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("name"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select, self._first_option = a["name"], None
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None or "selected" in a:
                self._first_option = value
                self.fields[self._select] = value
        elif tag == "button" and a.get("name"):
            self.buttons.append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def play_browser(
    authorize_url: str,
    *,
    approve: bool = True,
    user: str | None = None,
    password: str | None = None,
    tenant: str | None = None,
) -> httpx.Response:
    """Sign in (or deny) on the sandbox's page; returns the last response.

    `user`/`password` default to the demo account the page names; `tenant` to the
    company preselected on the page. When the sign-in succeeds or is denied, the last
    response is the loopback listener's answer to the redirect; when the page refuses
    (wrong password) it is the page itself; when the authorize request is rejected
    outright it is that error page.
    """
    with httpx.Client(timeout=TIMEOUT_S, follow_redirects=False) as client:
        response = client.get(authorize_url)
        if response.is_redirect:
            # The authorize endpoint itself redirected (an error for the redirect URI).
            return _follow(client, response)
        if response.status_code != 200:
            return response
        form = _FormParser()
        form.feed(response.text)
        if form.action is None:
            return response
        fields = dict(form.fields)
        fields["username"] = user if user is not None else form.hints.get("user", "")
        fields["password"] = password if password is not None else form.hints.get("password", "")
        if tenant is not None:
            fields["tenant"] = tenant
        fields["action"] = "approve" if approve else "deny"
        target = urljoin(str(response.url), form.action)
        response = client.post(target, data=fields)
        if response.is_redirect:
            return _follow(client, response)
        return response


def _follow(client: httpx.Client, response: httpx.Response) -> httpx.Response:
    location = urljoin(str(response.url), response.headers["location"])
    # The loopback listener is the program's own; it answers once and is done.
    return client.get(location, follow_redirects=True)
