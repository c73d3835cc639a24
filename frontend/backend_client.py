"""Calling the backend's MCP endpoint with the user's delegated token.

Used by the OBO demo button (``fastmcp.Client`` directly) and, for its HTTP
client and TLS trust, by the chat agent's ``MCPStreamableHTTPTool``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, cast

import httpx2
from fastmcp import Client
from fastmcp.client.transports import StreamableHttpTransport

from entra_kit.trust import tls_context
from frontend.challenges import Challenge, ChallengeRecorder, from_tool_error
from frontend.settings import FrontendSettings

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 30.0


def make_http_client(
    settings: FrontendSettings, recorder: ChallengeRecorder, **kwargs: Any
) -> httpx2.AsyncClient:
    """An httpx2 client for one user's request: no default auth headers, a challenge hook.

    The Authorization header is added by the MCP layer for the backend's origin
    only, so a redirect elsewhere can never carry the token.
    """
    kwargs.pop("verify", None)
    kwargs.setdefault("timeout", httpx2.Timeout(TIMEOUT_SECONDS))
    # An HTTPS backend is trusted through ENTRA_CA_BUNDLE too (the one CA the lab configures).
    ca = settings.entra_ca_bundle if settings.backend_url.startswith("https") else None
    client = httpx2.AsyncClient(verify=tls_context(ca or None), **kwargs)
    client.event_hooks.setdefault("response", []).append(recorder.hook)
    return client


@dataclass
class ToolOutcome:
    """The result of one direct tool call: data, a challenge, or an error text."""

    data: Any = None
    challenge: Challenge | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        """Whether ``data`` holds a result."""
        return not self.error and self.challenge is None


def _result_data(result: Any) -> Any:
    """Prefer structured content; fall back to the JSON text of the first block."""
    if result.structured_content is not None:
        content = result.structured_content
        # FastMCP wraps non-object results as {"result": ...}.
        if set(content) == {"result"}:
            return content["result"]
        return content
    texts = [getattr(block, "text", "") for block in result.content]
    text = "".join(t for t in texts if t)
    try:
        return json.loads(text)
    except ValueError:
        return text


async def call_tool(
    settings: FrontendSettings, token: str, name: str, arguments: dict[str, Any] | None = None
) -> ToolOutcome:
    """Call one backend tool over MCP with ``Authorization: Bearer <user token>``."""
    recorder = ChallengeRecorder(default_scopes=[settings.backend_scope])

    def factory(**kwargs: Any) -> httpx2.AsyncClient:
        return make_http_client(settings, recorder, **kwargs)

    transport = StreamableHttpTransport(
        settings.mcp_url, auth=token, httpx_client_factory=cast(Any, factory)
    )
    try:
        async with Client(transport, timeout=TIMEOUT_SECONDS) as client:
            result = await client.call_tool(name, arguments or {}, raise_on_error=False)
    except Exception as exc:  # any transport failure becomes a message
        if recorder.challenge is not None:
            return ToolOutcome(challenge=recorder.challenge)
        log.warning(
            "backend call %s failed: %s (HTTP %s)", name, type(exc).__name__, recorder.status
        )
        status = f"HTTP {recorder.status}" if recorder.status else type(exc).__name__
        return ToolOutcome(error=status)
    if result.is_error:
        text = " ".join(getattr(block, "text", "") for block in result.content)
        challenge = from_tool_error(text, [settings.backend_scope])
        if challenge is not None:
            return ToolOutcome(challenge=challenge)
        return ToolOutcome(error=text[:500] or "tool error")
    return ToolOutcome(data=_result_data(result))
