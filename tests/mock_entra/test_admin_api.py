"""Admin API: who may call it, the redacted request log, reset, and the worker header."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock_entra.app import create_app
from mock_entra.settings import MockSettings
from mock_entra.testing import (
    API_SCOPE,
    DAEMON_CLIENT_ID,
    DAEMON_CLIENT_SECRET,
    TENANT_ID,
    USERS,
    WEB_CLIENT_ID,
    WEB_CLIENT_SECRET,
    RunningMock,
    Tokens,
    run_mock,
)
from mock_entra.testing.sample import sample_tenant


def _asgi_client(tmp_path: Path, client_host: str, **settings: object) -> httpx.AsyncClient:
    """The app over ASGI with a chosen peer address (a mock bound beyond loopback)."""
    app = create_app(MockSettings(host="0.0.0.0", state_dir=tmp_path, **settings))
    transport = httpx.ASGITransport(app=app, client=(client_host, 50000))
    return httpx.AsyncClient(transport=transport, base_url="https://127.0.0.1:8443")


@pytest.mark.parametrize(
    ("client_host", "token", "presented", "status"),
    [
        ("127.0.0.1", "", None, 200),
        ("::1", "", None, 200),
        ("10.1.2.3", "", None, 403),
        ("10.1.2.3", "s3cret-admin", None, 403),
        ("10.1.2.3", "s3cret-admin", "wrong", 403),
        ("10.1.2.3", "s3cret-admin", "s3cret-admin", 200),
        ("127.0.0.1", "s3cret-admin", None, 403),
        ("127.0.0.1", "s3cret-admin", "wrong", 403),
        ("127.0.0.1", "s3cret-admin", "s3cret-admin", 200),
    ],
    ids=[
        "a loopback client is let in",
        "an IPv6 loopback client is let in",
        "a remote client is refused when no admin token is set",
        "a remote client without the token is refused",
        "a remote client with a wrong token is refused",
        "a remote client with the admin token is let in",
        "with a token configured, a loopback client without it is refused",
        "with a token configured, a loopback client with a wrong one is refused",
        "with a token configured, a loopback client with it is let in",
    ],
)
async def test_the_admin_api_answers_the_admin_token_when_set_else_loopback(
    tmp_path: Path, client_host: str, token: str, presented: str | None, status: int
) -> None:
    headers = {"Authorization": f"Bearer {presented}"} if presented else {}
    async with _asgi_client(tmp_path, client_host, admin_token=token) as client:
        answer = await client.get("/_admin/faults", headers=headers)
        protocol = await client.get(f"/{TENANT_ID}/discovery/v2.0/keys")
    assert answer.status_code == status, answer.text
    if status == 403:
        assert answer.json()["error"] == "forbidden"
    assert protocol.status_code == 200


def test_the_request_log_keeps_no_credential_whole(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    result = entra_tokens.sign_in("bob")
    refreshed = result["_msal_app"].acquire_token_by_refresh_token(
        result["refresh_token"], [API_SCOPE]
    )
    obo = entra_tokens.obo(result["access_token"])
    assert "access_token" in refreshed and "access_token" in obo, (refreshed, obo)
    log = mock_entra.requests(limit=50)
    text = json.dumps(log)
    secrets = [
        result["access_token"],
        result["refresh_token"],
        result["id_token"],
        WEB_CLIENT_SECRET,
        USERS["bob"][1],
        "mock-backend-secret-0001",
    ]
    for secret in secrets:
        assert secret not in text and secret[:40] not in text
    grants = {e["grant_type"] for e in log if e["endpoint"] == "token"}
    assert {"authorization_code", "refresh_token"} <= grants
    assert "urn:ietf:params:oauth:grant-type:jwt-bearer" in grants
    code_entry = next(e for e in log if e["grant_type"] == "authorization_code")
    assert code_entry["params"]["code"].startswith("<redacted ")
    assert code_entry["params"]["client_secret"].startswith("<redacted ")
    assert code_entry["client_id"] == WEB_CLIENT_ID
    login = next(e for e in log if e["path"].endswith("/login"))
    assert login["params"]["password"].startswith("<redacted ")
    assert login["params"]["username"] == USERS["bob"][0]


def test_the_request_log_is_newest_first_and_filters_by_tenant_and_client(
    mock_entra: RunningMock, entra_tokens: Tokens
) -> None:
    tenant = sample_tenant("log")
    with mock_entra.runtime_tenant(tenant) as tid, mock_entra.http() as http:
        for path in ("v2.0/.well-known/openid-configuration", "discovery/v2.0/keys"):
            assert http.get(f"/{tid}/{path}").status_code == 200
        entra_tokens.app_token(DAEMON_CLIENT_ID, DAEMON_CLIENT_SECRET)
        own = mock_entra.requests(tenant=tenant["domain"])
        daemon = mock_entra.requests(client_id=DAEMON_CLIENT_ID.upper(), limit=5)
    assert [e["endpoint"] for e in own] == ["jwks", "discovery"]
    assert own[0]["worker"] == os.getpid()
    assert daemon and all(e["client_id"] == DAEMON_CLIENT_ID for e in daemon)
    assert daemon[0]["time"] >= daemon[-1]["time"]


def test_every_answer_names_the_worker_that_served_it(mock_entra: RunningMock) -> None:
    with mock_entra.http() as http:
        for path in ("/healthz", f"/{TENANT_ID}/discovery/v2.0/keys", "/_admin/faults"):
            assert http.get(path).headers["x-mock-entra-worker"] == str(os.getpid())


def test_the_admin_docs_are_served_under_the_admin_prefix(mock_entra: RunningMock) -> None:
    with mock_entra.http() as http:
        assert http.get("/_admin/docs").status_code == 200
        paths = http.get("/openapi.json").json()["paths"]
    assert "/_admin/faults" in paths and "/_admin/tenants/{tenant}/clock" in paths


@pytest.fixture
def private_mock(tmp_path: Path) -> Iterator[RunningMock]:
    """A mock of this test's own: a reset must not pull state from under other tests."""
    with run_mock(tmp_path) as mock:
        yield mock


def test_reset_forgets_test_state_and_keeps_the_shipped_tenants(private_mock: RunningMock) -> None:
    mock = private_mock
    tokens = Tokens(mock)
    result = tokens.sign_in("alice")
    runtime = sample_tenant("reset")
    mock.admin.call("PUT", f"/tenants/{runtime['id']}", json=runtime)
    mock.admin.set_clock(TENANT_ID, 3600)
    mock.admin.add_fault(tenant=runtime["id"], effect="html")

    removed = mock.admin.reset()["removed"]

    assert removed["runtime_tenants"] == 1 and removed["fault"] == 1 and removed["clock"] == 1
    assert mock.admin.call("GET", "/faults")["faults"] == []
    assert mock.admin.call("GET", f"/tenants/{TENANT_ID}/clock")["offset_seconds"] == 0
    assert [t["runtime"] for t in mock.admin.call("GET", "/tenants")["tenants"]] == [False] * 2
    refreshed = result["_msal_app"].acquire_token_by_refresh_token(
        result["refresh_token"], [API_SCOPE]
    )
    assert refreshed.get("error") == "invalid_grant", refreshed
    assert "access_token" in tokens.sign_in("alice"), "shipped tenants still sign in"
