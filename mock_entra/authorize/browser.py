"""Drive the sign-in and consent pages over plain HTTP, as a test (or a script) would.

Works with any ``httpx.Client`` (FastAPI's TestClient is one) that keeps cookies
and does not follow redirects, so every hop stays visible:

    b = FormBrowser(client)
    page = b.authorize(tenant, client_id=..., redirect_uri=..., scope=..., ...)
    done = b.sign_in(page, "alice", "alice-password")
    params = b.result(done)          # {"code": ..., "state": ..., "session_state": ...}
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from mock_entra.authorize.pages import REQUEST_ID_HEADER

_FORM = re.compile(r'<form[^>]*action="([^"]*)"', re.I)
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', re.I)


class FormBrowser:
    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def authorize(
        self, tenant: str, *, v1: bool = False, method: str = "GET", **params: Any
    ) -> httpx.Response:
        path = f"/{tenant}/oauth2/authorize" if v1 else f"/{tenant}/oauth2/v2.0/authorize"
        clean = {k: v for k, v in params.items() if v is not None}
        if method == "POST":
            return self.client.post(path, data=clean)
        return self.client.get(path, params=clean)

    @staticmethod
    def request_id(page: httpx.Response) -> str:
        rid = page.headers.get(REQUEST_ID_HEADER)
        if not rid:
            raise AssertionError(f"not a sign-in or consent page: {page.status_code}")
        return rid

    @staticmethod
    def form_action(page: httpx.Response) -> str:
        found = _FORM.search(page.text)
        if not found:
            raise AssertionError("no form on the page")
        return html.unescape(found.group(1))

    def sign_in(self, page: httpx.Response, username: str, password: str) -> httpx.Response:
        """Submit the sign-in form exactly as its contract says (docs/CONTRACTS.md)."""
        data = {"request_id": self.request_id(page), "username": username, "password": password}
        return self.client.post(self.form_action(page), data=data)

    def consent(self, page: httpx.Response, decision: str = "accept") -> httpx.Response:
        data = {"request_id": self.request_id(page), "decision": decision}
        return self.client.post(self.form_action(page), data=data)

    @staticmethod
    def result(response: httpx.Response) -> dict[str, str]:
        """What reached the redirect_uri: the query of a 302, or the fields of a form_post page."""
        if response.status_code in (301, 302, 303):
            location = urlsplit(response.headers["location"])
            return dict(parse_qsl(location.query or location.fragment))
        if response.status_code == 200 and "<form" in response.text:
            return {html.unescape(k): html.unescape(v) for k, v in _HIDDEN.findall(response.text)}
        raise AssertionError(f"no redirect or form_post response: {response.status_code}")
