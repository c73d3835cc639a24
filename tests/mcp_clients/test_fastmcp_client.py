"""FastMCP's ``Client`` with its own OAuth helper (``fastmcp.client.auth.OAuth``), through the proxy.

The helper registers itself (DCR), opens "the browser" and waits on its own loopback
callback server: only ``webbrowser.open`` is the test's, a user who signs in.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from fastmcp import Client
from fastmcp.client.auth import OAuth
from key_value.aio.stores.memory import MemoryStore

from stack.setups import MCP_SERVER_CLIENT_ID
from tests.mcp_clients.conftest import Lab

# The helper warns that in-memory tokens do not outlive the client: true, and wanted here.
pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:Using in-memory token storage:UserWarning"),
]


async def test_fastmcp_client_connects_through_the_oauth_proxy(
    lab_in: Callable[..., AbstractContextManager[Lab]], monkeypatch: pytest.MonkeyPatch
) -> None:
    with lab_in("proxy") as lab:
        url = lab.backend.mcp_url
        oauth = OAuth(url, token_storage=MemoryStore(), callback_timeout=30)
        browser = lab.browser("carol")
        redirect_uri = f"http://localhost:{oauth.redirect_port}/callback"
        monkeypatch.setattr(
            webbrowser, "open", lambda u, *a, **k: browser.open_in_background(u, redirect_uri)
        )
        async with Client(url, auth=oauth) as client:
            tools = {t.name for t in await client.list_tools()}
            ping = await client.call_tool("secure_ping", {})
        browser.close()
    assert {"secure_ping", "get_user_info"} <= tools
    assert ping.data["user"]["username"] == "carol@contoso.onmicrosoft.com"
    assert any(f"client_id={MCP_SERVER_CLIENT_ID}" in u for u in browser.visited)
