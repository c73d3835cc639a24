"""The multi-tenant authorities /organizations, /common and /consumers, with real MSAL.

A multi-tenant app registered in Contoso signs in a user of either shipped tenant through
/organizations; the tokens carry the user's home tenant in ``tid`` and ``iss``; consent
is needed in the user's tenant (an admin grant there, or the consent page).
https://learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msal
import pytest

from entra_kit.trust import trusting
from mock_entra.testing import (
    API_APP_ID_URI,
    API_CLIENT_ID,
    DAEMON_CLIENT_ID,
    DAEMON_CLIENT_SECRET,
    OTHER_TENANT_ID,
    TENANT_ID,
    WEB_CLIENT_ID,
    FormBrowser,
    RawFlow,
    RunningMock,
    Tokens,
    run_mock,
)
from tests.conftest import decode, write_tenant_file
from tests.mock_entra.test_token_errors import assert_entra_error

MT_WEB = "17e0dd11-237d-4bca-aa40-6ae737cd6e0f"  # confidential, admin-consented in Fabrikam
MT_CLI = "2ead16d6-eacc-48df-bf79-882491ac70bf"  # public, not consented in Fabrikam
MT_SECRET = "multi-tenant-web-secret"
REDIRECT = "http://localhost:5001/signin-oidc"
GRAPH_USER_READ = "https://graph.microsoft.com/User.Read"
MALLORY = "mallory@fabrikam.onmicrosoft.com"


def _multi_tenant_apps(data: dict[str, Any]) -> None:
    contoso, fabrikam = data["tenants"]
    graph = {"resource": "https://graph.microsoft.com", "scopes": ["User.Read"]}
    api = {"resource": API_APP_ID_URI, "scopes": ["access_as_user"]}
    next(a for a in contoso["applications"] if a["client_id"] == API_CLIENT_ID)[
        "sign_in_audience"
    ] = "AzureADMultipleOrgs"  # the MCP backend serves both tenants
    contoso["applications"] += [
        {"client_id": MT_WEB, "name": "Multi-tenant Web", "sign_in_audience": "AzureADMultipleOrgs",
         "requested_access_token_version": 2, "redirect_uris": [REDIRECT],
         "secrets": [{"value": MT_SECRET}], "required_resource_access": [graph, api]},
        {"client_id": MT_CLI, "name": "Multi-tenant CLI", "sign_in_audience": "AzureADMultipleOrgs",
         "public_client": True, "redirect_uris": ["http://localhost"],
         "required_resource_access": [graph]},
    ]  # fmt: skip
    for tenant in (contoso, fabrikam):  # admin consent in both tenants for the web app only
        tenant["consent_grants"] += [{"client": MT_WEB, **graph}, {"client": MT_WEB, **api}]
    contoso["consent_grants"].append({"client": MT_CLI, **graph})


@contextmanager
def multi_tenant_mock(root: Path) -> Iterator[RunningMock]:
    """The mock serving the sample tenants plus the multi-tenant apps, trusted here."""
    config = write_tenant_file(root / "tenants.yaml", _multi_tenant_apps)
    with run_mock(root / "state", config=config) as running, trusting(running.ca_bundle):
        yield running


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    with multi_tenant_mock(tmp_path_factory.mktemp("multi-tenant")) as running:
        yield running


def _web(mock: RunningMock, authority: str = "organizations") -> msal.ConfidentialClientApplication:
    return msal.ConfidentialClientApplication(
        MT_WEB, client_credential=MT_SECRET, authority=f"{mock.base_url}/{authority}",
        instance_discovery=False, token_cache=msal.SerializableTokenCache(),
    )  # fmt: skip


def _sign_in(mock: RunningMock, user: str, password: str | None = None) -> dict[str, Any]:
    app = _web(mock)
    flow = app.initiate_auth_code_flow([GRAPH_USER_READ], redirect_uri=REDIRECT)
    params = Tokens(mock).authorize(flow["auth_uri"], user, password=password)
    result: dict[str, Any] = app.acquire_token_by_auth_code_flow(flow, params)
    result["_accounts"] = app.get_accounts()
    return result


# -- discovery ------------------------------------------------------------------------
@pytest.mark.parametrize("alias", ["organizations", "common"])
def test_alias_discovery_names_the_issuer_with_the_tenantid_template(
    mock: RunningMock, alias: str
) -> None:
    with mock.http() as http:
        v2 = http.get(f"/{alias}/v2.0/.well-known/openid-configuration").json()
        v1 = http.get(f"/{alias}/.well-known/openid-configuration").json()
    assert v2["issuer"] == f"{mock.base_url}/{{tenantid}}/v2.0"
    assert v1["issuer"] == "https://sts.windows.net/{tenantid}/"
    assert v2["authorization_endpoint"] == f"{mock.base_url}/{alias}/oauth2/v2.0/authorize"
    assert v2["token_endpoint"] == f"{mock.base_url}/{alias}/oauth2/v2.0/token"
    assert v2["jwks_uri"] == f"{mock.base_url}/{alias}/discovery/v2.0/keys"
    assert v2["tenant_region_scope"] is None


def test_consumers_names_the_personal_accounts_tenant(mock: RunningMock) -> None:
    with mock.http() as http:
        doc = http.get("/consumers/v2.0/.well-known/openid-configuration").json()
    assert doc["issuer"] == f"{mock.base_url}/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"


def test_the_alias_jwks_has_every_tenants_keys_each_with_its_issuer(mock: RunningMock) -> None:
    with mock.http() as http:
        keys = http.get("/organizations/discovery/v2.0/keys").json()["keys"]
        contoso = http.get(f"/{TENANT_ID}/discovery/v2.0/keys").json()["keys"]
    issuers = {k["issuer"] for k in keys}
    assert issuers == {mock.issuer_v2(TENANT_ID), mock.issuer_v2(OTHER_TENANT_ID)}
    assert {k["kid"] for k in contoso} <= {k["kid"] for k in keys}


# -- sign-in through /organizations ---------------------------------------------------
@pytest.mark.parametrize(
    ("user", "password", "tid"),
    [("alice", None, TENANT_ID), (MALLORY, "mallory-password", OTHER_TENANT_ID)],
    ids=["a Contoso user", "a Fabrikam user"],
)
def test_a_multi_tenant_app_signs_in_a_user_of_either_tenant_with_their_home_tenant(
    mock: RunningMock, user: str, password: str | None, tid: str
) -> None:
    result = _sign_in(mock, user, password)
    assert "access_token" in result, result
    id_claims, access = result["id_token_claims"], decode(result["access_token"])
    assert (id_claims["tid"], id_claims["iss"]) == (tid, mock.issuer_v2(tid))
    assert access["tid"] == tid and access["iss"] == f"https://sts.windows.net/{tid}/"
    (account,) = result["_accounts"]  # MSAL's home_account_id: uid.utid, the home tenant
    assert account["home_account_id"].endswith(f".{tid}")


def test_the_refresh_token_stays_in_the_users_tenant(mock: RunningMock) -> None:
    result = _sign_in(mock, MALLORY, "mallory-password")
    with mock.http() as http:
        refreshed = http.post("/organizations/oauth2/v2.0/token", data={
            "grant_type": "refresh_token", "refresh_token": result["refresh_token"],
            "client_id": MT_WEB, "client_secret": MT_SECRET, "scope": GRAPH_USER_READ,
        })  # fmt: skip
    assert refreshed.status_code == 200, refreshed.text
    assert decode(refreshed.json()["access_token"])["tid"] == OTHER_TENANT_ID


def test_consent_is_asked_in_the_users_tenant(mock: RunningMock) -> None:
    """MT_CLI has admin consent in Contoso only: a Fabrikam user sees the consent page."""
    app = msal.PublicClientApplication(
        MT_CLI, authority=f"{mock.base_url}/organizations", instance_discovery=False
    )
    flow = app.initiate_device_flow(scopes=[GRAPH_USER_READ])
    tokens = Tokens(mock)
    assert tokens.complete_device_code(
        flow["verification_uri"], flow["user_code"], MALLORY, password="mallory-password",
        consent="decline",
    ) == "declined"  # fmt: skip
    flow = app.initiate_device_flow(scopes=[GRAPH_USER_READ])
    assert (
        tokens.complete_device_code(
            flow["verification_uri"], flow["user_code"], MALLORY, password="mallory-password"
        )
        == "approved"
    )
    result = app.acquire_token_by_device_flow(flow)
    assert decode(result["access_token"])["tid"] == OTHER_TENANT_ID, result


def test_the_alias_sign_in_page_offers_every_tenants_users(mock: RunningMock) -> None:
    auth_uri = _web(mock).initiate_auth_code_flow([GRAPH_USER_READ], redirect_uri=REDIRECT)
    with mock.http() as http:
        page = http.get(auth_uri["auth_uri"])
    assert FormBrowser.form_action(page) == f"{mock.base_url}/organizations/login"
    assert "alice@contoso.onmicrosoft.com" in page.text and MALLORY in page.text


def test_a_code_of_a_fabrikam_user_is_refused_at_contosos_endpoint(mock: RunningMock) -> None:
    app = _web(mock)
    flow = app.initiate_auth_code_flow([GRAPH_USER_READ], redirect_uri=REDIRECT)
    params = Tokens(mock).authorize(flow["auth_uri"], MALLORY, password="mallory-password")
    answer = RawFlow(mock).post_token(
        {
            "grant_type": "authorization_code", "code": params["code"], "client_id": MT_WEB,
            "client_secret": MT_SECRET, "redirect_uri": REDIRECT,
        },
        tenant=TENANT_ID,
    )  # fmt: skip
    assert_entra_error(answer, 400, "invalid_grant", 700005)


# -- refusals -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("alias", "aadsts"), [("common", 50194), ("organizations", 50194), ("consumers", 9002332)]
)
def test_a_single_tenant_app_through_an_alias_gets_entras_page(
    mock: RunningMock, alias: str, aadsts: int
) -> None:
    with mock.http() as http:
        page = http.get(
            f"/{alias}/oauth2/v2.0/authorize",
            params={"client_id": WEB_CLIENT_ID, "response_type": "code",
                    "redirect_uri": REDIRECT, "scope": "openid"},
        )  # fmt: skip
    assert page.status_code == 400 and "location" not in page.headers
    assert page.headers["x-mock-entra-error"] == f"invalid_request AADSTS{aadsts}"


def test_a_multi_tenant_app_through_consumers_is_aadsts9002332(mock: RunningMock) -> None:
    with mock.http() as http:
        page = http.get(
            "/consumers/oauth2/v2.0/authorize",
            params={"client_id": MT_WEB, "response_type": "code", "redirect_uri": REDIRECT,
                    "scope": "openid"},
        )  # fmt: skip
    assert page.headers["x-mock-entra-error"] == "invalid_request AADSTS9002332"


def test_a_single_tenant_daemon_at_common_is_aadsts50194(mock: RunningMock) -> None:
    with mock.http() as http:
        answer = http.post("/common/oauth2/v2.0/token", data={
            "grant_type": "client_credentials", "client_id": DAEMON_CLIENT_ID,
            "client_secret": DAEMON_CLIENT_SECRET,
            "scope": "api://fe5f360b-4f1f-4029-b90b-f832bcb0412c/.default",
        })  # fmt: skip
    assert_entra_error(answer, 400, "invalid_request", 50194)
