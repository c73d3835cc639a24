"""The backend's secretless OBO (managed identity) and the MFA claims challenge (E6), end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastmcp.exceptions import ToolError

from backend.testing import backend_settings_for, run_backend
from mock_entra.testing import (
    API_CLIENT_ID,
    MANAGED_IDENTITY_CLIENT_ID,
    SEARCH_RESOURCE,
    RunningMock,
    Tokens,
)
from tests.backend.conftest import call, challenge_of
from tests.conftest import app_entry, decode, write_tenant_file

MFA_POLICY = "5e2b3c4d-1111-4222-8333-944455566677"


async def test_obo_with_a_managed_identity_as_federated_credential(
    mock_entra: RunningMock, alice: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{mock_entra.base_url}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", "mock-identity-header")
    settings = backend_settings_for(
        mock_entra, obo_credential="managed_identity",
        managed_identity_client_id=MANAGED_IDENTITY_CLIENT_ID, backend_client_secret="",
    )  # fmt: skip
    with run_backend(settings) as running:
        result = await call(running.mcp_url, alice, "get_azure_ai_search_token")
    assert result["claims"]["aud"] == SEARCH_RESOURCE
    assert result["claims"]["appidacr"] == "2", "federated credential, not a secret"
    assert result["claims"]["oid"] == decode(alice)["oid"]


def _mfa_for_search(data: dict[str, Any]) -> None:
    data["tenants"][0]["mfa_policies"] = [
        {"id": MFA_POLICY, "name": "MFA for Search", "resource": SEARCH_RESOURCE}
    ]


async def test_e6_mfa_required_downstream_surfaces_the_claims_challenge(
    second_mock: Callable[..., Any], tmp_path: Path
) -> None:
    with (
        second_mock(config=write_tenant_file(tmp_path / "tenant.yaml", _mfa_for_search)) as mock,
        run_backend(backend_settings_for(mock)) as running,
    ):
        token = Tokens(mock).sign_in("alice")["access_token"]
        with pytest.raises(ToolError) as caught:
            await call(running.mcp_url, token, "search_documents", {"query": "roadmap"})
        assert list(running.state.fakes["search"].received) == []
    challenge = challenge_of(caught.value)
    assert challenge["error"] == "interaction_required"
    assert challenge["aadsts"] == 50076
    assert json.loads(challenge["claims"])["access_token"]["capolids"]["values"] == [MFA_POLICY]


def _v2_api(data: dict[str, Any]) -> None:
    app_entry(data, API_CLIENT_ID)["requested_access_token_version"] = 2


async def test_a_v2_token_without_acr_or_amr_is_accepted_and_exchanged(
    second_mock: Callable[..., Any], tmp_path: Path
) -> None:
    """v2 access tokens carry no ``acr``/``amr`` (access-token-claims-reference): the backend
    reads neither, and its On-Behalf-Of call still gets the downstream token."""
    with (
        second_mock(config=write_tenant_file(tmp_path / "tenant.yaml", _v2_api)) as mock,
        run_backend(backend_settings_for(mock)) as running,
    ):
        token = Tokens(mock).sign_in("alice")["access_token"]
        assert decode(token)["ver"] == "2.0" and not {"acr", "amr"} & decode(token).keys()
        result = await call(running.mcp_url, token, "get_azure_ai_search_token")
    assert result["claims"]["aud"] == SEARCH_RESOURCE and result["claims"]["amr"] == ["pwd"]
