"""The backend's MCP set-ups: what each serves, and what it says at start when it cannot work."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import httpx
import pytest

from backend.app import create_app
from backend.auth.setups import setup_advice
from backend.settings import BackendSettings
from backend.testing import RunningBackend
from entra_kit.settings import SettingsError
from mock_entra.testing import RunningMock
from stack.setups import MCP_SERVER_API_URI, MCP_SERVER_CLIENT_ID, MCP_SERVER_SECRET


def _settings(**values: Any) -> BackendSettings:
    return BackendSettings(_env_file=None, **values)  # type: ignore[call-arg]


def test_the_api_uri_set_up_names_aadsts9010010_and_the_fix() -> None:
    (advice,) = setup_advice(_settings())
    assert "resource=http://127.0.0.1:8000/mcp" in advice and "AADSTS9010010" in advice
    assert "cannot be one: Entra takes https identifier URIs on a verified domain" in advice
    assert "BACKEND_APP_ID_URI=https://<a verified domain>/mcp" in advice
    assert "BACKEND_MCP_AUTH=proxy" in advice
    https = _settings(backend_url="https://mcp.contoso.com")
    assert "BACKEND_APP_ID_URI=https://mcp.contoso.com/mcp" in setup_advice(https)[0]


def test_the_direct_and_proxy_set_ups_have_nothing_to_say() -> None:
    direct = _settings(
        backend_url="https://mcp.contoso.com", backend_app_id_uri="https://mcp.contoso.com/mcp"
    )
    assert setup_advice(direct) == []
    assert setup_advice(_settings(backend_mcp_auth="proxy")) == []


def test_the_backend_says_it_at_start(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="backend.setup"):
        create_app(_settings(serve_fake_downstream=False))
    assert any("AADSTS9010010" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"backend_tls_cert": "c.pem"}, "BACKEND_TLS_CERT and BACKEND_TLS_KEY go together"),
        ({"backend_tls_cert": "c.pem", "backend_tls_key": "k.pem"}, "BACKEND_URL must be https://"),
        ({"backend_mcp_auth": "proxy", "backend_client_secret": ""}, "BACKEND_CLIENT_SECRET"),
    ],
)
def test_a_set_up_missing_a_piece_is_one_line(values: dict[str, Any], named: str) -> None:
    from backend.settings import load_settings

    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **values)
    assert named in str(caught.value) and "\n" not in str(caught.value)


def test_the_proxy_serves_authorization_server_metadata_with_registration(
    mock_entra: RunningMock,
    backend_with: Callable[..., AbstractContextManager[RunningBackend]],
) -> None:
    proxy = {"backend_mcp_auth": "proxy", "backend_client_id": MCP_SERVER_CLIENT_ID,
             "backend_app_id_uri": MCP_SERVER_API_URI, "backend_client_secret": MCP_SERVER_SECRET}  # fmt: skip
    with backend_with(**proxy) as backend:
        prm = httpx.get(f"{backend.base_url}/.well-known/oauth-protected-resource/mcp").json()
        asm = httpx.get(f"{backend.base_url}/.well-known/oauth-authorization-server").json()
        refused = httpx.post(backend.mcp_url, json={})
    assert prm["resource"] == backend.mcp_url
    assert prm["authorization_servers"] == [f"{backend.base_url}/"]
    assert asm["registration_endpoint"] == f"{backend.base_url}/register"
    assert asm["code_challenge_methods_supported"] == ["S256"]
    assert (
        refused.status_code == 401 and "resource_metadata=" in refused.headers["www-authenticate"]
    )
