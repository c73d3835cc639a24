"""The lab in each MCP set-up (``stack.setups``), on ephemeral ports, and real MCP clients for it.

Each lab is a mock serving the shipped tenant, with the MCP Server app's https identifier
URI and proxy redirect URIs moved to the test's backend port, and the backend started as
``make run`` starts it for that set-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession
from mcp.client.auth import OAuthClientProvider, TokenStorage
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from pydantic import AnyUrl

from backend.testing import RunningBackend, backend_settings_for, run_backend
from entra_kit.serve import ServerTls, bind_loopback
from entra_kit.trust import trusting
from mock_entra.testing import RunningMock, run_mock, shared_tls_dir
from mock_entra.tls import ensure_tls
from stack.setups import MCP_CLIENT_ID, MCP_CLIENT_REDIRECT_URI, MCP_SERVER_CLIENT_ID, setup_values
from tests.conftest import app_entry, write_tenant_file
from tests.mcp_clients.browser import SignInAtBrowser, UserBrowser

SHIPPED_SERVER_URI = "https://localhost:8000/mcp"


@dataclass
class Lab:
    mock: RunningMock
    backend: RunningBackend

    def browser(self, user: str = "alice") -> UserBrowser:
        return UserBrowser(
            self.mock.ca_bundle, f"{user}@contoso.onmicrosoft.com", f"{user}-password"
        )


def _tenant_for(path: Path, port: int, backend_url: str) -> Path:
    """The shipped tenant with the MCP Server app registered for this backend's port."""

    def edit(data: dict[str, Any]) -> None:
        server = app_entry(data, MCP_SERVER_CLIENT_ID)
        mine = f"https://localhost:{port}/mcp"
        server["identifier_uris"] = [
            mine if u == SHIPPED_SERVER_URI else u for u in server["identifier_uris"]
        ]
        server["redirect_uris"] = [f"{backend_url}/auth/callback"]

    return write_tenant_file(path, edit)


@contextmanager
def lab(tmp_path: Path, setup: str, **backend: Any) -> Iterator[Lab]:
    """The mock and the backend in ``setup`` (``backend``: more settings)."""
    sock = bind_loopback()
    tls = ensure_tls(shared_tls_dir())
    port = sock.getsockname()[1]
    url = f"https://localhost:{port}" if setup == "direct" else f"http://127.0.0.1:{port}"
    tenant = _tenant_for(tmp_path / "tenant.yaml", port, url)
    values = {k.lower(): v for k, v in setup_values(setup, tmp_path).items()}
    values.pop("backend_url", None)  # the bound port's, set by run_backend
    if setup == "direct":
        values.update(backend_app_id_uri=f"{url}/mcp", backend_tls_cert=str(tls.server_cert),
                      backend_tls_key=str(tls.server_key))  # fmt: skip
    server_tls = ServerTls(tls.server_cert, tls.server_key) if setup == "direct" else None
    with run_mock(tmp_path / "mock", config=tenant) as mock, trusting(mock.ca_bundle):
        settings = backend_settings_for(mock, **values, **backend)
        with run_backend(settings, sock=sock, tls=server_tls) as running:
            yield Lab(mock, running)


@pytest.fixture
def lab_in(tmp_path: Path) -> Callable[..., AbstractContextManager[Lab]]:
    def start(setup: str, **backend: Any) -> AbstractContextManager[Lab]:
        return lab(tmp_path, setup, **backend)

    return start


class MemoryStorage(TokenStorage):
    """The SDK's token storage, in memory; ``client`` is a pre-registered client, if any."""

    def __init__(self, client: OAuthClientInformationFull | None = None) -> None:
        self.client = client
        self.tokens: OAuthToken | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


def registered_client() -> OAuthClientInformationFull:
    """The shipped tenant's MCP Client app, as a user configures it in an MCP client."""
    return OAuthClientInformationFull(
        client_id=MCP_CLIENT_ID,
        redirect_uris=[AnyUrl(MCP_CLIENT_REDIRECT_URI)],
        token_endpoint_auth_method="none",
    )


def sdk_client(
    url: str, storage: MemoryStorage, browser: UserBrowser
) -> tuple[OAuthClientProvider, SignInAtBrowser]:
    """The MCP python SDK's OAuth provider as an MCP desktop client sets it up."""
    user = SignInAtBrowser(browser, MCP_CLIENT_REDIRECT_URI)
    provider = OAuthClientProvider(
        server_url=url,
        client_metadata=OAuthClientMetadata(
            client_name="lab test client", redirect_uris=[AnyUrl(MCP_CLIENT_REDIRECT_URI)]
        ),
        storage=storage,
        redirect_handler=user.redirect,
        callback_handler=user.callback,
    )
    return provider, user


async def call_ping(url: str, provider: OAuthClientProvider) -> dict[str, Any]:
    """Connect, list the tools and call ``secure_ping``; its structured result."""
    async with (
        create_mcp_http_client(auth=provider) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        tools = {t.name for t in (await session.list_tools()).tools}
        assert "secure_ping" in tools, tools
        result = await session.call_tool("secure_ping", {})
        assert not result.is_error, result
        content: dict[str, Any] = result.structured_content or {}
        return content
