"""The one driver of the mock's sign-in and consent pages, over plain HTTP.

The pages are ordinary HTML forms (README "The sign-in page is an ordinary HTML
form...", docs/CONTRACTS.md "Sign-in page"): ``GET authorize`` answers a form that
posts ``request_id`` (also in the ``X-Mock-Entra-Request-Id`` header), ``username``
and ``password`` to ``<base>/<tenant id>/login``; a consent page, if one follows,
posts ``request_id`` and ``decision=accept|decline`` to ``<base>/<tenant id>/consent``.
What reaches the app is a redirect's query (or fragment) or the fields of an
auto-posting form (OAuth 2.0 Form Post Response Mode).

Works with any ``httpx.Client`` that keeps cookies and does not follow redirects
(FastAPI's TestClient is one), so every hop stays visible::

    browser = FormBrowser(client)
    params = browser.drive(auth_uri, "alice@contoso.onmicrosoft.com", "alice-password")

or page by page (``authorize``, ``sign_in``, ``consent``, ``result``) for tests that
look at each answer. A page is recognised by where its form posts (the last path
segment of its action), not by its words, so localized pages drive the same; a new
page is one entry in ``_ANSWERS`` and one method.

The device code flow's verification page starts from the code instead of an
authorize URL: ``device_login(verification_uri, user_code, answers)`` types the code,
confirms the app (``deviceauth``: continue or cancel), then answers the same sign-in
and consent pages; ``device_result`` reads how it ended (``approved``/``declined``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from mock_entra.authorize.pages import DEVICE_HEADER, ERROR_HEADER, REQUEST_ID_HEADER

# Enough for sign-in, consent and any page added later; a loop means a broken flow.
MAX_PAGES = 5

_FORM_ACTION = re.compile(r'<form[^>]*action="([^"]*)"', re.I)
_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.I)


class SignInError(RuntimeError):
    """The sign-in pages did not lead back to the app (the message says where they stopped)."""


@dataclass(frozen=True)
class Answers:
    """What a user types or picks on the pages of one sign-in."""

    username: str
    password: str
    consent: str = "accept"
    device: str = "continue"  # the device code confirmation: continue or cancel


def redirect_params(location: str) -> dict[str, str]:
    """The parameters a redirect carries to the app: its query, or its fragment."""
    parts = urlsplit(location)
    return dict(parse_qsl(parts.query or parts.fragment))


def hidden_fields(page: str) -> dict[str, str]:
    """The hidden inputs of a page: a form_post response's fields, a form's request_id."""
    return {html.unescape(name): html.unescape(value) for name, value in _HIDDEN.findall(page)}


class FormBrowser:
    """Drives the mock's pages with ``client``; one method per page."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    # -- the whole sign-in ------------------------------------------------------------
    def drive(
        self, auth_uri: str, username: str, password: str, *, consent: str = "accept"
    ) -> dict[str, str]:
        """Open ``auth_uri``, answer every page; what reached the redirect URI."""
        return self.result(self.walk(auth_uri, Answers(username, password, consent)))

    def walk(self, auth_uri: str, answers: Answers) -> httpx.Response:
        """Open ``auth_uri`` and answer each page; the response that leaves the platform.

        A page that comes back after it was answered (a wrong password re-renders the
        sign-in page) ends the walk with :class:`SignInError`.
        """
        return self.answer(self.client.get(auth_uri), answers)

    def device_login(
        self, verification_uri: str, user_code: str, answers: Answers
    ) -> httpx.Response:
        """Open the device code verification page, type ``user_code``, answer what follows."""
        page = self.client.get(verification_uri)
        return self.answer(self.enter_code(page, user_code), answers)

    def answer(self, response: httpx.Response, answers: Answers) -> httpx.Response:
        """Answer each of the platform's pages from ``response`` on; the one that leaves it."""
        answered: set[str] = set()
        for _ in range(MAX_PAGES):
            kind = self.page_kind(response)
            if kind is None:
                return response
            if kind not in _ANSWERS:
                raise SignInError(f"a page this driver cannot answer: {kind!r}")
            if kind in answered:
                raise SignInError(_stuck(kind, response))
            answered.add(kind)
            response = _ANSWERS[kind](self, response, answers)
        raise SignInError(f"more than {MAX_PAGES} pages without reaching the app")

    # -- one page at a time -----------------------------------------------------------
    def authorize(
        self, tenant: str, *, v1: bool = False, method: str = "GET", **params: Any
    ) -> httpx.Response:
        """Send an authorize request (v2 or v1 endpoint, GET or POST); None values left out."""
        path = f"/{tenant}/oauth2/authorize" if v1 else f"/{tenant}/oauth2/v2.0/authorize"
        clean = {k: v for k, v in params.items() if v is not None}
        if method == "POST":
            return self.client.post(path, data=clean)
        return self.client.get(path, params=clean)

    def sign_in(self, page: httpx.Response, username: str, password: str) -> httpx.Response:
        """Submit the sign-in form as its contract says."""
        data = {"request_id": self.request_id(page), "username": username, "password": password}
        return self.client.post(self.form_action(page), data=data)

    def consent(self, page: httpx.Response, decision: str = "accept") -> httpx.Response:
        """Answer the consent page: ``accept`` or ``decline``."""
        data = {"request_id": self.request_id(page), "decision": decision}
        return self.client.post(self.form_action(page), data=data)

    def enter_code(self, page: httpx.Response, user_code: str) -> httpx.Response:
        """Submit the device code verification page's "Enter code" form."""
        return self.client.post(self.form_action(page), data={"otc": user_code})

    def confirm_device(self, page: httpx.Response, decision: str = "continue") -> httpx.Response:
        """Answer "Are you trying to sign in to ...?": ``continue`` or ``cancel``."""
        data = {"request_id": self.request_id(page), "decision": decision}
        return self.client.post(self.form_action(page), data=data)

    # -- reading pages ----------------------------------------------------------------
    @staticmethod
    def page_kind(response: httpx.Response) -> str | None:
        """``login``, ``consent`` ... (where the page's form posts), or None when the
        response is not one of the platform's pages (a redirect, a form_post, an error)."""
        if response.status_code != 200 or REQUEST_ID_HEADER.lower() not in response.headers:
            return None
        return urlsplit(FormBrowser.form_action(response)).path.rstrip("/").rsplit("/", 1)[-1]

    @staticmethod
    def request_id(page: httpx.Response) -> str:
        """The pending request a page's form answers (header first, else its hidden field)."""
        found = page.headers.get(REQUEST_ID_HEADER) or hidden_fields(page.text).get("request_id")
        if not found:
            raise SignInError(f"not a sign-in or consent page: {page.status_code}")
        return found

    @staticmethod
    def form_action(page: httpx.Response) -> str:
        found = _FORM_ACTION.search(page.text)
        if not found:
            raise SignInError(f"no form on the page ({page.status_code})")
        return html.unescape(found.group(1))

    @staticmethod
    def result(response: httpx.Response) -> dict[str, str]:
        """What reached the redirect_uri: the query of a 302, or the fields of a form_post page."""
        if response.status_code in (301, 302, 303):
            return redirect_params(response.headers["location"])
        if response.status_code == 200 and "<form" in response.text:
            return hidden_fields(response.text)
        raise SignInError(_stuck(None, response))

    @staticmethod
    def device_result(response: httpx.Response) -> str:
        """How a device code sign-in ended: ``approved`` or ``declined``."""
        ended = response.headers.get(DEVICE_HEADER)
        if response.status_code != 200 or ended is None:
            raise SignInError(_stuck(None, response))
        return ended


def _stuck(kind: str | None, response: httpx.Response) -> str:
    """Where a sign-in stopped, without quoting the page (it may echo what was typed)."""
    where = f"the {kind} page came back" if kind else "no redirect or form_post to the app"
    error = response.headers.get(ERROR_HEADER)
    return f"{where}: {response.status_code}" + (f" ({error})" if error else "")


_ANSWERS: dict[str, Callable[[FormBrowser, httpx.Response, Answers], httpx.Response]] = {
    "login": lambda browser, page, a: browser.sign_in(page, a.username, a.password),
    "consent": lambda browser, page, a: browser.consent(page, a.consent),
    "deviceauth": lambda browser, page, a: browser.confirm_device(page, a.device),
}
