"""The admin's ``revokeSignInSessions``: the user's refresh tokens and sessions end, with real MSAL.

Graph's ``user: revokeSignInSessions`` "invalidates all the refresh tokens issued to
applications for a user (and session cookies in a user's browser)"; the next refresh is
``invalid_grant`` AADSTS50173 ("The provided grant has expired due to it being revoked").
https://learn.microsoft.com/graph/api/user-revokesigninsessions
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from mock_entra.testing import (
    API_SCOPE,
    GRAPH_RESOURCE,
    TENANT_ID,
    WEB_CLIENT_ID,
    WEB_REDIRECT_URI,
    AdminAPIError,
    FormBrowser,
    RunningMock,
    Tokens,
    run_mock,
)

ALICE = "alice@contoso.onmicrosoft.com"
USER_READ = f"{GRAPH_RESOURCE}/User.Read"


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    with run_mock(tmp_path_factory.mktemp("revoke")) as running:
        yield running


def _authorize_uri(**extra: str) -> str:
    query = urlencode({
        "client_id": WEB_CLIENT_ID, "response_type": "code", "redirect_uri": WEB_REDIRECT_URI,
        "scope": "openid", "state": "s", **extra,
    })  # fmt: skip
    return f"/{TENANT_ID}/oauth2/v2.0/authorize?{query}"


def _silent(browser: FormBrowser) -> dict[str, str]:
    return FormBrowser.result(browser.client.get(_authorize_uri(prompt="none")))


def _refused_with(result: dict[str, object], error: str, aadsts: int) -> bool:
    codes = result.get("error_codes")
    return result.get("error") == error and isinstance(codes, list) and aadsts in codes


def test_the_users_refresh_tokens_and_sessions_end_and_others_stay(mock: RunningMock) -> None:
    tokens = Tokens(mock)
    alice, bob = tokens.sign_in("alice"), tokens.sign_in("bob")
    app = alice["_msal_app"]
    assert "access_token" in app.acquire_token_by_refresh_token(alice["refresh_token"], [USER_READ])
    with mock.http() as http:
        browser = FormBrowser(http)
        assert "code" in browser.drive(_authorize_uri(), ALICE, "alice-password")
        assert "code" in _silent(browser)

        answer = mock.admin.revoke_sign_in_sessions(TENANT_ID, ALICE)
        # This browser's and the one Tokens.sign_in drove; not bob's.
        assert answer["value"] is True and answer["revoked"]["sessions"] == 2
        assert answer["revoked"]["refresh_tokens"] >= 2  # the API's and the Graph one

        assert _silent(browser)["error"] == "login_required"
    refused = app.acquire_token_by_refresh_token(alice["refresh_token"], [API_SCOPE])
    assert _refused_with(refused, "invalid_grant", 50173), refused
    again = bob["_msal_app"].acquire_token_by_refresh_token(bob["refresh_token"], [API_SCOPE])
    assert "access_token" in again, "another user's tokens are untouched"


def test_an_unknown_user_or_tenant_is_refused(mock: RunningMock) -> None:
    with pytest.raises(AdminAPIError) as caught:
        mock.admin.revoke_sign_in_sessions(TENANT_ID, "nobody@contoso.onmicrosoft.com")
    assert caught.value.status == 404
    with pytest.raises(AdminAPIError) as unknown:
        mock.admin.revoke_sign_in_sessions("nowhere.example", ALICE)
    assert unknown.value.status == 400
