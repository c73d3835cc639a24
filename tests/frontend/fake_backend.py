"""A stand-in MCP server with the backend's tool names, for challenge and isolation tests.

It is served over real HTTP. It decodes (does not verify) the bearer token: the
real backend's verification is tested in tests/backend; here the point is what
the frontend sends and how it reacts to the answers the contract allows.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastmcp import FastMCP
from fastmcp.exceptions import ToolError
from fastmcp.server.dependencies import get_http_headers
from starlette.types import ASGIApp, Receive, Scope, Send

from entra_kit.jose import peek_jwt


@dataclass
class Behaviour:
    """What the fake answers; tests change it while it runs."""

    http_403_scope: str | None = None  # answer every request 403 insufficient_scope
    tool_challenge: dict[str, Any] | None = None  # entra_challenge for the OBO tool
    obo_header: dict[str, Any] | None = None  # a JOSE header for the OBO answer, if any
    search_failure: str | None = None  # search_documents fails with this tool error
    seen_tokens: list[str] = field(default_factory=list)


def _claims() -> dict[str, Any]:
    auth = get_http_headers(include={"authorization"}).get("authorization", "")
    token = auth.removeprefix("Bearer ")
    return peek_jwt(token)[1]


def build(behaviour: Behaviour) -> FastMCP:
    mcp = FastMCP("fake-backend")

    @mcp.tool
    def secure_ping() -> dict[str, Any]:
        return {"ok": True, "message": "pong", "user": {"oid": _claims().get("oid")}}

    @mcp.tool
    def get_user_info() -> dict[str, Any]:
        claims = _claims()
        return {"user": {"oid": claims.get("oid"), "name": claims.get("name")}, "claims": claims}

    @mcp.tool
    def get_azure_ai_search_token() -> dict[str, Any]:
        if behaviour.tool_challenge is not None:
            raise ToolError(json.dumps({"entra_challenge": behaviour.tool_challenge}))
        claims = _claims()
        obo = {"aud": "https://search.azure.com", "oid": claims.get("oid"), "scp": "user_impersonation",
               "tid": claims.get("tid"), "ver": "1.0", "exp": int(time.time()) + 3600,
               "appid": "fe5f360b-4f1f-4029-b90b-f832bcb0412c"}  # fmt: skip
        answer = {"scope": "https://search.azure.com/.default", "claims": obo, "access_token": None}
        return answer | ({"header": behaviour.obo_header} if behaviour.obo_header else {})

    @mcp.tool
    def search_documents(query: str) -> dict[str, Any]:
        if behaviour.search_failure:
            raise ToolError(behaviour.search_failure)
        return {"query": query, "count": 1, "results": [{"title": f"About {query}"}]}

    @mcp.tool
    def get_my_profile() -> dict[str, Any]:
        return {"profile": {"displayName": _claims().get("name")}}

    return mcp


class _Gate:
    """ASGI middleware: records tokens, and answers 403 when the behaviour says so."""

    def __init__(self, app: ASGIApp, behaviour: Behaviour) -> None:
        self.app, self.behaviour = app, behaviour

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            auth = headers.get(b"authorization", b"").decode()
            if not auth.startswith("Bearer "):
                await self._deny(send, 401, 'Bearer error="invalid_token"')
                return
            self.behaviour.seen_tokens.append(auth.removeprefix("Bearer "))
            if self.behaviour.http_403_scope:
                value = (
                    f'Bearer error="insufficient_scope", scope="{self.behaviour.http_403_scope}"'
                )
                await self._deny(send, 403, value)
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _deny(send: Send, status: int, challenge: str) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"www-authenticate", challenge.encode()),
                                (b"content-type", b"application/json")]})  # fmt: skip
        await send({"type": "http.response.body", "body": b'{"error":"denied"}'})


@contextmanager
def run_fake_backend(behaviour: Behaviour) -> Iterator[str]:
    """Serve the fake on 127.0.0.1 in a thread; yields its base URL (MCP at /mcp)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    app = _Gate(build(behaviour).http_app(path="/mcp"), behaviour)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("fake backend did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
