"""Step-up: a token without the scope a tool needs -> 403 insufficient_scope -> the SDK signs in again.

The MCP authorization spec (2025-11-25, "Scope challenge handling"): the 403's
``WWW-Authenticate`` names the scope to ask for (RFC 6750 §3.1); the SDK asks for it
together with what it had (SEP-2350) and retries.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from mcp.shared.auth import OAuthToken

from entra_kit.trust import tls_context
from mock_entra.testing import RawFlow
from stack.setups import MCP_CLIENT_ID, MCP_CLIENT_REDIRECT_URI
from tests.conftest import decode
from tests.mcp_clients.conftest import Lab, MemoryStorage, call_ping, registered_client, sdk_client

pytestmark = pytest.mark.slow
VERIFIER = "step-up-verifier-" + "x" * 40


def _earlier_token(lab: Lab, scope: str) -> OAuthToken:
    """A token the client got before, for ``scope`` only (the real code flow, PKCE)."""
    flow = RawFlow(lab.mock)
    digest = hashlib.sha256(VERIFIER.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    code = flow.code("alice", scope=scope, client_id=MCP_CLIENT_ID,
                     redirect_uri=MCP_CLIENT_REDIRECT_URI, challenge=challenge)  # fmt: skip
    answer = flow.redeem(code, verifier=VERIFIER, client_id=MCP_CLIENT_ID, client_secret=None,
                         redirect_uri=MCP_CLIENT_REDIRECT_URI)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return OAuthToken.model_validate(answer.json())


async def test_a_token_without_the_needed_scope_makes_the_sdk_step_up(
    lab_in: Callable[..., AbstractContextManager[Lab]],
) -> None:
    with lab_in("direct") as lab:
        url = lab.backend.mcp_url
        storage = MemoryStorage(registered_client())
        storage.tokens = _earlier_token(lab, f"{url}/tools.read")
        with httpx.Client(verify=tls_context(str(lab.mock.ca_bundle))) as http:
            first = http.post(url, headers={"Authorization": f"Bearer {storage.tokens.access_token}",
                                            "Accept": "application/json, text/event-stream"},
                              json={"jsonrpc": "2.0", "id": 1, "method": "ping"})  # fmt: skip
        browser = lab.browser()
        provider, _ = sdk_client(url, storage, browser)
        ping = await call_ping(url, provider)
        browser.close()
    challenge = first.headers["www-authenticate"]
    assert first.status_code == 403 and 'error="insufficient_scope"' in challenge
    assert f'scope="{url}/access_as_user"' in challenge
    asked = parse_qs(urlsplit(browser.visited[0]).query)["scope"][0].split()
    assert {f"{url}/access_as_user", f"{url}/tools.read"} <= set(asked)
    assert ping["ok"]
    assert storage.tokens is not None
    assert set(decode(storage.tokens.access_token)["scp"].split()) >= {
        "access_as_user",
        "tools.read",
    }
