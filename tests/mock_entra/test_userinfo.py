"""The discovery document's userinfo_endpoint and kerberos_endpoint answer.

UserInfo is Microsoft Graph's: a delegated Graph token with ``openid`` (required),
``profile`` for the names, ``email`` for the email; ``sub`` is the ID token's.
https://learn.microsoft.com/entra/identity-platform/userinfo
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from mock_entra.testing import API_SCOPE, RunningMock, Tokens
from mock_entra.testing.sample import WEB_SECRET, app_ids, sample_tenant
from tests.conftest import decode

GRAPH_SCOPES = ["https://graph.microsoft.com/User.Read", "email"]
# Microsoft Graph as a tenant file lists it (the shipped tenant's entry, one scope).
GRAPH_APP = {
    "client_id": "00000003-0000-0000-c000-000000000000",
    "name": "Microsoft Graph",
    "requested_access_token_version": 1,
    "identifier_uris": ["https://graph.microsoft.com"],
    "header_nonce": True,
    "scopes": [{"value": "User.Read", "id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d"}],
}


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


@pytest.fixture(scope="module")
def own_graph_token(mock_entra: RunningMock, entra_tokens: Tokens) -> Any:
    """A tenant of this module's own (its faults touch no other test) and alice's Graph token."""
    data = sample_tenant("userinfo")
    web = app_ids(data)[0]
    data["applications"].append(GRAPH_APP)
    data["consent_grants"].append(
        {"client": web, "resource": "https://graph.microsoft.com", "scopes": ["User.Read"]}
    )
    alice = data["users"][0]
    with mock_entra.runtime_tenant(data) as tid:
        result = entra_tokens.sign_in(
            alice["upn"], ["https://graph.microsoft.com/User.Read"], client_id=web,
            client_secret=WEB_SECRET, tenant=tid, password=alice["password"],
        )  # fmt: skip
        assert "access_token" in result, result
        yield tid, web, alice["oid"], result["access_token"]


EXPIRED = {
    "effect": "error",
    "status": 401,
    "error": "InvalidAuthenticationToken",
    "description": "Lifetime validation failed, the token is expired.",
}


@pytest.mark.parametrize(
    ("effect", "status", "code"),
    [
        ({"effect": "throttle", "retry_after": 7}, 429, "TooManyRequests"),
        ({"effect": "server_error", "status": 503}, 503, "serviceNotAvailable"),
        ({"effect": "server_error", "status": 500}, 500, "generalException"),
        (EXPIRED, 401, "InvalidAuthenticationToken"),
    ],
    ids=["throttled", "unavailable", "a 500", "an error of your choice"],
)
def test_a_userinfo_fault_answers_in_graphs_error_shape(
    mock_entra: RunningMock, own_graph_token: Any, effect: dict[str, Any], status: int, code: str
) -> None:
    """UserInfo is Graph's: an injected failure has Graph's body, not the token endpoint's."""
    tid, _, _, token = own_graph_token
    with mock_entra.fault(tenant=tid, endpoint="userinfo", **effect):
        failed = _userinfo(mock_entra, token)
    assert failed.status_code == status, failed.text
    error = failed.json()["error"]
    assert error["code"] == code and error["message"]
    assert set(error["innerError"]) == {"date", "request-id"}
    if status == 429:
        assert failed.headers["retry-after"] == "7"
    if status == 401:
        assert failed.headers["www-authenticate"].startswith("Bearer")
    assert _userinfo(mock_entra, token).status_code == 200, "the fault ends with its block"


def test_a_userinfo_request_is_logged_by_its_tokens_tenant_app_and_user(
    mock_entra: RunningMock, own_graph_token: Any
) -> None:
    tid, web, oid, token = own_graph_token
    assert _userinfo(mock_entra, token).status_code == 200
    logged = next(e for e in mock_entra.requests(tid, web) if e["endpoint"] == "userinfo")
    assert (logged["path"], logged["status"], logged["auth_scheme"]) == (
        "/graph/oidc/userinfo", 200, "Bearer",
    )  # fmt: skip
    assert oid in logged["user"]
    assert token not in json.dumps(logged) and token[-40:] not in json.dumps(logged)
