"""The token endpoint, free of HTTP: grant, prechecks, client authentication, handler.

https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow#redeem-a-code-for-an-access-token
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_entra import authorities
from mock_entra.client_auth.credentials import basic_credentials
from mock_entra.client_auth.methods import authenticate
from mock_entra.context import Context
from mock_entra.errors import missing_parameter
from mock_entra.grants.registry import grant_for
from mock_entra.grants.request import TokenRequest, token_parameters
from mock_entra.resource_indicator import check_resource
from mock_entra.tenant.model import Tenant


def alias_tenant(
    ctx: Context, alias: str, form: Mapping[str, str], authorization: str | None
) -> Tenant:
    """The tenant a token request through ``/organizations`` or ``/common`` is served in.

    The one the grant material belongs to (a code, a refresh token, a device code: the
    user's; an OBO assertion's ``tid``); with none (client credentials) the app's home
    tenant, where Entra "will try to guess" one
    (AzureAD/microsoft-authentication-library-for-js#5567, MSAL.NET#1384).
    """
    grant = grant_for(form.get("grant_type"))
    client_id = form.get("client_id") or _basic_client(authorization)
    if not client_id:
        raise missing_parameter("client_id")
    home = authorities.registration(ctx, alias, client_id).home
    tid = grant.tenant_of(ctx, form)
    return ctx.tenant(tid) if tid and ctx.directory.tenant(tid) else home


def _basic_client(authorization: str | None) -> str:
    try:
        basic = basic_credentials(authorization)
    except ValueError:
        return ""
    return basic[0] if basic else ""


def token_response(
    ctx: Context,
    tenant: Tenant,
    form: Mapping[str, str],
    authorization: str | None,
    *,
    v1: bool,
    authority: str = "",
) -> dict[str, Any]:
    """The token response body for a parsed form; an ``OAuthError`` for any refusal.

    The v2 endpoint holds a ``resource`` to Entra's rule (``resource_indicator``) once
    the client is known and before the grant uses up its code or refresh token.
    ``authority``: the path's tenant (an alias, or ``tenant.id`` by default), the
    token endpoint a client assertion must name.
    """
    grant = grant_for(form.get("grant_type"))
    params = token_parameters(form, v1=v1)
    grant.precheck(ctx, tenant, params)
    path = "oauth2/token" if v1 else "oauth2/v2.0/token"
    client = authenticate(
        ctx,
        tenant,
        params,
        authorization,
        token_endpoint=ctx.endpoint(authority or tenant.id, path),
        allow_public=grant.public_clients,
    )
    if not v1:
        check_resource(tenant, params.get("resource"), grant.scope_of(ctx, params))
    return grant.handle(TokenRequest(ctx, tenant, client, params, v1=v1))
