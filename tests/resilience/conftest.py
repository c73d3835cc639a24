"""A mock and a backend of the module's own: faults here must not reach other tests."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from backend.testing import (
    MCP_HEADERS,
    RunningBackend,
    backend_settings_for,
    initialize_message,
    run_backend,
)
from mock_entra.testing import RunningMock, Tokens, run_mock


@pytest.fixture
def own_mock(tmp_path: Any) -> Iterator[RunningMock]:
    with run_mock(tmp_path / "mock") as mock:
        os.environ["REQUESTS_CA_BUNDLE"] = str(mock.ca_bundle)
        yield mock


@pytest.fixture
def own_backend(own_mock: RunningMock) -> Iterator[RunningBackend]:
    values = backend_settings_for(own_mock, obo_timeout_seconds=2)
    with run_backend(values) as backend:
        yield backend


def user_token(mock: RunningMock, user: str = "alice") -> str:
    return str(Tokens(mock).sign_in(user)["access_token"])


def call_tool(mcp_url: str, token: str, name: str) -> tuple[int, Any]:
    """initialize, then tools/call; (HTTP status, the JSON-RPC result or error body)."""
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}"}
    init = initialize_message("resilience")
    with httpx.Client(timeout=30) as client:
        answer = client.post(mcp_url, json=init, headers=headers)
        if answer.status_code != 200:
            return answer.status_code, answer.headers.get("www-authenticate", answer.text)
        headers["mcp-session-id"] = answer.headers.get("mcp-session-id", "")
        headers["mcp-protocol-version"] = "2025-06-18"
        client.post(
            mcp_url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=headers
        )
        call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call",
                "params": {"name": name, "arguments": {}}}  # fmt: skip
        answer = client.post(mcp_url, json=call, headers=headers)
    data = [line[6:] for line in answer.text.splitlines() if line.startswith("data: ")]
    return answer.status_code, json.loads(data[-1])["result"] if data else answer.text
