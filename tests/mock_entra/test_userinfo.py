"""The discovery document's userinfo_endpoint and kerberos_endpoint answer.

UserInfo is Microsoft Graph's: a delegated Graph token with ``openid`` (required),
``profile`` for the names, ``email`` for the email; ``sub`` is the ID token's.
https://learn.microsoft.com/entra/identity-platform/userinfo
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mock_entra.testing import API_SCOPE, RunningMock, Tokens
from tests.conftest import decode

GRAPH_SCOPES = ["https://graph.microsoft.com/User.Read", "email"]


@pytest.fixture(scope="module")
def signed_in(entra_tokens: Tokens) -> dict[str, Any]:
    return entra_tokens.sign_in("alice", scopes=GRAPH_SCOPES)


def _userinfo(mock: RunningMock, token: str | None, method: str = "GET") -> httpx.Response:
    with mock.http() as http:
        endpoint = http.get(f"/{mock.tenant_id}/v2.0/.well-known/openid-configuration").json()[
            "userinfo_endpoint"
        ]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return http.request(method, endpoint, headers=headers)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_userinfo_answers_for_a_graph_token_with_openid(
    mock_entra: RunningMock, signed_in: dict[str, Any], method: str
) -> None:
    answer = _userinfo(mock_entra, signed_in["access_token"], method)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["sub"] == signed_in["id_token_claims"]["sub"]  # the ID token's, per app
    assert (body["name"], body["given_name"], body["family_name"]) == (
        "Alice Example", "Alice", "Example",
    )  # fmt: skip
    assert body["email"] == "alice@contoso.onmicrosoft.com"
    assert "openid" in decode(signed_in["access_token"])["scp"].split()


def test_userinfo_refuses_what_graph_would(
    mock_entra: RunningMock, signed_in: dict[str, Any], entra_tokens: Tokens
) -> None:
    api_token = entra_tokens.sign_in("alice", scopes=[API_SCOPE])["access_token"]
    assert _userinfo(mock_entra, None).status_code == 401
    assert _userinfo(mock_entra, "not-a-jwt").status_code == 401
    refused = _userinfo(mock_entra, api_token)  # not a Graph token
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "InvalidAuthenticationToken"
    with mock_entra.shifted_clock(3 * 3600):
        assert _userinfo(mock_entra, signed_in["access_token"]).status_code == 401


def test_a_graph_token_without_openid_is_forbidden(mock_entra: RunningMock, raw_flow: Any) -> None:
    code = raw_flow.code(scope="https://graph.microsoft.com/User.Read offline_access")
    token = raw_flow.redeem(code).json()["access_token"]
    forbidden = _userinfo(mock_entra, token)
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]["code"] == "Authorization_RequestDenied"


def test_the_kerberos_endpoint_answers(mock_entra: RunningMock) -> None:
    with mock_entra.http() as http:
        endpoint = http.get(
            f"/{mock_entra.tenant_id}/v2.0/.well-known/openid-configuration"
        ).json()["kerberos_endpoint"]
        posted = http.post(
            endpoint, content=b"\x00", headers={"content-type": "application/kerberos"}
        )
        got = http.get(endpoint)
    assert posted.status_code == 400 and posted.json()["error"] == "invalid_request"
    assert got.status_code == 405
