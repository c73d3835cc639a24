"""OpenID discovery (v2 and v1) and the JWKS, per tenant.

https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc#fetch-the-openid-configuration-document
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response

from mock_entra import authorities
from mock_entra.context import Context, get_context
from mock_entra.grants.registry import GRANTS

router = APIRouter(tags=["discovery"])

_CACHE = {"Cache-Control": "max-age=86400, private"}


def _v2_document(ctx: Context, tenant_id: str, issuer_tenant: str = "") -> dict[str, Any]:
    """``tenant_id`` names the endpoints (a tenant's id, or an alias); ``issuer_tenant``
    the issuer's tenant (the ``{tenantid}`` template for an alias)."""
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
        "issuer": ctx.issuer_v2(issuer_tenant or tenant_id),
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": f"{ctx.base_url}/graph/oidc/userinfo",
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
        "code_challenge_methods_supported": ["plain", "S256"],
        "grant_types_supported": [grant.grant_type for grant in GRANTS],
        "kerberos_endpoint": ep(tenant_id, "kerberos"),
        "tenant_region_scope": None if issuer_tenant else "WW",  # null in Entra's alias documents
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }


def _v1_document(ctx: Context, tenant_id: str, issuer_tenant: str = "") -> dict[str, Any]:
    doc = _v2_document(ctx, tenant_id, issuer_tenant)
    ep = ctx.endpoint
    doc.update(
        token_endpoint=ep(tenant_id, "oauth2/token"),
        jwks_uri=ep(tenant_id, "discovery/keys"),
        issuer=ctx.issuer_v1(issuer_tenant or tenant_id),
        authorization_endpoint=ep(tenant_id, "oauth2/authorize"),
        device_authorization_endpoint=ep(tenant_id, "oauth2/devicecode"),
        # identity.flask reads this document for logout; Entra's v1 document points
        # at the v1 logout path, which the mock serves too.
        end_session_endpoint=ep(tenant_id, "oauth2/logout"),
        check_session_iframe=ep(tenant_id, "oauth2/checksession"),
    )
    return doc


def _names(ctx: Context, segment: str) -> tuple[str, str]:
    """(the path's tenant, the issuer's tenant): an alias keeps its name and the template."""
    name = authorities.alias(segment)
    if name is not None:
        return name, authorities.issuer_tenant(name)
    return ctx.tenant(segment).id, ""


@router.get("/{tenant}/v2.0/.well-known/openid-configuration")
def discovery_v2(tenant: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    return JSONResponse(_v2_document(ctx, *_names(ctx, tenant)), headers=_CACHE)


@router.get("/{tenant}/.well-known/openid-configuration")
def discovery_v1(tenant: str, ctx: Context = Depends(get_context)) -> JSONResponse:
    return JSONResponse(_v1_document(ctx, *_names(ctx, tenant)), headers=_CACHE)


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


@router.get("/{tenant}/discovery/v2.0/keys")
@router.get("/{tenant}/discovery/keys")
def jwks(tenant: str, ctx: Context = Depends(get_context)) -> Response:
    if authorities.alias(tenant) is not None:
        return JSONResponse(alias_jwks(ctx), headers=_CACHE)
    t = ctx.tenant(tenant)
    document = ctx.ring(t.id).jwks(ctx.now(), ctx.issuer_v2(t.id))
    # The controls may break it or take it down for this tenant (scenario D25).
    return ctx.controls.jwks_override(document) or JSONResponse(document, headers=_CACHE)
