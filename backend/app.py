"""The backend app factory: MCP at ``/mcp``, RFC 9728 metadata, ``/healthz``.

Layout of the ASGI app ``create_app(settings)`` returns:

- ``/mcp``: FastMCP streamable HTTP behind ``EntraAuthProvider``;
- ``/.well-known/oauth-protected-resource/mcp``: protected-resource metadata;
- ``/healthz``: liveness, no auth;
- whatever routes the caller mounts ``beside`` (the lab mounts the fake downstream
  APIs there: ``fake_downstream.with_backend``); the backend itself knows no fakes.

The app keeps one state object, :class:`Backend`, in ``app.state``; read it with
:func:`backend_of`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from fastmcp import FastMCP
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route

from backend.auth import JwksCache, TokenPolicy, TokenValidator
from backend.auth.setups import MCP_PATH, mcp_auth, setup_advice
from backend.downstream.client import DownstreamClient
from backend.obo import OboExchanger
from backend.settings import BackendSettings
from backend.tools import Services, register_tools

log = logging.getLogger("backend.setup")


@dataclass
class Backend:
    """The backend's state: what tests and the benchmark may inspect (via ``backend_of``)."""

    settings: BackendSettings
    keys: JwksCache
    validator: TokenValidator
    services: Services


def backend_of(app: Starlette) -> Backend:
    """The :class:`Backend` state of an app made by :func:`create_app`."""
    state = getattr(app.state, "backend", None)
    if not isinstance(state, Backend):
        raise TypeError("not an app made by backend.app.create_app")
    return state


def mcp_policy(settings: BackendSettings) -> TokenPolicy:
    return TokenPolicy(
        audiences=frozenset(settings.audiences),
        tenants=frozenset(settings.tenants),
        authority_host=settings.entra_authority_host,
        versions=frozenset(settings.backend_token_versions),
        leeway=settings.backend_leeway_seconds,
        allowed_clients=frozenset(settings.backend_allowed_client_apps),
    )


def jwks_cache(settings: BackendSettings) -> JwksCache:
    """The signing-key cache for the settings' authority (one per process, shareable)."""
    return JwksCache(
        settings.entra_authority_host,
        settings.ca_bundle,
        refresh_interval=settings.backend_jwks_refresh_seconds,
        ttl=settings.backend_jwks_ttl_seconds,
    )


def tool_services(settings: BackendSettings, policy: TokenPolicy) -> Services:
    """What the tools call: the OBO exchanger and the downstream client."""
    downstream = DownstreamClient(
        settings.search_url, settings.graph_url, settings.ca_bundle, settings.obo_timeout_seconds
    )
    return Services(settings, policy, OboExchanger(settings), downstream)


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(
    settings: BackendSettings | None = None,
    *,
    keys: JwksCache | None = None,
    beside: Sequence[BaseRoute] = (),
) -> Starlette:
    """The backend's ASGI app; ``beside`` routes are served next to ``/mcp``, on its port.

    ``keys``: a key cache to use (and share with what is mounted beside); by default
    its own, from :func:`jwks_cache`.
    """
    settings = settings or BackendSettings()
    keys = keys or jwks_cache(settings)
    policy = mcp_policy(settings)
    validator = TokenValidator(policy, keys)
    for advice in setup_advice(settings):
        log.warning("MCP clients: %s", advice)
    provider = mcp_auth(settings, validator)
    services = tool_services(settings, policy)
    mcp = FastMCP("entra-mcp-backend", auth=provider)
    register_tools(mcp, services)
    mcp_app = mcp.http_app(path=MCP_PATH)

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"]), *beside]
    routes.append(Mount("/", mcp_app))
    app = Starlette(routes=routes, lifespan=mcp_app.lifespan)
    app.state.backend = Backend(settings, keys, validator, services)
    return app
