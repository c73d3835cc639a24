"""Section D of SECURITY-SCENARIOS: the backend's answers over real HTTP, mock tokens."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from backend.testing import RunningBackend
from entra_kit.jose import b64url_encode, json_segment, peek_jwt
from mock_entra.testing import (
    API_APP_ID_URI,
    API_CLIENT_ID,
    API_SCOPE,
    GRAPH_RESOURCE,
    OTHER_TENANT_ID,
    SEARCH_RESOURCE,
    WEB_CLIENT_ID,
    RunningMock,
    Tokens,
)
from tests.backend.conftest import probe


def assert_rs_401(response: httpx.Response, backend: RunningBackend, *, error: bool = True) -> None:
    """RS 401: WWW-Authenticate Bearer with resource_metadata (RFC 9728 §5.1)."""
    assert response.status_code == 401, response.text
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer ")
    metadata = f"{backend.base_url}/.well-known/oauth-protected-resource/mcp"
    assert f'resource_metadata="{metadata}"' in challenge
    assert ('error="invalid_token"' in challenge) is error


def test_valid_token_is_accepted(backend: RunningBackend, alice: str) -> None:
    response = probe(backend.mcp_url, alice)
    assert response.status_code == 200
    assert response.headers["mcp-session-id"]


def test_d1_no_token_gets_401_with_metadata_and_no_error(backend: RunningBackend) -> None:
    assert_rs_401(probe(backend.mcp_url), backend, error=False)


@pytest.mark.parametrize(
    "authorization",
    # httpx refuses header values with trailing blanks, so "Bearer " goes as "Bearer".
    ["Basic YWxpY2U6cGFzc3dvcmQ=", "Bearer", "Token abc", 'Bearer ""'],
    ids=["basic scheme", "empty bearer", "other scheme", "quoted empty"],
)
def test_d2_wrong_scheme_or_empty_token_gets_401(
    backend: RunningBackend, authorization: str
) -> None:
    response = probe(backend.mcp_url, Authorization=authorization)
    assert response.status_code == 401
    assert "resource_metadata=" in response.headers["www-authenticate"]


def test_d2_token_in_query_string_is_ignored(backend: RunningBackend, alice: str) -> None:
    assert_rs_401(probe(f"{backend.mcp_url}?access_token={alice}"), backend, error=False)


def test_d3_protected_resource_metadata(backend: RunningBackend, mock_entra: RunningMock) -> None:
    response = httpx.get(f"{backend.base_url}/.well-known/oauth-protected-resource/mcp")
    assert response.status_code == 200
    body = response.json()
    assert body["resource"] == backend.mcp_url
    assert body["authorization_servers"] == [mock_entra.issuer_v2()]
    assert body["scopes_supported"] == [API_SCOPE]
    assert body["bearer_methods_supported"] == ["header"]


def _truncated(token: str) -> str:
    return token[:-10]


def _edited_unsigned(token: str) -> str:
    head, _, sig = token.split(".")
    claims = peek_jwt(token)[1]
    claims["oid"] = "61607bbf-cbf8-4767-b1f8-c3588ddf7814"  # bob
    return f"{head}.{json_segment(claims)}.{sig}"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: "garbage",
        lambda t: ".".join(t.split(".")[:2]),
        lambda t: "!!!." + t.split(".", 1)[1],
        _edited_unsigned,
        _truncated,
        lambda t: t + "." + t.split(".")[2],
        lambda t: "x" * 20000,
    ],
    ids=[
        "garbage",
        "two parts",
        "bad base64 header",
        "claim edited without re-signing",
        "truncated signature",
        "four parts",
        "oversized",
    ],
)
def test_d4_malformed_tokens_get_401(
    backend: RunningBackend, alice: str, mangle: Callable[[str], str]
) -> None:
    assert_rs_401(probe(backend.mcp_url, mangle(alice)), backend)


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_d5_alg_none_in_any_case_gets_401(backend: RunningBackend, alice: str, alg: str) -> None:
    header, claims = peek_jwt(alice)
    token = f"{json_segment({**header, 'alg': alg})}.{json_segment(claims)}."
    assert_rs_401(probe(backend.mcp_url, token), backend)


def test_d6_empty_signature_gets_401(backend: RunningBackend, alice: str) -> None:
    head, payload, _ = alice.split(".")
    assert_rs_401(probe(backend.mcp_url, f"{head}.{payload}."), backend)


def _hs256(token: str, secret: bytes) -> str:
    header, claims = peek_jwt(token)
    signing_input = f"{json_segment({**header, 'alg': 'HS256'})}.{json_segment(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url_encode(mac)}"


def test_d7_hs256_signed_with_the_jwks_public_key_gets_401(
    backend: RunningBackend, mock_entra: RunningMock, alice: str
) -> None:
    jwks = httpx.get(mock_entra.jwks_uri(), verify=str(mock_entra.ca_bundle)).json()
    for key in jwks["keys"]:
        for secret in (json.dumps(key).encode(), key["n"].encode(), key["x5c"][0].encode()):
            assert_rs_401(probe(backend.mcp_url, _hs256(alice, secret)), backend)


@pytest.mark.parametrize("secret", [b"", b"secret", b"password", b"changeme"])
def test_d8_hs256_with_empty_or_common_secret_gets_401(
    backend: RunningBackend, alice: str, secret: bytes
) -> None:
    assert_rs_401(probe(backend.mcp_url, _hs256(alice, secret)), backend)


def test_d11_unknown_kid_from_attacker_key_refreshes_at_most_once(
    backend_with: Callable[..., Any], alice: str
) -> None:
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header, claims = peek_jwt(alice)
    with backend_with(backend_jwks_refresh_seconds=3600) as running:
        assert probe(running.mcp_url, alice).status_code == 200  # keys fetched once
        fetches = running.state.keys.fetch_count
        for i in range(5):
            head = json_segment({**header, "kid": f"attacker-{i}", "x5t": f"attacker-{i}"})
            signing_input = f"{head}.{json_segment(claims)}"
            sig = attacker.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
            assert_rs_401(probe(running.mcp_url, f"{signing_input}.{b64url_encode(sig)}"), running)
        assert running.state.keys.fetch_count - fetches <= 1


def test_d13_expired_token_gets_401(
    backend: RunningBackend, alice: str, resign: Callable[..., str]
) -> None:
    now = int(time.time())
    expired = resign(alice, iat=now - 7200, nbf=now - 7200, exp=now - 3600)
    assert_rs_401(probe(backend.mcp_url, expired), backend)


def test_d13_expiry_within_leeway_is_accepted_beyond_it_refused(
    backend: RunningBackend, alice: str, resign: Callable[..., str]
) -> None:
    now = int(time.time())
    assert probe(backend.mcp_url, resign(alice, exp=now - 30)).status_code == 200
    assert_rs_401(probe(backend.mcp_url, resign(alice, exp=now - 90)), backend)


@pytest.mark.parametrize(
    "edit",
    [
        {"nbf": int(time.time()) + 3600},
        {"iat": int(time.time()) + 3600},
        {"exp": "tomorrow"},
    ],
    ids=["nbf in the future", "iat in the future", "exp not a number"],
)
def test_d14_time_claims_checked(
    backend: RunningBackend, alice: str, resign: Callable[..., str], edit: dict[str, Any]
) -> None:
    assert_rs_401(probe(backend.mcp_url, resign(alice, **edit)), backend)


@pytest.mark.parametrize("claim", ["exp", "nbf", "iat"])
def test_d14_missing_time_claim_gets_401(
    backend: RunningBackend, alice: str, resign: Callable[..., str], claim: str
) -> None:
    assert_rs_401(probe(backend.mcp_url, resign(alice, drop=(claim,))), backend)


@pytest.mark.parametrize(
    "scope",
    [f"{GRAPH_RESOURCE}/User.Read", f"{SEARCH_RESOURCE}/user_impersonation"],
    ids=["Graph token", "Search token"],
)
def test_d15_token_for_another_audience_gets_401(
    backend: RunningBackend, entra_tokens: Tokens, alice: str, scope: str
) -> None:
    other = entra_tokens.obo(alice, scope=scope)["access_token"]
    assert_rs_401(probe(backend.mcp_url, other), backend)


def test_d15_id_token_gets_401(backend: RunningBackend, entra_tokens: Tokens) -> None:
    id_token = entra_tokens.sign_in("alice")["id_token"]
    assert_rs_401(probe(backend.mcp_url, id_token), backend)


def test_d16_only_consistent_version_pairs_are_accepted(
    backend: RunningBackend, mock_entra: RunningMock, alice: str, resign: Callable[..., str]
) -> None:
    v2 = {"ver": "2.0", "iss": mock_entra.issuer_v2(), "azp": WEB_CLIENT_ID}
    # Consistent v1 with aud = client id, and consistent v2: accepted.
    assert probe(backend.mcp_url, resign(alice, aud=API_CLIENT_ID)).status_code == 200
    assert probe(backend.mcp_url, resign(alice, aud=API_CLIENT_ID, **v2)).status_code == 200
    mixed = [
        resign(alice, ver="2.0"),  # v1 iss, v2 ver
        resign(alice, iss=mock_entra.issuer_v2()),  # v2 iss, v1 ver
        resign(alice, **v2),  # v2 token with the v1 audience shape (identifier URI)
        resign(alice, aud=API_CLIENT_ID, drop=("appid",), **{**v2, "ver": "1.0"}),
        resign(
            alice, aud=API_CLIENT_ID, drop=("appid",), **{k: v for k, v in v2.items() if k != "azp"}
        ),
    ]
    for token in mixed:
        assert_rs_401(probe(backend.mcp_url, token), backend)


@pytest.mark.parametrize(
    "edit",
    [
        {"iss": "https://sts.windows.net/35d94638-998d-45aa-b0d8-43dd7cd23aa6/"},
        {"iss": "https://sts.windows.net/{tenantid}/"},
        {"iss": "https://sts.windows.net/common/"},
        {"tid": OTHER_TENANT_ID},
        {"tid": "common"},
    ],
    ids=[
        "iss of another tenant",
        "literal {tenantid}",
        "common",
        "tid not matching iss",
        "tid common",
    ],
)
def test_d17_issuer_and_tenant_must_match(
    backend: RunningBackend, alice: str, resign: Callable[..., str], edit: dict[str, str]
) -> None:
    assert_rs_401(probe(backend.mcp_url, resign(alice, **edit)), backend)


def _other_tenant_token(alice: str, resign: Callable[..., str]) -> str:
    return resign(
        alice,
        tenant=OTHER_TENANT_ID,
        tid=OTHER_TENANT_ID,
        iss=f"https://sts.windows.net/{OTHER_TENANT_ID}/",
        oid="58ce9d05-d4ad-4d72-a20a-42fdd11e6556",
        appid="2b426f13-84af-487f-98b7-934c7656cf49",
    )


def test_d18_second_tenant_refused_unless_allow_listed(
    backend: RunningBackend,
    backend_with: Callable[..., Any],
    mock_entra: RunningMock,
    alice: str,
    resign: Callable[..., str],
) -> None:
    foreign = _other_tenant_token(alice, resign)
    assert_rs_401(probe(backend.mcp_url, foreign), backend)
    both = f"{mock_entra.tenant_id},{OTHER_TENANT_ID}"
    with backend_with(backend_allowed_tenants=both) as running:
        assert probe(running.mcp_url, foreign).status_code == 200
        assert probe(running.mcp_url, alice).status_code == 200


def test_d19_missing_scope_gets_403_insufficient_scope(
    backend: RunningBackend, alice: str, resign: Callable[..., str]
) -> None:
    response = probe(backend.mcp_url, resign(alice, scp="something_else"))
    assert response.status_code == 403
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge
    assert f'scope="{API_APP_ID_URI}/access_as_user"' in challenge
    assert "resource_metadata=" in challenge


def test_d20_app_only_token_never_reaches_tools(
    backend: RunningBackend, entra_tokens: Tokens
) -> None:
    result = entra_tokens.app_token()
    claims = peek_jwt(result["access_token"])[1]
    assert claims.get("roles") == ["Tools.Invoke"] and "scp" not in claims
    response = probe(backend.mcp_url, result["access_token"])
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


def test_d20_app_only_token_with_forged_scp_still_refused(
    backend: RunningBackend, alice: str, resign: Callable[..., str]
) -> None:
    response = probe(backend.mcp_url, resign(alice, idtyp="app"))
    assert response.status_code == 403


def test_d21_calling_app_not_allow_listed_gets_403(
    backend_with: Callable[..., Any], alice: str
) -> None:
    with backend_with(
        backend_allowed_client_apps="1880ac49-201e-4c30-95a2-22426a6365e5"
    ) as running:
        response = probe(running.mcp_url, alice)
        assert response.status_code == 403
        assert "resource_metadata=" in response.headers["www-authenticate"]
    with backend_with(backend_allowed_client_apps=WEB_CLIENT_ID) as running:
        assert probe(running.mcp_url, alice).status_code == 200


@pytest.mark.parametrize(
    ("drop", "edit"),
    [(("oid",), {}), ((), {"oid": "not-a-guid"}), (("tid",), {}), ((), {"tid": "contoso"})],
    ids=["oid missing", "oid not a GUID", "tid missing", "tid not a GUID"],
)
def test_d22_oid_and_tid_must_be_guids(
    backend: RunningBackend,
    alice: str,
    resign: Callable[..., str],
    drop: tuple[str, ...],
    edit: dict[str, str],
) -> None:
    assert_rs_401(probe(backend.mcp_url, resign(alice, drop=drop, **edit)), backend)


def test_no_500_and_no_token_echo_on_refusal(backend: RunningBackend, alice: str) -> None:
    response = probe(backend.mcp_url, alice[:-5] + "AAAAA")
    assert response.status_code == 401
    assert alice not in response.text
    assert "Traceback" not in response.text
