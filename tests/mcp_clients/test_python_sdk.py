"""The MCP python SDK's ``OAuthClientProvider``, unmodified, end to end: no token handed in.

401 -> protected-resource metadata -> the authorization server's metadata -> auth code
+ PKCE in the user's browser -> tokens -> tools, in each of the lab's set-ups, with
Entra's rules for the ``resource`` parameter (MCP-ENTRA.md).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from urllib.parse import parse_qs, urlsplit

import pytest

from stack.setups import MCP_SERVER_CLIENT_ID
from tests.conftest import decode
from tests.mcp_clients.browser import AuthorizationRefused
from tests.mcp_clients.conftest import (
    Lab,
    MemoryStorage,
    call_ping,
    registered_client,
    sdk_client,
)

pytestmark = pytest.mark.slow
LabIn = Callable[..., AbstractContextManager[Lab]]


def _refusal(caught: BaseException) -> AuthorizationRefused | None:
    """The app's callback refusal somewhere in what the SDK raised (exception groups too)."""
    if isinstance(caught, AuthorizationRefused):
        return caught
    inner = [*getattr(caught, "exceptions", ()), caught.__cause__, caught.__context__]
    return next((found for e in inner if e is not None and (found := _refusal(e))), None)


async def test_the_api_uri_set_up_is_refused_with_entras_aadsts9010010(lab_in: LabIn) -> None:
    """The SDK sends resource=<MCP URL> beside api://<id> scopes: Entra stops it at /authorize."""
    with lab_in("api-uri") as lab:
        browser = lab.browser()
        provider, user = sdk_client(
            lab.backend.mcp_url, MemoryStorage(registered_client()), browser
        )
        with pytest.raises(BaseException) as caught:  # the SDK wraps it in exception groups
            await call_ping(lab.backend.mcp_url, provider)
        browser.close()
    refusal = _refusal(caught.value)
    assert refusal is not None, repr(caught.value)
    assert refusal.error == "invalid_target"
    assert refusal.description.startswith(
        "AADSTS9010010: The resource parameter provided in the request doesn't match with "
        "the requested scopes."
    )
    # Refused before sign-in: the browser never saw a sign-in page.
    sent = parse_qs(urlsplit(browser.visited[0]).query)
    assert sent["resource"] == [lab.backend.mcp_url]
    assert len(browser.visited) == 1 and user.answers[0]["state"] == sent["state"][0]


async def test_the_direct_set_up_connects_with_the_resource_the_sdk_sends(lab_in: LabIn) -> None:
    with lab_in("direct") as lab:
        url = lab.backend.mcp_url
        storage = MemoryStorage(registered_client())
        browser = lab.browser()
        provider, _ = sdk_client(url, storage, browser)
        ping = await call_ping(url, provider)
        browser.close()
    sent = parse_qs(urlsplit(browser.visited[0]).query)
    assert sent["resource"] == [url] and url.startswith("https://localhost:")
    assert f"{url}/access_as_user" in sent["scope"][0].split()
    assert ping["ok"] and ping["user"]["username"] == "alice@contoso.onmicrosoft.com"
    assert storage.tokens is not None and storage.tokens.refresh_token
    # A v2 app's token: aud is its client id, not the identifier URI asked for (Entra's
    # access token reference, "aud"); scp names the scope without the URI.
    claims = decode(storage.tokens.access_token)
    assert claims["aud"] == MCP_SERVER_CLIENT_ID and claims["ver"] == "2.0"
    assert claims["scp"].split() == ["access_as_user"]


async def test_the_proxy_set_up_connects_a_client_that_registers_itself(lab_in: LabIn) -> None:
    """No client id configured: the SDK registers (DCR) with FastMCP's proxy."""
    with lab_in("proxy") as lab:
        url = lab.backend.mcp_url
        storage = MemoryStorage()
        browser = lab.browser("bob")
        provider, _ = sdk_client(url, storage, browser)
        ping = await call_ping(url, provider)
        browser.close()
    assert storage.client is not None and storage.client.client_id != MCP_SERVER_CLIENT_ID
    assert ping["user"]["username"] == "bob@contoso.onmicrosoft.com"
    upstream = [u for u in browser.visited if "/oauth2/v2.0/authorize" in u]
    assert upstream, browser.visited
    sent = parse_qs(urlsplit(upstream[0]).query)
    # The proxy signs in with the server's own app, and sends Entra no resource.
    assert sent["client_id"] == [MCP_SERVER_CLIENT_ID] and "resource" not in sent
