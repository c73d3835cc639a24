"""Bad tokens as one call: each is signed with the tenant's published key (it verifies)
and differs from a good token only in the change its name says."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from mock_entra.testing import (
    API_APP_ID_URI,
    OTHER_TENANT_ID,
    SEARCH_RESOURCE,
    TENANT_ID,
    BadTokenError,
    BadTokens,
    RunningMock,
    Tokens,
)


def verified(mock: RunningMock, token: str) -> dict[str, Any]:
    """The claims after a real signature check against the tenant's JWKS (no claim checks)."""
    with mock.http() as client:
        jwks = client.get(f"/{TENANT_ID}/discovery/v2.0/keys").json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(jwt.PyJWK(k) for k in jwks["keys"] if k["kid"] == kid)
    claims: dict[str, Any] = jwt.decode(
        token, key.key, algorithms=["RS256"], options={"verify_aud": False, "verify_exp": False,
                                                       "verify_nbf": False, "verify_iat": False},
    )  # fmt: skip
    return claims


@pytest.fixture(scope="module")
def good(mock_entra: RunningMock, entra_bad_tokens: BadTokens) -> dict[str, Any]:
    return verified(mock_entra, entra_bad_tokens.valid())


def _differences(a: dict[str, Any], b: dict[str, Any]) -> set[str]:
    volatile = {"iat", "nbf", "exp", "uti", "aio", "rh", "xms_ftd", "sid"}  # per sign-in
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)} - volatile


def test_another_audience_is_validly_signed_and_differs_only_in_aud(
    mock_entra: RunningMock, entra_bad_tokens: BadTokens, good: dict[str, Any]
) -> None:
    claims = verified(mock_entra, entra_bad_tokens.other_audience())
    assert claims["aud"] == SEARCH_RESOURCE and good["aud"] == API_APP_ID_URI
    assert _differences(good, claims) == {"aud"}


def test_without_scope_replaces_scp(
    mock_entra: RunningMock, entra_bad_tokens: BadTokens, good: dict[str, Any]
) -> None:
    claims = verified(mock_entra, entra_bad_tokens.without_scope())
    assert claims["scp"] == "User.Read" and _differences(good, claims) == {"scp"}


def test_times_expired_and_not_yet_valid(
    mock_entra: RunningMock, entra_bad_tokens: BadTokens
) -> None:
    now = time.time()
    expired = verified(mock_entra, entra_bad_tokens.expired(seconds_ago=600))
    assert expired["exp"] <= now - 590 and expired["iat"] < expired["exp"]
    assert verified(mock_entra, entra_bad_tokens.not_yet_valid())["nbf"] > now + 3000
    assert verified(mock_entra, entra_bad_tokens.issued_in_the_future())["iat"] > now + 3000


def test_other_tenant_keeps_our_signature_with_their_issuer_and_tid(
    mock_entra: RunningMock, entra_bad_tokens: BadTokens, good: dict[str, Any]
) -> None:
    claims = verified(mock_entra, entra_bad_tokens.other_tenant())
    assert claims["tid"] == OTHER_TENANT_ID
    assert claims["iss"] == good["iss"].replace(TENANT_ID, OTHER_TENANT_ID)
    assert _differences(good, claims) == {"tid", "iss"}


def test_issuer_recipes(
    mock_entra: RunningMock, entra_bad_tokens: BadTokens, good: dict[str, Any]
) -> None:
    assert good["ver"] == "1.0" and good["iss"] == f"https://sts.windows.net/{TENANT_ID}/"
    other_form = verified(mock_entra, entra_bad_tokens.other_issuer_form())
    assert other_form["iss"] == mock_entra.issuer_v2() and other_form["ver"] == "1.0"
    common = verified(mock_entra, entra_bad_tokens.wrong_issuer())
    assert common["iss"] == "https://sts.windows.net/common/"


def test_removed_claims_are_gone_and_nothing_else_changed(
    mock_entra: RunningMock, entra_bad_tokens: BadTokens, good: dict[str, Any]
) -> None:
    claims = verified(mock_entra, entra_bad_tokens.without_claims("oid", "exp"))
    assert "oid" not in claims and "exp" not in claims
    assert _differences(good, claims) == {"oid"}


def test_app_only_is_a_client_credentials_token(
    mock_entra: RunningMock, entra_bad_tokens: BadTokens
) -> None:
    claims = verified(mock_entra, entra_bad_tokens.app_only())
    assert claims["idtyp"] == "app" and "scp" not in claims and claims["roles"] == ["Tools.Invoke"]


def test_the_change_is_spent_by_one_sign_in(
    mock_entra: RunningMock, entra_bad_tokens: BadTokens, entra_tokens: Tokens
) -> None:
    entra_bad_tokens.other_audience()
    after = entra_tokens.sign_in("alice")["access_token"]
    assert verified(mock_entra, after)["aud"] == API_APP_ID_URI
    assert not [f for f in mock_entra.admin.call("GET", "/faults")["faults"]
                if f.get("effect") == "claims"]  # fmt: skip


def test_a_refused_sign_in_is_an_error_without_a_token(mock_entra: RunningMock) -> None:
    bad = BadTokens(mock_entra, mock_entra.admin, scopes=["api://no-such-api/access_as_user"])
    with pytest.raises(BadTokenError, match=r"invalid_resource .*AADSTS500011"):
        bad.expired()


def test_a_preset_system_trust_store_does_not_break_the_flows(
    mock_entra: RunningMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Machines often point REQUESTS_CA_BUNDLE at the system store, which lacks the mock's
    CA; requests lets it beat MSAL's verify=, so the flows pass the CA on every request."""
    import certifi

    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.setenv(name, certifi.where())
    assert "access_token" in Tokens(mock_entra).sign_in("alice")
