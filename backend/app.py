"""The backend app factory: MCP at ``/mcp``, RFC 9728 metadata, ``/healthz``, the fakes.

Layout of the ASGI app ``create_app(settings)`` returns:

- ``/mcp``: FastMCP streamable HTTP behind ``EntraAuthProvider``;
- ``/.well-known/oauth-protected-resource/mcp``: protected-resource metadata;
- ``/healthz``: liveness, no auth;
- ``/fake/search``, ``/fake/graph``: the fake downstream APIs (unless disabled; with
  ``SEARCH_ENDPOINT``/``GRAPH_ENDPOINT`` set the tools call the real services).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastmcp import FastMCP
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route

from backend.auth import JwksCache, TokenPolicy, TokenValidator
from backend.auth.mcp_auth import EntraAuthProvider, EntraTokenVerifier
from backend.downstream.client import DownstreamClient
from backend.downstream.directory import FakeDirectory
from backend.downstream.graph import ME_SCOPES, create_graph_app, graph_error
from backend.downstream.guard import DownstreamGuard, downstream_validator
from backend.downstream.search import create_search_app, load_documents, search_error
from backend.obo import OboExchanger
from backend.settings import BackendSettings
from backend.tools import Services, register_tools
from entra_kit.jose import graph_signed_form
from entra_kit.microsoft_apps import GRAPH_APP_ID, GRAPH_RESOURCE, SEARCH_APP_ID, SEARCH_RESOURCE

MCP_PATH = "/mcp"


@dataclass
class Backend:
    """What tests and the benchmark may inspect on a running app (``app.state.backend``)."""

    settings: BackendSettings
    keys: JwksCache
    validator: TokenValidator
    services: Services
    fakes: dict[str, DownstreamGuard]


def mcp_policy(settings: BackendSettings) -> TokenPolicy:
    return TokenPolicy(
        audiences=frozenset(settings.audiences),
        tenants=frozenset(settings.tenants),
        authority_host=settings.entra_authority_host,
        versions=frozenset(settings.backend_token_versions),
        leeway=settings.backend_leeway_seconds,
        allowed_clients=frozenset(settings.backend_allowed_client_apps),
    )


def _fake_downstream(
    settings: BackendSettings, keys: JwksCache, fakes: dict[str, DownstreamGuard]
) -> list[BaseRoute]:
    directory = FakeDirectory(settings.fake_directory_file)
    common = {
        "tenants": settings.tenants,
        "authority_host": settings.entra_authority_host,
        "keys": keys,
        "leeway": settings.backend_leeway_seconds,
    }
    search_guard = DownstreamGuard(
        "Azure AI Search",
        downstream_validator(audiences=[SEARCH_RESOURCE, SEARCH_APP_ID], **common),  # type: ignore[arg-type]
        frozenset({"user_impersonation"}),
        search_error,
    )
    graph_guard = DownstreamGuard(
        "Microsoft Graph",
        downstream_validator(
            audiences=[GRAPH_RESOURCE, GRAPH_APP_ID],
            signed_form=graph_signed_form,
            **common,  # type: ignore[arg-type]
        ),
        ME_SCOPES,
        graph_error,
    )
    fakes.update(search=search_guard, graph=graph_guard)
    return [
        Mount("/fake/search", create_search_app(search_guard, directory, load_documents())),
        Mount("/fake/graph", create_graph_app(graph_guard, directory)),
    ]


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(settings: BackendSettings | None = None) -> Starlette:
    settings = settings or BackendSettings()
    keys = JwksCache(
        settings.entra_authority_host,
        settings.ca_bundle,
        refresh_interval=settings.backend_jwks_refresh_seconds,
        ttl=settings.backend_jwks_ttl_seconds,
    )
    policy = mcp_policy(settings)
    validator = TokenValidator(policy, keys)
    provider = EntraAuthProvider(
        EntraTokenVerifier(validator, required_scopes=[settings.backend_scope]),
        issuer=f"{settings.entra_authority_host}/{settings.entra_tenant_id}/v2.0",
        base_url=settings.backend_url,
        mcp_path=MCP_PATH,
        scopes_supported=[settings.full_scope],
    )
    services = Services(
        settings=settings,
        policy=policy,
        exchanger=OboExchanger(settings),
        downstream=DownstreamClient(
            settings.search_url,
            settings.graph_url,
            settings.ca_bundle,
            settings.obo_timeout_seconds,
        ),
    )
    mcp = FastMCP("entra-mcp-backend", auth=provider)
    register_tools(mcp, services)
    mcp_app = mcp.http_app(path=MCP_PATH)

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    fakes: dict[str, DownstreamGuard] = {}
    if settings.serve_fake_downstream:
        routes += _fake_downstream(settings, keys, fakes)
    routes.append(Mount("/", mcp_app))
    app = Starlette(routes=routes, lifespan=mcp_app.lifespan)
    app.state.backend = Backend(settings, keys, validator, services, fakes)
    return app
