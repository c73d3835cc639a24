"""MFA policies: silent flows get 50076 + a claims challenge; sending it back satisfies it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from entra_kit.jose import pkce_s256
from mock_entra.testing import API_SCOPE, SEARCH_RESOURCE, RawFlow, RunningMock, Tokens, run_mock
from tests.conftest import decode, write_tenant_file

SEARCH_POLICY = "6f2b3c4d-1111-4222-8333-944455566677"
GRAPH_POLICY = "7a1b2c3d-1111-4222-8333-944455566677"
VERIFIER = "m" * 50


@pytest.fixture(scope="module")
def mfa_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    def add_policies(data: dict[str, Any]) -> None:
        data["tenants"][0]["mfa_policies"] = [
            {"id": SEARCH_POLICY, "name": "MFA for Search", "resource": SEARCH_RESOURCE},
            {"id": GRAPH_POLICY, "name": "MFA for Graph (carol)",
             "resource": "https://graph.microsoft.com", "users": ["carol@contoso.onmicrosoft.com"]},
        ]  # fmt: skip

    path = tmp_path_factory.mktemp("mfa") / "tenant.yaml"
    with run_mock(config=write_tenant_file(path, add_policies)) as mock:
        yield mock


@pytest.fixture
def trusted(mfa_mock: RunningMock, monkeypatch: pytest.MonkeyPatch) -> RunningMock:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        monkeypatch.setenv(name, str(mfa_mock.ca_bundle))
    return mfa_mock


def test_obo_to_a_resource_that_wants_mfa_answers_a_claims_challenge_and_the_round_trip_ends_it(
    trusted: RunningMock,
) -> None:
    tokens, flow = Tokens(trusted), RawFlow(trusted)
    api_token = tokens.sign_in("alice")["access_token"]
    assert decode(api_token)["amr"] == ["pwd"]

    refused = tokens.obo(api_token)
    assert refused["error"] == "interaction_required" and 50076 in refused["error_codes"]
    challenge = json.loads(refused["claims"])
    assert challenge["access_token"]["capolids"]["values"] == [SEARCH_POLICY]

    code = flow.code(challenge=pkce_s256(VERIFIER), claims=refused["claims"])
    stepped_up = flow.redeem(code, verifier=VERIFIER, scope=f"{API_SCOPE} offline_access")
    assert stepped_up.status_code == 200, stepped_up.text
    mfa_token = stepped_up.json()["access_token"]
    assert "mfa" in decode(mfa_token)["amr"]

    obo = tokens.obo(mfa_token)
    assert "access_token" in obo, obo
    assert "mfa" in decode(obo["access_token"])["amr"]


def test_refresh_to_a_resource_that_wants_mfa_for_this_user_is_interaction_required(
    trusted: RunningMock,
) -> None:
    carol = Tokens(trusted).sign_in("carol")
    app = carol["_msal_app"]
    result = app.acquire_token_silent_with_error(
        ["User.Read"], account=app.get_accounts()[0], force_refresh=True
    )
    assert result and result.get("error") == "interaction_required", result
    assert GRAPH_POLICY in result["claims"]


def test_a_policy_for_one_user_leaves_the_others_alone(trusted: RunningMock) -> None:
    bob = Tokens(trusted).sign_in("bob")
    app = bob["_msal_app"]
    graph = app.acquire_token_silent(["User.Read"], account=app.get_accounts()[0])
    assert graph and "access_token" in graph
