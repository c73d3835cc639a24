"""Section E12: each fake is its own resource server (audience, scope, tenant, api-version)."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from mock_entra.testing import GRAPH_RESOURCE, OTHER_TENANT_ID, SEARCH_RESOURCE, Tokens


def _fake_call(base_url: str, service: str, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if service == "search":
        url = f"{base_url}/fake/search/indexes/documents/docs/search?api-version=2024-07-01"
        return httpx.post(url, json={"search": "*"}, headers=headers)
    return httpx.get(f"{base_url}/fake/graph/v1.0/me", headers=headers)


@pytest.mark.parametrize("service", ["search", "graph"])
def test_e12_fakes_refuse_wrong_aud_scp_tid(
    fakes_url: str,
    entra_tokens: Tokens,
    alice: str,
    resign: Callable[..., str],
    service: str,
) -> None:
    scope = f"{SEARCH_RESOURCE}/.default" if service == "search" else f"{GRAPH_RESOURCE}/User.Read"
    good = entra_tokens.obo(alice, scope=scope)["access_token"]
    assert _fake_call(fakes_url, service, good).status_code == 200
    assert _fake_call(fakes_url, service, alice).status_code == 401  # the inbound token: wrong aud
    wrong_aud = resign(good, aud=GRAPH_RESOURCE if service == "search" else SEARCH_RESOURCE)
    assert _fake_call(fakes_url, service, wrong_aud).status_code == 401
    wrong_tid = resign(good, tid=OTHER_TENANT_ID)
    assert _fake_call(fakes_url, service, wrong_tid).status_code == 401
    no_scope = _fake_call(fakes_url, service, resign(good, scp="Mail.Read"))
    assert no_scope.status_code == 403
    assert 'error="insufficient_scope"' in no_scope.headers["www-authenticate"]
    missing = httpx.get(f"{fakes_url}/fake/graph/v1.0/me")
    assert missing.status_code == 401 and "error=" not in missing.headers["www-authenticate"]


def test_search_requires_api_version(fakes_url: str, entra_tokens: Tokens, alice: str) -> None:
    token = entra_tokens.obo(alice)["access_token"]
    url = f"{fakes_url}/fake/search/indexes/documents/docs/search"
    response = httpx.post(url, json={"search": "*"}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400


def test_the_fake_graph_serves_userinfo_for_a_graph_token_with_openid(
    fakes_url: str, entra_tokens: Tokens
) -> None:
    """https://learn.microsoft.com/entra/identity-platform/userinfo, as the mock answers it."""
    result = entra_tokens.sign_in("bob", scopes=[f"{GRAPH_RESOURCE}/User.Read"])
    headers = {"Authorization": f"Bearer {result['access_token']}"}
    answer = httpx.get(f"{fakes_url}/fake/graph/oidc/userinfo", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["sub"] == result["id_token_claims"]["sub"]
    assert answer.json()["name"] == "Bob Example"
