"""The backend behind a multi-tenant sign-in: it trusts the tenants it is told to.

A user of Fabrikam signs in to a multi-tenant client through /organizations and gets a
token (``tid`` and ``iss`` Fabrikam's) for the MCP API, made multi-tenant in this tenant
file; the backend takes it only when ``BACKEND_ALLOWED_TENANTS`` lists Fabrikam
(howto-convert-app-to-be-multi-tenant, "Update your code to handle multiple issuer values").
"""

from __future__ import annotations

from collections.abc import Iterator

import msal
import pytest

from backend.testing import backend_settings_for, run_backend
from mock_entra.testing import API_SCOPE, OTHER_TENANT_ID, TENANT_ID, RunningMock, Tokens
from tests.backend.conftest import probe
from tests.conftest import decode
from tests.mock_entra.test_multi_tenant import MT_SECRET, MT_WEB, REDIRECT, multi_tenant_mock


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    with multi_tenant_mock(tmp_path_factory.mktemp("backend-multi-tenant")) as running:
        yield running


@pytest.fixture(scope="module")
def mallory(mock: RunningMock) -> str:
    app = msal.ConfidentialClientApplication(
        MT_WEB, client_credential=MT_SECRET, authority=f"{mock.base_url}/organizations",
        instance_discovery=False, token_cache=msal.SerializableTokenCache(),
    )  # fmt: skip
    flow = app.initiate_auth_code_flow([API_SCOPE], redirect_uri=REDIRECT)
    params = Tokens(mock).authorize(
        flow["auth_uri"], "mallory@fabrikam.onmicrosoft.com", password="mallory-password"
    )
    token = str(app.acquire_token_by_auth_code_flow(flow, params)["access_token"])
    assert decode(token)["tid"] == OTHER_TENANT_ID
    return token


def test_a_fabrikam_users_token_is_accepted_once_fabrikam_is_allowed(
    mock: RunningMock, mallory: str
) -> None:
    allowed = backend_settings_for(mock, backend_allowed_tenants=f"{TENANT_ID},{OTHER_TENANT_ID}")
    with run_backend(allowed) as backend:
        assert probe(backend.mcp_url, mallory).status_code == 200


def test_by_default_only_the_backends_own_tenant_is_trusted(
    mock: RunningMock, mallory: str
) -> None:
    with run_backend(backend_settings_for(mock)) as backend:
        assert probe(backend.mcp_url, mallory).status_code == 401
