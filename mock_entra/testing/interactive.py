"""The system browser of an interactive public client, played by a test.

A desktop app or CLI signs in as MSAL's ``PublicClientApplication.acquire_token_interactive``
does (azure-identity's ``InteractiveBrowserCredential`` too): it listens on
``http://localhost:<random port>``, opens the system browser on the authorize URL
(``webbrowser.open``), and waits for the answer to come back to its listener
(``response_mode=form_post``). :class:`LoopbackBrowser` stands in for that browser:
while it is installed, ``webbrowser.open`` answers the mock's pages with
:class:`~mock_entra.testing.browser.FormBrowser` in a thread and delivers what reached
the redirect URI to the app's listener, as a browser would::

    app = msal.PublicClientApplication(client_id, authority=mock.authority(),
                                       instance_discovery=False)
    with LoopbackBrowser(mock, "alice").installed():
        result = app.acquire_token_interactive([API_SCOPE], timeout=60)

Only loopback redirect URIs are delivered to: the helper never sends anything elsewhere.
https://learn.microsoft.com/entra/msal/python/advanced/desktop-mobile-app-interactive (MSAL)
"""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock as patching
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from mock_entra.authorize.redirect_uris import without_port
from mock_entra.testing.browser import Answers, FormBrowser, SignInError, hidden_fields
from mock_entra.testing.flows import IdentityPlatform, user_credentials

_TIMEOUT = 30.0


class LoopbackBrowser:
    """Answers the sign-in pages for ``user`` and hands the result to the app's listener."""

    def __init__(
        self,
        mock: IdentityPlatform,
        user: str = "alice",
        *,
        password: str | None = None,
        consent: str = "accept",
    ) -> None:
        self.mock = mock
        self.answers = Answers(*user_credentials(user, password), consent=consent)
        self.opened: list[str] = []  # the URLs the app opened
        self.error: BaseException | None = None
        self._threads: list[threading.Thread] = []

    @contextmanager
    def installed(self) -> Iterator[LoopbackBrowser]:
        """Be the system browser for the block (``webbrowser.open``); re-raise what failed."""
        with patching.patch.object(webbrowser, "open", self.open):
            yield self
        for thread in self._threads:
            thread.join(_TIMEOUT)
        if self.error is not None:
            raise self.error

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        """``webbrowser.open``: visit ``url`` in the background (the app listens meanwhile)."""
        self.opened.append(url)
        thread = threading.Thread(target=self._visit, args=(url,), daemon=True)
        self._threads.append(thread)
        thread.start()
        return True

    def _visit(self, url: str) -> None:
        redirect_uri = parse_qs(urlsplit(url).query).get("redirect_uri", [""])[0]
        try:
            with self.mock.http(timeout=_TIMEOUT) as client:
                final = FormBrowser(client).walk(url, self.answers)
            _deliver(final)
        except Exception as exc:  # reported by installed(); the app is told below
            self.error = exc
            if without_port(redirect_uri) is not None:
                # Tell the listener, so the app returns with an error instead of waiting.
                query = urlencode({"error": "test_browser_failed", "error_description": str(exc)})
                httpx.get(f"{redirect_uri}?{query}", timeout=_TIMEOUT)


def _deliver(response: httpx.Response) -> None:
    """What the platform sent the browser to: follow the redirect or submit the form_post."""
    if response.status_code in (301, 302, 303):
        target = response.headers["location"]
        _loopback_only(target)
        httpx.get(target, timeout=_TIMEOUT)
        return
    target = FormBrowser.form_action(response)
    _loopback_only(target)
    httpx.post(target, data=hidden_fields(response.text), timeout=_TIMEOUT)


def _loopback_only(target: str) -> None:
    if without_port(target.split("?")[0].split("#")[0]) is None:
        raise SignInError(f"the answer goes to a redirect URI that is not loopback: {target[:80]}")
