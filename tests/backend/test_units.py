"""Unit tests: settings validation, Entra error mapping, JWKS cache behaviour (respx)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from joserfc.jwk import RSAKey

from backend.auth import JwksCache, KeysUnavailable
from backend.obo.errors import EntraChallenge, OboError, from_entra_error
from backend.settings import load_settings
from entra_kit.settings import SettingsError

HOST = "https://login.example.test"
TID = "b63e68de-d8de-4919-b8c7-175cc63619fc"
DISCOVERY = f"{HOST}/{TID}/v2.0/.well-known/openid-configuration"
JWKS = f"{HOST}/{TID}/discovery/v2.0/keys"
SCOPES = ["api://fe5f360b-4f1f-4029-b90b-f832bcb0412c/access_as_user"]


# -- settings ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"entra_tenant_id": "contoso"}, "ENTRA_TENANT_ID"),
        ({"entra_authority_host": "http://127.0.0.1:8443"}, "ENTRA_AUTHORITY_HOST"),
        ({"backend_token_versions": "1.0,3.0"}, "BACKEND_TOKEN_VERSIONS"),
        ({"backend_allowed_tenants": "nope"}, "BACKEND_ALLOWED_TENANTS"),
        ({"obo_credential": "password"}, "OBO_CREDENTIAL"),
        ({"obo_credential": "certificate"}, "OBO_CERTIFICATE_PATH"),
        ({"obo_credential": "managed_identity"}, "MANAGED_IDENTITY_CLIENT_ID"),
        ({"backend_leeway_seconds": 3600}, "BACKEND_LEEWAY_SECONDS"),
    ],
)
def test_bad_setting_fails_with_one_line_naming_it(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **overrides)
    message = str(caught.value)
    assert field in message and "\n" not in message


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    other = "35d94638-998d-45aa-b0d8-43dd7cd23aa6"
    monkeypatch.setenv("BACKEND_ALLOWED_TENANTS", f"{TID}, {other}")
    monkeypatch.setenv("ENTRA_CA_BUNDLE", "")
    monkeypatch.setenv("SEARCH_ENDPOINT", "https://contoso.search.windows.net/")
    settings = load_settings(_env_file=None)
    assert settings.tenants == [TID, other]
    assert settings.ca_bundle is None
    assert settings.search_url == "https://contoso.search.windows.net"
    assert settings.graph_url == f"{settings.backend_url}/fake/graph"


# -- Entra error mapping (E5, E6, E8, E10: Entra's documented bodies) ---------------------
def test_consent_required_becomes_the_contract_challenge() -> None:
    error = from_entra_error(
        {
            "error": "invalid_grant",
            "error_description": "AADSTS65001: The user or administrator has not consented.",
            "error_codes": [65001],
            "suberror": "consent_required",
        },
        SCOPES,
    )
    assert isinstance(error, EntraChallenge)
    assert json.loads(error.to_json()) == {
        "entra_challenge": {
            "error": "consent_required",
            "aadsts": 65001,
            "suberror": "consent_required",
            "claims": None,
            "scopes": SCOPES,
            "message": error.message,
        }
    }


@pytest.mark.parametrize("code", [50076, 50079])
def test_e6_mfa_required_carries_the_claims_challenge(code: int) -> None:
    claims = '{"access_token":{"capolids":{"essential":true,"values":["9ab03e19"]}}}'
    error = from_entra_error(
        {
            "error": "interaction_required",
            "error_description": f"AADSTS{code}: you must use multi-factor authentication.",
            "error_codes": [code],
            "suberror": "basic_action",
            "claims": claims,
        },
        SCOPES,
    )
    assert isinstance(error, EntraChallenge)
    body = json.loads(error.to_json())["entra_challenge"]
    assert (body["error"], body["aadsts"], body["claims"]) == ("interaction_required", code, claims)


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"error": "invalid_client", "error_codes": [7000215]}, "AADSTS7000215"),
        ({"error": "invalid_grant", "error_description": "AADSTS500133: expired"}, "AADSTS500133"),
        ({"error": "invalid_resource", "error_codes": [500011]}, "AADSTS500011"),
        ({"error": "temporarily_unavailable"}, "temporarily unavailable"),
        ({}, "unknown error"),
    ],
)
def test_other_errors_are_plain_tool_errors(body: dict[str, Any], text: str) -> None:
    error = from_entra_error(body, SCOPES)
    assert type(error) is OboError and text in error.message


# -- JWKS cache ----------------------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _jwks(*kids: str) -> dict[str, Any]:
    keys = []
    for kid in kids:
        key = RSAKey.generate_key(2048).as_dict(private=False)
        keys.append({**key, "kid": kid, "use": "sig"})
    return {"keys": keys}


@respx.mock
async def test_unknown_kid_refresh_is_rate_limited() -> None:
    respx.get(DISCOVERY).respond(json={"jwks_uri": JWKS})
    route = respx.get(JWKS).respond(json=_jwks("k1"))
    clock = FakeClock()
    cache = JwksCache(HOST, None, refresh_interval=30, clock=clock)
    assert (await cache.key(TID, "k1")).kid == "k1"
    for _ in range(5):
        with pytest.raises(KeysUnavailable):
            await cache.key(TID, "unknown")
    assert route.call_count == 1  # the first fetch; the misses did not refetch
    clock.now += 31
    with pytest.raises(KeysUnavailable):
        await cache.key(TID, "unknown")
    assert route.call_count == 2


@respx.mock
async def test_rollover_new_kid_is_fetched() -> None:
    respx.get(DISCOVERY).respond(json={"jwks_uri": JWKS})
    route = respx.get(JWKS)
    route.side_effect = [
        httpx.Response(200, json=_jwks("old")),
        httpx.Response(200, json=_jwks("old", "new")),
    ]
    clock = FakeClock()
    cache = JwksCache(HOST, None, refresh_interval=30, clock=clock)
    await cache.key(TID, "old")
    clock.now += 31
    assert (await cache.key(TID, "new")).kid == "new"


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(503),
        httpx.Response(200, text="<html>"),
        httpx.Response(200, json={"keys": []}),
        httpx.Response(200, json={"keys": [{"kty": "oct", "kid": "k1", "k": "c2VjcmV0"}]}),
        httpx.Response(200, json={"keys": "nope"}),
    ],
    ids=["down", "not json", "empty", "symmetric key only", "keys not a list"],
)
@respx.mock
async def test_jwks_down_or_invalid_fails_closed(answer: httpx.Response) -> None:
    respx.get(DISCOVERY).respond(json={"jwks_uri": JWKS})
    respx.get(JWKS).mock(return_value=answer)
    cache = JwksCache(HOST, None, refresh_interval=0)
    with pytest.raises(KeysUnavailable):
        await cache.key(TID, "k1")


@respx.mock
async def test_jwks_outage_keeps_known_keys_and_rejects_new_ones() -> None:
    respx.get(DISCOVERY).respond(json={"jwks_uri": JWKS})
    route = respx.get(JWKS)
    route.side_effect = [httpx.Response(200, json=_jwks("k1")), httpx.Response(500)]
    cache = JwksCache(HOST, None, refresh_interval=0)
    await cache.key(TID, "k1")
    with pytest.raises(KeysUnavailable):
        await cache.key(TID, "k2")
    assert (await cache.key(TID, "k1")).kid == "k1"


@respx.mock
async def test_discovery_with_non_https_jwks_uri_is_refused() -> None:
    respx.get(DISCOVERY).respond(json={"jwks_uri": "http://evil.example/keys"})
    cache = JwksCache(HOST, None)
    with pytest.raises(KeysUnavailable):
        await cache.key(TID, "k1")
