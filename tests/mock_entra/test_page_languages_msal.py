"""Real clients through the Japanese pages: MSAL's auth code flow with ``ui_locales=ja``
and its device code flow from a Japanese browser, each page answered by ``FormBrowser``
(which reads form actions and field names, never words)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import msal
import pytest

from entra_kit.trust import TrustingSession
from mock_entra.testing import (
    API_SCOPE,
    USERS,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    WEB_REDIRECT_URI,
    FormBrowser,
    RunningMock,
    Tokens,
    public_client_id,
    sample_tenant,
)
from mock_entra.testing.browser import Answers
from tests.conftest import decode


class PageLanguages:
    """An httpx browser that notes the language of every page the platform answers."""

    def __init__(self, mock: RunningMock, **headers: str) -> None:
        self.seen: list[str] = []
        self.client = mock.http(headers=headers, event_hooks={"response": [self._note]})

    def _note(self, response: httpx.Response) -> None:
        if response.headers.get("content-type", "").startswith("text/html"):
            self.seen.append(response.headers["content-language"])


@pytest.fixture
def japanese(mock_entra: RunningMock) -> Iterator[PageLanguages]:
    browser = PageLanguages(mock_entra, **{"Accept-Language": "en-US,en;q=0.9"})
    with browser.client:
        yield browser


def test_msal_auth_code_flow_with_ui_locales_ja(
    mock_entra: RunningMock, japanese: PageLanguages
) -> None:
    app = msal.ConfidentialClientApplication(
        WEB_CLIENT_ID, client_credential=WEB_CLIENT_SECRET, authority=mock_entra.authority(),
        http_client=TrustingSession(mock_entra.ca_bundle), instance_discovery=False,
        token_cache=msal.SerializableTokenCache(),
    )  # fmt: skip
    flow = app.initiate_auth_code_flow(
        [API_SCOPE], redirect_uri=WEB_REDIRECT_URI, prompt="login", response_mode="form_post"
    )
    # An app asks for the user's language with one more authorize parameter.
    auth_uri = flow["auth_uri"] + "&ui_locales=ja"
    username, password = USERS["alice"]
    response = FormBrowser(japanese.client).walk(auth_uri, Answers(username, password))
    result = app.acquire_token_by_auth_code_flow(flow, FormBrowser.result(response))
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == username
    # The sign-in page and the form_post page, in Japanese despite the English browser.
    assert japanese.seen and set(japanese.seen) == {"ja"}


def test_msal_device_code_flow_from_a_japanese_browser(mock_entra: RunningMock) -> None:
    tenant = sample_tenant("device-ja") | {"device_code": {"interval": 1}}
    browser = PageLanguages(mock_entra, **{"Accept-Language": "ja-JP,ja;q=0.9,en;q=0.5"})
    with mock_entra.runtime_tenant(tenant) as tid, browser.client:
        app = msal.PublicClientApplication(
            public_client_id(tenant), authority=mock_entra.authority(tid),
            http_client=TrustingSession(mock_entra.ca_bundle), instance_discovery=False,
        )  # fmt: skip
        flow = app.initiate_device_flow(
            scopes=[f"api://{tenant['applications'][1]['client_id']}/access_as_user"]
        )
        user = tenant["users"][0]
        ended = Tokens(mock_entra).complete_device_code(
            flow["verification_uri"], flow["user_code"], user["upn"],
            password=user["password"], http=browser.client,
        )  # fmt: skip
        assert ended == "approved"
        result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    assert decode(result["access_token"])["tid"] == tid
    # Enter code, "Are you trying to sign in?", sign-in, the end page: all Japanese.
    assert len(browser.seen) >= 4 and set(browser.seen) == {"ja"}
