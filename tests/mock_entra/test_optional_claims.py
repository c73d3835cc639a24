"""Optional claims with properties, and the claims Entra only sends in v1 tokens, with real MSAL.

The MCP API is made a v2 API here: its user tokens carry no ``acr``/``amr``/``ipaddr``
("only present in v1.0 tokens", access-token-claims-reference), ``idtyp`` only because
the API asks for it with ``include_user_token``, and ``sid``/``ipaddr``/``acct`` only as
optional claims (optional-claims-reference). On-Behalf-Of still knows how the user signed
in: an MFA step-up made for the v2 token satisfies a downstream MFA policy.
https://learn.microsoft.com/entra/identity-platform/optional-claims-reference
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from entra_kit.jose import pkce_s256
from entra_kit.microsoft_apps import SEARCH_APP_ID as SEARCH_CLIENT_ID
from mock_entra.optional_claims import login_hint_user
from mock_entra.testing import (
    API_CLIENT_ID,
    API_SCOPE,
    SEARCH_RESOURCE,
    TENANT_ID,
    WEB_CLIENT_ID,
    RawFlow,
    RunningMock,
    Tokens,
    run_mock,
)
from tests.conftest import app_entry, decode, write_tenant_file

MFA_POLICY = "6f2b3c4d-1111-4222-8333-944455566699"
VERIFIER = "o" * 50


def _optional_claims(data: dict[str, Any]) -> None:
    app_entry(data, API_CLIENT_ID).update(
        requested_access_token_version=2,
        optional_claims=[
            {"name": "idtyp", "additional_properties": ["include_user_token"]},
            "sid", "ipaddr", "acct", "login_hint", "not-a-claim-the-mock-knows",
        ],
    )  # fmt: skip
    app_entry(data, WEB_CLIENT_ID)["optional_claims"] = [
        {"name": "login_hint", "token": "id"},
        {"name": "ipaddr", "token": "id"},
    ]
    app_entry(data, SEARCH_CLIENT_ID)["optional_claims"] = [
        {"name": "aud", "additional_properties": ["use_guid"]}
    ]
    data["tenants"][0]["mfa_policies"] = [
        {"id": MFA_POLICY, "name": "MFA for Search", "resource": SEARCH_RESOURCE}
    ]


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    root = tmp_path_factory.mktemp("optional-claims")
    with run_mock(root / "state", config=write_tenant_file(root / "t.yaml", _optional_claims)) as m:
        yield m


def test_a_v2_user_token_has_no_acr_or_amr_and_only_the_optional_claims_asked_for(
    mock: RunningMock,
) -> None:
    result = Tokens(mock).sign_in("alice")
    claims, id_claims = decode(result["access_token"]), result["id_token_claims"]
    assert claims["ver"] == "2.0" and claims["aud"] == API_CLIENT_ID
    assert not {"acr", "amr", "appid", "unique_name", "upn", "family_name"} & claims.keys()
    assert claims["idtyp"] == "user", "include_user_token"
    assert claims["sid"] == id_claims["sid"] and claims["acct"] == 0
    assert claims["ipaddr"] == "127.0.0.1"
    assert "not-a-claim-the-mock-knows" not in claims
    assert login_hint_user(claims["login_hint"]) == (TENANT_ID, claims["oid"])
    # The web app's own optional claims shape its ID token, not the API's access token.
    assert login_hint_user(id_claims["login_hint"]) == (TENANT_ID, claims["oid"])
    assert id_claims["ipaddr"] == "127.0.0.1" and "idtyp" not in id_claims


def test_an_app_only_token_says_idtyp_app_whatever_the_api_configures(mock: RunningMock) -> None:
    claims = decode(Tokens(mock).app_token(scope=f"{API_CLIENT_ID}/.default")["access_token"])
    assert claims["idtyp"] == "app" and "sid" not in claims and "login_hint" not in claims


def test_obo_from_a_v2_token_knows_the_mfa_step_up_and_use_guid_sets_the_v1_audience(
    mock: RunningMock,
) -> None:
    tokens, flow = Tokens(mock), RawFlow(mock)
    refused = tokens.obo(tokens.sign_in("alice")["access_token"])
    assert refused["error"] == "interaction_required" and 50076 in refused["error_codes"]

    code = flow.code(challenge=pkce_s256(VERIFIER), claims=refused["claims"])
    stepped_up = flow.redeem(code, verifier=VERIFIER, scope=f"{API_SCOPE} offline_access")
    assert stepped_up.status_code == 200, stepped_up.text
    assertion = stepped_up.json()["access_token"]
    assert "amr" not in decode(assertion), "a v2 token does not state the methods"

    obo = tokens.obo(assertion)
    assert "access_token" in obo, obo
    search = decode(obo["access_token"])
    assert search["ver"] == "1.0" and "mfa" in search["amr"]
    assert search["aud"] == SEARCH_CLIENT_ID, "aud + use_guid: the client id, not the URI"
    assert json.loads(refused["claims"])["access_token"]["capolids"]["values"] == [MFA_POLICY]
