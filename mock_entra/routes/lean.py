"""The hot paths, answered ahead of FastAPI: token POSTs, discovery and JWKS GETs.

These are what every client and resource server calls, again and again. Matching
one of a few patterns and calling a plain function costs a fraction of FastAPI's
layers, route matching over every path and its dependency injection, and the token form
comes parsed from the control middleware (``mock_entra.form``). The handlers are
the same functions the FastAPI routes call (those stay for the OpenAPI schema, HEAD
and Entra's 405), so both answer alike; a refusal renders as Entra's error body,
and anything unexpected renders as the app's error handler renders it (Entra's
``server_error``, the trace in the log only).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.responses import Response

from mock_entra.context import Context
from mock_entra.errors import OAuthError
from mock_entra.routes import discovery, token
from mock_entra.routes.responses import oauth_error_response, unexpected_error_response

log = logging.getLogger("mock_entra")

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Handler = Callable[[Context, "re.Match[str]", Scope, Receive], Awaitable[Response]]


@dataclass(frozen=True)
class LeanRoute:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


async def _token(ctx: Context, match: re.Match[str], scope: Scope, receive: Receive) -> Response:
    return await token.answer(ctx, match[1], scope, receive, v1=match[2] is None)


async def _discovery_v2(ctx: Context, match: re.Match[str], _s: Scope, _r: Receive) -> Response:
    return discovery.discovery(ctx, match[1], 2)


async def _discovery_v1(ctx: Context, match: re.Match[str], _s: Scope, _r: Receive) -> Response:
    return discovery.discovery(ctx, match[1], 1)


async def _jwks(ctx: Context, match: re.Match[str], _s: Scope, _r: Receive) -> Response:
    return discovery.jwks(ctx, match[1])


# The paths of the FastAPI routes they stand in for ({tenant} is one path segment).
ROUTES = (
    LeanRoute("POST", re.compile(r"^/([^/]+)/oauth2/(v2\.0/)?token$"), _token),
    LeanRoute(
        "GET", re.compile(r"^/([^/]+)/v2\.0/\.well-known/openid-configuration$"), _discovery_v2
    ),
    LeanRoute("GET", re.compile(r"^/([^/]+)/\.well-known/openid-configuration$"), _discovery_v1),
    LeanRoute("GET", re.compile(r"^/([^/]+)/discovery/(?:v2\.0/)?keys$"), _jwks),
)


class LeanPaths:
    """ASGI layer: a request on one of ``ROUTES`` is answered here, any other goes to ``app``."""

    def __init__(self, app: ASGIApp, ctx: Context) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            method, path = scope["method"], scope["path"]
            for route in ROUTES:
                match = route.pattern.match(path) if route.method == method else None
                if match is not None:
                    try:
                        response = await route.handler(self.ctx, match, scope, receive)
                    except OAuthError as exc:
                        response = oauth_error_response(exc, self.ctx)
                    except Exception:  # outside Starlette's error layer: the app's 500
                        log.exception("unexpected error on %s %s", method, path)
                        response = unexpected_error_response(self.ctx)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
