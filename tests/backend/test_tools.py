"""The MCP tools over real HTTP: result shapes, OBO (section E), sessions bound to users."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastmcp.exceptions import ToolError

from backend.testing import RunningBackend, backend_settings_for, run_backend
from mock_entra.testing import API_CLIENT_ID, Tokens
from tests.backend.conftest import MCP_HEADERS, call, challenge_of, probe
from tests.conftest import decode

ALICE = "9b2e754e-7986-4515-8f53-d8d75d7e03ff"
BOB = "61607bbf-cbf8-4767-b1f8-c3588ddf7814"
CAROL = "22b3adba-aac6-4336-a25b-3ea0192b6b90"


async def test_secure_ping_names_the_caller(backend: RunningBackend, alice: str) -> None:
    result = await call(backend.mcp_url, alice, "secure_ping")
    assert result["ok"] is True and result["message"] == "pong"
    assert result["user"]["oid"] == ALICE
    assert result["user"]["username"] == "alice@contoso.onmicrosoft.com"


async def test_get_user_info_reports_the_eight_checks(backend: RunningBackend, alice: str) -> None:
    result = await call(backend.mcp_url, alice, "get_user_info")
    names = [c["check"] for c in result["checks"]]
    assert names == ["aud", "iss", "tid", "exp", "nbf", "appid", "oid", "scp"]
    assert result["all_checks_passed"] is True
    assert result["claims"]["oid"] == ALICE and result["token_version"] == "1.0"
    assert alice not in str(result)  # the raw token is never echoed


async def test_e1_search_token_is_a_new_token_for_search(
    backend: RunningBackend, alice: str
) -> None:
    result = await call(backend.mcp_url, alice, "get_azure_ai_search_token")
    claims = result["claims"]
    inbound = decode(alice)
    assert claims["aud"] == "https://search.azure.com"
    assert claims["scp"] == "user_impersonation"
    assert (claims["oid"], claims["tid"]) == (inbound["oid"], inbound["tid"])
    assert claims["appid"] == API_CLIENT_ID  # issued to the backend, not the web app
    assert claims["uti"] != inbound["uti"]
    assert result["access_token"] is None and result["raw_token_returned"] is False


async def test_the_search_token_header_is_shown_without_anything_else(
    backend: RunningBackend, alice: str
) -> None:
    result = await call(backend.mcp_url, alice, "get_azure_ai_search_token")
    assert result["header"]["alg"] == "RS256" and result["header"]["typ"] == "JWT"
    assert result["header"]["kid"] == result["header"]["x5t"]
    assert set(result["header"]) <= {"alg", "kid", "typ", "x5t"}


async def test_raw_token_only_with_the_demo_setting(
    backend_with: Callable[..., Any], alice: str
) -> None:
    with backend_with(backend_demo_return_raw_tokens=True) as running:
        result = await call(running.mcp_url, alice, "get_azure_ai_search_token")
    assert decode(result["access_token"])["aud"] == "https://search.azure.com"


async def test_second_call_is_served_from_the_per_user_cache(
    backend_with: Callable[..., Any], alice: str, bob: str
) -> None:
    with backend_with() as running:
        first = await call(running.mcp_url, alice, "get_azure_ai_search_token")
        second = await call(running.mcp_url, alice, "get_azure_ai_search_token")
        other = await call(running.mcp_url, bob, "get_azure_ai_search_token")
        assert running.state.services.exchanger.exchanges == 2
    assert (first["from_cache"], second["from_cache"], other["from_cache"]) == (False, True, False)
    assert second["claims"]["uti"] == first["claims"]["uti"]
    assert other["claims"]["oid"] == BOB


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        (
            "alice",
            {"doc-eng-runbook", "doc-eng-architecture", "doc-alice-notes", "doc-all-handbook"},
        ),
        ("bob", {"doc-eng-runbook", "doc-eng-architecture", "doc-bob-review", "doc-all-handbook"}),
        ("carol", {"doc-fin-forecast", "doc-all-handbook"}),
    ],
)
async def test_search_results_are_trimmed_to_the_user(
    backend: RunningBackend, request: pytest.FixtureRequest, user: str, visible: set[str]
) -> None:
    token = request.getfixturevalue(user)
    result = await call(backend.mcp_url, token, "search_documents", {"query": "*"})
    assert {r["id"] for r in result["results"]} == visible
    assert result["count"] == len(visible)


async def test_search_query_filters(backend: RunningBackend, alice: str) -> None:
    result = await call(backend.mcp_url, alice, "search_documents", {"query": "rotation"})
    assert [r["id"] for r in result["results"]] == ["doc-alice-notes"]


async def test_get_my_profile_comes_from_graph_for_the_caller(
    backend: RunningBackend, carol: str
) -> None:
    result = await call(backend.mcp_url, carol, "get_my_profile")
    assert result["profile"]["id"] == CAROL
    assert result["profile"]["userPrincipalName"] == "carol@contoso.onmicrosoft.com"
    assert result["profile"]["jobTitle"] == "Controller"


async def test_e9_two_users_at_once_each_get_their_own_data(
    backend_with: Callable[..., Any], alice: str, bob: str, carol: str
) -> None:
    # A fresh backend: no cached OBO tokens, so every call below exchanges concurrently.
    with backend_with() as running:
        users = [(ALICE, alice), (BOB, bob), (CAROL, carol)] * 4
        results = await asyncio.gather(
            *(call(running.mcp_url, token, "get_my_profile") for _, token in users),
            *(
                call(running.mcp_url, token, "search_documents", {"query": "*"})
                for _, token in users
            ),
        )
    profiles, searches = results[: len(users)], results[len(users) :]
    for (oid, _), profile, search in zip(users, profiles, searches, strict=True):
        assert profile["profile"]["id"] == oid and profile["as_user"] == oid
        assert search["as_user"] == oid
    private = {ALICE: "doc-alice-notes", BOB: "doc-bob-review"}
    for (oid, _), search in zip(users, searches, strict=True):
        ids = {r["id"] for r in search["results"]}
        assert {d for o, d in private.items() if o != oid}.isdisjoint(ids)


def _session(url: str, token: str) -> str:
    response = probe(url, token)
    assert response.status_code == 200
    return str(response.headers["mcp-session-id"])


def test_session_is_bound_to_its_user(backend: RunningBackend, alice: str, bob: str) -> None:
    session = _session(backend.mcp_url, alice)
    listing = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
    headers = {**MCP_HEADERS, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18"}
    with httpx.Client(timeout=10) as client:
        initialized = {"jsonrpc": "2.0", "method": "notifications/initialized"}
        own = client.post(
            backend.mcp_url,
            json=initialized,
            headers={**headers, "Authorization": f"Bearer {alice}"},
        )
        assert own.status_code == 202
        stolen = client.post(
            backend.mcp_url, json=listing, headers={**headers, "Authorization": f"Bearer {bob}"}
        )
        assert stolen.status_code == 404  # as if the session did not exist
        mine = client.post(
            backend.mcp_url, json=listing, headers={**headers, "Authorization": f"Bearer {alice}"}
        )
        assert mine.status_code == 200 and "secure_ping" in mine.text


def test_d25_signing_key_rollover_is_picked_up(second_mock: Callable[..., Any]) -> None:
    # A mock of its own: rotating the session mock's keys would race other tests.
    with (
        second_mock() as mock,
        run_backend(backend_settings_for(mock, backend_jwks_refresh_seconds=0)) as running,
    ):
        tokens = Tokens(mock)
        before = tokens.sign_in("bob")["access_token"]
        assert probe(running.mcp_url, before).status_code == 200
        ring = mock.ctx.ring(mock.tenant_id)
        ring.rotate(mock.ctx.now())
        after = tokens.sign_in("bob")["access_token"]
        assert decode_kid(after) != decode_kid(before)
        assert probe(running.mcp_url, after).status_code == 200
        assert probe(running.mcp_url, before).status_code == 200  # retired key still published


def decode_kid(token: str) -> str:
    from tests.conftest import decode_header

    return str(decode_header(token)["kid"])


def test_d25_jwks_unreachable_fails_closed(backend_with: Callable[..., Any], alice: str) -> None:
    # Nothing listens on port 9 of loopback: discovery fails, and nothing is accepted.
    with backend_with(entra_authority_host="https://127.0.0.1:9") as running:
        response = probe(running.mcp_url, alice)
        assert response.status_code == 401
        assert "resource_metadata=" in response.headers["www-authenticate"]


async def test_tool_error_is_plain_text_without_internals(
    backend_with: Callable[..., Any], alice: str
) -> None:
    with (
        backend_with(backend_client_secret="wrong-secret") as running,
        pytest.raises(ToolError) as caught,
    ):
        await call(running.mcp_url, alice, "get_my_profile")
    assert "AADSTS7000215" in str(caught.value)
    assert "Traceback" not in str(caught.value) and alice not in str(caught.value)
    with pytest.raises(ValueError):
        challenge_of(caught.value)  # not a challenge: the user cannot fix it
