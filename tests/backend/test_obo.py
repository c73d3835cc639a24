"""Section E: the OBO exchanger and the tools' downstream calls against the running mock."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastmcp.exceptions import ToolError

from backend.obo import Caller, EntraChallenge, OboError, OboExchanger
from backend.settings import BackendSettings
from backend.testing import backend_settings_for, run_backend
from mock_entra.testing import (
    API_SCOPE,
    GRAPH_RESOURCE,
    OTHER_TENANT_ID,
    SEARCH_RESOURCE,
    RunningMock,
    Tokens,
)
from tests.backend.conftest import call, challenge_of
from tests.conftest import decode, write_tenant_file


def exchanger_for(mock: RunningMock, **overrides: Any) -> OboExchanger:
    values = backend_settings_for(mock, **overrides)
    return OboExchanger(BackendSettings(_env_file=None, **values))  # type: ignore[call-arg]


def caller_of(token: str) -> Caller:
    claims = decode(token)
    scopes = tuple(str(claims.get("scp", "")).split())
    return Caller(claims["tid"], claims["oid"], token, scopes or ("access_as_user",))


async def obo_error(exchanger: OboExchanger, caller: Caller, scope: str) -> OboError:
    with pytest.raises(OboError) as caught:
        await exchanger.token_for(caller, [scope])
    return caught.value


async def test_e2_assertion_for_another_audience_is_refused(
    mock_entra: RunningMock, entra_tokens: Tokens, alice: str
) -> None:
    graph_token = entra_tokens.obo(alice, scope=f"{GRAPH_RESOURCE}/User.Read")["access_token"]
    error = await obo_error(
        exchanger_for(mock_entra), caller_of(graph_token), f"{SEARCH_RESOURCE}/.default"
    )
    assert error.aadsts == 500131 and not isinstance(error, EntraChallenge)


async def test_e3_app_only_token_is_never_exchanged(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    app_token = entra_tokens.app_token()["access_token"]
    exchanger = exchanger_for(mock_entra)
    claims = decode(app_token)
    no_user = Caller(claims["tid"], claims["oid"], app_token, ())
    error = await obo_error(exchanger, no_user, f"{SEARCH_RESOURCE}/.default")
    assert "app-only" in error.message and exchanger.exchanges == 0
    # Even if something upstream let it through, Entra refuses it (no scp).
    error = await obo_error(exchanger, caller_of(app_token), f"{SEARCH_RESOURCE}/.default")
    assert error.aadsts == 50013


async def test_e3_id_token_assertion_is_refused(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    id_token = entra_tokens.sign_in("alice")["id_token"]
    error = await obo_error(
        exchanger_for(mock_entra), caller_of(id_token), f"{SEARCH_RESOURCE}/.default"
    )
    assert error.aadsts is not None and "refused" in error.message


@pytest.mark.parametrize("kind", ["expired", "tampered"])
async def test_e4_expired_or_tampered_assertion_is_refused(
    mock_entra: RunningMock, alice: str, resign: Callable[..., str], kind: str
) -> None:
    if kind == "expired":
        claims = decode(alice)
        assertion = resign(alice, exp=claims["iat"] - 10, nbf=claims["iat"] - 3600)
    else:
        head, payload, sig = alice.split(".")
        assertion = f"{head}.{payload}.{sig[:-4]}AAAA"
    error = await obo_error(
        exchanger_for(mock_entra), caller_of(assertion), f"{SEARCH_RESOURCE}/.default"
    )
    assert error.aadsts in {500133, 50013}


@pytest.mark.parametrize(
    ("scope", "codes"),
    [
        (f"{SEARCH_RESOURCE}/no_such_scope", {70011, 65001}),
        ("https://unknown.example.com/.default", {500011}),
        ("https://vault.azure.net/.default", {500011, 650057}),
    ],
    ids=["unknown scope", "unknown resource", "resource not requested by the app"],
)
async def test_e7_bad_downstream_scope(
    mock_entra: RunningMock, alice: str, scope: str, codes: set[int]
) -> None:
    error = await obo_error(exchanger_for(mock_entra), caller_of(alice), scope)
    assert error.aadsts in codes


@pytest.mark.parametrize(
    ("secret", "code"),
    [("wrong-secret", 7000215), ("mock-backend-secret-expired", 7000222)],
    ids=["wrong secret", "expired secret"],
)
async def test_e8_wrong_middle_tier_credential_no_fallback(
    backend_with: Callable[..., Any], alice: str, secret: str, code: int
) -> None:
    with backend_with(backend_client_secret=secret) as running:
        with pytest.raises(ToolError) as caught:
            await call(running.mcp_url, alice, "search_documents", {"query": "*"})
        # No call reached the downstream API: no app-identity fallback, no passthrough.
        assert list(running.state.fakes["search"].received) == []
    assert f"AADSTS{code}" in str(caught.value)


def _without_search_consent(data: dict[str, Any]) -> None:
    grants = data["tenants"][0]["consent_grants"]
    data["tenants"][0]["consent_grants"] = [g for g in grants if g["resource"] != SEARCH_RESOURCE]


async def test_e5_missing_consent_is_a_consent_challenge(
    second_mock: Callable[..., Any], tmp_path: Path
) -> None:
    config = write_tenant_file(tmp_path / "tenant.yaml", _without_search_consent)
    with second_mock(config=config) as mock:
        token = Tokens(mock).sign_in("alice")["access_token"]
        exchanger = exchanger_for(mock)
        with pytest.raises(EntraChallenge) as caught:
            await exchanger.token_for(caller_of(token), [f"{SEARCH_RESOURCE}/user_impersonation"])
    challenge = challenge_of(Exception(caught.value.to_json()))
    assert challenge["error"] == "consent_required"
    assert challenge["aadsts"] == 65001
    assert challenge["suberror"] == "consent_required"
    assert challenge["scopes"] == [API_SCOPE]
    assert set(challenge) == {"error", "aadsts", "suberror", "claims", "scopes", "message"}


async def test_e5_tool_surfaces_consent_challenge(
    second_mock: Callable[..., Any], tmp_path: Path
) -> None:
    config = write_tenant_file(tmp_path / "tenant.yaml", _without_search_consent)
    with second_mock(config=config) as mock, run_backend(backend_settings_for(mock)) as running:
        token = Tokens(mock).sign_in("alice")["access_token"]
        profile = await call(running.mcp_url, token, "get_my_profile")  # Graph still consented
        assert profile["profile"]["userPrincipalName"] == "alice@contoso.onmicrosoft.com"
        with pytest.raises(ToolError) as caught:
            await call(running.mcp_url, token, "get_azure_ai_search_token")
    assert challenge_of(caught.value)["error"] == "consent_required"


async def test_e10_idp_outage_is_a_clean_tool_error(second_mock: Callable[..., Any]) -> None:
    mock_cm = second_mock()
    mock = mock_cm.__enter__()
    try:
        token = Tokens(mock).sign_in("alice")["access_token"]
        with run_backend(backend_settings_for(mock)) as running:
            await call(running.mcp_url, token, "get_azure_ai_search_token")  # keys + MSAL ready
            mock_cm.__exit__(None, None, None)
            with pytest.raises(ToolError) as caught:
                await call(running.mcp_url, token, "get_my_profile")  # not cached: needs Entra
            assert list(running.state.fakes["graph"].received) == []
    finally:
        mock_cm.__exit__(None, None, None)
    assert "unavailable" in str(caught.value) and "Traceback" not in str(caught.value)


async def test_e11_downstream_refusal_is_reported_never_retried_with_inbound_token(
    mock_entra: RunningMock, alice: str
) -> None:
    # Service B's fake Search trusts another tenant only: it answers 401 to our tokens.
    with (
        run_backend(backend_settings_for(mock_entra, entra_tenant_id=OTHER_TENANT_ID)) as other,
        run_backend(
            backend_settings_for(mock_entra, search_endpoint=f"{other.base_url}/fake/search")
        ) as running,
    ):
        with pytest.raises(ToolError) as caught:
            await call(running.mcp_url, alice, "search_documents", {"query": "*"})
        received = list(other.state.fakes["search"].received)
    assert "HTTP 401" in str(caught.value)
    assert len(received) == 1  # no retry
    assert received[0] != hashlib.sha256(alice.encode()).hexdigest()  # and never passthrough
