"""On-Behalf-Of refusals (catalog section E, mock side), through MSAL as the backend sends them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_entra.jwt import sign
from mock_entra.testing import (
    API_APP_ID_URI,
    API_CLIENT_ID,
    SEARCH_RESOURCE,
    RunningMock,
    Tokens,
    run_mock,
)
from tests.conftest import decode, write_tenant_file


def assert_obo_error(result: dict[str, Any], error: str, aadsts: int) -> None:
    assert result.get("error") == error, result
    assert aadsts in result["error_codes"], result


@pytest.fixture(scope="module")
def alice_api_token(entra_tokens: Tokens) -> str:
    return str(entra_tokens.sign_in("alice")["access_token"])


def resign(mock: RunningMock, claims: dict[str, Any]) -> str:
    """A token with chosen claims, signed by the tenant's real key (only the mock can)."""
    ctx = mock.ctx
    return sign(claims, ctx.ring(mock.tenant_id).signing_key(ctx.now()))


def test_a_graph_token_is_not_an_assertion_for_the_backend(entra_tokens: Tokens) -> None:
    result = entra_tokens.sign_in("alice", scopes=["User.Read"])
    assert_obo_error(entra_tokens.obo(result["access_token"]), "invalid_grant", 500131)


def test_an_id_token_is_not_an_assertion(entra_tokens: Tokens) -> None:
    id_token = entra_tokens.sign_in("alice")["id_token"]
    assert_obo_error(entra_tokens.obo(id_token), "invalid_grant", 500131)


def test_an_app_only_token_cannot_be_exchanged(entra_tokens: Tokens) -> None:
    app_token = entra_tokens.app_token()["access_token"]
    assert_obo_error(entra_tokens.obo(app_token), "invalid_grant", 50013)


def test_an_expired_assertion_is_refused(
    mock_entra: RunningMock, entra_tokens: Tokens, alice_api_token: str
) -> None:
    claims = decode(alice_api_token)
    expired = resign(mock_entra, {**claims, "exp": claims["iat"] - 10, "nbf": claims["iat"] - 99})
    assert_obo_error(entra_tokens.obo(expired, scope="https://graph.microsoft.com/User.Read"),
                     "invalid_grant", 500133)  # fmt: skip


def test_a_tampered_assertion_fails_signature_validation(
    entra_tokens: Tokens, alice_api_token: str
) -> None:
    head, payload, signature = alice_api_token.split(".")
    tampered = f"{head}.{payload}.{signature[:-6]}AAAAAA"
    assert_obo_error(entra_tokens.obo(tampered), "invalid_grant", 50013)


def test_an_assertion_signed_with_another_key_is_refused(
    mock_entra: RunningMock, entra_tokens: Tokens, alice_api_token: str
) -> None:
    other = mock_entra.ctx.ring("35d94638-998d-45aa-b0d8-43dd7cd23aa6")
    forged = sign(decode(alice_api_token), other.signing_key(mock_entra.ctx.now()))
    assert_obo_error(entra_tokens.obo(forged), "invalid_grant", 50013)


def test_a_scope_nobody_consented_to_needs_consent(
    entra_tokens: Tokens, alice_api_token: str
) -> None:
    result = entra_tokens.obo(alice_api_token, scope="https://graph.microsoft.com/Mail.Read")
    assert_obo_error(result, "invalid_grant", 65001)
    assert result["suberror"] == "consent_required"


def test_an_unknown_downstream_scope_is_invalid_scope(
    entra_tokens: Tokens, alice_api_token: str
) -> None:
    result = entra_tokens.obo(alice_api_token, scope="https://search.azure.com/not_a_scope")
    assert_obo_error(result, "invalid_scope", 70011)


def test_a_resource_missing_from_required_access_is_650057(
    entra_tokens: Tokens, alice_api_token: str
) -> None:
    result = entra_tokens.obo(alice_api_token, scope=f"{API_APP_ID_URI}/access_as_user")
    assert_obo_error(result, "invalid_grant", 650057)


def test_a_wrong_middle_tier_secret_gets_invalid_client(
    entra_tokens: Tokens, alice_api_token: str
) -> None:
    result = entra_tokens.obo(alice_api_token, client_secret="wrong-secret-value")
    assert_obo_error(result, "invalid_client", 7000215)


def test_obo_keeps_the_user_and_changes_the_app(entra_tokens: Tokens, alice_api_token: str) -> None:
    result = entra_tokens.obo(alice_api_token, scope="https://graph.microsoft.com/User.Read")
    claims = decode(result["access_token"])
    assert claims["appid"] == API_CLIENT_ID
    assert claims["oid"] == decode(alice_api_token)["oid"]


def test_dot_default_with_nothing_consented_needs_consent_not_an_empty_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def drop_search_consent(data: dict[str, Any]) -> None:
        tenant = data["tenants"][0]
        tenant["consent_grants"] = [
            g for g in tenant["consent_grants"] if g["resource"] != SEARCH_RESOURCE
        ]

    with run_mock(config=write_tenant_file(tmp_path / "t.yaml", drop_search_consent)) as mock:
        for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
            monkeypatch.setenv(name, str(mock.ca_bundle))
        tokens = Tokens(mock)
        result = tokens.obo(tokens.sign_in("carol")["access_token"])
    assert_obo_error(result, "invalid_grant", 65001)
    assert result["suberror"] == "consent_required"
