"""The positive flows, driven by the real client libraries over HTTPS."""

from __future__ import annotations

import uuid

import msal
from azure.identity import ClientSecretCredential, OnBehalfOfCredential

from mock_entra.testing import (
    API_APP_ID_URI,
    API_CLIENT_ID,
    API_CLIENT_SECRET,
    DAEMON_CLIENT_ID,
    SEARCH_RESOURCE,
    TENANT_ID,
    WEB_CLIENT_ID,
    RunningMock,
    Tokens,
)
from tests.conftest import decode, decode_header

ALICE_OID = "9b2e754e-7986-4515-8f53-d8d75d7e03ff"


def test_msal_client_credentials_gets_an_app_only_v1_token_with_roles(entra_tokens: Tokens) -> None:
    result = entra_tokens.app_token()
    claims = decode(result["access_token"])
    assert claims["aud"] == API_APP_ID_URI
    assert claims["iss"] == f"https://sts.windows.net/{TENANT_ID}/"
    assert claims["ver"] == "1.0"
    assert claims["appid"] == DAEMON_CLIENT_ID
    assert claims["roles"] == ["Tools.Invoke"]
    assert claims["idtyp"] == "app"
    assert "scp" not in claims
    assert claims["sub"] == claims["oid"]


def test_msal_auth_code_with_pkce_signs_alice_in(entra_tokens: Tokens) -> None:
    result = entra_tokens.sign_in("alice")
    assert "error" not in result, result
    id_claims = result["id_token_claims"]
    assert id_claims["aud"] == WEB_CLIENT_ID
    assert id_claims["oid"] == ALICE_OID
    assert id_claims["preferred_username"] == "alice@contoso.onmicrosoft.com"
    assert id_claims["ver"] == "2.0"
    access = decode(result["access_token"])
    assert access["aud"] == API_APP_ID_URI  # v1 token: the identifier URI as requested
    assert access["scp"] == "access_as_user"
    assert access["appid"] == WEB_CLIENT_ID
    assert access["upn"] == "alice@contoso.onmicrosoft.com"
    assert access["sub"] != id_claims["sub"], "sub is pairwise per app"
    account = result["_msal_app"].get_accounts()[0]
    assert account["home_account_id"] == f"{ALICE_OID}.{TENANT_ID}"


def test_refresh_token_from_sign_in_gets_a_graph_token_silently(entra_tokens: Tokens) -> None:
    result = entra_tokens.sign_in("bob")
    app: msal.ConfidentialClientApplication = result["_msal_app"]
    graph = app.acquire_token_silent(["User.Read"], account=app.get_accounts()[0])
    assert graph and graph["token_source"] == "identity_provider"
    claims = decode(graph["access_token"])
    assert claims["aud"] == "https://graph.microsoft.com"
    # MSAL adds openid and profile: Graph's own permissions, in a Graph token's scp (Entra's).
    assert claims["scp"] == "openid profile User.Read"
    assert "nonce" in decode_header(graph["access_token"]), "Graph tokens carry a header nonce"
    again = app.acquire_token_silent(["User.Read"], account=app.get_accounts()[0])
    assert again and again["token_source"] == "cache", "the scope field must let MSAL's cache hit"


def test_msal_on_behalf_of_gets_a_search_token_for_the_same_user(entra_tokens: Tokens) -> None:
    user_token = entra_tokens.sign_in("alice")["access_token"]
    result = entra_tokens.obo(user_token)
    claims = decode(result["access_token"])
    inbound = decode(user_token)
    assert claims["aud"] == SEARCH_RESOURCE
    assert claims["scp"] == "user_impersonation"
    assert claims["appid"] == API_CLIENT_ID
    assert (claims["oid"], claims["tid"]) == (inbound["oid"], inbound["tid"])


def test_azure_identity_client_secret_credential(mock_entra: RunningMock) -> None:
    credential = ClientSecretCredential(
        TENANT_ID,
        DAEMON_CLIENT_ID,
        "mock-daemon-secret-0001",
        authority=mock_entra.base_url,
        disable_instance_discovery=True,
    )
    token = credential.get_token(f"{API_APP_ID_URI}/.default")
    assert decode(token.token)["roles"] == ["Tools.Invoke"]
    assert token.expires_on > 0


def test_azure_identity_on_behalf_of_credential(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    user_token = entra_tokens.sign_in("carol")["access_token"]
    credential = OnBehalfOfCredential(
        TENANT_ID,
        API_CLIENT_ID,
        client_secret=API_CLIENT_SECRET,
        user_assertion=user_token,
        authority=mock_entra.base_url,
        disable_instance_discovery=True,
    )
    token = credential.get_token("https://graph.microsoft.com/User.Read")
    claims = decode(token.token)
    assert claims["aud"] == "https://graph.microsoft.com"
    assert claims["upn"] == "carol@contoso.onmicrosoft.com"


def test_discovery_documents_point_at_this_tenant(mock_entra: RunningMock) -> None:
    with mock_entra.http() as http:
        v2 = http.get("/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration").json()
        v1 = http.get(f"/{TENANT_ID}/.well-known/openid-configuration").json()
        keys = http.get(f"/{TENANT_ID}/discovery/v2.0/keys").json()["keys"]
    assert v2["issuer"] == f"{mock_entra.base_url}/{TENANT_ID}/v2.0"
    assert v2["token_endpoint"].endswith(f"/{TENANT_ID}/oauth2/v2.0/token")
    assert v1["issuer"] == f"https://sts.windows.net/{TENANT_ID}/"
    assert v1["end_session_endpoint"].endswith("/oauth2/logout")
    assert all(k["kid"] == k["x5t"] and k["kty"] == "RSA" and "d" not in k for k in keys)


def test_every_token_is_signed_by_a_published_key(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    with mock_entra.http() as http:
        kids = {k["kid"] for k in http.get(mock_entra.jwks_uri()).json()["keys"]}
    result = entra_tokens.sign_in("alice")
    for token in (result["access_token"], result["id_token"]):
        assert decode_header(token)["kid"] in kids
    assert uuid.UUID(decode(result["access_token"])["oid"])
