"""The frontend signed in through /organizations: users of the allowed tenants only.

``ENTRA_TENANT_ID=organizations`` with ``FRONTEND_ALLOWED_TENANTS``: the ID token's
``tid`` must be one of them and its ``iss`` that tenant's issuer
(howto-convert-app-to-be-multi-tenant, "Update your code to handle multiple issuer values").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from frontend.app import create_app
from frontend.settings import FrontendSettings
from mock_entra.testing import OTHER_TENANT_ID, TENANT_ID, RunningMock, Tokens
from tests.frontend.conftest import csrf_of
from tests.mock_entra.test_multi_tenant import MT_SECRET, MT_WEB, multi_tenant_mock

MALLORY = ("mallory@fabrikam.onmicrosoft.com", "mallory-password")


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningMock]:
    with multi_tenant_mock(tmp_path_factory.mktemp("frontend-multi-tenant")) as running:
        yield running


def _settings(mock: RunningMock, tmp_path: Path, **overrides: Any) -> FrontendSettings:
    values: dict[str, Any] = {
        "entra_authority_host": mock.base_url, "entra_tenant_id": "organizations",
        "entra_ca_bundle": str(mock.ca_bundle), "frontend_client_id": MT_WEB,
        "frontend_client_secret": MT_SECRET, "frontend_session_dir": tmp_path / "sessions",
        "frontend_secret_key": "test-secret-key", "backend_url": "http://127.0.0.1:9",
        "frontend_allowed_tenants": f"{TENANT_ID},{OTHER_TENANT_ID}",
    }  # fmt: skip
    return FrontendSettings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]


def _sign_in(client: Any, mock: RunningMock, user: str, password: str | None) -> Any:
    start = client.get("/inspector")
    assert start.status_code == 302 and "/organizations/oauth2/v2.0/authorize" in start.location
    params = Tokens(mock).authorize(start.headers["Location"], user, password=password)
    return client.get("/signin-oidc", query_string=params)


def _user(client: Any) -> dict[str, Any] | None:
    with client.session_transaction() as session:
        return session.get("_logged_in_user")


@pytest.mark.parametrize(
    ("user", "password", "tid"),
    [("alice", None, TENANT_ID), (*MALLORY, OTHER_TENANT_ID)],
    ids=["a Contoso user", "a Fabrikam user"],
)
def test_a_user_of_either_allowed_tenant_signs_in_with_their_tenant(
    mock: RunningMock, tmp_path: Path, user: str, password: str | None, tid: str
) -> None:
    client = create_app(_settings(mock, tmp_path)).test_client()
    answer = _sign_in(client, mock, user, password)
    assert answer.status_code == 302 and answer.headers["Location"] == "/inspector"
    signed_in = _user(client)
    assert signed_in is not None and signed_in["tid"] == tid
    assert signed_in["iss"] == mock.issuer_v2(tid)


def test_a_user_of_a_tenant_not_allowed_is_refused(mock: RunningMock, tmp_path: Path) -> None:
    client = create_app(_settings(mock, tmp_path, frontend_allowed_tenants=TENANT_ID)).test_client()
    answer = _sign_in(client, mock, *MALLORY)
    assert answer.status_code == 400 and "another tenant" in answer.get_data(as_text=True)
    assert _user(client) is None


def test_sign_out_through_organizations_ends_the_session(mock: RunningMock, tmp_path: Path) -> None:
    client = create_app(_settings(mock, tmp_path)).test_client()
    _sign_in(client, mock, *MALLORY)
    answer = client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert answer.status_code == 302
    with mock.http() as http:
        ended = http.get(answer.headers["Location"])
    assert ended.status_code in (200, 302) and "x-mock-entra-error" not in ended.headers


def test_organizations_without_allowed_tenants_fails_at_start(
    mock: RunningMock, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="FRONTEND_ALLOWED_TENANTS"):
        _settings(mock, tmp_path, frontend_allowed_tenants="")
