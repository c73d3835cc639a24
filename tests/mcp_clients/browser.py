"""The user at a browser, for MCP clients' redirect handlers: real pages over plain HTTP.

An MCP client opens the authorization URL in a browser and waits for the redirect to
its loopback URI. Here the browser is an httpx client with cookies that follows
redirects across hosts (the OAuth proxy, the mock, back), answers the mock's sign-in
and consent pages with the testing package's driver (``FormBrowser``), approves
FastMCP's consent page, and stops at the client's redirect URI with what reached it.
Nothing is handed in: the client sees only that redirect, as it would in production.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from urllib.parse import urljoin

import anyio
import httpx
from mcp.shared.auth import AuthorizationCodeResult

from entra_kit.trust import tls_context
from mock_entra.testing import FormBrowser, SignInError
from mock_entra.testing.browser import hidden_fields, redirect_params

MAX_HOPS = 20


class AuthorizationRefused(Exception):
    """What an app shows its user when the redirect brought an error: Entra's own words."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


class UserBrowser:
    """One user's browser (its cookies are the sessions); ``go`` is one sign-in."""

    def __init__(self, ca_bundle: Path, username: str, password: str) -> None:
        self.http = httpx.Client(verify=tls_context(str(ca_bundle)), timeout=30)
        self.forms = FormBrowser(self.http)
        self.username, self.password = username, password
        self.visited: list[str] = []  # every URL, for tests that check where the browser went
        self.arrived = ""  # the redirect that reached the client

    def close(self) -> None:
        self.http.close()

    def go(self, url: str, redirect_uri: str) -> dict[str, str]:
        """Open ``url`` and act as the user until a redirect reaches ``redirect_uri``."""
        response = self._get(url)
        for _ in range(MAX_HOPS):
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(redirect_uri):
                    self.arrived = location
                    return redirect_params(location)
                response = self._get(location)
            else:
                response = self._answer(response)
        raise SignInError(f"more than {MAX_HOPS} hops without reaching {redirect_uri}")

    def open_in_background(self, url: str, redirect_uri: str) -> None:
        """``webbrowser.open``: sign in, then load the redirect in the client's own loopback
        server, which the client starts only after it opened the browser (so: retry)."""

        def run() -> None:
            self.go(url, redirect_uri)
            deadline = time.monotonic() + 10
            while True:
                try:
                    self.http.get(self.arrived)
                    return
                except httpx.ConnectError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)

        threading.Thread(target=run, daemon=True, name="user-browser").start()

    def _get(self, url: str) -> httpx.Response:
        self.visited.append(url)
        return self.http.get(url)

    def _answer(self, page: httpx.Response) -> httpx.Response:
        kind = FormBrowser.page_kind(page)
        if kind == "login":
            return self.forms.sign_in(page, self.username, self.password)
        if kind == "consent":
            return self.forms.consent(page, "accept")
        if page.status_code == 200 and 'id="consentForm"' in page.text:  # FastMCP's proxy
            fields = hidden_fields(page.text) | {"action": "approve"}
            return self.http.post(str(page.url), data=fields)
        raise SignInError(f"a page the user cannot answer: {page.status_code} {page.url}")


class SignInAtBrowser:
    """An MCP SDK client's redirect and callback handlers: the user signs in at the browser."""

    def __init__(self, browser: UserBrowser, redirect_uri: str) -> None:
        self.browser = browser
        self.redirect_uri = redirect_uri
        self.answers: list[dict[str, str]] = []

    async def redirect(self, authorization_url: str) -> None:
        answer = await anyio.to_thread.run_sync(
            self.browser.go, authorization_url, self.redirect_uri
        )
        self.answers.append(answer)

    async def callback(self) -> AuthorizationCodeResult:
        answer = self.answers[-1]
        if "error" in answer:
            raise AuthorizationRefused(answer["error"], answer.get("error_description", ""))
        return AuthorizationCodeResult(
            code=answer["code"], state=answer.get("state"), iss=answer.get("iss")
        )
