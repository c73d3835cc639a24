"""OpenID discovery (v2 and v1) and the JWKS, per tenant.

The v2 document has Entra's keys and no others (tests/mock_entra/data holds a captured
one): in particular no ``code_challenge_methods_supported`` and no
``grant_types_supported``, which Entra does not publish (MCP clients special-case
Entra for it: modelcontextprotocol/typescript-sdk#832, csharp-sdk#730; a strict
2025-11-25 MCP client refuses to go on without the first). ``MOCK_ENTRA_DISCOVERY_EXTRAS``
adds both, for experiments only. Every endpoint it names answers.
https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#fetch-the-openid-configuration-document
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from entra_kit import issuers
from mock_entra import authorities
from mock_entra.context import Context, get_context
from mock_entra.grants.registry import GRANTS
from mock_entra.routes.userinfo import USERINFO_PATH

router = APIRouter(tags=["discovery"])

_CACHE = {"Cache-Control": "max-age=86400, private"}


def _endpoint(base_url: str, tenant_id: str, path: str) -> str:
    return f"{base_url}/{tenant_id}/{path}"


def _v2_document(base_url: str, tenant_id: str, issuer_tenant: str = "") -> dict[str, Any]:
    """``tenant_id`` names the endpoints (a tenant's id, or an alias); ``issuer_tenant``
    the issuer's tenant (the ``{tenantid}`` template for an alias)."""

    def ep(tid: str, path: str) -> str:
        return _endpoint(base_url, tid, path)

    return {
        "token_endpoint": ep(tenant_id, "oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
        ],
        "jwks_uri": ep(tenant_id, "discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": issuers.issuer_v2(base_url, issuer_tenant or tenant_id),
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": f"{base_url}{USERINFO_PATH}",
        "authorization_endpoint": ep(tenant_id, "oauth2/v2.0/authorize"),
        "device_authorization_endpoint": ep(tenant_id, "oauth2/v2.0/devicecode"),
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": ep(tenant_id, "oauth2/v2.0/logout"),
        "claims_supported": [
            "sub",
            "iss",
            "cloud_instance_name",
            "cloud_instance_host_name",
            "cloud_graph_host_name",
            "msgraph_host",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "acr",
            "nonce",
            "preferred_username",
            "name",
            "tid",
            "ver",
            "at_hash",
            "c_hash",
            "email",
        ],
        "kerberos_endpoint": ep(tenant_id, "kerberos"),
        "tenant_region_scope": None if issuer_tenant else "WW",  # null in Entra's alias documents
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }


def _extras(extras: bool, plain_pkce: bool) -> dict[str, Any]:
    """What Entra does not publish, when the mock is told to (``discovery_extras``)."""
    if not extras:
        return {}
    methods = ["plain", "S256"] if plain_pkce else ["S256"]
    return {
        "code_challenge_methods_supported": methods,
        "grant_types_supported": [grant.grant_type for grant in GRANTS],
    }


def _v1_document(base_url: str, tenant_id: str, issuer_tenant: str = "") -> dict[str, Any]:
    doc = _v2_document(base_url, tenant_id, issuer_tenant)

    def ep(tid: str, path: str) -> str:
        return _endpoint(base_url, tid, path)

    doc.update(
        token_endpoint=ep(tenant_id, "oauth2/token"),
        jwks_uri=ep(tenant_id, "discovery/keys"),
        issuer=issuers.issuer_v1(issuer_tenant or tenant_id),
        authorization_endpoint=ep(tenant_id, "oauth2/authorize"),
        device_authorization_endpoint=ep(tenant_id, "oauth2/devicecode"),
        # identity.flask reads this document for logout; Entra's v1 document points
        # at the v1 logout path, which the mock serves too.
        end_session_endpoint=ep(tenant_id, "oauth2/logout"),
        check_session_iframe=ep(tenant_id, "oauth2/checksession"),
    )
    return doc


@lru_cache(maxsize=256)
def _rendered(
    base_url: str, names: tuple[str, str], version: int, extras: bool, plain: bool
) -> bytes:
    """A tenant's (or an alias's) discovery document, rendered once: it depends on the
    URL, the names and two settings only."""
    build = _v1_document if version == 1 else _v2_document
    return bytes(JSONResponse(build(base_url, *names) | _extras(extras, plain)).body)


def _names(ctx: Context, segment: str) -> tuple[str, str]:
    """(the path's tenant, the issuer's tenant): an alias keeps its name and the template."""
    name = authorities.alias(segment)
    if name is not None:
        return name, authorities.issuer_tenant(name)
    return ctx.tenant(segment).id, ""


def discovery(ctx: Context, tenant: str, version: int) -> Response:
    """A tenant's or an alias's OpenID configuration (v2 or v1), or Entra's AADSTS90002
    for an unknown tenant."""
    settings = ctx.settings
    body = _rendered(
        ctx.base_url, _names(ctx, tenant), version, settings.discovery_extras,
        settings.allow_plain_pkce,
    )  # fmt: skip
    return Response(body, media_type="application/json", headers=_CACHE)


def alias_jwks(ctx: Context) -> dict[str, Any]:
    """The alias JWKS: every tenant's keys, each naming its own tenant's issuer.

    Entra's alias keys are one global set with the ``{tenantid}`` template in ``issuer``;
    the mock's keys are per tenant, so each key names the one tenant it signs for: a
    validator that matches the key's ``issuer`` against the token's (filling in ``tid``)
    cannot accept one tenant's key for another tenant's token.
    """
    now = ctx.now()
    keys = [
        key
        for tenant in ctx.directory.tenants
        for key in ctx.ring(tenant.id).jwks(now, ctx.issuer_v2(tenant.id))["keys"]
    ]
    return {"keys": keys}


# The last rendering of each tenant's JWKS, reused while its ring is unchanged (the ring
# hands out the same document object until a key changes).
_jwks_rendered: dict[str, tuple[dict[str, Any], bytes]] = {}


def jwks(ctx: Context, tenant: str) -> Response:
    """A tenant's published keys, unless the controls break or take them down (D25);
    through an alias, every tenant's."""
    if authorities.alias(tenant) is not None:
        return JSONResponse(alias_jwks(ctx), headers=_CACHE)
    t = ctx.tenant(tenant)
    document = ctx.ring(t.id).jwks(ctx.now(), ctx.issuer_v2(t.id))
    override = ctx.controls.jwks_override(document)
    if override is not None:
        return override
    cached = _jwks_rendered.get(t.id)
    if cached is None or cached[0] is not document:
        if len(_jwks_rendered) >= 256:  # runtime tenants come and go: keep it bounded
            _jwks_rendered.clear()
        cached = _jwks_rendered[t.id] = (document, bytes(JSONResponse(document).body))
    return Response(cached[1], media_type="application/json", headers=_CACHE)


# The lean paths (routes/lean.py) answer these GETs ahead of the router; the routes
# document them and answer HEAD. ``async``: nothing here blocks.
@router.get("/{tenant}/v2.0/.well-known/openid-configuration")
async def discovery_v2(tenant: str, ctx: Context = Depends(get_context)) -> Response:
    return discovery(ctx, tenant, 2)


@router.get("/{tenant}/.well-known/openid-configuration")
async def discovery_v1(tenant: str, ctx: Context = Depends(get_context)) -> Response:
    return discovery(ctx, tenant, 1)


@router.get("/{tenant}/discovery/v2.0/keys")
@router.get("/{tenant}/discovery/keys")
async def jwks_route(tenant: str, ctx: Context = Depends(get_context)) -> Response:
    return jwks(ctx, tenant)
