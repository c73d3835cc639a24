"""The backend under a failing identity platform: clear errors, bounded waits, recovery.

Faults come from the mock's admin API, scoped to this module's own mock.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from backend.testing import RunningBackend
from mock_entra.testing import API_CLIENT_ID, TENANT_ID, RunningMock
from tests.resilience.conftest import call_tool, user_token


def _tool_text(result: Any) -> str:
    return json.dumps(result)


def test_jwks_down_on_a_cold_backend_refuses_then_recovers(
    own_mock: RunningMock, own_backend: RunningBackend
) -> None:
    token = user_token(own_mock)
    with own_mock.fault(tenant=TENANT_ID, effect="jwks", mode="down"):
        status, detail = call_tool(own_backend.mcp_url, token, "secure_ping")
    # Fail closed with a clear 401 challenge, never an unverified pass.
    assert status == 401, detail
    assert "invalid_token" in str(detail)
    # The JWKS comes back: after the refresh interval the same token works.
    own_backend.state.keys.refresh_interval = 0  # no waiting in tests
    status, result = call_tool(own_backend.mcp_url, token, "secure_ping")
    assert status == 200 and result.get("isError") is False, result


@pytest.mark.slow
@pytest.mark.parametrize(
    "fault",
    [
        {"effect": "throttle", "retry_after": 1},
        {"effect": "server_error", "status": 503},
        {"effect": "delay", "seconds": 3},  # beyond the backend's 2 s OBO timeout
    ],
    ids=["429 with Retry-After", "503", "slow beyond the OBO timeout"],
)
def test_obo_failures_become_clear_tool_errors_and_recover(
    own_mock: RunningMock, own_backend: RunningBackend, fault: dict[str, Any]
) -> None:
    token = user_token(own_mock)
    with own_mock.fault(client_id=API_CLIENT_ID, endpoint="token", **fault):
        status, result = call_tool(own_backend.mcp_url, token, "get_azure_ai_search_token")
    assert status == 200
    assert result["isError"] is True, result
    text = _tool_text(result).lower()
    assert "token" in text or "identity" in text or "entra" in text, text
    assert "eyj" not in text  # no token material in the error
    # Recovery, bounded. MSAL's throttling cache (inside the backend's confidential
    # client) keeps refusing OBO after a 429 for Retry-After and after a 5xx for up to
    # 60 s, for every user: the error stays clear, and a fresh process recovers at once.
    for _ in range(8):
        status, result = call_tool(own_backend.mcp_url, token, "get_azure_ai_search_token")
        if not result["isError"]:
            return
        assert "unavailable" in _tool_text(result), result
        time.sleep(0.4)
    from backend.testing import backend_settings_for, run_backend

    with run_backend(backend_settings_for(own_mock, obo_timeout_seconds=2)) as fresh:
        status, result = call_tool(fresh.mcp_url, token, "get_azure_ai_search_token")
    assert status == 200 and result["isError"] is False, result


def test_obo_with_the_mock_down_is_a_clear_error_then_recovers(
    tmp_path: Any,
) -> None:
    from backend.testing import backend_settings_for, run_backend
    from mock_entra.testing import run_mock

    state = tmp_path / "mock"
    with run_mock(state) as mock:
        port = int(mock.base_url.rsplit(":", 1)[1])
        token = user_token(mock)
        values = backend_settings_for(mock, obo_timeout_seconds=2)
        with run_backend(values) as backend:
            status, result = call_tool(backend.mcp_url, token, "secure_ping")
            assert status == 200 and result["isError"] is False  # JWKS now cached
            mock_url = mock.base_url
            del mock
    with run_backend(values) as backend:  # same settings; the mock is gone
        pass
    with run_mock(state, port=port) as again:
        assert again.base_url == mock_url
        with run_backend(values) as backend:
            status, result = call_tool(backend.mcp_url, token, "get_azure_ai_search_token")
            assert status == 200 and result["isError"] is False, result
