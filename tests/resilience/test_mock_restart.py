"""A mock restarted with the same state directory keeps codes, refresh tokens and
SSO sessions: clients carry on, and nothing is silently wrong."""

from __future__ import annotations

from pathlib import Path

import httpx

from mock_entra.testing import (
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    RawFlow,
    Tokens,
    run_mock,
)


def _refresh(mock: object, refresh_token: str) -> httpx.Response:
    return RawFlow(mock).post_token(  # type: ignore[arg-type]
        {
            "grant_type": "refresh_token",
            "client_id": WEB_CLIENT_ID,
            "client_secret": WEB_CLIENT_SECRET,
            "refresh_token": refresh_token,
            "scope": "openid profile offline_access",
        }
    )


def test_codes_refresh_tokens_and_sessions_survive_a_restart(tmp_path: Path) -> None:
    state = tmp_path / "mock"
    with run_mock(state) as first:
        port = int(first.base_url.rsplit(":", 1)[1])
        flow = RawFlow(first)
        code_for_later = flow.code("alice")
        redeemed = flow.redeem(flow.code("alice"))
        assert redeemed.status_code == 200
        refresh_token = redeemed.json()["refresh_token"]
        browser = first.http()
        auth_uri = (
            f"{first.authority()}/oauth2/v2.0/authorize?"
            + httpx.QueryParams(
                client_id=WEB_CLIENT_ID,
                response_type="code",
                redirect_uri="http://localhost:5001/signin-oidc",
                scope="openid profile",
            ).__str__()
        )
        Tokens(first).authorize(auth_uri, "alice", http=browser)  # sets the SSO cookie
        cookies = dict(browser.cookies)
        browser.close()

    with run_mock(state, port=port) as second:
        flow = RawFlow(second)
        # The code issued before the restart is still good, once.
        answer = flow.redeem(code_for_later)
        assert answer.status_code == 200, answer.text
        assert flow.redeem(code_for_later).json()["error_codes"] == [54005]
        # The refresh token too, and it rotates.
        refreshed = _refresh(second, refresh_token)
        assert refreshed.status_code == 200, refreshed.text
        assert refreshed.json()["refresh_token"] != refresh_token
        # The SSO session: /authorize answers with a code at once, no sign-in page.
        with second.http(cookies=cookies) as browser:
            page = browser.get(auth_uri.replace(first.base_url, second.base_url))
        assert page.status_code == 302 and "code=" in page.headers["location"]


def test_a_client_fails_cleanly_while_the_mock_is_down_and_recovers(tmp_path: Path) -> None:
    state = tmp_path / "mock"
    with run_mock(state) as first:
        port = int(first.base_url.rsplit(":", 1)[1])
        base, ca = first.base_url, first.ca_bundle
        token_url = first.token_endpoint()
    body = {"grant_type": "client_credentials", "client_id": "x", "client_secret": "y",
            "scope": "api://x/.default"}  # fmt: skip
    with httpx.Client(verify=str(ca), timeout=2) as client:
        try:
            client.post(token_url, data=body)
            raise AssertionError("the mock is down: the request must fail")
        except httpx.ConnectError:
            pass  # a clear, immediate error: nothing half-answered
    with run_mock(state, port=port) as second:
        assert second.base_url == base
        with second.http() as client:
            answer = client.post(token_url, data=body)
        assert answer.status_code in (400, 401)  # the mock answers again, Entra-shaped
        assert "error_codes" in answer.json()
