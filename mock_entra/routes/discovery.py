"""OpenID discovery (v2 and v1) and the JWKS, per tenant.

The v2 document has Entra's keys and no others (tests/mock_entra/data holds a captured
one): in particular no ``code_challenge_methods_supported`` and no
``grant_types_supported``, which Entra does not publish (MCP clients special-case
Entra for it: modelcontextprotocol/typescript-sdk#832, csharp-sdk#730; a strict
2025-11-25 MCP client refuses to go on without the first). ``MOCK_ENTRA_DISCOVERY_EXTRAS``
adds both, for experiments only. Every endpoint it names answers; the device code
endpoint is left out until the mock serves it.
https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#fetch-the-openid-configuration-document
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from mock_entra.context import Context, get_context
from mock_entra.grants.registry import GRANTS
from mock_entra.routes.advertised import USERINFO_PATH

router = APIRouter(tags=["discovery"])

_CACHE = {"Cache-Control": "max-age=86400, private"}


def _v2_document(ctx: Context, tenant_id: str) -> dict[str, Any]:
    ep = ctx.endpoint
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
        "issuer": ctx.issuer_v2(tenant_id),
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": f"{ctx.base_url}{USERINFO_PATH}",
        "authorization_endpoint": ep(tenant_id, "oauth2/v2.0/authorize"),
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
        "tenant_region_scope": "WW",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }


def _extras(ctx: Context) -> dict[str, Any]:
    """What Entra does not publish, when the mock is told to (``discovery_extras``)."""
    if not ctx.settings.discovery_extras:
        return {}
    methods = ["plain", "S256"] if ctx.settings.allow_plain_pkce else ["S256"]
    return {
        "code_challenge_methods_supported": methods,
        "grant_types_supported": [grant.grant_type for grant in GRANTS],
    }


def _v1_document(ctx: Context, tenant_id: str) -> dict[str, Any]:
    doc = _v2_document(ctx, tenant_id)
    ep = ctx.endpoint
    doc.update(
        token_endpoint=ep(tenant_id, "oauth2/token"),
        jwks_uri=ep(tenant_id, "discovery/keys"),
        issuer=ctx.issuer_v1(tenant_id),
        authorization_endpoint=ep(tenant_id, "oauth2/authorize"),
        # identity.flask reads this document for logout; Entra's v1 document points
        # at the v1 logout path, which the mock serves too.
        end_session_endpoint=ep(tenant_id, "oauth2/logout"),
        check_session_iframe=ep(tenant_id, "oauth2/checksession"),
    )
    return doc


@router.get("/{tenant}/v2.0/.well-known/openid-configuration")
def discovery_v2(tenant: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    t = ctx.tenant(tenant)
    return JSONResponse(_v2_document(ctx, t.id) | _extras(ctx), headers=_CACHE)


@router.get("/{tenant}/.well-known/openid-configuration")
def discovery_v1(tenant: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    t = ctx.tenant(tenant)
    return JSONResponse(_v1_document(ctx, t.id) | _extras(ctx), headers=_CACHE)


@router.get("/{tenant}/discovery/v2.0/keys")
@router.get("/{tenant}/discovery/keys")
def jwks(tenant: str, ctx: Context = Depends(get_context)) -> Response:
    t = ctx.tenant(tenant)
    document = ctx.ring(t.id).jwks(ctx.now(), ctx.issuer_v2(t.id))
    # The controls may break it or take it down for this tenant (scenario D25).
    return ctx.controls.jwks_override(document) or JSONResponse(document, headers=_CACHE)
