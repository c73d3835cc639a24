"""Fixtures: the backend served over real HTTP against the running mock tenant."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import httpx
import pytest
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport

from backend.testing import (
    MCP_HEADERS,
    RunningBackend,
    backend_settings_for,
    initialize_message,
    run_backend,
)
from mock_entra.jwt import sign
from mock_entra.testing import RunningMock, Tokens, run_mock
from tests.conftest import decode

INITIALIZE = initialize_message("tests")


@pytest.fixture(scope="session")
def backend(mock_entra: RunningMock) -> Iterator[RunningBackend]:
    with run_backend(backend_settings_for(mock_entra)) as running:
        yield running


@pytest.fixture
def backend_with(mock_entra: RunningMock) -> Callable[..., AbstractContextManager[RunningBackend]]:
    """A backend with extra settings, for one test."""

    def start(**overrides: Any) -> AbstractContextManager[RunningBackend]:
        return run_backend(backend_settings_for(mock_entra, **overrides))

    return start


@pytest.fixture(scope="session")
def alice(entra_tokens: Tokens) -> str:
    return str(entra_tokens.sign_in("alice")["access_token"])


@pytest.fixture(scope="session")
def bob(entra_tokens: Tokens) -> str:
    return str(entra_tokens.sign_in("bob")["access_token"])


@pytest.fixture(scope="session")
def carol(entra_tokens: Tokens) -> str:
    return str(entra_tokens.sign_in("carol")["access_token"])


@pytest.fixture(scope="session")
def resign(mock_entra: RunningMock) -> Callable[..., str]:
    """Re-sign a token's claims (edited) with the tenant's real key: trusted-key forgeries."""

    def make(
        token: str, *, drop: tuple[str, ...] = (), tenant: str | None = None, **edits: Any
    ) -> str:
        claims = {k: v for k, v in decode(token).items() if k not in drop}
        claims.update(edits)
        ctx = mock_entra.ctx
        return sign(claims, ctx.ring(tenant or mock_entra.tenant_id).signing_key(ctx.now()))

    return make


def probe(url: str, token: str | None = None, **headers: str) -> httpx.Response:
    """An MCP initialize over plain HTTP: what the auth layer answers."""
    all_headers = dict(MCP_HEADERS, **headers)
    if token is not None:
        all_headers["Authorization"] = f"Bearer {token}"
    with httpx.Client(timeout=10) as client:
        return client.post(url, json=INITIALIZE, headers=all_headers)


def mcp_client(url: str, token: str) -> Client[Any]:
    return Client(StreamableHttpTransport(url, auth=token))


async def call(url: str, token: str, tool: str, args: dict[str, Any] | None = None) -> Any:
    async with mcp_client(url, token) as client:
        result = await client.call_tool(tool, args or {})
        return result.structured_content


def challenge_of(error: Exception) -> dict[str, Any]:
    """The ``entra_challenge`` object of a tool error (fails if it is not one)."""
    body = json.loads(str(error))
    assert set(body) == {"entra_challenge"}
    return dict(body["entra_challenge"])


@pytest.fixture
def second_mock(mock_entra: RunningMock) -> Callable[..., AbstractContextManager[RunningMock]]:
    """Another mock (own keys and tenant file); same CA (and trust) as the session mock."""

    def start(**settings: Any) -> AbstractContextManager[RunningMock]:
        return run_mock(**settings)

    return start
